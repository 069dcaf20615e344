"""Forms coordinators fill in for events and their materials."""

import datetime

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator, URLValidator
from django.template.defaultfilters import date as format_date
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.event_materials import allowed_extensions, check_material_file
from kb.forms.text_limits import TextLimitsMixin
from kb.models.events import PARIS, Event, EventKind, RegistrationMode, all_day_bounds

WEB_URL = URLValidator(schemes=["http", "https"])


class WebURLField(forms.URLField):
    """Only http(s) links: no ftp:, no mailto: where a page is expected."""

    default_validators = [WEB_URL]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self):
        super().__init__(format="%H:%M")


class EventForm(TextLimitsMixin, forms.ModelForm):
    """The event's fields, with start and end as a date and a time in Paris."""

    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=TimeInput(), help_text=_("Paris time.")
    )
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for an event on one day."),
    )
    end_time = forms.TimeField(
        label=_("End time"), required=False, widget=TimeInput(), help_text=_("Paris time.")
    )
    online_url = WebURLField(label=_("Online meeting link"), required=False, max_length=500)
    registration_url = WebURLField(
        label=_("Registration link"),
        required=False,
        max_length=500,
        help_text=_("Only when people register on another site."),
    )
    # Shown, under the dates, only once a new start date in the past was refused.
    past_confirmed = forms.BooleanField(
        label=_("Yes, this event is in the past"),
        required=False,
        help_text=_("To record a past event, for instance to share its slides."),
    )

    class Meta:
        model = Event
        fields = [
            "title_fr",
            "title_en",
            "kind",
            "summary_fr",
            "summary_en",
            "description_fr",
            "description_en",
            "all_day",
            "place_fr",
            "place_en",
            "online_url",
            "organiser",
            "registration_mode",
            "registration_url",
            "capacity",
        ]
        widgets = {
            "title_fr": forms.TextInput(attrs={"lang": "fr"}),
            "title_en": forms.TextInput(attrs={"lang": "en"}),
            "summary_fr": forms.TextInput(attrs={"lang": "fr"}),
            "summary_en": forms.TextInput(attrs={"lang": "en"}),
            "description_fr": forms.Textarea(attrs={"rows": 10, "lang": "fr"}),
            "description_en": forms.Textarea(attrs={"rows": 10, "lang": "en"}),
            "place_fr": forms.TextInput(attrs={"lang": "fr"}),
            "place_en": forms.TextInput(attrs={"lang": "en"}),
            "registration_mode": forms.RadioSelect,
        }
        help_texts = {
            "all_day": _("Dates only, no times: for a day-long training or a deadline."),
            "place_fr": _("Room and building, or the laboratory."),
            "place_en": _("Leave empty when it reads the same in English."),
        }

    field_order = [
        "title_fr",
        "title_en",
        "kind",
        "summary_fr",
        "summary_en",
        "description_fr",
        "description_en",
        "all_day",
        "start_date",
        "start_time",
        "end_date",
        "end_time",
        "place_fr",
        "place_en",
        "online_url",
        "organiser",
        "registration_mode",
        "registration_url",
        "capacity",
    ]

    sections = [
        (
            _("What"),
            [
                "title_fr",
                "title_en",
                "kind",
                "summary_fr",
                "summary_en",
                "description_fr",
                "description_en",
            ],
        ),
        (_("When"), ["all_day", "start_date", "start_time", "end_date", "end_time"]),
        (_("Where"), ["place_fr", "place_en", "online_url", "organiser"]),
        (_("Registration"), ["registration_mode", "registration_url", "capacity"]),
    ]

    def grouped_fields(self):
        """[(legend, [bound fields])] for the template's fieldsets."""
        sections = [(legend, list(names)) for legend, names in self.sections]
        if self.asks_past_confirmation or self.data.get("past_confirmed"):
            sections[1][1].append("past_confirmed")
        return [(legend, [self[name] for name in names]) for legend, names in sections]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asks_past_confirmation = False
        # One message for any number below 1 (the model's own says "at least 0").
        capacity = self.fields["capacity"]
        capacity.validators = [
            MinValueValidator(1, _("Leave empty for no limit, or give at least 1 seat."))
        ]
        capacity.widget.attrs["min"] = 1
        event = self.instance
        if event.pk and not self.is_bound:
            start, end = event.local_start, event.local_end
            self.initial.update(start_date=event.first_day, end_date=event.last_day)
            if not event.all_day:
                self.initial.update(start_time=start.time(), end_time=end.time())

    def clean(self):
        data = super().clean()
        # Either language will do; readers of the other see it with a notice.
        for name in ("title", "summary"):
            if not (data.get(f"{name}_fr") or data.get(f"{name}_en")):
                self.add_error(f"{name}_fr", _("Write it in French, in English, or in both."))
        start_date, end_date = data.get("start_date"), data.get("end_date")
        start_time, end_time = data.get("start_time"), data.get("end_time")
        if start_date is None:
            return data  # the field already carries its error
        end_date = end_date or start_date
        if data.get("all_day"):
            if end_date < start_date:
                self.add_error("end_date", _("The event cannot end before it starts."))
            else:
                data["starts_at"], data["ends_at"] = all_day_bounds(start_date, end_date)
        else:
            if start_time is None:
                self.add_error("start_time", _("Give a start time, or tick “all day”."))
            if end_time is None:
                self.add_error("end_time", _("Give an end time, or tick “all day”."))
            if start_time is not None and end_time is not None:
                starts_at = datetime.datetime.combine(start_date, start_time, tzinfo=PARIS)
                ends_at = datetime.datetime.combine(end_date, end_time, tzinfo=PARIS)
                if ends_at <= starts_at:
                    self.add_error("end_time", _("The event must end after it starts."))
                else:
                    data["starts_at"], data["ends_at"] = starts_at, ends_at
        mode = data.get("registration_mode")
        if mode == RegistrationMode.EXTERNAL and not data.get("registration_url"):
            self.add_error(
                "registration_url", _("Give the link where people register for this event.")
            )
        if data.get("kind") != EventKind.ANNOUNCEMENT and not (
            data.get("place_fr") or data.get("place_en") or data.get("online_url")
        ):
            self.add_error("place_fr", _("Give a place, an online meeting link, or both."))
        self._check_past_start(data.get("starts_at"), data.get("past_confirmed"))
        return data

    def _check_past_start(self, starts_at, confirmed):
        """A new start in the past is most often a typo in the year: ask before saving."""
        if starts_at is None or starts_at >= timezone.now() or confirmed:
            return
        if self.instance.pk and starts_at == self.instance.starts_at:
            return  # editing a past event without moving it
        self.asks_past_confirmation = True
        self.add_error(
            "start_date",
            _(
                "%(date)s is past. Check the year; if the event did take place then, "
                "tick “Yes, this event is in the past” below."
            )
            % {"date": format_date(starts_at.astimezone(PARIS), "DATE_FORMAT")},
        )

    def event_fields(self):
        """The values for ``create_event`` / ``update_event``."""
        data = self.cleaned_data
        fields = {name: data[name] for name in self.Meta.fields}
        fields.update(starts_at=data["starts_at"], ends_at=data["ends_at"])
        return fields


class MaterialLinkForm(TextLimitsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = WebURLField(label=_("Link"), max_length=500, help_text=_("A recording, a notebook…"))


class MaterialFileForm(TextLimitsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Allowed: %(extensions)s; up to %(max)s.") % {
            "extensions": ", ".join(allowed_extensions()),
            "max": filesizeformat(settings.ESPRI_EVENT_MATERIAL_MAX_BYTES),
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(allowed_extensions())

    def clean_file(self):
        upload = self.cleaned_data["file"]
        head = upload.read(64)
        upload.seek(0)
        self.allowed_type = check_material_file(
            name=upload.name,
            size=upload.size,
            head=head,
            max_bytes=settings.ESPRI_EVENT_MATERIAL_MAX_BYTES,
        )
        return upload
