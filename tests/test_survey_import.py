"""Importing a past edition from CSV: the tools' formats, line-numbered errors, all or nothing."""

import hashlib
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from survey import services
from survey.models import Answer, ImportRecord, Response
from tests.factories import build_edition, complete_answers

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
    assert "3 responses imported (0 empty rows skipped)." in capsys.readouterr().out
    csv_file.write_text("Years\n3\n,\n", encoding="utf-8")
    mapping.write_text(json.dumps({"Years": "years"}), encoding="utf-8")
    call_command("import_survey_csv", "2019", str(csv_file), "--mapping", str(mapping))
    assert "1 response imported (1 empty row skipped)." in capsys.readouterr().out
    csv_file.write_text("Years\n3\n99\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_survey_csv", "2019", str(csv_file), "--mapping", str(mapping))
    assert "line 3: years: Enter a number between 0 and 50." in capsys.readouterr().err
    assert Response.objects.count() == 4


FIXTURES = Path(__file__).parent / "fixtures" / "survey_import"
IMPORT_URL = "/en/survey/design/2019/import/"
LIMESURVEY_EXPORT_MAPPING = """theme = theme
tools[SQ001] = tools[jupyter]
tools[SQ002] = tools[vim]
tools[SQ003] = tools[vscode]
tools[other] = tools[other]
satisfaction = satisfaction
years = years
remarks = remarks"""
GOOGLE_FORMS_MAPPING = """Question theme = theme
Question tools = tools
Question satisfaction = satisfaction
Question years = years
Question remarks = remarks"""


def upload(client, name, mapping, content=None):
    content = (FIXTURES / name).read_bytes() if content is None else content
    return client.post(
        IMPORT_URL, {"csv_file": SimpleUploadedFile(name, content), "mapping": mapping}
    )


def test_import_pages_for_coordinators_only(client, member, edition):
    client.force_login(member)
    assert client.post(IMPORT_URL).status_code == 403
    assert client.get(IMPORT_URL + "1/").status_code == 403
    assert client.post(IMPORT_URL + "1/undo/").status_code == 403


def test_limesurvey_export_previewed_then_imported(coordinator_client, coordinator, edition):
    response = upload(coordinator_client, "limesurvey_responses.csv", LIMESURVEY_EXPORT_MAPPING)
    record = ImportRecord.objects.get()
    assert response["Location"] == f"{IMPORT_URL}{record.pk}/"
    assert not Response.objects.exists()  # nothing stored before the confirmation

    page = coordinator_client.get(response["Location"]).content.decode()
    assert "3 responses will be stored." in page
    assert (
        "Line 2 looks like a second header row (question texts): it will not be imported." in page
    )
    assert "<code>submitdate</code>" in page and "<code>seed</code>" in page  # never mapped
    assert "<td>Ocean</td>" in page and "<td>other: Glaciers</td>" in page
    assert "<td>Jupyter; Vim</td>" in page and "Import 3 responses" in page

    response = coordinator_client.post(response["Location"], {"import": ""})
    assert response["Location"] == IMPORT_URL
    record.refresh_from_db()
    assert record.state == ImportRecord.State.IMPORTED and record.rows == 3
    assert record.created_by == coordinator and record.file_name == "limesurvey_responses.csv"
    expected = hashlib.sha256((FIXTURES / "limesurvey_responses.csv").read_bytes()).hexdigest()
    assert record.file_sha256 == expected
    assert record.csv_text == ""  # the file may hold identities: not kept
    assert Response.objects.filter(import_record=record, submitted=True).count() == 3
    remarks = [services.stored_answers(r).get("remarks") for r in Response.objects.all()]
    assert {"text": "Two lines\nof remarks"} in remarks
    history = coordinator_client.get(IMPORT_URL).content.decode()
    assert "limesurvey_responses.csv" in history and "Undo: delete its 3 responses" in history


def test_google_forms_export_previewed_then_imported(coordinator_client, edition):
    response = upload(coordinator_client, "google_forms.csv", GOOGLE_FORMS_MAPPING)
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "2 responses will be stored." in page and "1 empty row skipped." in page
    assert "<code>Horodateur</code>" in page
    coordinator_client.post(response["Location"], {"import": ""})
    tools = sorted(
        tuple(services.stored_answers(r)["tools"]["choices"]) for r in Response.objects.all()
    )
    assert tools == [("jupyter", "vscode"), ("vim",)]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "limesurvey_structure.lss",
            "This file is XML or HTML (a LimeSurvey .lss survey structure?)",
        ),
        ("kobo_form.json", "This file is JSON (a KoboToolbox or other form definition?)"),
    ],
)
def test_files_that_are_not_response_exports_are_refused(
    coordinator_client, edition, name, message
):
    response = upload(coordinator_client, name, "theme = theme")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportRecord.objects.exists() and not Response.objects.exists()


def test_a_nul_byte_in_a_cell_is_refused(coordinator_client, edition):
    response = upload(coordinator_client, "nul.csv", "Theme = theme", b"Theme\nOc\x00ean\n")
    assert response.status_code == 400
    assert "This file holds NUL bytes" in response.content.decode()
    assert not Response.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(coordinator_client, edition):
    content = "Thème\nOcéan\n".encode("latin-1")
    response = upload(coordinator_client, "answers.csv", "Thème = theme", content)
    assert "The file is not UTF-8 text." in response.content.decode()


def test_a_preview_with_problems_cannot_be_imported(coordinator_client, edition):
    response = upload(
        coordinator_client,
        "a.csv",
        "Theme = theme\nYears = years",
        b"Theme,Years\nOcean,3\nOcean,99\n",
    )
    preview = response["Location"]
    page = coordinator_client.get(preview)
    assert page.status_code == 400
    assert "Line 3: years: Enter a number between 0 and 50." in page.content.decode()
    assert "Import 1 response" not in page.content.decode()
    page = coordinator_client.post(preview, {"import": ""})
    assert "Nothing was imported" in page.content.decode()
    assert not Response.objects.exists()


def test_a_preview_with_problems_keeps_the_mapping_and_says_nothing_will_be_stored(
    coordinator_client, edition
):
    mapping = "Theme = theme\nYears = years"
    preview = upload(coordinator_client, "a.csv", mapping, b"Theme,Years\nOcean,3\nOcean,99\n")
    record = ImportRecord.objects.get()
    page = coordinator_client.get(preview["Location"]).content.decode()
    assert "1 problem: nothing will be stored until it is fixed." in page
    assert "1 row without problems." in page and "will be stored." not in page.replace(
        "nothing will be stored", ""
    )
    # The file can be sent again from here, its mapping filled in; so can the import page.
    assert f'action="{IMPORT_URL}" enctype="multipart/form-data"' in page
    assert ">\nTheme = theme\nYears = years</textarea>" in page
    assert f'href="{IMPORT_URL}?from={record.pk}"' in page
    again = coordinator_client.get(f"{IMPORT_URL}?from={record.pk}").content.decode()
    assert ">\nTheme = theme\nYears = years</textarea>" in again
    french = coordinator_client.get(preview["Location"].removeprefix("/en")).content.decode()
    assert "1 problème\u202f: rien ne sera enregistré tant qu’il n’est pas corrigé." in french
    assert "1 ligne sans problème." in french and "sera enregistrée" not in french

    fixed = upload(coordinator_client, "a.csv", mapping, b"Theme,Years\nOcean,3\nOcean,9\n")
    page = coordinator_client.get(fixed["Location"]).content.decode()
    assert "2 responses will be stored." in page and "problem" not in page


@pytest.mark.parametrize(
    ("prefix", "done"),
    [
        ("/en", "1 response imported. 1 empty row skipped."),
        ("", "1 réponse importée. 1 ligne vide ignorée."),
    ],
)
def test_import_and_undo_messages_count_in_words(coordinator_client, edition, prefix, done):
    url = f"{prefix}/survey/design/2019/import/"
    preview = coordinator_client.post(
        url,
        {
            "csv_file": SimpleUploadedFile("a.csv", b"Years,Theme\n3,Ocean\n,\n"),
            "mapping": "Years = years\nTheme = theme",
        },
    )["Location"]
    page = coordinator_client.post(preview, {"import": ""}, follow=True).content.decode()
    assert done in page
    record = ImportRecord.objects.get()
    page = coordinator_client.post(f"{url}{record.pk}/undo/", follow=True).content.decode()
    undone = {
        "/en": "Import of “a.csv” undone: 1 response deleted.",
        "": "Import de «\u00a0a.csv\u00a0» annulé\u202f: 1 réponse supprimée.",
    }[prefix]
    assert undone in page


def test_a_preview_set_aside_stores_nothing(coordinator_client, edition):
    response = upload(coordinator_client, "google_forms.csv", GOOGLE_FORMS_MAPPING)
    coordinator_client.post(response["Location"], {"cancel": ""})
    assert not ImportRecord.objects.exists() and not Response.objects.exists()


def test_semicolon_separated_exports_are_read(edition):
    stored, _skipped = services.import_responses(
        edition=edition, text="Theme;Years\nOcean;3\n", mapping={"Theme": "theme", "Years": "years"}
    )
    assert stored == 1


def test_undo_deletes_exactly_the_responses_of_one_import(coordinator_client, coordinator, edition):
    member_response = Response.objects.create(edition=edition, key="member", submitted=True)
    for name, mapping in [
        ("limesurvey_responses.csv", LIMESURVEY_EXPORT_MAPPING),
        ("google_forms.csv", GOOGLE_FORMS_MAPPING),
    ]:
        preview = upload(coordinator_client, name, mapping)["Location"]
        coordinator_client.post(preview, {"import": ""})
    first, second = ImportRecord.objects.order_by("pk")
    assert Response.objects.count() == 1 + 3 + 2

    response = coordinator_client.post(f"{IMPORT_URL}{first.pk}/undo/")
    assert response["Location"] == IMPORT_URL
    first.refresh_from_db()
    assert first.state == ImportRecord.State.UNDONE and first.undone_by == coordinator
    assert not Response.objects.filter(import_record=first).exists()
    assert Response.objects.filter(import_record=second).count() == 2
    assert Response.objects.filter(pk=member_response.pk).exists()
    assert not Answer.objects.filter(response__import_record=first).exists()
    # Undoing twice finds nothing to undo.
    assert coordinator_client.post(f"{IMPORT_URL}{first.pk}/undo/").status_code == 404


@pytest.mark.parametrize("imports", [1, 3])
def test_import_page_query_count(coordinator_client, edition, imports, django_assert_num_queries):
    for number in range(imports):
        services.import_responses(
            edition=edition,
            text=f"Years\n{number}\n",
            mapping={"Years": "years"},
            file_name="a.csv",
        )
    coordinator_client.get(IMPORT_URL)  # the session and the caches warm up
    with django_assert_num_queries(6):
        page = coordinator_client.get(IMPORT_URL).content.decode()
    assert page.count("a.csv") == imports


def _answers_of(edition):
    """Each response's answers, choices sorted, as comparable text."""
    stored = []
    for response in Response.objects.filter(edition=edition):
        answers = services.stored_answers(response)
        for value in answers.values():
            if "choices" in value:
                value["choices"].sort()
        stored.append(json.dumps(answers, sort_keys=True, ensure_ascii=False))
    return sorted(stored)


def test_the_sites_csv_export_imports_back_as_the_same_answers(coordinator_client, edition):
    source = build_edition(2020, state="closed")
    services.store_anonymous_responses(
        edition=source,
        answer_sets=[
            complete_answers(),
            complete_answers(
                theme={"choices": [], "other": "Glaciers, « côtiers »"},
                tools={"choices": ["vscode"], "other": "Emacs"},
                years={"number": 2.5},
                remarks={"text": "Un retour d’expérience\nsur deux lignes, « entre guillemets »"},
            ),
            {"theme": {"choices": ["atmosphere"], "other": ""}, "satisfaction": {"number": 1.0}},
        ],
    )
    content = coordinator_client.get("/en/survey/2020/results/answers.csv").content
    assert content.startswith(b"\xef\xbb\xbf")  # so that Excel reads the accents
    text = content.decode("utf-8-sig")
    header = text.split("\r\n", 1)[0].split(",")
    assert ",4,3," in text and ",2.5," in text and ".0," not in text
    mapping = "\n".join(f"{column} = {column}" for column in header if column != "respondent")

    preview = upload(coordinator_client, "answers.csv", mapping, content)["Location"]
    assert "3 responses will be stored." in coordinator_client.get(preview).content.decode()
    coordinator_client.post(preview, {"import": ""})
    assert _answers_of(edition) == _answers_of(source)
