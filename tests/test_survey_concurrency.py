"""The one-response rule holds when requests race: the database enforces it, not the view."""

import threading

import pytest
from django.db import IntegrityError, connections, transaction

from survey import services
from survey.models import Answer, Participation, Response
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
