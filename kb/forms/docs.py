from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from kb.forms.text_limits import TextLimitsMixin
from kb.models import DocPage
from kb.models.docs import validate_doc_slug

# Slugs that would shadow the editing URLs under a page.
RESERVED_SLUGS = {"new", "edit", "history", "compare", "restore", "review", "stale"}


class DocPageForm(TextLimitsMixin, forms.Form):
    """One language of a page: saving it never needs the other language."""

    long_text_max_length = 200_000  # a whole guide on one page
    # The view reads the language from the address (``?lang=``) when the form has none.
    language = forms.ChoiceField(
        choices=settings.LANGUAGES, widget=forms.HiddenInput, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        help_text=_("One sentence, shown under the title and in search results."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true", "class": "editor"}),
        help_text=_(
            "Markdown: ## headings, ```bash code blocks```, tables, "
            '!!! note/warning/danger "Title" boxes, links to pages as [text](doc:cluster/acces).'
        ),
    )
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        initial=100,
        help_text=_("Order among the pages of the same section (smaller first)."),
    )
    message = forms.CharField(
        label=_("What did you change?"),
        max_length=200,
        required=False,
        help_text=_("Optional, shown in the page's history."),
    )
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language
        # The browser spell-checks and reads the text in the language it is written in.
        for name in ("title", "summary", "body"):
            self.fields[name].widget.attrs["lang"] = language

    def clean_body(self):
        # Browsers send a textarea with CRLF line ends; stored text keeps LF, as the seed
        # does, so that a revision's diff shows only the lines that really changed.
        return self.cleaned_data["body"].replace("\r\n", "\n")


class NewDocPageForm(DocPageForm):
    parent = forms.ModelChoiceField(
        label=_("Section"),
        queryset=DocPage.objects.for_tree(),
        required=False,
        empty_label=_("(top level)"),
    )
    # Not a SlugField: its message says underscores are fine, and the docs' URLs serve none.
    slug = forms.CharField(
        label=_("Address"),
        max_length=80,
        help_text=_(
            "Lowercase words and hyphens, e.g. “interactive-jobs”. It cannot change later."
        ),
    )
    field_order = ["language", "parent", "slug", "title", "summary", "body", "position", "message"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        try:
            validate_doc_slug(slug)
        except ValidationError:
            suggestion = slugify(slug).replace("_", "-").strip("-")
            if suggestion:
                raise ValidationError(
                    _("Use only lowercase letters, digits and hyphens, e.g. “%(suggestion)s”."),
                    params={"suggestion": suggestion},
                ) from None
            raise
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This address is reserved; choose another."))
        return slug

    def clean(self):
        cleaned = super().clean()
        parent, slug = cleaned.get("parent"), cleaned.get("slug")
        if slug and DocPage.objects.filter(parent=parent, slug=slug).exists():
            self.add_error("slug", _("A page of this section already has this address."))
        return cleaned
