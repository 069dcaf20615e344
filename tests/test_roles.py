"""Roles: readers, members, coordinators; the coordinator command; who may open which page."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from kb.roles import COORDINATORS_GROUP, is_coordinator, is_verified_member
from tests.factories import PASSWORD, CoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_coordinators_group_exists_after_migrations():
    assert Group.objects.filter(name=COORDINATORS_GROUP).exists()


def test_coordinator_command_adds_and_removes(capsys):
    member = UserFactory(email="lea@lsce.ipsl.example")
    call_command("coordinator", "add", "LEA@lsce.ipsl.example")
    assert "lea@lsce.ipsl.example is now a coordinator" in capsys.readouterr().out
    assert is_coordinator(type(member).objects.get(pk=member.pk))

    call_command("coordinator", "list")
    assert capsys.readouterr().out.split() == ["lea@lsce.ipsl.example"]

    call_command("coordinator", "remove", "lea@lsce.ipsl.example")
    assert not is_coordinator(type(member).objects.get(pk=member.pk))


def test_coordinator_command_unknown_email_is_a_clear_error():
    with pytest.raises(CommandError, match=r"No account uses nobody@x\.example"):
        call_command("coordinator", "add", "nobody@x.example")


@pytest.mark.parametrize("sign_in", ["form", "force_login"])
def test_a_role_comes_with_the_user_and_follows_the_group_at_once(
    client, coordinator, sign_in, django_assert_num_queries
):
    if sign_in == "form":
        client.post("/accounts/login/", {"login": coordinator.email, "password": PASSWORD})
    else:
        client.force_login(coordinator)
    assert client.session["_auth_user_backend"].startswith("kb.auth_backends.")
    client.get("/en/survey/design/")
    with django_assert_num_queries(3):  # session, user with their role, editions
        assert client.get("/en/survey/design/").status_code == 200
    coordinator.groups.clear()
    assert client.get("/en/survey/design/").status_code == 403
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    assert client.get("/en/survey/design/").status_code == 200


def test_is_verified_member_asks_the_database_for_a_user_loaded_elsewhere(member):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import AnonymousUser

    assert not is_verified_member(AnonymousUser())
    assert is_verified_member(type(member).objects.get(pk=member.pk))
    EmailAddress.objects.filter(user=member).update(verified=False)
    assert not is_verified_member(type(member).objects.get(pk=member.pk))


def test_is_coordinator_by_role(member, coordinator, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert not is_coordinator(AnonymousUser())
    assert not is_coordinator(member)
    assert is_coordinator(coordinator)


# (path, expected status for anonymous, member, coordinator); 302 means "to the login page".
ACCESS_RULES = [
    ("/", 200, 200, 200),
    ("/en/", 200, 200, 200),
    ("/accounts/login/", 200, 302, 302),
    ("/accounts/signup/", 200, 302, 302),
    ("/accounts/email/", 302, 200, 200),
    ("/accounts/password/change/", 302, 200, 200),
    ("/accounts/delete/", 302, 200, 200),
    ("/admin/login/", 302, 403, 403),
]


@pytest.mark.parametrize(("path", "anonymous", "as_member", "as_coordinator"), ACCESS_RULES)
def test_page_access_by_role(client, path, anonymous, as_member, as_coordinator):
    response = client.get(path)
    assert response.status_code == anonymous
    if anonymous == 302:
        assert response["Location"].startswith("/accounts/login/")

    client.force_login(UserFactory())
    assert client.get(path).status_code == as_member

    client.force_login(CoordinatorFactory())
    assert client.get(path).status_code == as_coordinator
