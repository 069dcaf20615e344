"""Events: trainings, seminars and meetups that the group runs or relays.

Times are stored aware (UTC in the database) and shown in Europe/Paris. An
all-day event runs from midnight (Paris) of its first day to midnight after its
last day, so one pair of columns orders and filters every event alike.
"""

import datetime
import uuid
from pathlib import PurePath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from kb.bilingual import Translated
from kb.markdown import html_text
from kb.roles import is_coordinator

PARIS = ZoneInfo("Europe/Paris")


def all_day_bounds(first_day, last_day):
    """Aware start and exclusive end of an all-day event: midnight to midnight in Paris."""
    start = datetime.datetime.combine(first_day, datetime.time(0), tzinfo=PARIS)
    end = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time(0), tzinfo=PARIS
    )
    return start, end


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training")
    SEMINAR = "seminar", _("Seminar")
    MEETUP = "meetup", _("Meetup")
    WORKSHOP = "workshop", _("Workshop")
    CONFERENCE = "conference", _("Conference")
    HACKATHON = "hackathon", _("Hackathon")
    ANNOUNCEMENT = "announcement", _("Announcement")


class EventState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationMode(models.TextChoices):
    NONE = "none", _("No registration")
    EXTERNAL = "external", _("External registration link")
    BUILT_IN = "built_in", _("Registration on this site")


class EventQuerySet(models.QuerySet):
    def public(self):
        """What readers see: published events and cancelled ones (marked as such)."""
        return self.filter(state__in=[EventState.PUBLISHED, EventState.CANCELLED])

    def published(self):
        return self.filter(state=EventState.PUBLISHED)

    def visible_to(self, user):
        return self.all() if is_coordinator(user) else self.public()

    def upcoming(self, now=None):
        """Events not over yet (those under way included), soonest first."""
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "-pk")

    def in_year(self, year):
        start = datetime.datetime(year, 1, 1, tzinfo=PARIS)
        end = datetime.datetime(year + 1, 1, 1, tzinfo=PARIS)
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def of_kind(self, kind):
        return self.filter(kind=kind) if kind else self

    def past_years(self, now=None):
        """Years (Paris time) that hold past events, most recent first: one query."""
        return [
            moment.year
            for moment in self.past(now).datetimes("starts_at", "year", order="DESC", tzinfo=PARIS)
        ]

    def with_seat_counts(self):
        return self.annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
            ),
            waiting_count=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITING)
            ),
        )

    def for_listing(self):
        return self.with_seat_counts().defer(
            "description_fr", "description_en", "description_html_fr", "description_html_en"
        )

    def for_calendar(self, now=None, weeks_back=None):
        """Public events not older than a few weeks, for the calendar feeds."""
        weeks = settings.ESPRI_EVENTS_FEED_WEEKS_BACK if weeks_back is None else weeks_back
        since = (now or timezone.now()) - datetime.timedelta(weeks=weeks)
        return self.public().filter(ends_at__gt=since).order_by("starts_at", "pk")


class Event(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    # Texts in French and English (kb.bilingual): either may be missing, not both.
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind, default=EventKind.TRAINING)
    summary_fr = models.CharField(
        _("summary (French)"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown in listings."),
    )
    summary_en = models.CharField(
        _("summary (English)"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown in listings."),
    )
    description_fr = models.TextField(
        _("description (French)"),
        blank=True,
        help_text=_("Markdown: programme, audience, prerequisites…"),
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        help_text=_("Markdown: programme, audience, prerequisites…"),
    )
    description_html_fr = models.TextField(blank=True, editable=False)
    description_html_en = models.TextField(blank=True, editable=False)
    all_day = models.BooleanField(_("all day"), default=False)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    place_fr = models.CharField(_("place (French)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=EventState, default=EventState.DRAFT, db_index=True
    )
    registration_mode = models.CharField(
        _("registration"), max_length=20, choices=RegistrationMode, default=RegistrationMode.NONE
    )
    registration_url = models.URLField(_("registration link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    is_example = models.BooleanField(_("example"), default=False, editable=False)
    # Calendar clients apply an update only when SEQUENCE grows (RFC 5545 §3.8.7.4).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    title = Translated()
    summary = Translated()
    description = Translated()
    description_html = Translated(present_if="description")
    place = Translated()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    # Dates as people read them (Paris).
    @property
    def local_start(self):
        return timezone.localtime(self.starts_at, PARIS)

    @property
    def local_end(self):
        return timezone.localtime(self.ends_at, PARIS)

    @property
    def first_day(self):
        return self.local_start.date()

    @property
    def last_day(self):
        """The last day the event covers (an all-day event ends at midnight after it)."""
        end = self.local_end
        if self.all_day or (end.time() == datetime.time(0) and end.date() > self.first_day):
            return end.date() - datetime.timedelta(days=1)
        return end.date()

    @property
    def is_multi_day(self):
        return self.last_day > self.first_day

    @property
    def is_draft(self):
        return self.state == EventState.DRAFT

    @property
    def is_published(self):
        return self.state == EventState.PUBLISHED

    @property
    def is_cancelled(self):
        return self.state == EventState.CANCELLED

    def has_started(self, now=None):
        return self.starts_at <= (now or timezone.now())

    def is_over(self, now=None):
        return self.ends_at <= (now or timezone.now())

    @property
    def has_builtin_registration(self):
        return self.registration_mode == RegistrationMode.BUILT_IN

    def registration_open(self, now=None):
        return self.has_builtin_registration and self.is_published and not self.has_started(now)

    def seats_left(self):
        """Free seats, or None without a limit. Needs ``with_seat_counts()``."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    def search_text(self, language):
        """Plain text for the site search in ``language``: description, place, organiser."""
        body = html_text(getattr(self, f"description_html_{language}"))
        parts = [body, getattr(self, f"place_{language}"), self.organiser]
        return "\n".join(part for part in parts if part)

    def has_language(self, language):
        return bool(getattr(self, f"title_{language}") or getattr(self, f"summary_{language}"))


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Registered")
    WAITING = "waiting", _("Waiting list")


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self):
        """The waiting list in the order people joined it."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")

    def for_participant_list(self):
        return self.select_related("user").order_by("status", "created_at", "pk")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_registration_per_person"),
        ]

    def __str__(self):
        return f"{self.user} → {self.event}"

    @property
    def is_confirmed(self):
        return self.status == RegistrationStatus.CONFIRMED


class MaterialKind(models.TextChoices):
    LINK = "link", _("Link")
    FILE = "file", _("File")


def material_upload_path(instance, filename):
    """A random name: the uploader's file name is kept only as a label."""
    suffix = PurePath(filename).suffix.lower()
    return f"events/materials/{uuid.uuid4().hex}{suffix}"


class MaterialQuerySet(models.QuerySet):
    def in_order(self):
        return self.order_by("position", "created_at", "pk")


class Material(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(max_length=10, choices=MaterialKind)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=material_upload_path, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.is_file:
            return reverse("events:material", kwargs={"pk": self.pk, "name": self.download_name})
        return self.url

    @property
    def is_file(self):
        return self.kind == MaterialKind.FILE

    @property
    def format_label(self):
        return PurePath(self.file.name).suffix.lstrip(".").upper()

    @property
    def download_name(self):
        """A readable file name built from the uploader's, safe in a URL and a header."""
        original = PurePath(self.original_name or self.file.name)
        return f"{slugify(original.stem) or 'material'}{PurePath(self.file.name).suffix}"
