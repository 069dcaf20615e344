import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from kb.demo import DEMO_ACCOUNTS
from kb.models import User
from kb.roles import COORDINATORS_GROUP, is_coordinator

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(User.objects.values_list("email", "password", "first_name")),
        list(EmailAddress.objects.values_list("email", "verified", "primary")),
        list(Group.objects.get(name=COORDINATORS_GROUP).user_set.values_list("email")),
    )


def test_seed_demo_twice_changes_nothing(settings, capsys):
    settings.DEBUG = True
    call_command("seed", "--demo")
    first = snapshot()
    call_command("seed", "--demo")
    assert snapshot() == first
    assert len(first[0]) == len(DEMO_ACCOUNTS)


def test_seed_demo_prints_logins_that_work(settings, client, capsys):
    settings.DEBUG = True
    call_command("seed", "--demo")
    output = capsys.readouterr().out
    for email, password, *_ in DEMO_ACCOUNTS:
        assert email in output and password in output
        response = client.post("/accounts/login/", {"login": email, "password": password})
        assert response.status_code == 302
        client.post("/accounts/logout/")
    coordinator = User.objects.get(email=DEMO_ACCOUNTS[0][0])
    member = User.objects.get(email=DEMO_ACCOUNTS[1][0])
    assert is_coordinator(coordinator)
    assert not is_coordinator(member)


def test_seed_demo_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DJANGO_DEBUG=1"):
        call_command("seed", "--demo")
    assert not User.objects.exists()


def test_seed_without_demo_creates_no_account(settings):
    settings.DEBUG = False
    call_command("seed")
    assert not User.objects.exists()
