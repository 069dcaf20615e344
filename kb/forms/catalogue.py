"""Forms of the project catalogue: a project with its references, contacts and links,
a coordinator's review decision, and the curated lists."""

import re

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from kb.forms.text_limits import TextLimitsMixin
from kb.models import Architecture, Contact, DataType, Laboratory, Link, Project, Reference, Task
from kb.models.catalogue import validate_web_url

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


class WebURLField(forms.URLField):
    """A URL with http or https only, saying so when it is not."""

    default_validators = [validate_web_url]
    # The field's own message would replace the validator's, which names the schemes.
    default_error_messages = {"invalid": validate_web_url.message}

    def __init__(self, **kwargs):
        # A bare “example.org” is read as https, never as another scheme.
        super().__init__(assume_scheme="https", max_length=500, **kwargs)


class ProjectForm(TextLimitsMixin, forms.ModelForm):
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

    def clean(self):
        data = super().clean()
        # Either language will do; readers of the other see it with a notice.
        if not (data.get("summary_fr") or data.get("summary_en")):
            self.add_error("summary_fr", _("Write it in French, in English, or in both."))
        return data


class ReferenceForm(TextLimitsMixin, forms.ModelForm):
    url = WebURLField(label=_("web address"), required=False)

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
    url = WebURLField(label=_("web address"))

    class Meta:
        model = Link
        fields = ["kind", "url", "label"]


ReferenceFormSet = formset_factory(ReferenceForm, extra=2, can_delete=True, max_num=20)
ContactFormSet = formset_factory(ContactForm, extra=2, can_delete=True, max_num=10)
LinkFormSet = formset_factory(LinkForm, extra=3, can_delete=True, max_num=10)
FORMSETS = [
    ("references", ReferenceFormSet, ReferenceForm),
    ("contacts", ContactFormSet, ContactForm),
    ("links", LinkFormSet, LinkForm),
]


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
