"""Forms of the project catalogue: a project with its references, contacts and links,
a coordinator's review decision, and the curated lists."""

import re

from django import forms
from django.core.validators import MinValueValidator
from django.forms import formset_factory
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kb.forms.text_limits import TextLimitsMixin
from kb.models import Architecture, Contact, DataType, Laboratory, Link, Project, Reference, Task
from kb.models.catalogue import FIRST_YEAR, validate_web_url

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


class WebURLField(forms.URLField):
    """A URL with http or https only, saying so when it is not."""

    default_validators = [validate_web_url]
    # The field's own message would replace the validator's, which names the schemes.
    default_error_messages = {"invalid": validate_web_url.message}

    def __init__(self, **kwargs):
        # A bare “example.org” is read as https, never as another scheme.
        super().__init__(assume_scheme="https", max_length=500, **kwargs)


class GroupBoundField(BoundField):
    """A field whose tick boxes each name the group's help and error text.

    Django ties them to the group's <fieldset> only, which not every screen reader
    reads out when a box gets focus.
    """

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        if self.use_fieldset and "aria-describedby" not in attrs and self.aria_describedby:
            attrs["aria-describedby"] = self.aria_describedby
        return attrs


class YearLimitsMixin:
    """The year input's limits are the model's (FIRST_YEAR to this year), so the browser
    and the server agree; the model's validators say what is wrong."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        year.widget.attrs.update(min=FIRST_YEAR, max=timezone.now().year)
        # The positive integer's own "≥ 0" check would answer before the model's "≥ 1950".
        year.validators = [v for v in year.validators if not isinstance(v, MinValueValidator)]


class ProjectForm(YearLimitsMixin, TextLimitsMixin, forms.ModelForm):
    bound_field_class = GroupBoundField

    class Meta:
        model = Project
        fields = [
            "title",
            "summary_fr",
            "summary_en",
            "description_fr",
            "description_en",
            "year",
            "tasks",
            "architectures",
            "data_types",
            "laboratories",
        ]
        widgets = {
            "summary_fr": forms.Textarea(attrs={"rows": 2, "lang": "fr"}),
            "summary_en": forms.Textarea(attrs={"rows": 2, "lang": "en"}),
            "description_fr": forms.Textarea(attrs={"rows": 10, "lang": "fr"}),
            "description_en": forms.Textarea(attrs={"rows": 10, "lang": "en"}),
            "tasks": forms.CheckboxSelectMultiple,
            "architectures": forms.CheckboxSelectMultiple,
            "data_types": forms.CheckboxSelectMultiple,
            "laboratories": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "tasks": {"required": _("Choose at least one task.")},
            "architectures": {"required": _("Choose at least one architecture.")},
        }
        help_texts = {
            "tasks": _("Required: tick one or more."),
            "architectures": _("Required: tick one or more."),
        }

    def clean(self):
        data = super().clean()
        # Either language will do; readers of the other see it with a notice. A summary
        # that was written but failed its own check is not missing.
        written = self.has_error("summary_fr") or self.has_error("summary_en")
        if not (written or data.get("summary_fr") or data.get("summary_en")):
            self.add_error("summary_fr", _("Write it in French, in English, or in both."))
        return data


class ReferenceForm(YearLimitsMixin, TextLimitsMixin, forms.ModelForm):
    url = WebURLField(label=capfirst(_("web address")), required=False)

    class Meta:
        model = Reference
        fields = [
            "kind",
            "authors",
            "title",
            "translated_title",
            "venue",
            "year",
            "doi",
            "url",
            "note",
        ]

    def clean_doi(self):
        # People paste DOIs as links or with a “doi:” prefix; store the bare DOI.
        return DOI_PREFIX.sub("", self.cleaned_data["doi"].strip())


class ContactForm(TextLimitsMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "email"]


class LinkForm(TextLimitsMixin, forms.ModelForm):
    url = WebURLField(label=capfirst(_("web address")))

    class Meta:
        model = Link
        fields = ["kind", "url", "label"]


# Rows already stored can be deleted; blank new rows need no "Delete" box (left blank,
# they are skipped).
ReferenceFormSet = formset_factory(
    ReferenceForm, extra=2, can_delete=True, can_delete_extra=False, max_num=20
)
ContactFormSet = formset_factory(
    ContactForm, extra=2, can_delete=True, can_delete_extra=False, max_num=10
)
LinkFormSet = formset_factory(
    LinkForm, extra=3, can_delete=True, can_delete_extra=False, max_num=10
)
FORMSETS = [
    ("references", ReferenceFormSet, ReferenceForm),
    ("contacts", ContactFormSet, ContactForm),
    ("links", LinkFormSet, LinkForm),
]


# The legend of one row of each formset, as the form page writes it.
FORMSET_ROWS = {
    "references": _("Reference %(number)s"),
    "contacts": _("Contact %(number)s"),
    "links": _("Link %(number)s"),
}


def _field_errors(form):
    """(input id, label, message) for each field error of ``form``, in field order."""
    entries = []
    for bound in form:
        if not bound.errors:
            continue
        target = f"{bound.auto_id}_0" if bound.use_fieldset else bound.id_for_label
        entries += [(target, bound.label, error) for error in bound.errors]
    return entries


class ProjectEditor:
    """The project form and its three formsets, bound together.

    ``data`` is what the services take: scalar and list fields, then a list of
    plain dicts for each kind of child (deleted and blank rows left out).
    """

    def __init__(self, data=None, *, project=None):
        self.project_form = ProjectForm(data, instance=project)
        self.formsets = {}
        for prefix, formset_class, form_class in FORMSETS:
            initial = None
            if project is not None:
                fields = form_class._meta.fields
                initial = [
                    {name: getattr(child, name) for name in fields}
                    for child in getattr(project, prefix).all()
                ]
            self.formsets[prefix] = formset_class(data, prefix=prefix, initial=initial)

    def is_valid(self):
        results = [self.project_form.is_valid()]
        results += [formset.is_valid() for formset in self.formsets.values()]
        return all(results)

    def fields(self):
        data = self.project_form.cleaned_data
        return {name: data[name] for name in ProjectForm._meta.fields}

    def children(self, prefix):
        return [
            {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
            for form in self.formsets[prefix].forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def error_summary(self):
        """What the top of the page lists, in the form's order: (target id, where, message).

        The target is the input to jump to (a group's first tick box), or "" for an
        error about the form as a whole; ``where`` names the field, and its row in a
        formset.
        """
        entries = [("", "", error) for error in self.project_form.non_field_errors()]
        entries += _field_errors(self.project_form)
        for prefix, formset in self.formsets.items():
            row_name = FORMSET_ROWS[prefix]
            entries += [(f"formset-{prefix}", "", error) for error in formset.non_form_errors()]
            for number, form in enumerate(formset.forms, start=1):
                row = row_name % {"number": number}
                entries += [("", row, error) for error in form.non_field_errors()]
                entries += [
                    (target, f"{row}{gettext(':')} {label}", error)
                    for target, label, error in _field_errors(form)
                ]
        return entries

    @property
    def has_errors(self):
        return bool(self.project_form.errors) or any(
            formset.total_error_count() for formset in self.formsets.values()
        )


class ReviewForm(TextLimitsMixin, forms.Form):
    APPROVE, REJECT = "approve", "reject"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Publish")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message to the proposer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent by email. Required when you reject: say why, and what would help."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and not cleaned.get("message", "").strip():
            self.add_error("message", _("Tell the proposer why the project is rejected."))
        return cleaned


TAXONOMY_MODELS = {
    "tasks": Task,
    "architectures": Architecture,
    "data-types": DataType,
    "laboratories": Laboratory,
}


TAXONOMY_FIELDS = ["label_en", "label_fr", "position"]


def taxonomy_form_class(model, *, editing):
    """A form for one curated list; the slug is fixed once the value exists."""
    fields = TAXONOMY_FIELDS if editing else ["slug", *TAXONOMY_FIELDS]
    return forms.modelform_factory(model, fields=fields)
