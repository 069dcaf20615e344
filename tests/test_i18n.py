"""French by default, English on /en/, a switch between them, complete catalogues."""

import re
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


def test_language_switch_links_to_the_same_page_in_the_other_language(client):
    french = client.get("/accounts/login/").content.decode()
    assert '<a href="/en/accounts/login/" hreflang="en" lang="en">English</a>' in french
    assert 'aria-current="true">Français</span>' in french
    english = client.get("/en/accounts/login/").content.decode()
    assert '<a href="/accounts/login/" hreflang="fr" lang="fr">Français</a>' in english
    assert "Log in" in english


def test_language_switch_keeps_the_query_string(client):
    page = client.get("/search/?q=m%C3%A9moire").content.decode()
    assert 'href="/en/search/?q=m%C3%A9moire"' in page


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


def test_french_punctuation_keeps_its_no_break_spaces():
    """A plain space before : ; ? ! or inside « » lets a line break strand the sign."""
    po = polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))
    texts = [e.msgstr for e in po if e.msgstr] + [
        text for e in po for text in e.msgstr_plural.values()
    ]
    stranded = [t for t in texts if re.search(r" [:;?!](\s|$|<|\))|« | »", t)]
    assert stranded == []
