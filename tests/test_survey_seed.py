"""The survey's seed: the talk's 2020 edition, this year's copy, demo answers marked as demo."""

import pytest
from django.core.management import call_command

from survey.models import Answer, Edition, Question, Response

pytestmark = pytest.mark.django_db


def test_seed_creates_the_talks_edition_and_its_copy(settings):
    settings.DEBUG = False
    call_command("seed")
    first, current = Edition.objects.get(year=2020), Edition.objects.get(year=2026)
    assert first.opens_at.month == 6 and first.opens_at.day <= 7  # "early June"
    keys = list(first.questions.values_list("key", flat=True))
    assert keys == [
        "research_theme", "ai_methods", "ai_objectives", "languages", "libraries",
        "tools", "platforms", "remarks",
    ]  # fmt: skip
    methods = set(
        Question.objects.get(edition=first, key="ai_methods").choices.values_list("key", flat=True)
    )
    assert {
        "kmeans",
        "random_forest",
        "svm",
        "cnn",
        "rnn_lstm",
        "autoencoder",
        "gan",
        "transformer",
    } <= methods
    platforms = Question.objects.get(edition=first, key="platforms")
    assert platforms.allow_other
    assert {"ciclad", "hal", "jean_zay", "aws", "laptop"} <= set(
        platforms.choices.values_list("key", flat=True)
    )
    current_keys = set(current.questions.values_list("key", flat=True))
    assert set(keys) <= current_keys
    assert {"ml_experience_years", "gpu_access_satisfaction"} <= current_keys
    assert not Response.objects.exists()


def test_seed_demo_answers_once_marked_as_demo(settings):
    settings.DEBUG = True
    call_command("seed", "--demo")
    counts = (Response.objects.count(), Answer.objects.count(), Edition.objects.count())
    assert counts[0] == 300
    assert Response.objects.filter(is_demo=True, submitted=True).count() == 300
    call_command("seed", "--demo")
    assert (Response.objects.count(), Answer.objects.count(), Edition.objects.count()) == counts
    # Multiple choice as rows: Python is among the most chosen languages.
    python = Answer.objects.filter(question__key="languages", choice__key="python").count()
    assert python > 0.8 * 300
