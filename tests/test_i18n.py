"""French by default, English on /en/, a switch between them, complete catalogues."""

import datetime
import html
import re
import zoneinfo
from pathlib import Path

import polib
import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from kb.models.events import RegistrationMode, RegistrationStatus
from tests.factories import EventFactory, RegistrationFactory

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


def switch_link(page, language_name):
    """Where the header's switch to ``language_name`` ("English", "Français") leads."""
    nav = re.search(r'<nav class="language-switch".*?</nav>', page, re.S).group()
    return html.unescape(re.search(rf'<a href="([^"]+)"[^>]*>{language_name}</a>', nav).group(1))


def test_language_switch_leads_to_the_same_page_in_the_other_language(client):
    french = client.get("/accounts/login/").content.decode()
    link = '<a href="/language/en/?next=/en/accounts/login/" hreflang="en" lang="en">English</a>'
    assert link in french
    assert 'aria-current="true">Français</span>' in french
    response = client.get(switch_link(french, "English"))
    assert response.status_code == 302 and response["Location"] == "/en/accounts/login/"
    english = client.get(response["Location"]).content.decode()
    assert switch_link(english, "Français") == "/language/fr/?next=/accounts/login/"
    assert "Log in" in english


def test_language_switch_keeps_the_query_string(client):
    page = client.get("/search/?q=m%C3%A9moire").content.decode()
    assert client.get(switch_link(page, "English"))["Location"] == "/en/search/?q=m%C3%A9moire"


def test_members_switch_sets_the_language_of_later_emails(
    client, member, django_capture_on_commit_callbacks
):
    member.language = "fr"  # as after logging in on the French pages
    member.save()
    event = EventFactory(
        title="Atelier Slurm",
        title_en="Slurm workshop",
        registration_mode=RegistrationMode.BUILT_IN,
        capacity=1,
    )
    holder = RegistrationFactory(event=event).user
    RegistrationFactory(event=event, user=member, status=RegistrationStatus.WAITING)
    client.force_login(member)
    page = client.get(f"/events/{event.slug}/").content.decode()
    response = client.get(switch_link(page, "English"))
    assert response["Location"] == f"/en/events/{event.slug}/"
    member.refresh_from_db()
    assert member.language == "en"

    # The seat holder cancels on the French pages: the member's seat is announced in English.
    holders_browser = Client()
    holders_browser.force_login(holder)
    with django_capture_on_commit_callbacks(execute=True):
        holders_browser.post(f"/events/{event.slug}/unregister/")
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "[ESPRI-IA] A seat is yours: Slurm workshop"


@pytest.mark.parametrize("code", ["de", "EN", "en-gb"])
def test_switch_to_an_unknown_language_changes_nothing(member_client, member, settings, code):
    member.language = "fr"
    member.save()
    response = member_client.get(f"/language/{code}/", {"next": "/en/"})
    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    member.refresh_from_db()
    assert member.language == "fr"


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


def test_french_catalogue_writes_e_mail_one_way():
    """One spelling, "e-mail", as the Académie writes it, in the site's French and in the
    allauth messages it rewrites: never "email", "courriel" or "mél"; and no straight
    apostrophe (French here writes U+2019)."""
    po = polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po"))
    texts = [e.msgstr for e in po if e.msgstr] + [
        text for e in po for text in e.msgstr_plural.values()
    ]
    # Placeholders (%(email)s, {url}) and markup (mailto:) are not words.
    words = [re.sub(r"%\([^)]*\)s|\{[^}]*\}|<[^>]+>", "", text) for text in texts]
    slips = [
        w for w in words if re.search(r"(?<![-\w])[Ee]mails?\b|[Cc]ourriel|\bm[ée]l\b|\w'\w", w)
    ]
    assert slips == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["17 December 2026", "17 December 2026, 09:05", "17 December", "17/12/2026"]),
        ("fr", ["17 décembre 2026", "17 décembre 2026 09:05", "17 décembre", "17/12/2026"]),
    ],
)
def test_dates_read_day_month_year_in_both_languages(language, expected):
    moment = datetime.datetime(2026, 12, 17, 9, 5)
    names = ["DATE_FORMAT", "DATETIME_FORMAT", "MONTH_DAY_FORMAT", "SHORT_DATE_FORMAT"]
    with translation.override(language):
        assert [date_format(moment, name) for name in names] == expected


@pytest.mark.parametrize(
    ("language", "format_name", "expected"),
    [
        ("fr", "DATE_FORMAT", "1er décembre 2026"),
        ("fr", "DATETIME_FORMAT", "1er décembre 2026 09:05"),
        ("fr", "D j M", "mar 1er Déc"),
        ("fr", "D j b", "mar 1er déc"),  # the week of GPU load's days
        ("fr", "j", "1"),  # a day alone (a calendar badge) stays a number
        ("fr", r"\j j F", "j 1er décembre"),
        ("en", "DATE_FORMAT", "1 December 2026"),
    ],
)
def test_first_of_the_month_reads_1er_in_french(language, format_name, expected):
    from kb.dates import date_format

    with translation.override(language):
        assert date_format(datetime.datetime(2026, 12, 1, 9, 5), format_name) == expected
        # Any other day keeps Django's French.
        second = date_format(datetime.date(2026, 12, 2), "DATE_FORMAT")
        assert second == ("2 décembre 2026" if language == "fr" else "2 December 2026")


def test_pages_write_1er_for_the_first_of_the_month(coordinator_client):
    from tests.factories import build_edition

    paris = zoneinfo.ZoneInfo("Europe/Paris")
    edition = build_edition(2027, state="upcoming")
    edition.opens_at = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=paris)
    edition.closes_at = datetime.datetime(2027, 1, 15, 9, 0, tzinfo=paris)
    edition.save()
    page = coordinator_client.get("/survey/design/2027/").content.decode()
    assert "Du 1er décembre 2026 09:00 au 15 janvier 2027 09:00." in page
    english = coordinator_client.get("/en/survey/design/2027/").content.decode()
    assert "From 1 December 2026, 09:00 to 15 January 2027, 09:00." in english


def test_english_pages_write_dates_one_way(client):
    from tests.factories import build_edition, doc_page

    doc_page("cluster", title="Cluster")
    edition = build_edition()
    closes = timezone.localtime(edition.closes_at)
    today = timezone.localdate()
    home = client.get("/en/").content.decode()
    assert f"open until {closes.day} {closes:%B} {closes.year}." in home
    page = client.get("/en/docs/cluster/").content.decode()
    assert f"Updated on {today.day} {today:%B} {today.year}." in page
    # Not the American "Dec. 17, 2026" beside the British "17 December 2026".
    us_style = re.compile(
        r"\b(Jan|Feb|March|April|May|June|July|Aug|Sept|Oct|Nov|Dec)\.? \d{1,2}, \d{4}"
    )
    assert not us_style.search(home) and not us_style.search(page)
    french = client.get("/docs/cluster/").content.decode()
    assert f"Mise à jour le {today.day} {FRENCH_MONTHS[today.month - 1]} {today.year}." in french


FRENCH_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split()
)
