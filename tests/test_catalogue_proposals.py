"""Members propose, coordinators review: the whole path, its emails, validation, roles."""

import pytest
from django.core import mail
from django.utils import timezone

from kb.models import Architecture, Project, Task
from kb.services import catalogue as catalogue_services
from tests.factories import (
    CoordinatorFactory,
    PendingProjectFactory,
    ProjectFactory,
    ReferenceFactory,
    UserFactory,
)

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


# A member's own proposal: edited and withdrawn while it waits, by them or a coordinator.

ROLES = ["anonymous", "another member", "proposer", "coordinator"]
STATES = [Project.Status.PENDING, Project.Status.PUBLISHED, Project.Status.REJECTED]


def log_in_as(client, role, project):
    users = {
        "another member": UserFactory,
        "proposer": lambda: project.proposed_by,
        "coordinator": CoordinatorFactory,
    }
    if role in users:
        client.force_login(users[role]())


def refused_to_proposer(html, status):
    """The proposer of a reviewed project is told why they can no longer change it."""
    if status == Project.Status.PUBLISHED:
        return "is published: only a coordinator can change or delete it now" in html
    return "was not accepted, so it can no longer be changed" in html


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_edit_a_proposal(client, role, status):
    project = PendingProjectFactory(title="Old title", status=status)
    log_in_as(client, role, project)
    url = f"/en/projects/{project.slug}/edit/"
    shown = client.get(url)
    sent = client.post(url, proposal(title="New title"))
    project.refresh_from_db()
    if role == "anonymous":
        assert shown.status_code == sent.status_code == 302
        assert "/accounts/login/" in shown["Location"] and "/accounts/login/" in sent["Location"]
    elif role == "coordinator" or (role == "proposer" and status == Project.Status.PENDING):
        assert shown.status_code == 200 and 'value="Old title"' in shown.content.decode()
        assert sent.status_code == 302 and sent["Location"] == f"/en/projects/{project.slug}/"
        assert project.title == "New title" and project.status == status
        return
    elif role == "proposer":
        assert shown.status_code == sent.status_code == 403
        assert refused_to_proposer(shown.content.decode(), status)
        # Reviewed while they were typing: what they sent is still on the page.
        assert refused_to_proposer(sent.content.decode(), status)
        assert 'value="New title"' in sent.content.decode()
    else:
        assert shown.status_code == sent.status_code == 403
        assert "Old title" not in shown.content.decode()
    assert project.title == "Old title"


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_withdraw_or_delete_a_proposal(client, role, status):
    project = PendingProjectFactory(title="Old title", status=status)
    log_in_as(client, role, project)
    url = f"/en/projects/{project.slug}/delete/"
    shown = client.get(url)
    html = shown.content.decode()
    if role == "anonymous":
        assert shown.status_code == 302 and "/accounts/login/" in shown["Location"]
    elif role == "coordinator":
        assert shown.status_code == 200 and "Delete “Old title”?" in html
    elif role == "proposer" and status == Project.Status.PENDING:
        assert shown.status_code == 200 and "Withdraw your proposal “Old title”?" in html
    elif role == "proposer":
        assert shown.status_code == 403 and refused_to_proposer(html, status)
    else:
        assert shown.status_code == 403
    sent = client.post(url)
    gone = not Project.objects.filter(pk=project.pk).exists()
    if role == "coordinator":
        assert gone and sent["Location"] == "/en/projects/"
    elif role == "proposer" and status == Project.Status.PENDING:
        assert gone and sent["Location"] == "/en/projects/mine/"
        assert (
            "Your proposal “Old title” is withdrawn."
            in client.get(sent["Location"]).content.decode()
        )
    else:
        assert not gone and sent.status_code in (302, 403)


@pytest.mark.parametrize(
    ("prefix", "edit", "withdraw"),
    [("/en/", "Edit my proposal", "Withdraw my proposal"),
     ("/", "Modifier ma proposition", "Retirer ma proposition")],
)  # fmt: skip
def test_proposer_finds_edit_and_withdraw_while_pending_only(client, prefix, edit, withdraw):
    pending = PendingProjectFactory(title="Waiting")
    published = PendingProjectFactory(
        title="Out", status=Project.Status.PUBLISHED, proposed_by=pending.proposed_by
    )
    client.force_login(pending.proposed_by)
    mine = client.get(f"{prefix}projects/mine/").content.decode()
    assert mine.count(f'href="{prefix}projects/{pending.slug}/edit/"') == 1
    assert mine.count(f'href="{prefix}projects/{pending.slug}/delete/"') == 1
    assert f"{published.slug}/edit/" not in mine and f"{published.slug}/delete/" not in mine
    html = client.get(f"{prefix}projects/{pending.slug}/").content.decode()
    assert edit in html and withdraw in html
    assert f'href="{prefix}projects/{pending.slug}/delete/"' in html
    html = client.get(f"{prefix}projects/{published.slug}/").content.decode()
    assert edit not in html and "/edit/" not in html
    client.force_login(UserFactory())  # another member sees the published one, no tools
    html = client.get(f"{prefix}projects/{published.slug}/").content.decode()
    assert edit not in html and "/edit/" not in html


# The proposal form.


@pytest.mark.parametrize(
    ("prefix", "message", "other_message"),
    [
        ("/en/", "Ensure this value has at most 300 characters", "Write it in French, in English"),
        ("/", "comporte au plus 300 caractères", "Écrivez-le en français, en anglais"),
    ],
)
def test_a_too_long_summary_is_not_also_missing(member_client, prefix, message, other_message):
    data = proposal(summary_fr="é" * 5000)
    data["summary_en"] = ""
    html = member_client.post(f"{prefix}projects/propose/", data).content.decode()
    assert message in html
    assert other_message not in html
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("prefix", "texts"),
    [
        (
            "/en/",
            [
                "Tasks: Choose at least one task.",
                "Architectures: Choose at least one architecture.",
                "Reference 1: Year: Ensure this value is greater than or equal to 1950.",
                "Link 1: Web address: Enter a web address starting with http:// or https://.",
            ],
        ),
        (
            "/",
            [
                "Tâches\u202f: Choisissez au moins une tâche.",
                "Architectures\u202f: Choisissez au moins une architecture.",
                "Référence 1\u202f: Année\u202f: Assurez-vous que cette valeur est supérieure "
                "ou égale à 1950.",
                "Lien 1\u202f: Adresse web\u202f: Saisissez une adresse web commençant par "
                "http:// ou https://.",
            ],
        ),
    ],
)
def test_failed_submit_lists_each_error_with_a_link_to_its_field(member_client, prefix, texts):
    data = proposal(tasks=[], architectures=[])
    data.update({"references-0-year": "12", "links-0-url": "ftp://files.example/code"})
    response = member_client.post(f"{prefix}projects/propose/", data)
    html = response.content.decode()
    summary = html[
        html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))
    ]
    targets = ["id_tasks_0", "id_architectures_0", "id_references-0-year", "id_links-0-url"]
    for target, text in zip(targets, texts, strict=True):
        assert f'<a href="#{target}">{text}</a>' in summary
        assert f'id="{target}"' in html  # the link leads somewhere
    assert 'id="error-summary" tabindex="-1"' in html  # so it can take the focus
    assert "js/catalogue-form.js" in html  # which moves the focus to the list
    # The group's <fieldset> and each of its tick boxes name the group's message.
    described = 'aria-describedby="id_tasks_helptext id_tasks_error"'
    assert html.count(described) == 1 + Task.objects.count()
    assert f'{described} id="id_tasks_0"' in html


@pytest.mark.parametrize(
    ("prefix", "required"), [("/en/", "Required: tick one or more."), ("/", "Obligatoire")]
)
def test_required_groups_are_marked_before_sending(member_client, prefix, required):
    html = member_client.get(f"{prefix}projects/propose/").content.decode()
    for group in ("tasks", "architectures"):
        assert f'<div class="helptext" id="id_{group}_helptext">{required}' in html
        assert f'aria-describedby="id_{group}_helptext" id="id_{group}_0"' in html
    assert "error-summary" not in html


@pytest.mark.parametrize(("prefix", "label"), [("/en/", "Web address"), ("/", "Adresse web")])
def test_address_labels_are_capitalised_and_new_rows_have_no_delete_box(
    member_client, coordinator, prefix, label
):
    html = member_client.get(f"{prefix}projects/propose/").content.decode()
    for row in ("references-0", "links-0"):
        assert f'<label for="id_{row}-url">{label}' in html
    assert "-DELETE" not in html
    # A stored row can still be deleted when the project is edited.
    project = ProjectFactory()
    ReferenceFactory(project=project)
    member_client.force_login(coordinator)
    html = member_client.get(f"{prefix}projects/{project.slug}/edit/").content.decode()
    assert 'name="references-0-DELETE"' in html and 'name="references-1-DELETE"' not in html


def test_year_inputs_have_the_limits_the_server_checks(member_client):
    this_year = timezone.now().year
    html = member_client.get("/en/projects/propose/").content.decode()
    for name in ("year", "references-0-year"):
        assert f'name="{name}" min="1950" max="{this_year}"' in html
    for value in ("-5", "0", "1949"):
        response = member_client.post("/en/projects/propose/", proposal(year=value))
        html = response.content.decode()
        assert "greater than or equal to 1950" in html
        assert "greater than or equal to 0" not in html
    assert not Project.objects.exists()
