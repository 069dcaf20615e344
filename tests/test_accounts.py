"""Sign-up, verification, login, rate limits and account management (django-allauth)."""

import html
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.test import Client

from kb.models import User
from kb.models.events import RegistrationMode, RegistrationStatus
from tests.factories import PASSWORD, EventFactory, RegistrationFactory, UserFactory, in_days

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-pass-phrase"


def sign_up(client, email, prefix=""):
    return client.post(
        f"{prefix}/accounts/signup/",
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def link_in(message):
    """The path of the link in an email, which is always on ESPRI_SITE_URL."""
    return re.search(r"http://127\.0\.0\.1:8000(/\S+)", message.body).group(1)


def test_signup_form_asks_for_email_not_username(client):
    response = client.get("/accounts/signup/")
    content = response.content.decode()
    assert 'name="email"' in content
    assert 'name="username"' not in content


def test_signup_then_verification_email_then_login(client):
    response = sign_up(client, "Alice@LOCEAN.ipsl.example")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "alice@locean.ipsl.example"
    assert not EmailAddress.objects.get(user=user).verified

    # Not verified yet: no session, and logging in sends the person back to verify.
    assert "_auth_user_id" not in client.session
    response = client.post(
        "/accounts/login/", {"login": "alice@locean.ipsl.example", "password": NEW_PASSWORD}
    )
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    assert len(mail.outbox) >= 1
    confirm_path = link_in(mail.outbox[-1])
    assert mail.outbox[-1].to == ["alice@locean.ipsl.example"]
    assert client.get(confirm_path).status_code == 200
    client.post(confirm_path)
    assert EmailAddress.objects.get(user=user).verified

    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
    response = client.post(
        "/accounts/login/", {"login": "alice@locean.ipsl.example", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    home = client.get("/").content.decode()
    assert "Se déconnecter" in home


def test_signup_limited_to_institutional_domains(client, settings):
    settings.ESPRI_SIGNUP_EMAIL_DOMAINS = ["ipsl.fr"]
    response = sign_up(client, "someone@gmail.example")
    assert response.status_code == 200
    assert "adresses institutionnelles" in response.content.decode()
    assert "@ipsl.fr" in response.content.decode()
    assert not User.objects.exists()

    assert sign_up(client, "someone@locean.ipsl.fr").status_code == 302
    assert User.objects.filter(email="someone@locean.ipsl.fr").exists()


def test_signup_form_names_the_accepted_domains_before_submitting(client, settings):
    assert "adresses institutionnelles" not in client.get("/accounts/signup/").content.decode()
    settings.ESPRI_SIGNUP_EMAIL_DOMAINS = ["ipsl.fr", "lsce.ipsl.fr"]
    french = client.get("/accounts/signup/").content.decode()
    rule = (
        "Les comptes sont réservés aux adresses institutionnelles\u202f: @ipsl.fr, @lsce.ipsl.fr."
    )
    assert rule in french
    assert 'aria-describedby="id_email_helptext"' in french
    english = client.get("/en/accounts/signup/").content.decode()
    assert "Accounts are for institutional addresses only: @ipsl.fr, @lsce.ipsl.fr." in english


def test_signup_rejects_lookalike_domain(client, settings):
    settings.ESPRI_SIGNUP_EMAIL_DOMAINS = ["ipsl.fr"]
    sign_up(client, "someone@notipsl.fr")
    assert not User.objects.exists()


def test_signup_with_taken_email_stores_nothing_new(client, member):
    response = sign_up(client, member.email.upper())
    assert User.objects.count() == 1
    # allauth does not reveal that the account exists: it sends a notice by email.
    assert response.status_code == 302


def test_login_failures_are_rate_limited(client, member):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
        assert response.status_code == 200
    # Even the right password is refused now, with a message next to the form that says
    # for how long and the way out.
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    page = response.content.decode()
    assert "Trop d’essais manqués avec cette adresse" in page
    assert "pendant 5\u00a0minutes au plus" in page
    assert '<a href="/accounts/password/reset/">réinitialisez votre mot de passe</a>' in page
    assert "_auth_user_id" not in client.session
    english = client.post("/en/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert "it cannot log in for up to 5 minutes" in english.content.decode()
    assert '<a href="/en/accounts/password/reset/">reset your password</a>' in (
        english.content.decode()
    )


def test_password_reset_lifts_the_login_lockout(client, member):
    for _ in range(5):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    client.post("/accounts/password/reset/", {"email": member.email})
    reset_path = link_in(mail.outbox[-1])
    form_path = client.get(reset_path)["Location"]
    client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.post("/accounts/login/", {"login": member.email, "password": NEW_PASSWORD})
    assert client.session["_auth_user_id"] == str(member.pk)


def test_lockout_minutes_read_the_per_address_limit():
    from kb.accounts import lockout_minutes

    assert lockout_minutes("10/m/ip,5/5m/key") == 5
    assert lockout_minutes("5/300s/key") == 5
    assert lockout_minutes("10/m/ip,3/1h/key") == 60
    assert lockout_minutes("10/m/ip,5/90s/key") == 2


def test_too_many_login_requests_get_the_site_429_page(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(2):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_login_rate_limit_is_shared_through_the_database_cache(client, member):
    """The counters live in the cache table, which every worker process reads."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM espri_cache")
        before = cursor.fetchone()[0]
    client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM espri_cache")
        assert cursor.fetchone()[0] > before


def test_login_rate_limit_holds_for_another_browser(client, member):
    for _ in range(5):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    other_browser = Client()
    other_browser.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert "_auth_user_id" not in other_browser.session


def test_admin_login_goes_through_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_admin_refuses_members_and_admits_staff(client, member):
    client.force_login(member)
    assert client.get("/admin/").status_code == 302  # admin's own "not staff" redirect
    assert client.get("/admin/login/").status_code == 403
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "kb/user/" in response.content.decode()


def test_password_reset_sends_a_link_that_works(client, member):
    client.post("/accounts/password/reset/", {"email": member.email})
    assert len(mail.outbox) == 1
    reset_path = link_in(mail.outbox[0])
    response = client.get(reset_path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else reset_path
    client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_account_email_links_ignore_a_forged_host_header(client, member, settings):
    settings.ESPRI_SITE_URL = "https://espri-ia.example"
    client.post("/accounts/password/reset/", {"email": member.email}, HTTP_HOST="127.0.0.1:6666")
    body = mail.outbox[0].body
    assert "https://espri-ia.example/accounts/password/reset/key/" in body
    assert "6666" not in body and "127.0.0.1" not in body


def test_change_password(member_client, member):
    response = member_client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_change_email_waits_for_verification(member_client, member):
    response = member_client.post(
        "/accounts/email/", {"action_add": "", "email": "new.address@lsce.ipsl.example"}
    )
    assert response.status_code == 302
    new = EmailAddress.objects.get(email="new.address@lsce.ipsl.example")
    assert not new.verified
    assert mail.outbox[-1].to == ["new.address@lsce.ipsl.example"]
    member.refresh_from_db()
    assert member.email != "new.address@lsce.ipsl.example"


def test_pending_email_change_reads_well_and_can_be_withdrawn(member_client, member):
    member_client.post(
        "/accounts/email/", {"action_add": "", "email": "new.address@lsce.ipsl.example"}
    )
    page = member_client.get("/accounts/email/").content.decode()
    assert "Adresse e-mail actuelle" in page and "Nouvelle adresse, pas encore confirmée" in page
    assert not re.search(r"\w:", re.sub(r"<[^>]+>|https?:|mailto:", "", page))  # "x :", never "x:"
    # The form the buttons post is hidden by an attribute (no inline style under the CSP).
    assert re.search(r'<form id="pending-email"[^>]* hidden>', page)
    assert "style=" not in page
    withdraw = {"action_remove": "", "email": "new.address@lsce.ipsl.example"}
    assert member_client.post("/accounts/email/", withdraw).status_code == 302
    assert not EmailAddress.objects.filter(email="new.address@lsce.ipsl.example").exists()
    assert EmailAddress.objects.filter(email=member.email, verified=True).exists()


def test_login_keeps_the_language_for_later_emails(client, member):
    assert member.language == ""
    client.post("/en/accounts/login/", {"login": member.email, "password": PASSWORD})
    member.refresh_from_db()
    assert member.language == "en"
    client.logout()
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    member.refresh_from_db()
    assert member.language == "fr"


def test_delete_account_with_wrong_password_keeps_it(member_client, member):
    response = member_client.post("/accounts/delete/", {"password": "not-it"})
    assert response.status_code == 200
    assert "Ce n’est pas votre mot de passe." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_delete_account_removes_it_and_logs_out(member_client, member):
    response = member_client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)
    assert not User.objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email=member.email).exists()
    assert "Votre compte a été supprimé." in response.content.decode()
    assert "_auth_user_id" not in member_client.session


def test_delete_account_gives_its_seats_to_the_waiting_list(
    member_client, member, django_capture_on_commit_callbacks
):
    event = EventFactory(title="Slurm", registration_mode=RegistrationMode.BUILT_IN, capacity=1)
    RegistrationFactory(event=event, user=member)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    past = EventFactory(
        registration_mode=RegistrationMode.BUILT_IN,
        capacity=1,
        starts_at=in_days(-30),
        ends_at=in_days(-29),
    )
    RegistrationFactory(event=past, user=member)
    still_waiting = RegistrationFactory(event=past, status=RegistrationStatus.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/accounts/delete/", {"password": PASSWORD})

    assert not User.objects.filter(pk=member.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    (message,) = mail.outbox
    assert message.to == [waiting.user.email]
    assert (
        message.subject.startswith("[ESPRI-IA] Une place pour vous") and "Slurm" in message.subject
    )
    assert "vous êtes maintenant inscrit" in message.body
    still_waiting.refresh_from_db()  # a past event's list stays as it was
    assert still_waiting.status == RegistrationStatus.WAITING


def test_account_pages_use_the_site_layout_in_both_languages(member_client):
    french = member_client.get("/accounts/password/change/").content.decode()
    english = member_client.get("/en/accounts/password/change/").content.decode()
    for page in (french, english):
        assert 'class="site-header"' in page
        assert 'href="#main"' in page
    assert '<html lang="fr">' in french
    assert "Supprimer mon compte" in french
    assert '<html lang="en">' in english
    assert "Delete my account" in english


def test_logout_returns_to_the_home_page_in_the_same_language(member_client):
    response = member_client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert "_auth_user_id" not in member_client.session


def test_account_pages_speak_one_vocabulary_in_each_language(client):
    english = client.get("/en/accounts/login/").content.decode()
    assert "Log in" in english and "Sign In" not in english and "Signup" not in english
    signup = client.get("/en/accounts/signup/").content.decode()
    assert "Sign up" in signup and "Sign Up" not in signup and "Signup" not in signup
    french = client.get("/accounts/login/").content.decode()
    assert "Se connecter" in french and "Connexion" not in french
    french_signup = client.get("/accounts/signup/").content.decode()
    assert "Créer un compte" in french_signup and "Inscription" not in french_signup


def _fill_my_space(member, events):
    from kb.models.events import RegistrationStatus
    from survey import services
    from tests.factories import (
        PendingProjectFactory,
        RegistrationFactory,
        build_edition,
        complete_answers,
    )

    edition = build_edition()
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    for number in range(events):
        status = RegistrationStatus.WAITING if number else RegistrationStatus.CONFIRMED
        RegistrationFactory(user=member, event__title=f"Seminar {number}", status=status)
        PendingProjectFactory(proposed_by=member, title=f"Proposal {number}")
    RegistrationFactory(event__title="Someone else's seminar")
    PendingProjectFactory(title="Someone else's proposal")


def test_my_space_needs_a_login(client):
    response = client.get("/en/accounts/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_my_space_gathers_my_answers_registrations_and_proposals(client, member):
    _fill_my_space(member, events=2)
    client.force_login(member)
    page = client.get("/en/accounts/mine/").content.decode()
    assert member.email in page
    assert "Survey 2026 · submitted" in page and "/en/survey/2026/" in page
    assert "Change my answers" in page
    assert "Seminar 0</a>" in page and "Seminar 1</a>" in page
    assert "on the waiting list" in page
    assert "Proposal 0</a> · Pending review" in page
    assert "Someone else" not in page
    assert 'href="/en/accounts/mine/" aria-current="page"' in page
    home = client.get("/en/").content.decode()
    assert 'href="/en/accounts/mine/">My space</a>' in home


@pytest.mark.parametrize(
    ("prefix", "cancelled", "registered"),
    [("/en", "event cancelled", "registered"), ("", "événement annulé", "inscrit")],
)
def test_my_space_marks_a_cancelled_event(member_client, member, prefix, cancelled, registered):
    from kb.models.events import EventState
    from tests.factories import RegistrationFactory

    RegistrationFactory(user=member, event__title="Kick-off", event__state=EventState.CANCELLED)
    RegistrationFactory(user=member, event__title="Slurm")
    page = member_client.get(f"{prefix}/accounts/mine/").content.decode()
    kick_off = re.search(r"Kick-off</a>(.*?)</li>", page, re.S).group(1)
    slurm = re.search(r"Slurm</a>(.*?)</li>", page, re.S).group(1)
    assert f"<strong>{cancelled}</strong>" in kick_off and registered not in kick_off
    assert slurm.strip().endswith(f"· {registered}")


@pytest.mark.parametrize("events", [1, 4])
def test_my_space_query_count_is_fixed(client, member, django_assert_num_queries, events):
    _fill_my_space(member, events=events)
    client.force_login(member)
    with django_assert_num_queries(5):
        assert client.get("/en/accounts/mine/").status_code == 200


def french_slips(text):
    """What French account text must not hold: "email" or "courriel" for "e-mail", a straight
    apostrophe, an ordinary space before ? ! : ; (pages: their text, without tags)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\S+@\S+|https?://\S+", "", text)
    return re.findall(r"(?<![-\w])[Ee]mails?\b|[Cc]ourriel|\w'\w|\w [?!:;]", text)


def test_french_account_pages_write_e_mail_and_french_typography(client, member):
    pages = {
        path: client.get(path).content.decode()
        for path in [
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/accounts/password/reset/key/1-bad-token/",
        ]
    }
    sign_up(client, "alice@locean.ipsl.example")
    pages["sent"] = client.get("/accounts/confirm-email/").content.decode()
    pages["confirm"] = client.get(link_in(mail.outbox[-1])).content.decode()
    pages["expired"] = client.get("/accounts/confirm-email/no-such-key/").content.decode()
    client.force_login(member)
    pages["logout"] = client.get("/accounts/logout/").content.decode()
    for name, page in pages.items():
        main = page.split('id="main"', 1)[-1]
        assert french_slips(main) == [], name

    assert '<label for="id_login">E-mail\u202f:</label>' in pages["/accounts/login/"]
    assert '<label for="id_email">E-mail\u202f:</label>' in pages["/accounts/signup/"]
    assert "Vous avez déjà un compte\u202f?" in pages["/accounts/signup/"]
    assert "Connectez-vous</a>" in pages["/accounts/signup/"]
    assert (
        "peut-être parce qu’il a déjà servi" in pages["/accounts/password/reset/key/1-bad-token/"]
    )
    confirm = re.sub(r"\s+", " ", pages["confirm"])
    assert "alice@locean.ipsl.example</a> est bien votre adresse e-mail." in confirm
    # The English page says the same plainly.
    english = client.get("/en" + link_in(mail.outbox[-1])).content.decode()
    assert "alice@locean.ipsl.example</a> is your email address." in re.sub(r"\s+", " ", english)


def test_french_account_emails_write_e_mail_and_french_typography(client, member):
    sign_up(client, "alice@locean.ipsl.example")  # confirmation
    sign_up(Client(), member.email)  # "an account already exists"
    client.post("/accounts/password/reset/", {"email": member.email})
    client.post("/accounts/password/reset/", {"email": "nobody@locean.ipsl.example"})
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        assert french_slips(message.subject + "\n" + message.body) == [], message.subject
    assert mail.outbox[0].body.startswith("Bonjour, ici ESPRI-IA\u202f!")
    assert "cet e-mail" in mail.outbox[1].body


def test_french_rewordings_still_match_allauth_messages():
    """The site's French replaces allauth's only while the msgids are allauth's own."""
    from pathlib import Path

    import allauth
    import django
    import polib

    from espri_ia.account_wording import FRENCH

    known = set()
    for package, name in [(allauth, "allauth"), (django, "conf")]:
        folder = Path(package.__file__).parent
        po = (
            folder / ("locale" if name == "allauth" else "conf/locale") / "fr/LC_MESSAGES/django.po"
        )
        known |= {entry.msgid for entry in polib.pofile(str(po))}
    assert [msgid for msgid in FRENCH if msgid not in known] == []
