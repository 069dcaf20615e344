"""Members propose, coordinators review: the whole path, its emails, validation, roles."""

import pytest
from django.core import mail
from django.utils import timezone

from kb.models import Architecture, Project, Task
from kb.services import catalogue as catalogue_services
from tests.factories import CoordinatorFactory, PendingProjectFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def management(prefix, total=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


def proposal(**overrides):
    data = {
        "title": "Radar échos & rain",
        "summary": "Cleaning radar images.",
        "description": "We use a **U-Net**.",
        "year": "2020",
        "tasks": [str(Task.objects.get(slug="denoising").pk)],
        "architectures": [str(Architecture.objects.get(slug="u-net").pk)],
        **management("references", 1),
        "references-0-kind": "article",
        "references-0-authors": "Pierre Lepetit; et al.",
        "references-0-title": "Using Deep Learning for Restoration",
        "references-0-venue": "IEEE TGRS",
        "references-0-year": "2020",
        "references-0-doi": "https://doi.org/10.1109/TGRS.2020.42",
        "references-0-url": "",
        **management("contacts", 1),
        "contacts-0-name": "Pierre",
        "contacts-0-email": "pierre@latmos.ipsl.fr",
        **management("links", 2),
        "links-0-kind": "code",
        "links-0-url": "https://git.example/radar",
        "links-1-kind": "web",
        "links-1-url": "",
    }
    data.update(overrides)
    # Written in English; the French texts stay empty.
    for name in ("summary", "description"):
        if name in data:
            data[f"{name}_en"] = data.pop(name)
    return data


def test_propose_review_publish_with_emails(
    client, member, coordinator, django_capture_on_commit_callbacks
):
    coordinator.language = "en"
    coordinator.save()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/projects/propose/", proposal())
    assert response.status_code == 302 and response["Location"] == "/en/projects/mine/"
    project = Project.objects.get()
    assert project.status == Project.Status.PENDING and project.proposed_by == member
    assert project.slug == "radar-echos-rain"
    assert "<strong>U-Net</strong>" in project.description_html
    reference = project.references.get()
    assert reference.doi == "10.1109/TGRS.2020.42"  # the link prefix is dropped
    assert project.contacts.get().email == "pierre@latmos.ipsl.fr"
    assert list(project.links.values_list("url", flat=True)) == ["https://git.example/radar"]
    # Coordinators are told; readers do not see it.
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Radar échos & rain" in mail.outbox[0].body
    assert "http://127.0.0.1:8000/en/projects/review/" in mail.outbox[0].body  # ESPRI_SITE_URL
    assert "Pending review" in client.get("/en/projects/mine/").content.decode()

    client.force_login(coordinator)
    queue = client.get("/en/projects/review/").content.decode()
    assert "Radar échos &amp; rain" in queue and member.email in queue
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/projects/{project.slug}/review/", {"decision": "approve", "message": "Thanks!"}
        )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.PUBLISHED
    assert project.reviewed_by == coordinator and project.published_at is not None
    (email,) = mail.outbox
    assert email.to == [member.email]
    assert "is published" in email.subject
    assert f"http://127.0.0.1:8000/en/projects/{project.slug}/" in email.body
    assert "Thanks!" in email.body
    assert "Radar échos" in client.get("/en/projects/").content.decode()
    assert "No proposal is waiting" in client.get("/en/projects/review/").content.decode()


def test_reject_needs_a_message_and_tells_the_proposer(
    coordinator_client, django_capture_on_commit_callbacks
):
    pending = PendingProjectFactory(title="Too vague", proposed_by__language="en")
    response = coordinator_client.post(
        f"/en/projects/{pending.slug}/review/", {"decision": "reject", "message": " "}
    )
    assert response.status_code == 400
    assert "Tell the proposer why" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Project.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            f"/en/projects/{pending.slug}/review/",
            {"decision": "reject", "message": "Please add a reference."},
        )
    pending.refresh_from_db()
    assert pending.status == Project.Status.REJECTED
    (email,) = mail.outbox
    assert email.to == [pending.proposed_by.email]
    assert "was not accepted" in email.subject and "Please add a reference." in email.body


def test_decision_is_written_in_the_language_of_the_proposal(
    client, member, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(member)
    client.post("/projects/propose/", proposal(title="Projet à publier"))
    project = Project.objects.get()
    client.force_login(coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/en/projects/{project.slug}/review/", {"decision": "approve"})
    (email,) = mail.outbox
    assert email.subject.startswith("[ESPRI-IA] Votre projet")
    assert "Projet à publier" in email.subject and email.subject.endswith("est publié")
    assert f"http://127.0.0.1:8000/projects/{project.slug}/" in email.body


def test_coordinators_are_told_each_in_their_language(
    member_client, coordinator, django_capture_on_commit_callbacks
):
    english = CoordinatorFactory(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/en/projects/propose/", proposal())
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {(coordinator.email,), (english.email,)}
    assert "Pour le relire" in by_recipient[coordinator.email,].body
    assert "/en/projects/review/" in by_recipient[english.email,].body
    assert by_recipient[english.email,].subject.startswith("[ESPRI-IA] New project proposal")


def test_proposer_sees_status_and_message(client):
    rejected = PendingProjectFactory(status=Project.Status.REJECTED, review_message="Out of scope.")
    PendingProjectFactory(title="Someone else's")
    client.force_login(rejected.proposed_by)
    html = client.get("/en/projects/mine/").content.decode()
    assert rejected.title in html and "Rejected" in html and "Out of scope." in html
    assert "Someone else" not in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("references-0-doi", "doi-1234", "Enter a DOI of the form 10.NNNN/suffix"),
        ("references-0-doi", "10.12/abc", "Enter a DOI of the form 10.NNNN/suffix"),
        ("references-0-url", "ftp://files.example/paper", "starting with http:// or https://"),
        ("links-0-url", "javascript:alert(1)", "starting with http:// or https://"),
        ("year", str(timezone.now().year + 1), "The year cannot be in the future"),
        ("references-0-year", str(timezone.now().year + 1), "The year cannot be in the future"),
        ("tasks", [], "Choose at least one task."),
    ],
)
def test_bad_input_gets_a_clear_error_and_stores_nothing(member_client, field, value, message):
    response = member_client.post("/en/projects/propose/", proposal(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Nothing was saved yet" in html
    assert "Radar échos &amp; rain" in html  # what was typed is kept
    assert not Project.objects.exists()
    assert not mail.outbox


def test_coordinator_edits_a_project_and_its_children(coordinator_client):
    project = catalogue_services.propose_project(
        proposer=None,
        fields={
            "title": "Old title",
            "summary": "S",
            "description": "",
            "year": 2019,
            "tasks": Task.objects.filter(slug="detection"),
            "architectures": Architecture.objects.filter(slug="cnn"),
        },
        references=[{"authors": "A. Author", "title": "Kept paper"}],
    )
    data = proposal(title="New title", **management("references", 1))
    data.update(
        {
            "references-INITIAL_FORMS": "1",
            "references-0-title": "Kept paper, corrected",
            "references-0-DELETE": "",
        }
    )
    response = coordinator_client.post(f"/en/projects/{project.slug}/edit/", data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "New title" and project.slug == "old-title"  # the address stays
    assert list(project.references.values_list("title", flat=True)) == ["Kept paper, corrected"]
    assert list(project.tasks.values_list("slug", flat=True)) == ["denoising"]


def test_edit_form_shows_current_values(coordinator_client):
    project = ProjectFactory(title="Shown title")
    html = coordinator_client.get(f"/en/projects/{project.slug}/edit/").content.decode()
    assert 'value="Shown title"' in html


def test_coordinator_deletes_a_project(coordinator_client):
    project = ProjectFactory()
    assert coordinator_client.get(f"/en/projects/{project.slug}/delete/").status_code == 200
    response = coordinator_client.post(f"/en/projects/{project.slug}/delete/")
    assert response.status_code == 302
    assert not Project.objects.exists()


def test_reserved_paths_never_become_project_addresses():
    project = catalogue_services.propose_project(
        proposer=None,
        fields={"title": "Review", "summary": "S", "description": "", "year": None},
    )
    assert project.slug == "review-2"


@pytest.mark.parametrize("path", ["propose/", "mine/"])
def test_anonymous_goes_to_login_for_member_pages(client, path):
    response = client.get(f"/en/projects/{path}")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_member_pages_by_role(member_client):
    assert "Propose a project" in member_client.get("/en/projects/propose/").content.decode()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "review/"),
        ("get", "lists/"),
        ("get", "lists/tasks/add/"),
        ("get", "{slug}/edit/"),
        ("get", "{slug}/delete/"),
        ("post", "{slug}/review/"),
        ("post", "{slug}/delete/"),
    ],
)
def test_coordinator_pages_refused_to_others(client, member, method, path):
    project = PendingProjectFactory()
    url = "/en/projects/" + path.format(slug=project.slug)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(member)
    assert getattr(client, method)(url).status_code == 403
    project.refresh_from_db()
    assert project.status == Project.Status.PENDING


def test_review_queue_query_count(coordinator_client, django_assert_num_queries):
    for _ in range(5):
        PendingProjectFactory()
    # Session, user with their role, pending projects with their proposers.
    with django_assert_num_queries(3):
        assert coordinator_client.get("/en/projects/review/").status_code == 200


def test_preview_shows_each_description_and_stores_nothing(client, member):
    client.force_login(member)
    response = client.post(
        "/en/projects/propose/", proposal(preview="", description_fr="Un **U-Net** français.")
    )
    page = response.content.decode()
    assert '<div class="prose" lang="fr"><p>Un <strong>U-Net</strong> français.</p></div>' in page
    assert '<div class="prose" lang="en"><p>We use a <strong>U-Net</strong>.</p></div>' in page
    assert not Project.objects.exists()
