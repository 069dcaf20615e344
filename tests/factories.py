import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from kb.models import Architecture, Event, Project, Reference, Registration, Task, User
from kb.models.events import PARIS, EventKind, EventState, RegistrationStatus
from kb.roles import COORDINATORS_GROUP

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    """A member: an account whose email address is verified."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@lab.ipsl.example")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class CoordinatorFactory(UserFactory):
    email = factory.Sequence(lambda n: f"coordinator{n}@lab.ipsl.example")

    @factory.post_generation
    def coordinator_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))


def doc_page(path, *, title=None, body="", summary="", position=100, author=None, language="fr"):
    """A documentation page created the way an editor creates one (with its revision)."""
    from kb.models import DocPage
    from kb.services.docs import create_page

    parent_path, _, slug = path.rpartition("/")
    return create_page(
        parent=DocPage.objects.get(path=parent_path) if parent_path else None,
        slug=slug,
        language=language,
        title=title or slug.replace("-", " ").capitalize(),
        summary=summary,
        body=body,
        position=position,
        author=author,
    )


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published project with one task and one architecture from the migration's lists."""

    class Meta:
        model = Project
        skip_postgeneration_save = True
        rename = {"summary": "summary_en", "description": "description_en"}

    title = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")
    summary = "Deep learning on climate data."
    description = "Some **Markdown**."
    year = 2020
    status = Project.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tasks(project, create, extracted, **kwargs):
        if create:
            project.tasks.set(
                extracted if extracted is not None else Task.objects.filter(slug="detection")
            )

    @factory.post_generation
    def architectures(project, create, extracted, **kwargs):
        if create:
            project.architectures.set(
                extracted if extracted is not None else Architecture.objects.filter(slug="cnn")
            )

    @factory.post_generation
    def data_types(project, create, extracted, **kwargs):
        if create and extracted:
            project.data_types.set(extracted)

    @factory.post_generation
    def laboratories(project, create, extracted, **kwargs):
        if create and extracted:
            project.laboratories.set(extracted)


class PendingProjectFactory(ProjectFactory):
    status = Project.Status.PENDING
    published_at = None
    proposed_by = factory.SubFactory(UserFactory)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    project = factory.SubFactory(ProjectFactory)
    kind = Reference.Kind.ARTICLE
    authors = "Ada Lovelace; Charles Babbage"
    title = factory.Sequence(lambda n: f"A paper {n}")
    venue = "Journal of Tests"
    year = 2019


# Survey


def build_edition(year=2026, *, state="open", **fields):
    """An edition with one question of each type in two sections, open by default."""
    import datetime

    from django.utils import timezone

    from survey.models import Choice, Edition, Question, Section

    now = timezone.now()
    opens, closes = {
        "open": (now - datetime.timedelta(days=1), now + datetime.timedelta(days=30)),
        "upcoming": (now + datetime.timedelta(days=1), now + datetime.timedelta(days=30)),
        "closed": (now - datetime.timedelta(days=30), now - datetime.timedelta(days=1)),
    }[state]
    edition = Edition.objects.create(
        year=year,
        title_fr=f"Sondage {year}",
        title_en=f"Survey {year}",
        opens_at=opens,
        closes_at=closes,
        **fields,
    )
    practice = Section.objects.create(
        edition=edition, position=0, key="practice", title_fr="Pratique", title_en="Practice"
    )
    about = Section.objects.create(
        edition=edition, position=1, key="about", title_fr="Vous", title_en="You"
    )

    def question(section, position, key, kind, **extra):
        return Question.objects.create(
            edition=edition,
            section=section,
            position=position,
            key=key,
            kind=kind,
            text_fr=f"Question {key}",
            text_en=f"Question {key} (en)",
            **extra,
        )

    theme = question(practice, 0, "theme", "single", required=True, allow_other=True)
    tools = question(practice, 1, "tools", "multiple", allow_other=True, max_choices=2)
    for position, (key, fr, en) in enumerate(
        [("ocean", "Océan", "Ocean"), ("atmosphere", "Atmosphère", "Atmosphere")]
    ):
        Choice.objects.create(question=theme, position=position, key=key, text_fr=fr, text_en=en)
    for position, (key, fr) in enumerate(
        [("jupyter", "Jupyter"), ("vim", "Vim"), ("vscode", "VS Code")]
    ):
        Choice.objects.create(question=tools, position=position, key=key, text_fr=fr)
    question(about, 0, "satisfaction", "scale", min_value=1, max_value=5, required=True)
    question(about, 1, "years", "number", min_value=0, max_value=50)
    question(about, 2, "remarks", "text")
    return edition


def complete_answers(**overrides):
    answers = {
        "theme": {"choices": ["ocean"], "other": ""},
        "tools": {"choices": ["jupyter", "vim"], "other": ""},
        "satisfaction": {"number": 4.0},
        "years": {"number": 3.0},
        "remarks": {"text": "More GPUs"},
    }
    answers.update(overrides)
    return answers


def paris(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def in_days(days, hour=10):
    """An aware moment ``days`` from today at ``hour`` o'clock, Paris time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


class EventFactory(factory.django.DjangoModelFactory):
    """A published two-hour seminar a week from now."""

    class Meta:
        model = Event
        rename = {
            "title": "title_fr",
            "summary": "summary_fr",
            "description": "description_fr",
            "description_html": "description_html_fr",
            "place": "place_fr",
        }

    title = factory.Sequence(lambda n: f"Seminar {n}")
    slug = factory.Sequence(lambda n: f"seminar-{n}")
    kind = EventKind.SEMINAR
    summary = "Deep learning for climate data."
    description = "Bring a laptop."
    description_html = "<p>Bring a laptop.</p>"
    starts_at = factory.LazyFunction(lambda: in_days(7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=2))
    place = "LATMOS, Guyancourt"
    state = EventState.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    status = RegistrationStatus.CONFIRMED
