"""Event pages: listings, an event's page, registration, coordinators' pages, feeds."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    condition,
    require_GET,
    require_http_methods,
    require_POST,
)

from kb.bilingual import description_previews
from kb.calendar_feeds import CalendarEntry, build_calendar
from kb.dates import date_format
from kb.event_materials import type_for_stored_name
from kb.forms.events import EventForm, MaterialFileForm, MaterialLinkForm
from kb.models.events import (
    Event,
    EventKind,
    EventState,
    Material,
    Registration,
    RegistrationStatus,
)
from kb.page_cache import cached_for_readers
from kb.roles import coordinator_required, is_coordinator
from kb.services import events as services
from kb.spreadsheets import csv_for_spreadsheets, safe_csv_cell

SECTION = "events"
# What is "upcoming" moves with the clock: readers' cached lists live five minutes.
READER_CACHE_SECONDS = 300


def _kind_filter(request):
    kind = request.GET.get("kind", "")
    return kind if kind in EventKind.values else ""


def _listing(request, template, events, **context):
    kind = context.get("kind", "")
    # Marks the events the member is registered for, or waiting for, in the list.
    mine = {"confirmed": set(), "waiting": set()}
    if request.user.is_authenticated:
        for event_id, status in Registration.objects.filter(user=request.user).values_list(
            "event_id", "status"
        ):
            mine["confirmed" if status == RegistrationStatus.CONFIRMED else "waiting"].add(event_id)
    return render(
        request,
        template,
        {
            "section": SECTION,
            "events": events,
            "kinds": EventKind.choices,
            "kind_label": EventKind(kind).label if kind else "",
            "is_coordinator": is_coordinator(request.user),
            "my_confirmed_ids": mine["confirmed"],
            "my_waiting_ids": mine["waiting"],
            **context,
        },
    )


@require_GET
@cached_for_readers(SECTION, timeout=READER_CACHE_SECONDS, params=("kind",))
def event_list(request):
    kind = _kind_filter(request)
    events = Event.objects.visible_to(request.user).of_kind(kind).upcoming().for_listing()
    return _listing(request, "kb/events/list.html", events, kind=kind, period="upcoming")


@require_GET
@cached_for_readers(SECTION, timeout=READER_CACHE_SECONDS, params=("kind",))
def past_list(request, year=None):
    if year is not None and not 1900 <= year <= 9000:
        raise Http404
    kind = _kind_filter(request)
    visible = Event.objects.visible_to(request.user).of_kind(kind)
    years = visible.past_years()
    if year is None:
        year = years[0] if years else timezone.localdate().year
    events = visible.past().in_year(year).for_listing()
    return _listing(
        request, "kb/events/past.html", events, kind=kind, period="past", year=year, years=years
    )


def _get_visible(request, slug):
    return get_object_or_404(Event.objects.visible_to(request.user).with_seat_counts(), slug=slug)


@require_GET
@cached_for_readers(SECTION, timeout=READER_CACHE_SECONDS)
def event_detail(request, slug):
    event = _get_visible(request, slug)
    registration = None
    position = None
    if request.user.is_authenticated and event.has_builtin_registration:
        registration = Registration.objects.filter(event=event, user=request.user).first()
        if registration and not registration.is_confirmed:
            position = services.waiting_position(registration)
    return render(
        request,
        "kb/events/detail.html",
        {
            "section": SECTION,
            "event": event,
            "materials": event.materials.in_order(),
            "registration": registration,
            "waiting_position": position,
            "registration_open": event.registration_open(),
            "is_coordinator": is_coordinator(request.user),
        },
    )


# Registration


@login_required
@require_POST
def register(request, slug):
    event = get_object_or_404(Event.objects.public(), slug=slug)
    try:
        registration, created = services.register(event=event, user=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        if not created:
            messages.info(
                request,
                _("You are already registered.")
                if registration.is_confirmed
                else _("You are already on the waiting list."),
            )
        elif registration.is_confirmed:
            messages.success(
                request, _("You are registered. A confirmation is on its way by email.")
            )
        else:
            messages.info(
                request,
                _(
                    "The event is full: you are on the waiting list. We will email you if a seat frees up."
                ),
            )
    return redirect(event)


@login_required
@require_http_methods(["GET", "POST"])
def unregister(request, slug):
    """GET asks for confirmation and says where the seat goes; POST cancels."""
    event = get_object_or_404(Event.objects.public(), slug=slug)
    if request.method == "GET":
        registration = get_object_or_404(Registration, event=event, user=request.user)
        try:
            services.check_cancellable(event)
        except services.RegistrationError as error:
            messages.error(request, str(error))
            return redirect(event)
        return render(
            request,
            "kb/events/unregister.html",
            {
                "section": SECTION,
                "event": event,
                "registration": registration,
                "waiting_count": event.registrations.waiting().count(),
            },
        )
    registration = Registration.objects.filter(event=event, user=request.user).first()
    try:
        services.cancel_registration(event=event, user=request.user)
    except services.RegistrationError as error:
        messages.error(request, str(error))
    else:
        if registration and not registration.is_confirmed:
            messages.success(request, _("You have left the waiting list."))
        else:
            messages.success(request, _("Your registration is cancelled."))
    return redirect(event)


# Coordinators: events


def _saving(request, form):
    """A valid form sent with "Save"; "Preview" re-shows it with the descriptions rendered."""
    return request.method == "POST" and "preview" not in request.POST and form.is_valid()


def _event_form_page(request, form, *, event=None, source=None):
    previews = []
    if "preview" in request.POST and form.is_valid():
        previews = description_previews(form.cleaned_data)
    return render(
        request,
        "kb/events/form.html",
        {
            "section": SECTION,
            "form": form,
            "event": event,
            "source": source,
            "previews": previews,
        },
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    form = EventForm(request.POST or None)
    if _saving(request, form):
        event = services.create_event(created_by=request.user, **form.event_fields())
        messages.success(request, _("Draft saved. Publish it when it is ready."))
        return redirect(event)
    return _event_form_page(request, form)


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_edit(request, slug):
    event = get_object_or_404(Event, slug=slug)
    form = EventForm(request.POST or None, instance=event)
    if _saving(request, form):
        try:
            event = services.update_event(event=event, **form.event_fields())
        except services.EditRefused as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(event)
    return _event_form_page(request, form, event=event)


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_duplicate(request, slug):
    """The form filled in from an event; nothing is stored until it is sent."""
    source = get_object_or_404(Event, slug=slug)
    form = EventForm(request.POST or None, initial=services.copy_initial(source))
    if _saving(request, form):
        event = services.duplicate_event(
            source=source, created_by=request.user, **form.event_fields()
        )
        messages.success(request, _("Copy saved as a draft. Publish it when it is ready."))
        return redirect(event)
    return _event_form_page(request, form, source=source)


@coordinator_required
@require_POST
def event_publish(request, slug):
    event = services.publish_event(event=get_object_or_404(Event, slug=slug))
    messages.success(request, _("The event is published."))
    return redirect(event)


@coordinator_required
@require_http_methods(["GET", "POST"])
def event_cancel(request, slug):
    event = get_object_or_404(Event.objects.with_seat_counts(), slug=slug)
    if request.method == "POST":
        services.cancel_event(event=event)
        messages.success(request, _("The event is cancelled. Registered people are told by email."))
        return redirect(event)
    return render(request, "kb/events/cancel.html", {"section": SECTION, "event": event})


@coordinator_required
@require_POST
def event_delete(request, slug):
    event = get_object_or_404(Event, slug=slug, state=EventState.DRAFT)
    services.delete_draft(event=event)
    messages.success(request, _("The draft is deleted."))
    return redirect("events:list")


# Coordinators: participants


@coordinator_required
@require_GET
def participants(request, slug):
    event = get_object_or_404(Event.objects.with_seat_counts(), slug=slug)
    return render(
        request,
        "kb/events/participants.html",
        {
            "section": SECTION,
            "event": event,
            "registrations": event.registrations.for_participant_list(),
        },
    )


@coordinator_required
@require_GET
def participants_csv(request, slug):
    event = get_object_or_404(Event, slug=slug)
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow([_("Email"), _("First name"), _("Last name"), _("Status"), _("Registered at")])
    for registration in event.registrations.for_participant_list():
        user = registration.user
        registered_at = timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M")
        writer.writerow(
            safe_csv_cell(value)
            for value in (
                user.email,
                user.first_name,
                user.last_name,
                registration.get_status_display(),
                registered_at,
            )
        )
    response = HttpResponse(
        csv_for_spreadsheets(rows.getvalue()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-participants.csv"'
    return response


# Coordinators: materials


@coordinator_required
@require_http_methods(["GET", "POST"])
def materials(request, slug):
    event = get_object_or_404(Event, slug=slug)
    link_form = MaterialLinkForm(prefix="link")
    file_form = MaterialFileForm(prefix="file")
    action = request.POST.get("action")
    if action == "link":
        link_form = MaterialLinkForm(request.POST, prefix="link")
        if link_form.is_valid():
            services.add_link_material(event=event, **link_form.cleaned_data)
            messages.success(request, _("Link added."))
            return redirect("events:materials", slug=event.slug)
    elif action == "file":
        file_form = MaterialFileForm(request.POST, request.FILES, prefix="file")
        if file_form.is_valid():
            services.add_file_material(
                event=event,
                title=file_form.cleaned_data["title"],
                upload=file_form.cleaned_data["file"],
                content_type=file_form.allowed_type.content_type,
            )
            messages.success(request, _("File added."))
            return redirect("events:materials", slug=event.slug)
    elif action == "delete":
        material = get_object_or_404(Material, pk=request.POST.get("material"), event=event)
        services.delete_material(material=material)
        messages.success(request, _("Material removed."))
        return redirect("events:materials", slug=event.slug)
    return render(
        request,
        "kb/events/materials.html",
        {
            "section": SECTION,
            "event": event,
            "materials": event.materials.in_order(),
            "link_form": link_form,
            "file_form": file_form,
        },
    )


@require_GET
def material_download(request, pk, name):
    material = get_object_or_404(
        Material.objects.select_related("event").filter(
            event__in=Event.objects.visible_to(request.user)
        ),
        pk=pk,
        file__gt="",
    )
    allowed = type_for_stored_name(material.file.name)
    try:
        handle = material.file.open("rb")
    except (FileNotFoundError, ValidationError) as missing:
        raise Http404 from missing
    response = FileResponse(
        handle,
        content_type=allowed.content_type,
        as_attachment=not allowed.inline,
        filename=material.download_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even opened directly, a served file may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Feeds


def _entry(request, event):
    if event.all_day:
        start, end = event.first_day, event.local_end.date()
    else:
        start, end = event.starts_at, event.ends_at
    url = settings.ESPRI_SITE_URL + event.get_absolute_url()
    lines = [event.summary]
    if event.online_url:
        lines.append(_("Online: %(url)s") % {"url": event.online_url})
    lines.append(url)
    status = {EventState.CANCELLED: "CANCELLED", EventState.DRAFT: "TENTATIVE"}
    return CalendarEntry(
        uid=f"{event.uid}@espri-ia",
        title=(_("Cancelled: %(title)s") % {"title": event.title})
        if event.is_cancelled
        else event.title,
        start=start,
        end=end,
        created=event.created_at,
        last_modified=event.updated_at,
        status=status.get(event.state, "CONFIRMED"),
        sequence=event.sequence,
        description="\n\n".join(lines),
        location=event.place or event.online_url,
        url=url,
        categories=[event.get_kind_display()],
    )


def _ics_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _feed_etag(request, kind=None):
    """Changes when an event of the feed changes, enters or leaves it: clients polling
    every few hours mostly get 304 Not Modified."""
    events = Event.objects.for_calendar().of_kind(kind if kind in EventKind.values else "")
    stamp = events.aggregate(count=Count("pk"), latest=Max("updated_at"))
    latest = stamp["latest"].timestamp() if stamp["latest"] else 0
    return f"{get_language()}-{kind or 'all'}-{stamp['count']}-{latest}"


@require_GET
@condition(etag_func=_feed_etag)
def calendar_all(request):
    events = Event.objects.for_calendar()
    body = build_calendar([_entry(request, event) for event in events], name=_("ESPRI-IA events"))
    return _ics_response(body, "espri-ia-events.ics")


@require_GET
@condition(etag_func=_feed_etag)
def calendar_kind(request, kind):
    if kind not in EventKind.values:
        raise Http404
    label = EventKind(kind).label
    events = Event.objects.for_calendar().of_kind(kind)
    body = build_calendar(
        [_entry(request, event) for event in events],
        name=_("ESPRI-IA events: %(kind)s") % {"kind": label},
    )
    return _ics_response(body, f"espri-ia-{kind}.ics")


@require_GET
def calendar_event(request, slug):
    event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
    body = build_calendar([_entry(request, event)], name=event.title)
    return _ics_response(body, f"{event.slug}.ics")


class LatestEventsFeed(Feed):
    """Atom feed of newly published events, newest first."""

    feed_type = Atom1Feed
    title = gettext_lazy("ESPRI-IA: new events")
    subtitle = gettext_lazy("Trainings, seminars and meetups published by the ESPRI-IA group.")

    def link(self):
        return reverse("events:list")

    def items(self):
        return Event.objects.published().order_by("-published_at", "-pk")[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        start = timezone.localtime(item.starts_at)
        when = date_format(start, "DATE_FORMAT" if item.all_day else "DATETIME_FORMAT")
        return f"{when} — {item.summary}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_kind_display()]

    def item_guid(self, item):
        return f"urn:uuid:{item.uid}"

    item_guid_is_permalink = False
