"""Importing a past edition from CSV: the tools' formats, line-numbered errors, all or nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from survey import services
from survey.models import Answer, Response
from tests.factories import build_edition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def edition():
    return build_edition(2019, state="closed")


LIMESURVEY = (
    "\ufeff"
    'id,"Your theme\n(main one)","Tools [Jupyter]","Tools [Vim]","Tools [VS Code]","Tools [Other]",Satisfaction,Years\n'
    "1,Océan,Yes,,,,4,3\n"
    '2,"Atmosphere",1,Y,,,5,"2,5"\n'
    "3,Glaciers,,,,Emacs,3,\n"
)
LIMESURVEY_MAPPING = {
    "Your theme (main one)": "theme",
    "Tools [Jupyter]": "tools[jupyter]",
    "Tools [Vim]": "tools[vim]",
    "Tools [VS Code]": "tools[vscode]",
    "Tools [Other]": "tools[other]",
    "Satisfaction": "satisfaction",
    "Years": "years",
}


def test_limesurvey_columns_per_option_bom_and_multiline_header(edition):
    stored, skipped = services.import_responses(
        edition=edition, text=LIMESURVEY, mapping=LIMESURVEY_MAPPING
    )
    assert (stored, skipped) == (3, 0)
    assert Response.objects.filter(is_imported=True, submitted=True).count() == 3
    answers = [services.stored_answers(r) for r in Response.objects.all()]
    assert {"choices": ["ocean"], "other": ""} in [a["theme"] for a in answers]
    assert {"choices": [], "other": "Glaciers"} in [a["theme"] for a in answers]
    assert {"choices": [], "other": "Emacs"} in [a["tools"] for a in answers]
    assert sorted(a["years"]["number"] for a in answers if "years" in a) == [2.5, 3.0]
    assert Answer.objects.filter(choice__key="jupyter").count() == 2


def test_google_forms_joined_cells_and_semicolons(edition):
    text = (
        "Horodateur,Theme,Tools,Satisfaction\n"
        '2019/06/03,Ocean,"Jupyter, VS Code",4\n'
        '2019/06/04,Ocean,"Vim;Jupyter",2\n'
        "2019/06/05,,,\n"
    )
    mapping = {"Theme": "theme", "Tools": "tools", "Satisfaction": "satisfaction"}
    stored, skipped = services.import_responses(edition=edition, text=text, mapping=mapping)
    assert (stored, skipped) == (2, 1)
    tools = sorted(
        tuple(sorted(services.stored_answers(r)["tools"]["choices"]))
        for r in Response.objects.all()
    )
    assert tools == [("jupyter", "vim"), ("jupyter", "vscode")]


def test_option_text_containing_the_separator_is_recognised(edition):
    from survey.models import Choice

    Choice.objects.filter(key="vscode").update(text_fr="VS Code, avec extensions")
    text = 'Theme,Tools\nOcean,"VS Code, avec extensions, Vim"\n'
    services.import_responses(
        edition=edition, text=text, mapping={"Theme": "theme", "Tools": "tools"}
    )
    assert sorted(services.stored_answers(Response.objects.get())["tools"]["choices"]) == [
        "vim",
        "vscode",
    ]


def test_bad_rows_reported_by_line_and_nothing_stored(edition):
    text = (
        'Theme,"Tools\n[Vim]",Satisfaction,Years\n'  # the header spans lines 1-2
        "Ocean,yes,4,3\n"  # line 3: fine
        "Ocean,perhaps,9,3\n"  # line 4: two problems
        '"Ocean\nand more",,4,old\n'  # line 5 (spans 5-6)
        "Ocean,,4,60\n"  # line 7: out of bounds
    )
    mapping = {
        "Theme": "theme",
        "Tools [Vim]": "tools[vim]",
        "Satisfaction": "satisfaction",
        "Years": "years",
    }
    with pytest.raises(services.ImportRefused) as refused:
        services.import_responses(edition=edition, text=text, mapping=mapping)
    errors = refused.value.errors
    lines = [line for line, _reason in errors]
    assert lines == [4, 4, 5, 7]
    reasons = " | ".join(reason for _line, reason in errors)
    assert "tools: “perhaps” is neither yes nor no." in reasons
    assert "satisfaction: Enter a number between 1 and 5." in reasons
    assert "years: “old” is not a number." in reasons
    assert "years: Enter a number between 0 and 50." in reasons
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_unknown_option_without_other_is_an_error(edition):
    from survey.models import Question

    Question.objects.filter(key="theme").update(allow_other=False)
    text = "Theme\nOcean\nVolcanoes\n"
    with pytest.raises(services.ImportRefused) as refused:
        services.import_responses(edition=edition, text=text, mapping={"Theme": "theme"})
    assert refused.value.errors == [(3, "theme: “Volcanoes” is not one of the options.")]


def test_mapping_problems_reported_before_reading_rows(edition):
    text = "Theme,Tools\nOcean,Vim\n"
    with pytest.raises(services.ImportRefused) as refused:
        services.import_responses(
            edition=edition,
            text=text,
            mapping={"Missing": "theme", "Theme": "nope", "Tools": "tools[emacs]"},
        )
    assert [reason for _line, reason in refused.value.errors] == [
        "No column is headed “Missing”.",
        "“nope” is not a question of this edition.",
        "“tools[emacs]” is not an option of this question.",
    ]


def test_command_imports_and_reports(edition, tmp_path, capsys):
    csv_file = tmp_path / "answers.csv"
    csv_file.write_text(LIMESURVEY, encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(LIMESURVEY_MAPPING), encoding="utf-8")
    call_command("import_survey_csv", "2019", str(csv_file), "--mapping", str(mapping))
    assert "3 responses imported" in capsys.readouterr().out
    csv_file.write_text("Years\n3\n99\n", encoding="utf-8")
    mapping.write_text(json.dumps({"Years": "years"}), encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_survey_csv", "2019", str(csv_file), "--mapping", str(mapping))
    assert "line 3: years: Enter a number between 0 and 50." in capsys.readouterr().err
    assert Response.objects.count() == 3


def test_import_page_for_coordinators(client, member, coordinator, edition):
    url = "/en/survey/design/2019/import/"
    client.force_login(member)
    assert client.post(url).status_code == 403
    client.force_login(coordinator)
    upload = SimpleUploadedFile("answers.csv", b"Theme,Years\nOcean,3\nOcean,99\n")
    page = client.post(
        url, {"csv_file": upload, "mapping": "Theme = theme\nYears = years"}
    ).content.decode()
    assert "Nothing was imported" in page
    assert "Line 3: years: Enter a number between 0 and 50." in page
    assert not Response.objects.exists()
    upload = SimpleUploadedFile("answers.csv", b"Theme,Years\nOcean,3\n")
    response = client.post(url, {"csv_file": upload, "mapping": "Theme = theme\nYears = years"})
    assert response["Location"] == "/en/survey/design/2019/"
    assert Response.objects.filter(is_imported=True).count() == 1


def test_import_page_refuses_a_file_that_is_not_utf8(coordinator_client, edition):
    upload = SimpleUploadedFile("answers.csv", "Thème\nOcéan\n".encode("latin-1"))
    page = coordinator_client.post(
        "/en/survey/design/2019/import/", {"csv_file": upload, "mapping": "Thème = theme"}
    ).content.decode()
    assert "The file is not UTF-8 text." in page
