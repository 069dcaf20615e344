"""Rules hold when requests race: one response per member, one published edition at a time."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from survey import services
from survey.forms import EditionForm
from survey.models import Answer, Edition, Participation, Response
from tests.factories import UserFactory, build_edition, complete_answers

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count, work):
    """Run ``work(index)`` in ``count`` threads released at the same instant; return errors."""
    barrier = threading.Barrier(count)
    errors = []

    def target(index):
        try:
            barrier.wait()
            work(index)
        except Exception as error:  # collected and asserted on by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_same_member_submitting_from_many_requests_stores_one_response():
    edition = build_edition()
    member = UserFactory()

    errors = run_together(
        8,
        lambda i: services.submit_response(
            edition=edition, user=member, answers=complete_answers(years={"number": float(i)})
        ),
    )
    assert errors == []
    assert Response.objects.count() == 1
    assert Participation.objects.count() == 1
    # One complete set of answers, not a mix of several.
    assert Answer.objects.count() == 6
    assert Answer.objects.filter(question__key="years").count() == 1


def test_many_members_submitting_at_once_are_all_stored_once():
    edition = build_edition()
    members = [UserFactory() for _ in range(12)]
    errors = run_together(
        len(members),
        lambda i: services.submit_response(
            edition=edition, user=members[i], answers=complete_answers()
        ),
    )
    assert errors == []
    assert Response.objects.filter(submitted=True).count() == 12
    assert Participation.objects.filter(submitted=True).count() == 12
    assert Answer.objects.count() == 12 * 6


def test_database_refuses_a_second_participation_and_a_duplicate_key():
    edition = build_edition()
    member = UserFactory()
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(user=member, edition=edition)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            edition=edition, key=services.response_key(edition=edition, user=member)
        )


@pytest.fixture
def slow_overlap_check(monkeypatch):
    """The overlap check takes its time: without a lock, a concurrent request checks meanwhile."""
    check = services.published_overlaps

    def slow(edition):
        overlapping = check(edition)
        time.sleep(0.3)
        return overlapping

    monkeypatch.setattr(services, "published_overlaps", slow)


def published_overlaps_any():
    editions = list(Edition.objects.published())
    return any(services.published_overlaps(edition) for edition in editions)


def test_two_overlapping_drafts_published_at_once_only_one_is(slow_overlap_check):
    first = build_edition(2027, state="upcoming", is_published=False)
    second = build_edition(2028, state="upcoming", is_published=False)

    errors = run_together(2, lambda i: services.publish_edition(edition=[first, second][i]))
    assert [type(error) for error in errors] == [services.DesignChangeRefused]
    assert Edition.objects.published().count() == 1
    assert not published_overlaps_any()


def test_publish_and_new_overlapping_dates_at_once_leave_no_overlap(slow_overlap_check):
    published = build_edition(2026, state="open")
    draft = build_edition(2027, state="closed", is_published=False)
    Edition.objects.filter(pk=draft.pk).update(
        closes_at=published.opens_at - timezone.timedelta(hours=1)
    )
    form = EditionForm(
        {
            "year": 2027,
            "title_fr": draft.title_fr,
            "opens_at": timezone.localtime(published.opens_at).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": timezone.localtime(published.closes_at).strftime("%Y-%m-%dT%H:%M"),
            "results_visibility": draft.results_visibility,
            "min_group_size": draft.min_group_size,
        },
        instance=Edition.objects.get(pk=draft.pk),
    )
    assert form.is_valid(), form.errors
    # One coordinator publishes the draft (its dates are clear of 2026's) while another
    # moves its dates over 2026's (allowed for a draft): one of the two must be refused.
    actions = [
        lambda: services.publish_edition(edition=Edition.objects.get(pk=draft.pk)),
        lambda: services.save_edition_settings(edition=form.instance, fields=form.cleaned_data),
    ]
    errors = run_together(2, lambda i: actions[i]())
    assert len(errors) == 1
    assert isinstance(errors[0], services.DesignChangeRefused | ValidationError)
    assert not published_overlaps_any()
