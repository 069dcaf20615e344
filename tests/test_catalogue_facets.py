"""Facets: reading the URL (pure), counting and combining (database)."""

import pytest
from django.utils.datastructures import MultiValueDict

from kb.catalogue_facets import Selection, build_facet, parse_selection
from kb.models import Architecture, DataType, Laboratory, Project, Task
from kb.models.catalogue import word_forms
from kb.services.catalogue import propose_project
from tests.factories import PendingProjectFactory, ProjectFactory, ReferenceFactory


def query(**values):
    return MultiValueDict(
        {key: value if isinstance(value, list) else [value] for key, value in values.items()}
    )


def test_parse_selection_keeps_known_facets_text_and_sort():
    selection = parse_selection(
        query(
            task=["detection", "segmentation", "detection"],
            year=["2017", "x"],
            q="  Radar   echo ",
            sort="title",
            page="2",
            other="1",
        )
    )
    assert selection.values == {"task": ("detection", "segmentation"), "year": ("2017",)}
    assert selection.text == "Radar echo"
    assert selection.sort == "title"


def test_parse_selection_drops_an_unknown_sort():
    assert parse_selection(query(sort="drop table")).sort == "recent"


def test_query_strings_toggle_one_value_and_drop_the_page():
    selection = parse_selection(query(task=["detection"], lab="latmos", q="radar", page="3"))
    assert selection.query_string() == "task=detection&lab=latmos&q=radar"
    assert selection.toggled("task", "segmentation").query_string() == (
        "task=detection&task=segmentation&lab=latmos&q=radar"
    )
    assert selection.toggled("task", "detection").query_string() == "lab=latmos&q=radar"


def test_build_facet_hides_empty_values_unless_selected():
    selection = Selection(values={"task": ("denoising",)})
    facet = build_facet(
        "task",
        [("detection", "Detection", 3), ("denoising", "Denoising", 0), ("gan", "GAN", 0)],
        selection,
    )
    assert [(o.value, o.count, o.selected) for o in facet.options] == [
        ("detection", 3, False),
        ("denoising", 0, True),
    ]
    assert facet.options[0].query == "task=denoising&task=detection"
    assert facet.options[1].query == ""


@pytest.fixture
def catalogue(db):
    """Four published projects and one pending one, typed to test combinations."""
    task = {t.slug: t for t in Task.objects.all()}
    arch = {a.slug: a for a in Architecture.objects.all()}
    radar = DataType.objects.get(slug="radar")
    latmos = Laboratory.objects.get(slug="latmos")
    return {
        "a": ProjectFactory(
            title="Cyclones", year=2017, tasks=[task["detection"]], architectures=[arch["cnn"]]
        ),
        "b": ProjectFactory(
            title="Rain échos",
            summary="Radar cleaning",
            year=2020,
            tasks=[task["denoising"], task["detection"]],
            architectures=[arch["u-net"]],
            data_types=[radar],
            laboratories=[latmos],
        ),
        "c": ProjectFactory(
            title="Fields",
            year=2020,
            tasks=[task["segmentation"]],
            architectures=[arch["cnn"], arch["rnn-lstm"]],
        ),
        "d": ProjectFactory(
            title="Downscale",
            year=None,
            tasks=[task["downscaling"]],
            architectures=[arch["mlp"]],
            laboratories=[latmos],
        ),
        "pending": PendingProjectFactory(
            title="Secret",
            year=2017,
            tasks=[task["detection"]],
            architectures=[arch["cnn"]],
            laboratories=[latmos],
        ),
    }


def counts(**values):
    raw = Project.objects.published().facet_counts(parse_selection(query(**values)))
    return {
        facet: {value: count for value, _label, count in rows if count}
        for facet, rows in raw.items()
    }


def titles(**values):
    selection = parse_selection(query(**values))
    return sorted(Project.objects.published().filtered(selection).values_list("title", flat=True))


def test_counts_without_filters_count_published_projects_only(catalogue):
    result = counts()
    assert result["task"] == {"detection": 2, "denoising": 1, "segmentation": 1, "downscaling": 1}
    assert result["architecture"] == {"cnn": 2, "u-net": 1, "rnn-lstm": 1, "mlp": 1}
    assert result["data"] == {"radar": 1}
    assert result["lab"] == {"latmos": 2}
    assert result["year"] == {2017: 1, 2020: 2}


def test_values_of_one_facet_are_alternatives(catalogue):
    assert titles(task=["denoising", "segmentation"]) == ["Fields", "Rain échos"]


def test_facets_combine_and_each_counts_under_the_others(catalogue):
    assert titles(task="detection", architecture="cnn") == ["Cyclones"]
    result = counts(task="detection", architecture="cnn")
    # Tasks counted among CNN projects; architectures among detection projects.
    assert result["task"] == {"detection": 1, "segmentation": 1}
    assert result["architecture"] == {"cnn": 1, "u-net": 1}
    assert result["year"] == {2017: 1}


def test_lab_year_and_text_combine(catalogue):
    assert titles(lab="latmos") == ["Downscale", "Rain échos"]
    assert titles(lab="latmos", year="2020") == ["Rain échos"]
    assert counts(lab="latmos")["year"] == {2020: 1}


def test_text_search_ignores_case_and_accents(catalogue):
    assert titles(q="ECHOS") == ["Rain échos"]
    assert titles(q="radar rain") == ["Rain échos"]
    assert titles(q="Échos radar") == ["Rain échos"]
    assert counts(q="cyclones")["task"] == {"detection": 1}


def test_unknown_values_match_nothing(catalogue):
    assert titles(task="no-such-task") == []


def test_word_forms_let_a_plural_find_its_singular():
    assert word_forms("reseaux") == ["reseau", "reseal"]
    assert word_forms("spatiaux") == ["spatiau", "spatial"]
    assert word_forms("donnees") == ["donne"]
    assert word_forms("classes") == ["class"]
    assert word_forms("gans") == ["gan"]
    # Short words, and words that are no plural, stay as typed.
    for word in ("les", "aux", "lstm", "class", "reseau"):
        assert word_forms(word) == [word]


@pytest.fixture
def typed(db, django_capture_on_commit_callbacks):
    """Projects whose titles and summaries hold none of the words searched for below."""
    with django_capture_on_commit_callbacks(execute=True):
        lstm = ProjectFactory(
            title="Rain",
            summary="Nowcasting.",
            architectures=Architecture.objects.filter(slug="rnn-lstm"),
            laboratories=Laboratory.objects.filter(slug="latmos"),
        )
        ReferenceFactory(project=lstm, authors="Evan Racah; Christopher Beckham; et al.")
        ProjectFactory(
            title="Fields",
            summary="Maps.",
            architectures=Architecture.objects.filter(slug="u-net"),
            data_types=DataType.objects.all(),
        )
    return lstm


@pytest.mark.parametrize(
    "text",
    ["LSTM", "récurrent", "Recurrent network", "reseau recurrent", "réseaux", "latmos", "RACAH"],
)
def test_text_search_finds_list_values_in_both_languages_and_authors(typed, text):
    assert titles(q=text) == ["Rain"]


def test_text_search_plural_finds_the_singular(typed):
    assert titles(q="réanalyses") == titles(q="réanalyse") == ["Fields"]
    assert titles(q="stations") == ["Fields"]
    assert titles(q="networks") == ["Rain"]


def test_text_search_follows_a_renamed_list_value(typed, django_capture_on_commit_callbacks):
    latmos = Laboratory.objects.get(slug="latmos")
    latmos.label_fr = latmos.label_en = "Atmosphères, milieux"
    with django_capture_on_commit_callbacks(execute=True):
        latmos.save()
    assert titles(q="latmos") == []
    assert titles(q="atmospheres") == ["Rain"]


@pytest.mark.django_db
def test_text_search_key_is_whole_as_soon_as_a_proposal_is_stored():
    project = propose_project(
        proposer=None,
        fields={
            "title": "Rain",
            "summary_en": "Nowcasting.",
            "tasks": Task.objects.filter(slug="prediction"),
            "architectures": Architecture.objects.filter(slug="gan"),
        },
        references=[{"authors": "Evan Racah", "title": "A paper"}],
    )
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PUBLISHED)
    for text in ("GAN", "antagoniste", "prédiction", "racah"):
        assert titles(q=text) == ["Rain"]
