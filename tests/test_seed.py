import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from kb.models import User
from kb.roles import COORDINATORS_GROUP, is_coordinator
from kb.seed.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        # Ordered: PostgreSQL returns rows in no set order, and an update moves them.
        list(User.objects.order_by("email").values_list("email", "password", "first_name")),
        list(EmailAddress.objects.order_by("email").values_list("email", "verified", "primary")),
        list(
            Group.objects.get(name=COORDINATORS_GROUP)
            .user_set.order_by("email")
            .values_list("email")
        ),
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


def test_seed_loads_the_cluster_docs_once(settings):
    from kb.models import DocPage, DocRevision
    from kb.seed.cluster_docs import seed_files

    call_command("seed")
    pages = DocPage.objects.count()
    revisions = DocRevision.objects.count()
    assert pages == len(seed_files("fr")) >= 13
    call_command("seed")
    assert (DocPage.objects.count(), DocRevision.objects.count()) == (pages, revisions)

    cluster = DocPage.objects.get(path="cluster")
    facts = re.sub(r"\s", "", cluster.body_fr)  # French typography puts no-break spaces in numbers
    for fact in ("4352", "616Go/s", "14,2TFLOPS", "2,6GHz", "RTX2080Ti"):
        assert fact in facts
    for page in DocPage.objects.all():
        assert "broken-link" not in page.body_html_fr, page.path
        if "/" in page.path:
            assert page.parent.path == page.path.rsplit("/", 1)[0]


def test_seed_never_overwrites_an_edited_page(settings):
    from kb.models import DocPage
    from kb.services.docs import save_page

    call_command("seed")
    page = DocPage.objects.get(path="cluster/faq")
    save_page(
        language="fr",
        page=page,
        base_version=page.version_fr,
        title=page.title,
        summary=page.summary,
        body="Texte revu par un coordinateur.",
        position=page.position,
        author=None,
    )
    call_command("seed")
    assert DocPage.objects.get(path="cluster/faq").body_fr == "Texte revu par un coordinateur."
