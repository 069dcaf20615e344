"""French by default, English on /en/, a switch between them, complete catalogues."""

from pathlib import Path

import polib
import pytest

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def test_home_in_french_by_default(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in page
    assert "Ce que propose le groupe" in page
    assert "Aller au contenu principal" in page


def test_home_in_english_under_en(client):
    page = client.get("/en/").content.decode()
    assert '<html lang="en">' in page
    assert "What the group offers" in page
    assert "Skip to main content" in page


def test_language_switch_goes_to_the_same_page_in_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/"
    assert "Log in" in client.get(response["Location"]).content.decode()

    response = client.post("/en/i18n/setlang/", {"language": "fr", "next": "/en/accounts/login/"})
    assert response["Location"] == "/accounts/login/"


def test_language_switch_form_offers_the_other_language(client):
    page = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert 'name="language" value="en"' in page
    assert 'name="language" value="fr"' not in page  # the current one is not a button
    page = client.get("/en/").content.decode()
    assert 'action="/en/i18n/setlang/"' in page
    assert 'name="language" value="fr"' in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_catalogue_complete_and_compiled(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert len(po) > 50
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(folder / "django.mo"))}
    source = {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries() if not e.msgid_plural}
    stale = {key for key, text in source.items() if compiled.get(key) != text}
    assert not stale, "run `make messages` to recompile the catalogue"
