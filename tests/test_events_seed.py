"""Example events: only with --demo, marked, from the talk, idempotent."""

import datetime

import pytest
from django.core.management import call_command

from kb.models import Event, Material
from kb.models.events import EventState
from kb.seed.events import _next_june_2

pytestmark = pytest.mark.django_db


def snapshot():
    return list(Event.objects.order_by("pk").values_list("uid", "title_fr", "starts_at", "state"))


def test_seed_demo_creates_marked_examples_once(settings, capsys):
    settings.DEBUG = True
    call_command("seed", "--demo")
    first = snapshot()
    call_command("seed", "--demo")
    assert snapshot() == first
    events = Event.objects.all()
    assert len(events) == 5
    assert all(event.is_example and event.state == EventState.PUBLISHED for event in events)
    titles = " ".join(event.title_fr for event in events)
    assert all(event.title_en and event.summary_en for event in events)
    assert "lancement du groupe ESPRI-IA" in titles
    assert "Sondage" in titles
    assert Event.objects.past().count() == 1
    assert Material.objects.count() == 1
    survey = Event.objects.get(title_fr__startswith="Sondage")
    assert survey.all_day and survey.first_day.month == 6 and survey.first_day.day == 2


def test_seed_without_demo_creates_no_example(settings):
    settings.DEBUG = False
    call_command("seed")
    assert not Event.objects.exists()


def test_examples_are_badged_on_the_listing(settings, client, capsys):
    settings.DEBUG = True
    call_command("seed", "--demo")
    page = client.get("/en/events/").content.decode()
    assert page.count(">Example</span>") == 4  # the upcoming ones


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 5, 1), datetime.date(2026, 6, 2)),
        (datetime.date(2026, 6, 2), datetime.date(2026, 6, 2)),
        (datetime.date(2026, 6, 3), datetime.date(2027, 6, 2)),
    ],
)
def test_survey_example_falls_on_the_next_early_june(today, expected):
    assert _next_june_2(today) == expected


def test_seed_demo_adds_english_to_examples_seeded_in_french_only(settings, capsys):
    settings.DEBUG = True
    call_command("seed", "--demo")
    Event.objects.update(title_en="", summary_en="", description_en="", place_en="")
    call_command("seed", "--demo")
    assert Event.objects.count() == 5
    assert not Event.objects.filter(title_en="").exists()
    assert not Event.objects.filter(description_html_en="").exists()
