"""Every change to events, registrations and materials goes through these functions.

Registration locks the event row (``select_for_update``) so that two people
asking for the last seat at the same instant are served one after the other:
exactly one gets it, the other joins the waiting list. An edit takes the same
lock, so the registrations it counts before taking seats back cannot change
until it is saved. On SQLite the settings already serialise writers (IMMEDIATE
transactions).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kb.bilingual import LANGUAGES
from kb.mail import queue_email
from kb.markdown import render_markdown
from kb.models import SearchEntry
from kb.models.events import (
    Event,
    EventState,
    Material,
    MaterialKind,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from kb.search import index_entry, remove_entry

EDITABLE_FIELDS = [
    "title_fr",
    "title_en",
    "kind",
    "summary_fr",
    "summary_en",
    "description_fr",
    "description_en",
    "all_day",
    "starts_at",
    "ends_at",
    "place_fr",
    "place_en",
    "online_url",
    "organiser",
    "registration_mode",
    "registration_url",
    "capacity",
]


class RegistrationError(Exception):
    """Registration refused; the message is shown to the person."""


class EditRefused(ValidationError):
    """The refusal of an event edit; each message is keyed by the form field it is about."""


# Events


def _unique_slug(title, starts_at, *, exclude_pk=None):
    day = timezone.localtime(starts_at).date().isoformat()
    base = f"{slugify(title)[:100].strip('-') or 'event'}-{day}"
    taken = set(
        Event.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _apply(event, fields):
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(event, name, value)
    if event.registration_mode != RegistrationMode.EXTERNAL:
        event.registration_url = ""
    if event.registration_mode != RegistrationMode.BUILT_IN:
        event.capacity = None
    for language in LANGUAGES:
        description = getattr(event, f"description_{language}")
        html = render_markdown(description, language=language).html
        setattr(event, f"description_html_{language}", html)


@transaction.atomic
def create_event(*, created_by, is_example=False, **fields):
    """A new draft event; ``fields`` are the editable fields (EDITABLE_FIELDS)."""
    event = Event(created_by=created_by, is_example=is_example, state=EventState.DRAFT)
    _apply(event, fields)
    event.slug = _unique_slug(event.title, event.starts_at)
    event.full_clean()
    event.save()
    return event


def duplicate_event(*, source, created_by, **changes):
    """A draft copy of ``source`` (for the next session of a training), with ``changes``."""
    fields = {name: getattr(source, name) for name in EDITABLE_FIELDS}
    fields.update(changes)
    return create_event(created_by=created_by, is_example=source.is_example, **fields)


def copy_initial(source):
    """Form values for a copy of ``source``: everything but the dates, which must change."""
    return {name: getattr(source, name) for name in EDITABLE_FIELDS}


@transaction.atomic
def update_event(*, event, **fields):
    """Apply ``fields``, unless registered people would lose out (``EditRefused``)."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    old_capacity = event.capacity
    _apply(event, fields)
    check_registrations_kept(event)
    if not event.is_draft:
        event.sequence += 1  # calendars that already hold it must take the change
    event.full_clean()
    event.save()
    sync_search_entry(event)
    if event.has_builtin_registration and (
        event.capacity is None or (old_capacity is not None and event.capacity > old_capacity)
    ):
        _promote_waiting(event)
    return event


def check_registrations_kept(event):
    """An edit never takes a seat back nor hides registrations: nobody would be told.

    ``event`` holds the edit, not saved yet; its row is locked, so the counts hold until
    the save.
    """
    registered = event.registrations.count()
    if registered and not event.has_builtin_registration:
        raise EditRefused(
            {
                "registration_mode": ngettext(
                    "%(count)s person is registered on this site (seat or waiting list) "
                    "and would not be told. Keep registration on this site, or cancel "
                    "the event (registered people are emailed) and publish a copy.",
                    "%(count)s people are registered on this site (seats or waiting list) "
                    "and would not be told. Keep registration on this site, or cancel "
                    "the event (registered people are emailed) and publish a copy.",
                    registered,
                )
                % {"count": registered}
            }
        )
    confirmed = event.registrations.confirmed().count()
    if event.capacity is not None and event.capacity < confirmed:
        raise EditRefused(
            {
                "capacity": ngettext(
                    "%(count)s person already holds a seat: give at least %(count)s "
                    "(newcomers then join the waiting list).",
                    "%(count)s people already hold a seat: give at least %(count)s "
                    "(newcomers then join the waiting list).",
                    confirmed,
                )
                % {"count": confirmed}
            }
        )


@transaction.atomic
def publish_event(*, event):
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.state != EventState.DRAFT:
        return event
    event.state = EventState.PUBLISHED
    event.published_at = event.published_at or timezone.now()
    event.save(update_fields=["state", "published_at", "updated_at"])
    sync_search_entry(event)
    return event


@transaction.atomic
def cancel_event(*, event):
    """Cancel: the event stays listed, marked; registered people are told by email."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.state == EventState.CANCELLED:
        return event
    was_published = event.is_published
    event.state = EventState.CANCELLED
    event.sequence += 1
    event.save(update_fields=["state", "sequence", "updated_at"])
    sync_search_entry(event)
    if was_published:
        for registration in event.registrations.select_related("user"):
            _email_later(registration.user, "event_cancelled", event)
    return event


def sync_search_entry(event):
    """Events that readers see (published or cancelled) are in the site search,
    in each language they are written in."""
    for language in LANGUAGES:
        if event.is_draft or not event.has_language(language):
            remove_entry(kind=SearchEntry.Kind.EVENT, object_id=event.pk, language=language)
            continue
        index_entry(
            kind=SearchEntry.Kind.EVENT,
            object_id=event.pk,
            language=language,
            url_name="events:detail",
            url_kwargs={"slug": event.slug},
            title=getattr(event, f"title_{language}") or event.title,
            summary=getattr(event, f"summary_{language}"),
            text=event.search_text(language),
        )


@transaction.atomic
def delete_draft(*, event):
    """Only drafts can be deleted: nobody outside the coordinators has seen them."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.is_draft:
        raise ValueError("only a draft can be deleted; cancel a published event")
    for material in event.materials.all():
        delete_material(material=material)
    event.delete()


# Registrations


@transaction.atomic
def register(*, event, user, now=None):
    """Register ``user``: a seat when one is free, else the waiting list.

    Idempotent: returns ``(registration, created)``; ``created`` is False, and nothing
    is sent, when ``user`` was already registered or waiting (a second click, an old tab).
    """
    # The lock makes concurrent registrations for this event wait for each other.
    event = Event.objects.select_for_update().get(pk=event.pk)
    existing = Registration.objects.filter(event=event, user=user).first()
    if existing:
        return existing, False
    if not event.has_builtin_registration:
        raise RegistrationError(_("This event has no registration on this site."))
    if not event.registration_open(now):
        raise RegistrationError(_("Registration for this event is closed."))
    taken = event.registrations.confirmed().count()
    free = event.capacity is None or taken < event.capacity
    registration = Registration.objects.create(
        event=event,
        user=user,
        status=RegistrationStatus.CONFIRMED if free else RegistrationStatus.WAITING,
    )
    _email_later(user, "registered" if free else "waiting", event, translation.get_language())
    return registration, True


def check_cancellable(event, now=None):
    """Once an event has started, its registrations stay as they are: who came is kept."""
    if event.has_started(now):
        raise RegistrationError(
            _("This event has started: registrations can no longer be cancelled.")
        )


@transaction.atomic
def cancel_registration(*, event, user, now=None):
    """Withdraw ``user``; free seats go to the waiting list in order. Returns those promoted.

    Raises RegistrationError when the event has started or ``user`` was not registered.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_cancellable(event, now)
    deleted, _by_model = Registration.objects.filter(event=event, user=user).delete()
    if not deleted:
        raise RegistrationError(_("You were not registered for this event."))
    return _promote_waiting(event)


def _promote_waiting(event):
    """Give free seats to the first people on the waiting list. The event row is locked."""
    if event.is_cancelled:
        return []  # a seat in a cancelled event is worth no "a seat is yours" email
    if event.capacity is None:
        waiting = list(event.registrations.waiting())
    else:
        free = event.capacity - event.registrations.confirmed().count()
        waiting = list(event.registrations.waiting()[: max(free, 0)])
    now = timezone.now()
    for registration in waiting:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        if not event.has_started(now):
            _email_later(registration.user, "promoted", event)
    return waiting


def waiting_position(registration):
    """1 for the first person on the waiting list."""
    return (
        registration.event.registrations.waiting()
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, pk__lte=registration.pk)
        )
        .count()
    )


@transaction.atomic
def withdraw_deleted_account(*, user, now=None):
    """Before ``user``'s account is deleted: each seat it holds in an event still to come
    goes to the next person waiting, who is emailed as after a cancellation. Returns those
    promoted. (The deletion would drop the registrations without promoting anyone.)"""
    promoted = []
    for event_id in Registration.objects.filter(user=user).values_list("event_id", flat=True):
        event = Event.objects.select_for_update().get(pk=event_id)
        Registration.objects.filter(event=event, user=user).delete()
        if not event.has_started(now) and not event.is_cancelled:
            promoted += _promote_waiting(event)
    return promoted


# Emails


def _email_later(user, template, event, language=None):
    """Queued with the change: no one is told of a change that was rolled back. Without
    ``language`` (the person is not the one acting), in the language they use the site in."""
    send_event_email(user, template, event, language or user.email_language)


def send_event_email(user, template, event, language):
    with translation.override(language):
        context = {
            "user": user,
            "event": event,
            "event_url": settings.ESPRI_SITE_URL + event.get_absolute_url(),
        }
        subject = render_to_string(f"kb/events/email/{template}_subject.txt", context)
        body = render_to_string(f"kb/events/email/{template}_body.txt", context)
    queue_email(subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body=body, to=[user.email])


# Materials


def add_link_material(*, event, title, url):
    return Material.objects.create(
        event=event, kind=MaterialKind.LINK, title=title, url=url, position=_next_position(event)
    )


def add_file_material(*, event, title, upload, content_type):
    """Store an upload already checked by ``kb.event_materials.check_material_file``."""
    return Material.objects.create(
        event=event,
        kind=MaterialKind.FILE,
        title=title,
        file=upload,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        position=_next_position(event),
    )


def delete_material(*, material):
    if material.file:
        material.file.delete(save=False)
    material.delete()


def _next_position(event):
    last = event.materials.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1
