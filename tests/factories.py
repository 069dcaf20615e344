import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from kb.models import Event, Registration, User
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
