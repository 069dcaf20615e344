"""BibTeX export: the pure writer, and a real parser reading every field back."""

import bibtexparser
import pytest
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from kb.bibtex import Citation, citation_key, escape, escape_title, to_bibtex
from tests.factories import PendingProjectFactory, ProjectFactory, ReferenceFactory

# pylatexenc spells \textasciicircum as U+02C6 (modifier letter); LaTeX prints "^".
# It does not know the text-mode brace commands; LaTeX prints them as braces.
LATEX_CONTEXT = get_default_latex_context_db()
LATEX_CONTEXT.add_context_category(
    "tests",
    macros=[
        MacroTextSpec("textasciicircum", "^"),
        MacroTextSpec("textbraceleft", "{"),
        MacroTextSpec("textbraceright", "}"),
    ],
    prepend=True,
)
DECODER = LatexNodes2Text(latex_context=LATEX_CONTEXT)
VERBATIM = {"doi", "url"}

TRICKY = Citation(
    title="Précipitations & {braces} at 100% for $5, #1 a_b ~x^2 back\\slash: NO2 über Œuvre",
    authors=("Cécile Mallet", "Laurent Barthès", "Jürgen Groß", "Tom and Jerry"),
    incomplete_authors=True,
    kind="article",
    venue="Revue de l’Institut & Co",
    year=2020,
    doi="10.1109/TGRS.2020_3#x",
    url="https://example.org/paper?a=1&b=50%25#part_2",
    note="en révision",
)


def parse(text):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return library.entries


def decoded(entry):
    return {
        field.key: field.value if field.key in VERBATIM else DECODER.latex_to_text(field.value)
        for field in entry.fields
    }


def test_round_trip_reads_back_every_field_with_accents_braces_and_ampersands():
    (entry,) = parse(to_bibtex([TRICKY]))
    assert entry.entry_type == "article"
    fields = decoded(entry)
    assert fields == {
        "author": "Cécile Mallet and Laurent Barthès and Jürgen Groß and Tom and Jerry and others",
        "title": TRICKY.title,
        "journal": "Revue de l’Institut & Co",
        "year": "2020",
        "doi": "10.1109/TGRS.2020_3#x",
        "url": "https://example.org/paper?a=1&b=50%25#part_2",
        "note": "en révision",
    }
    # The name that holds " and " stays one author for BibTeX.
    assert "{Tom and Jerry}" in entry.fields_dict["author"].value


def test_special_characters_are_escaped_for_latex():
    assert escape("&%$#_{}~^\\") == (
        r"\&\%\$\#\_\textbraceleft{}\textbraceright{}\textasciitilde{}\textasciicircum{}\textbackslash{}"
    )
    assert escape("é è ê ë ç ñ å ß œ") == (
        r"{\'e} {\`e} {\^e} {\"e} {\c{c}} {\~n} {\r{a}} {\ss} {\oe}"
    )
    # Characters with no accent command stay as UTF-8 text (the file is UTF-8).
    assert escape("λ’") == "λ’"


def test_titles_protect_acronyms_and_inner_capitals():
    assert escape_title("Using U-Net on NO2 fields from IMERG") == (
        "Using {U-Net} on {NO2} fields from {IMERG}"
    )


def test_entry_types_follow_the_kind_and_the_venue():
    entries = parse(
        to_bibtex(
            [
                Citation(title="A", kind="conference", venue="EGU 2020", year=2020),
                Citation(title="B", kind="article", venue=""),  # no journal: not an @article
                Citation(title="C", kind="other", venue="Thesis, Sorbonne"),
            ]
        )
    )
    assert [e.entry_type for e in entries] == ["inproceedings", "misc", "misc"]
    assert entries[0].fields_dict["booktitle"].value == "EGU 2020"
    assert entries[2].fields_dict["howpublished"].value == "Thesis, Sorbonne"
    assert "author" not in entries[0].fields_dict


def test_citation_keys_are_readable_ascii_and_unique():
    taken = set()
    citation = Citation(title="The Échos of radar", authors=("Pierre Lépetit",), year=2020)
    assert citation_key(citation, taken) == "lepetit2020echos"
    assert citation_key(citation, taken) == "lepetit2020echosa"
    assert citation_key(Citation(title="x"), taken) == "anonymousx"


def test_empty_list_gives_an_empty_file():
    assert to_bibtex([]) == ""


@pytest.mark.django_db
def test_project_bibtex_download_holds_its_references(client):
    reference = ReferenceFactory(
        authors="Pierre Lepetit; et al.", title="Radar & rain", doi="10.1109/TGRS.2020.1"
    )
    response = client.get(f"/projects/{reference.project.slug}/references.bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{reference.project.slug}.bib"'
    )
    (entry,) = parse(response.content.decode())
    fields = decoded(entry)
    assert fields["author"] == "Pierre Lepetit and others"
    assert fields["title"] == "Radar & rain"
    assert fields["doi"] == "10.1109/TGRS.2020.1"


@pytest.mark.django_db
def test_list_bibtex_follows_the_filters_and_leaves_pending_out(client, django_assert_num_queries):
    detection = ReferenceFactory(title="On detection")
    segmentation = ReferenceFactory(
        title="On segmentation", project=ProjectFactory(tasks=[_task("segmentation")])
    )
    ReferenceFactory(title="Secret pending", project=PendingProjectFactory())

    everything = client.get("/projects/references.bib").content.decode()
    assert {decoded(e)["title"] for e in parse(everything)} == {
        detection.title,
        segmentation.title,
    }
    with django_assert_num_queries(1):
        filtered = client.get("/projects/references.bib?task=segmentation").content.decode()
    assert [decoded(e)["title"] for e in parse(filtered)] == [segmentation.title]


@pytest.mark.django_db
def test_pending_project_bibtex_is_not_found_for_readers(client):
    reference = ReferenceFactory(project=PendingProjectFactory())
    assert client.get(f"/projects/{reference.project.slug}/references.bib").status_code == 404


def _task(slug):
    from kb.models import Task

    return Task.objects.get(slug=slug)


def braces_balance(value):
    """BibTeX's own rule: every brace counts, a backslash before it changes nothing."""
    depth = 0
    for char in value:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_a_brace_breaking_title_cannot_add_a_field():
    text = to_bibtex([Citation(title="T}, note = {X", authors=("Ada Lovelace",), year=2020)])
    (entry,) = parse(text)
    assert [field.key for field in entry.fields] == ["author", "title", "year"]
    assert all(braces_balance(field.value) for field in entry.fields)
    assert DECODER.latex_to_text(entry["title"]) == "T}, note = {X"
