"""Content in French and English: fallback with a notice, per-language saves, search."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from kb.bilingual import guess_language, localized
from kb.models import DocPage, DocRevision
from kb.search import search
from kb.services.docs import EditConflict, restore_revision, save_page
from tests.factories import EventFactory, doc_page

pytestmark = pytest.mark.django_db

FRENCH = "Les espaces de données ne sont pas sauvegardés : copiez vos résultats ailleurs."
ENGLISH = "The data spaces are not backed up: copy your results somewhere else."


def save(page, language, body, *, title=None, base_version=None, author=None):
    return save_page(
        page=page,
        language=language,
        base_version=getattr(page, f"version_{language}") if base_version is None else base_version,
        title=title or getattr(page, f"title_{language}") or "Data spaces",
        summary="",
        body=body,
        position=page.position,
        author=author,
    )


@pytest.fixture
def french_page():
    return doc_page("donnees", title="Espaces de données", body=FRENCH)


def test_guess_language_tells_french_from_english():
    assert guess_language(FRENCH) == "fr"
    assert guess_language(ENGLISH) == "en"
    assert guess_language("") == "fr"


def test_localized_falls_back_and_says_so(french_page):
    text = localized(french_page, "body", "en")
    assert (text.text, text.language, text.is_fallback) == (FRENCH, "fr", True)
    assert localized(french_page, "body", "fr").is_fallback is False
    with translation.override("en"):
        assert french_page.title == "Espaces de données"


def test_english_reader_gets_the_french_page_marked_as_french(client, french_page):
    page = client.get("/en/docs/donnees/").content.decode()
    assert '<html lang="en">' in page
    assert "This page has not been translated into English yet; here is the French version." in page
    assert '<h1 id="page-title" lang="fr">Espaces de données</h1>' in page
    assert '<div class="prose" lang="fr"' in page
    # The French reader sees no notice and no lang override.
    french = client.get("/docs/donnees/").content.decode()
    assert "pas encore traduite" not in french
    assert '<div class="prose" data-copy-label' in french


def test_english_version_is_shown_once_written(client, french_page):
    save(french_page, "en", ENGLISH, title="Data spaces")
    page = client.get("/en/docs/donnees/").content.decode()
    assert "not been translated" not in page
    assert '<h1 id="page-title">Data spaces</h1>' in page
    assert "backed up" in page and "sauvegardés" not in page


def test_pages_carry_hreflang_alternates(client, french_page):
    page = client.get("/docs/donnees/").content.decode()
    assert '<link rel="alternate" hreflang="fr" href="/docs/donnees/">' in page
    assert '<link rel="alternate" hreflang="en" href="/en/docs/donnees/">' in page


def test_saving_one_language_never_conflicts_with_the_other(french_page):
    opened_fr, opened_en = french_page.version_fr, french_page.version_en
    save(french_page, "en", ENGLISH, base_version=opened_en)
    # The French editor opened the page before the English save: no conflict.
    page = save(
        DocPage.objects.get(pk=french_page.pk), "fr", FRENCH + "\nAjout.", base_version=opened_fr
    )
    assert (page.version_fr, page.version_en) == (2, 1)
    with pytest.raises(EditConflict) as refused:
        save(page, "fr", "Autre texte.", base_version=opened_fr)
    assert refused.value.language == "fr"
    page.refresh_from_db()
    assert page.body_fr == FRENCH + "\nAjout." and page.body_en == ENGLISH


def test_history_and_restore_are_per_language(coordinator_client, french_page, coordinator):
    save(french_page, "en", ENGLISH, title="Data spaces")
    save(DocPage.objects.get(pk=french_page.pk), "en", "Rewritten.", title="Data spaces")
    english = coordinator_client.get("/docs/donnees/history/?lang=en").content.decode()
    assert english.count('name="from"') == 2
    french = coordinator_client.get("/docs/donnees/history/?lang=fr").content.decode()
    assert french.count('name="from"') == 1
    response = coordinator_client.post("/docs/donnees/restore/en/1/")
    assert response.status_code == 302
    page = DocPage.objects.get(pk=french_page.pk)
    assert (page.body_en, page.body_fr, page.version_en) == (ENGLISH, FRENCH, 3)
    assert coordinator_client.post("/docs/donnees/restore/fr/9/").status_code == 404
    with pytest.raises(DocRevision.DoesNotExist):
        restore_revision(page=page, language="en", number=42, author=coordinator)


def test_editor_edits_one_language_and_shows_the_other(coordinator_client, french_page):
    page = coordinator_client.get("/docs/donnees/edit/?lang=en").content.decode()
    assert (
        'name="body" cols="40" rows="24" spellcheck="true" class="editor" maxlength="200000" lang="en"'
        in page
    )
    assert "sauvegardés" in page  # the French version, beside the form, to translate from
    response = coordinator_client.post(
        "/docs/donnees/edit/?lang=en",
        {
            "language": "en",
            "title": "Data spaces",
            "summary": "",
            "body": ENGLISH,
            "position": 100,
            "base_version": 0,
            "save": "",
        },
    )
    assert response.status_code == 302
    page = DocPage.objects.get(pk=french_page.pk)
    assert (page.body_en, page.body_fr) == (ENGLISH, FRENCH)
    assert list(page.revisions.values_list("language", "number")) == [("en", 1), ("fr", 1)]


def test_preview_is_per_language(coordinator_client, french_page):
    response = coordinator_client.post(
        "/docs/donnees/edit/?lang=en",
        {"language": "en", "title": "T", "body": "**Draft**", "position": 1, "base_version": 0,
         "preview": ""},
    )  # fmt: skip
    assert "<strong>Draft</strong>" in response.content.decode()
    assert DocPage.objects.get(pk=french_page.pk).body_en == ""


def test_translation_behind_is_flagged_and_listed(client, coordinator_client, french_page):
    save(french_page, "en", ENGLISH, title="Data spaces")
    page = DocPage.objects.get(pk=french_page.pk)
    page.last_reviewed_at = timezone.now()
    page.save()
    later = timezone.now() + timedelta(minutes=1)
    DocPage.objects.filter(pk=page.pk).update(body_changed_at_fr=later)
    page.refresh_from_db()
    assert page.behind_languages() == ["en"]
    english = client.get("/en/docs/donnees/").content.decode()
    assert "this one may be out of date" in english
    assert "plus à jour" not in client.get("/docs/donnees/").content.decode()
    stale = coordinator_client.get("/docs/stale/").content.decode()
    assert "La version anglaise n’est peut-être plus à jour" in stale


def test_search_in_each_language(french_page):
    save(french_page, "en", ENGLISH, title="Data spaces")
    with translation.override("en"):
        hits = search("backed").hits
        assert [(h.entry.title, h.language) for h in hits] == [("Data spaces", "en")]
        # A French word finds the page through its French version; it is shown in English.
        hits = search("sauvegardes").hits
        assert [(h.entry.title, h.language) for h in hits] == [("Data spaces", "en")]
    with translation.override("fr"):
        hits = search("sauvegardés").hits
        assert [(h.entry.title, h.language) for h in hits] == [("Espaces de données", "fr")]


@pytest.mark.usefixtures("uncached_pages")
def test_event_in_french_only_is_marked_for_english_readers(client):
    event = EventFactory(title="Formation Slurm", description_html="<p>Apportez un portable.</p>")
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert '<h1 id="event-title" lang="fr">Formation Slurm</h1>' in page
    event.title_en = "Slurm training"
    event.save()
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert '<h1 id="event-title">Slurm training</h1>' in page


def test_a_french_change_marks_the_english_behind_until_it_is_brought_up_to_date(french_page):
    page = save(french_page, "en", ENGLISH, title="Data spaces")
    assert page.behind_languages() == []  # writing a translation makes nothing stale
    page = save(page, "fr", FRENCH + "\nNouveau paragraphe.")
    assert page.behind_languages() == ["en"]
    page = save(page, "en", ENGLISH + "\nNew paragraph.")
    assert page.behind_languages() == []  # catching up makes the French nothing to catch up


def test_seeded_english_pages_are_english_and_french_pages_french():
    from kb.seed.cluster_docs import load_cluster_docs, read_seed_page, seed_files

    load_cluster_docs()
    english = [read_seed_page(f).path for f in seed_files("en")]
    assert sorted(english) == sorted(read_seed_page(f).path for f in seed_files("fr"))
    for page in DocPage.objects.all():
        assert guess_language(page.body_fr) == "fr", page.path
        assert page.revisions.get(language="fr").is_initial_content
        if page.path in english:
            assert guess_language(page.body_en, default="fr") == "en", page.path
            assert page.behind_languages() == [], page.path
    assert load_cluster_docs() == 0
    assert DocPage.objects.filter(path__in=english, version_en=1).count() == len(english)


def test_seeded_projects_have_a_summary_in_each_language():
    from kb.models import Project
    from kb.seed.catalogue import seed_catalogue

    seed_catalogue()
    projects = Project.objects.all()
    assert len(projects) == 7
    for project in projects:
        assert guess_language(project.summary_fr) == "fr", project.slug
        assert guess_language(project.summary_en, default="en") == "en", project.slug
    # A site seeded before the French summaries gets them, and keeps edited ones.
    Project.objects.filter(slug="extremeweather").update(summary_fr="")
    Project.objects.exclude(slug="extremeweather").update(summary_fr="Résumé revu.")
    seed_catalogue()
    assert Project.objects.get(slug="extremeweather").summary_fr.startswith("Détection")
    assert Project.objects.filter(summary_fr="Résumé revu.").count() == 6


# Offering English to a browser that prefers it (kb.language_offer)

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9,fr;q=0.5"}
FRENCH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5"}


def test_english_browser_is_offered_english_on_a_first_visit(client):
    page = client.get("/", **ENGLISH_BROWSER).content.decode()
    assert '<aside class="language-offer" lang="en"' in page
    assert "This site is also in English." in page
    assert 'href="/language/en/?next=/en/"' in page
    assert '<html lang="fr">' in page  # the address decides the language, not the browser


@pytest.mark.parametrize(
    ("path", "headers", "cookies"),
    [
        ("/", FRENCH_BROWSER, {}),
        ("/", {}, {}),
        ("/en/", ENGLISH_BROWSER, {}),
        ("/", ENGLISH_BROWSER, {"django_language": "fr"}),
    ],
)
def test_no_offer_when_french_is_preferred_chosen_or_already_english(
    client, settings, path, headers, cookies
):
    settings.LANGUAGE_COOKIE_NAME = "django_language"
    client.cookies.load(cookies)
    assert "language-offer" not in client.get(path, **headers).content.decode()


def test_offer_and_plain_pages_are_cached_apart(client, french_page):
    first = client.get("/docs/donnees/", **ENGLISH_BROWSER).content.decode()
    plain = client.get("/docs/donnees/", **FRENCH_BROWSER).content.decode()
    again = client.get("/docs/donnees/", **ENGLISH_BROWSER).content.decode()
    assert "language-offer" in first and "language-offer" in again
    assert "language-offer" not in plain


def test_choosing_a_language_sets_the_cookie_and_goes_on(client, settings):
    response = client.get("/language/en/", {"next": "/en/docs/"})
    assert response.status_code == 302 and response["Location"] == "/en/docs/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "language-offer" not in client.get("/", **ENGLISH_BROWSER).content.decode()


def test_choosing_a_language_never_leaves_the_site(client):
    response = client.get("/language/fr/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == "/"
    assert client.get("/language/de/").status_code == 404


def test_search_page_marks_a_result_only_in_the_other_language(client):
    doc_page("faq", title="Questions fréquentes", body=FRENCH)
    page = client.get("/en/search/", {"q": "sauvegardés"}).content.decode()
    assert "in French" in page
    assert '<div lang="fr">' in page and "Questions fréquentes" in page


@pytest.mark.usefixtures("uncached_pages")
def test_survey_introduction_in_french_only_is_marked_for_english_readers(client):
    from survey.models import Edition

    now = timezone.now()
    Edition.objects.create(
        year=2031,
        title_fr="Sondage",
        introduction_fr="Petit sondage sur vos pratiques.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
    page = client.get("/en/survey/").content.decode()
    assert "Not translated into English yet; here is the French version." in page
    assert '<div class="prose" lang="fr"><p>Petit sondage sur vos pratiques.</p></div>' in page
    french = client.get("/survey/").content.decode()
    assert '<div class="prose"><p>Petit sondage sur vos pratiques.</p></div>' in french


def test_english_full_text_configuration_on_postgresql(french_page):
    from django.db import connection

    if connection.vendor != "postgresql":
        save(french_page, "en", ENGLISH, title="Data spaces")
        assert search("backing", language="en").hits  # "backed": Snowball English stems
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('english_unaccent', 'Backed-up café results')::text")
        assert cursor.fetchone()[0] == "'back':2 'backed-up':1 'cafe':4 'result':5"


def test_saving_a_flagged_translation_unchanged_marks_it_up_to_date(french_page):
    page = save(french_page, "en", ENGLISH, title="Data spaces")
    page = save(page, "fr", FRENCH + "\nCorrection.")
    assert page.behind_languages() == ["en"]
    page = save(page, "en", ENGLISH, title="Data spaces")  # checked: nothing to change
    assert page.behind_languages() == []
    assert page.revisions.filter(language="en").count() == 1  # and no empty revision


def test_a_made_up_base_version_is_a_conflict_not_an_error(coordinator_client, french_page):
    response = coordinator_client.post(
        "/docs/donnees/edit/?lang=en",
        {"language": "en", "title": "T", "body": "Mine.", "position": 1, "base_version": 7,
         "save": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Mine." in response.content.decode()  # the text stays in the form
    assert DocPage.objects.get(pk=french_page.pk).body_en == ""
