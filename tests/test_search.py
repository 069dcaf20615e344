"""Site search: accents, case, stemming, ranking, passages, odd queries — on both databases."""

import pytest
from django.db import connection
from django.test import Client

from kb.models import SearchEntry
from kb.search import search
from kb.search_text import passage, stem
from kb.services.docs import save_page
from tests.factories import UserFactory, doc_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    doc_page(
        "gpu",
        title="Surveiller les GPU",
        body="Libérez la mémoire des cartes graphiques à la fin de votre session.",
    )
    doc_page(
        "donnees",
        title="Espaces de données",
        body="Les espaces rapides n’ont aucune sauvegarde. Comparez avec `a < b`.",
    )
    doc_page("memoire", title="Mémoire des cartes", body="Combien de mémoire a une carte ?")


def titles(query):
    return [hit.entry.title for hit in search(query).hits]


def test_search_ignores_accents_and_case(pages):
    assert "Surveiller les GPU" in titles("MEMOIRE")
    assert "Espaces de données" in titles("donnees")


def test_search_finds_other_forms_of_a_word(pages):
    assert titles("sauvegardes") == ["Espaces de données"]
    assert "Surveiller les GPU" in titles("carte")


def test_search_ranks_title_matches_first(pages):
    assert titles("mémoire")[0] == "Mémoire des cartes"


def test_search_weighs_headings_above_text():
    filler = "Une phrase qui ne parle de rien de précis. " * 5
    doc_page("texte", title="Stockage", body=f"{filler}Les quotas du projet sont stricts.")
    doc_page("titre", title="Volumes", body=f"## Quotas du projet\n\n{filler}")
    assert titles("quotas") == ["Volumes", "Stockage"]


def test_search_long_page_does_not_win_on_repetition():
    """A word in a page's summary outweighs the same word repeated down a long FAQ."""
    doc_page(
        "sessions", title="Sessions", summary="Réserver une carte avec srun.", body="Lancez srun."
    )
    questions = "".join(
        f"### Question {n} ?\n\nLa commande srun attend, patientez un peu avant de réessayer "
        "ou demandez au groupe de vous aider à lire les messages du gestionnaire.\n\n"
        for n in range(8)
    )
    doc_page("faq", title="FAQ", body=questions)
    assert titles("srun") == ["Sessions", "FAQ"]


def test_search_takes_the_last_word_as_the_start_of_a_word(pages):
    """As people type: "mémo" finds "mémoire"; only the last word may be unfinished."""
    assert titles("mémo")[0] == "Mémoire des cartes"
    assert titles("cartes mémo") == ["Mémoire des cartes", "Surveiller les GPU"]
    assert titles("mémo cartes") == []


def test_search_requires_every_word(pages):
    assert titles("mémoire session") == ["Surveiller les GPU"]


def test_search_skips_stop_words(pages):
    assert titles("la mémoire des cartes") == titles("mémoire cartes")
    assert "<mark>de</mark>" not in search("espaces de données").hits[0].passage


def test_search_finds_nothing_for_an_absent_word(pages):
    assert titles("kubernetes") == []


def test_search_passage_marks_matches_and_escapes_text(pages):
    hit = search("comparez").hits[0]
    assert "<mark>Comparez</mark>" in hit.passage
    assert "a &lt; b" in hit.passage


@pytest.mark.parametrize(
    "query", ["'); DROP TABLE kb_searchentry; --", "&|!():*<>", "é" * 5000, "a:* & b"]
)
def test_search_odd_queries_never_fail(client, pages, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    page = response.content.decode()
    # A clear answer: a count of results, or the notice that no word was found.
    assert "résultat" in page or "aucun mot à chercher" in page


def test_search_passages_show_where_a_heading_or_a_list_item_ends(client):
    doc_page("cluster", title="Le cluster", body="## Ce qu’il faut\n\n- Un compte\n- Une clé SSH")
    page = client.get("/search/?q=compte").content.decode()
    assert "Ce qu’il faut · Un <mark>compte</mark> · Une clé SSH" in page


def test_search_page_shows_highlighted_results(client, pages):
    page = client.get("/search/", {"q": "memoire"}).content.decode()
    assert "2 résultats" in page
    assert "<mark>mémoire</mark>" in page
    assert 'href="/docs/memoire/"' in page


def test_search_page_in_english_links_english_urls(client, pages):
    page = client.get("/en/search/", {"q": "memoire"}).content.decode()
    assert "2 results" in page
    assert 'href="/en/docs/memoire/"' in page


def test_search_page_empty_and_wordless_queries(client, pages):
    assert "Tapez un ou plusieurs mots" in client.get("/search/").content.decode()
    assert "aucun mot à chercher" in client.get("/search/", {"q": "!!! ?"}).content.decode()


def test_search_very_long_query_is_cut_with_a_notice(client, pages):
    page = client.get("/search/", {"q": "mémoire " * 100}).content.decode()
    assert "seul son début a été utilisé" in page


def test_search_header_box_on_every_page(client):
    page = client.get("/").content.decode()
    assert 'role="search"' in page and 'name="q"' in page


@pytest.mark.usefixtures("uncached_pages")
@pytest.mark.parametrize(("query", "found"), [("comparez", 1), ("carte", 2)])
def test_search_query_count_is_fixed(client, pages, django_assert_num_queries, query, found):
    with django_assert_num_queries(2):  # one search per language
        page = client.get("/search/", {"q": query}).content.decode()
    assert f"{found} résultat" in page


def test_members_share_one_copy_of_the_search_results(pages, django_assert_num_queries):
    first, second = Client(), Client()
    first.force_login(UserFactory())
    second.force_login(UserFactory())
    first.get("/search/", {"q": "carte"})
    with django_assert_num_queries(3):  # session, user with their role, one cache read
        page = second.get("/search/", {"q": "carte"}).content.decode()
    assert "2 résultats" in page and "Mon espace" in page


@pytest.mark.usefixtures("uncached_pages")
def test_search_query_count_with_a_hit_shown_in_the_reader_language(
    client, pages, django_assert_num_queries
):
    page = doc_page("ventilateurs", title="Ventilateurs", body="Rien ici.")
    save_page(
        page=page, language="en", base_version=0, title="Monitoring", summary="",
        body="Watch the fans.", position=100, author=None,
    )  # fmt: skip
    with django_assert_num_queries(3):  # a third to show the French version of an English hit
        page = client.get("/search/", {"q": "fans"}).content.decode()
    assert "1 résultat" in page and 'href="/docs/ventilateurs/"' in page


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's")
def test_search_fts5_index_follows_every_change(django_capture_on_commit_callbacks):
    def indexed():
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM kb_searchentry_fts ORDER BY rowid")
            return [row[0] for row in cursor.fetchall()]

    page = doc_page("quotas", title="Quotas", body="Les quotas de disque.")
    doc_page("autre", title="Autre", body="Rien.")
    assert indexed() == sorted(SearchEntry.objects.values_list("pk", flat=True))
    save_page(
        page=page, language="fr", base_version=1, title="Volumes", summary="",
        body="La place libre.", position=100, author=None,
    )  # fmt: skip
    assert titles("quotas") == []
    assert titles("volumes") == ["Volumes"]
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert titles("volumes") == []
    assert indexed() == list(SearchEntry.objects.values_list("pk", flat=True))
    assert len(indexed()) == 1


def test_search_uses_french_full_text_on_postgresql(pages):
    if connection.vendor != "postgresql":
        assert search("memoire").hits  # the stem fallback answers on other databases
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('french_unaccent', 'Mémoires des cartes')::text")
        assert cursor.fetchone()[0] == "'cart':3 'memoir':1"


def test_stems_meet_with_and_without_accents():
    assert stem("mémoire") == stem("memoire") == stem("mémoires")
    assert stem("sauvegardes") == stem("sauvegarde")
    assert stem("données") & stem("donnees")


def test_a_last_word_typed_whole_does_not_find_words_that_only_share_its_stem(client):
    doc_page("donnees", title="Espaces", body="Les données du laboratoire.")
    doc_page("compte", title="Compte", body="Un compte, dont la clé est privée.")
    assert titles("données") == titles("donnees") == ["Espaces"]
    page = client.get("/search/?q=donn%C3%A9es").content.decode()
    assert "<mark>données</mark>" in page and "<mark>dont</mark>" not in page
    assert titles("donn") == ["Espaces"]
    assert sorted(titles("don")) == ["Compte", "Espaces"]  # as typed so far: "dont" too


def test_the_last_word_is_also_the_start_of_a_word_being_typed(pages):
    assert "Mémoire des cartes" in titles("mémo")
    assert "Mémoire des cartes" in titles("memo")
    hit = next(hit for hit in search("memo").hits if hit.entry.title == "Mémoire des cartes")
    assert "<mark>mémoire</mark>" in hit.passage


def test_passage_on_plain_text():
    text = "Un début. " * 40 + "La carte graphique est libre. " + "Une fin. " * 40
    result = passage(text, [stem("cartes")])
    assert result.startswith("… ") and result.endswith(" …")
    assert "<mark>carte</mark>" in result


def propose(title, summary="Débruitage d’images radar"):
    from kb.services import catalogue as catalogue_services

    return catalogue_services.propose_project(
        proposer=None,
        fields={
            "title": title,
            "summary_fr": summary,
            "description_fr": "Un **U-Net**.",
            "year": 2020,
        },
    )


def test_search_finds_published_projects_only(coordinator):
    from kb.services import catalogue as catalogue_services

    project = propose("Échos radar")
    assert titles("radar") == []  # pending: invisible
    catalogue_services.approve_project(project=project, reviewer=coordinator)
    hit = search("echos radar").hits[0]
    assert hit.entry.title == "Échos radar"
    assert hit.entry.get_absolute_url() == f"/projects/{project.slug}/"
    assert hit.entry.get_kind_display() == "Projet"

    catalogue_services.update_project(
        project=project,
        fields={"title": "Échos radar nettoyés", "summary_fr": "Autre", "year": 2020},
    )
    assert titles("nettoyes") == ["Échos radar nettoyés"]

    catalogue_services.delete_project(project=project)
    assert titles("radar") == []


def test_search_drops_a_rejected_project(coordinator):
    from kb.services import catalogue as catalogue_services

    project = propose("Grêle")
    catalogue_services.approve_project(project=project, reviewer=coordinator)
    catalogue_services.reject_project(project=project, reviewer=coordinator, message="Hors sujet")
    assert titles("grele") == []


def test_search_finds_events_readers_can_see():
    from kb.models.events import EventState
    from kb.services import events as events_services
    from tests.factories import EventFactory

    event = EventFactory(title="Formation Slurm", state=EventState.DRAFT, published_at=None)
    events_services.update_event(event=event, summary_fr="Réserver une carte graphique")
    assert titles("slurm") == []  # a draft
    events_services.publish_event(event=event)
    hit = search("formation slurm").hits[0]
    assert hit.entry.get_absolute_url() == f"/events/{event.slug}/"
    assert hit.entry.get_kind_display() == "Événement"
    events_services.cancel_event(event=event)
    assert titles("slurm") == ["Formation Slurm"]  # cancelled events stay visible, marked


def test_french_passages_keep_their_no_break_spaces(client):
    doc_page(
        "cluster", title="Le cluster", body="Pourquoi des GPU ? Une session interactive : srun"
    )
    page = client.get("/search/?q=srun").content.decode()
    assert "Pourquoi des GPU\u202f? Une session interactive\u202f: <mark>srun</mark>" in page


@pytest.mark.parametrize("query", ["R", "C++", "a"])
def test_a_search_of_one_letter_says_why_nothing_is_searched(client, pages, query):
    page = client.get("/search/", {"q": query}).content.decode()
    assert "aucun mot à chercher\u202f: tapez un mot d’au moins deux lettres" in page
    page = client.get("/en/search/", {"q": query}).content.decode()
    assert "type a word of two letters or more, or a number" in page


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("sauvegrade", "sauvegarde"),  # two letters swapped
        ("memoyre", "mémoire"),  # written as the texts write it
        ("graphiques memoyre", "graphiques mémoire"),  # the known word kept
    ],
)
def test_a_misspelt_search_suggests_a_spelling_that_finds_something(pages, query, suggestion):
    outcome = search(query)
    assert outcome.hits == []
    assert outcome.suggestion == suggestion
    assert outcome.suggestion_count == len(search(suggestion).hits) > 0


@pytest.mark.parametrize(
    "query",
    [
        "xyzzyq",  # nothing near
        "gpx",  # too short to guess
        "cartes sauvegarde",  # both words known, only never together: no spelling to fix
        "2027",
    ],
)
def test_no_suggestion_without_a_near_spelling_that_finds_something(pages, query):
    outcome = search(query)
    assert outcome.hits == [] and outcome.suggestion == ""


def test_the_search_page_offers_the_suggested_spelling(client, pages):
    page = client.get("/en/search/", {"q": "memoyre"}).content.decode()
    assert (
        'Nothing matches. Did you mean <a href="/en/search/?q=m%C3%A9moire">mémoire</a>? '
        "It finds 2 results." in page
    )
    page = client.get("/search/", {"q": "sauvegrade"}).content.decode()
    assert (
        'Aucun résultat. Vouliez-vous dire <a href="/search/?q=sauvegarde">sauvegarde</a>\u202f? '
        "Cette recherche donne 1 résultat." in page
    )


def test_suggestions_follow_the_index(pages, django_capture_on_commit_callbacks):
    assert search("slurn").suggestion == ""
    with django_capture_on_commit_callbacks(execute=True):
        doc_page("slurm", title="Soumettre un travail", body="Slurm répartit les GPU.")
    assert search("slurn").suggestion == "slurm"


def test_a_search_finding_nothing_says_so_once(client, pages):
    page = client.get("/search/", {"q": "xyzzyq"}).content.decode()
    assert '<p role="status">Aucun résultat. Essayez avec moins de mots, ou d’autres.</p>' in page
    assert "0 résultat" not in page
    page = client.get("/search/", {"q": "sauvegrade"}).content.decode()
    assert page.count('role="status"') == 1 and "0 résultat" not in page
