"""Forms: one answering form per section, built from its questions; the design forms."""

import json

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kb.forms.text_limits import TextLimitsMixin
from survey.aggregation import OTHER as OTHER_OPTION
from survey.csv_import import not_a_response_export
from survey.models import Choice, Edition, Question, Section
from survey.validation import answer_errors, format_number, is_empty

OTHER = "__other__"
# The option that clears an optional single-choice or scale answer (radios cannot be unticked).
NO_ANSWER = ("", _("No answer"))


class SectionAnswersForm(forms.Form):
    """The questions of one section. ``answers`` gives the cleaned dict for the services.

    Django's own ``required`` is off on every field: whether an empty answer is
    an error depends on the button (a draft may stay incomplete), so the view
    passes ``require_all``. The browser's ``required`` attribute stays, and the
    "save and continue later" button bypasses it with ``formnovalidate``.
    """

    def __init__(self, *args, questions, require_all=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.require_all = require_all
        for question in questions:
            self._add_fields(question)

    @staticmethod
    def field_name(question):
        return f"q_{question.key}"

    def _add_fields(self, question):
        name = self.field_name(question)
        attrs = {"aria-required": "true"} if question.required else {}
        common = {"label": question.text, "help_text": question.help, "required": False}
        if question.has_choices:
            options = [(choice.key, choice.text) for choice in question.choice_list]
            if question.allow_other:
                options.append((OTHER, _("Other (please specify)")))
            if question.kind == Question.Kind.SINGLE:
                if not question.required:
                    options.append(NO_ANSWER)
                field = forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
            else:
                field = forms.MultipleChoiceField(
                    choices=options, widget=forms.CheckboxSelectMultiple, **common
                )
            self.fields[name] = field
            if question.allow_other:
                self.fields[f"{name}_other"] = forms.CharField(
                    label=_("Other: please specify"),
                    required=False,
                    max_length=500,
                    widget=forms.TextInput(attrs={"data-other-for": name}),
                )
        elif question.kind == Question.Kind.TEXT:
            self.fields[name] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4, **attrs}), max_length=5000, **common
            )
        elif question.kind == Question.Kind.SCALE:
            options = [
                (str(value), question.scale_point_label(value)) for value in question.scale_values()
            ]
            if not question.required:
                options.append(NO_ANSWER)
            self.fields[name] = forms.TypedChoiceField(
                choices=options,
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                **common,
            )
        else:
            widget_attrs = {**attrs, "inputmode": "decimal"}
            if question.min_value is not None:
                widget_attrs["min"] = f"{question.min_value:g}"
            if question.max_value is not None:
                widget_attrs["max"] = f"{question.max_value:g}"
            self.fields[name] = forms.FloatField(
                widget=forms.NumberInput(attrs={**widget_attrs, "step": "any"}), **common
            )
        if question.required and question.kind in {Question.Kind.TEXT, Question.Kind.NUMBER}:
            self.fields[name].widget.attrs["required"] = True

    @classmethod
    def initial_from(cls, questions, answers):
        initial = {}
        for question in questions:
            value = answers.get(question.key)
            if not value:
                continue
            name = cls.field_name(question)
            if question.has_choices:
                chosen = list(value.get("choices", []))
                if value.get("other"):
                    chosen.append(OTHER)
                    initial[f"{name}_other"] = value["other"]
                initial[name] = chosen if question.kind == Question.Kind.MULTIPLE else chosen[0]
            elif question.kind == Question.Kind.TEXT:
                initial[name] = value["text"]
            elif question.kind == Question.Kind.SCALE:
                initial[name] = str(int(value["number"]))
            else:
                # 4, not 4.0: the member typed a whole number.
                initial[name] = format_number(value["number"])
        return initial

    def _value(self, question):
        name = self.field_name(question)
        raw = self.cleaned_data.get(name)
        if question.has_choices:
            chosen = (
                list(raw or []) if question.kind == Question.Kind.MULTIPLE else [raw] if raw else []
            )
            typed = self.cleaned_data.get(f"{name}_other", "").strip()
            if (
                typed
                and OTHER not in chosen
                and question.allow_other
                and (question.kind == Question.Kind.MULTIPLE or not chosen)
            ):
                # Typed, not ticked (no script, or "Other" unticked while the box kept
                # its text, in sight): the text says what the member meant.
                chosen.append(OTHER)
            ticked_other = OTHER in chosen
            other = typed if ticked_other else ""
            return {
                "choices": [key for key in chosen if key != OTHER],
                "other": other,
                "other_ticked": ticked_other,
            }
        if question.kind == Question.Kind.TEXT:
            return {"text": raw or ""}
        return {"number": None if raw is None else float(raw)}

    def clean(self):
        cleaned = super().clean()
        self.answers = {}
        for question in self.questions:
            name = self.field_name(question)
            if name in self.errors:
                continue
            if self._other_typed_but_another_chosen(question):
                self.add_error(
                    f"{name}_other",
                    _(
                        "You wrote an “other” answer but chose another option: tick "
                        "“Other” to keep your text, or empty this box."
                    ),
                )
                continue
            value = self._value(question)
            messages = answer_errors(question, value, question.choice_keys)
            if messages:
                target = (
                    f"{name}_other"
                    if value.get("other_ticked") and not value.get("other")
                    else name
                )
                for message in messages:
                    self.add_error(target if target in self.fields else name, message)
                continue
            if is_empty(question.kind, value):
                if self.require_all and question.required:
                    self.add_error(name, _("This question needs an answer."))
                continue
            value.pop("other_ticked", None)
            self.answers[question.key] = value
        return cleaned

    def _other_typed_but_another_chosen(self, question):
        """A single-choice question with an "other" text and another option (or "No
        answer") chosen: which one the member meant is theirs to say."""
        if question.kind != Question.Kind.SINGLE or not question.allow_other:
            return False
        name = self.field_name(question)
        typed = self.cleaned_data.get(f"{name}_other", "").strip()
        chose = self.cleaned_data.get(name) != OTHER and self.add_prefix(name) in self.data
        return bool(typed) and chose

    def questions_in_error(self):
        """(question, its error messages, the "other" box's included) in order, for the
        error summary at the top of the page."""
        rows = []
        for question in self.questions:
            name = self.field_name(question)
            problems = [*self.errors.get(name, []), *self.errors.get(f"{name}_other", [])]
            if problems:
                rows.append((question, problems))
        return rows

    def bound_questions(self):
        """(question, field, other field or None) in order, for the template."""
        rows = []
        for question in self.questions:
            name = self.field_name(question)
            other = self[f"{name}_other"] if f"{name}_other" in self.fields else None
            rows.append((question, self[name], other))
        return rows


# Design forms (coordinators)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EditionForm(TextLimitsMixin, forms.ModelForm):
    class Meta:
        model = Edition
        fields = [
            "year",
            "title_fr",
            "title_en",
            "introduction_fr",
            "introduction_en",
            "opens_at",
            "closes_at",
            "results_visibility",
            "min_group_size",
            "show_free_text",
        ]
        widgets = {"opens_at": DateTimeInput(), "closes_at": DateTimeInput()}


class CopyEditionForm(TextLimitsMixin, forms.Form):
    source = forms.ModelChoiceField(
        queryset=Edition.objects.for_listing(),
        label=_("Copy the questions of"),
        empty_label=None,
    )
    year = forms.IntegerField(label=_("Year of the new edition"), min_value=2000, max_value=2100)
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput())

    def clean_year(self):
        year = self.cleaned_data["year"]
        if Edition.objects.filter(year=year).exists():
            raise forms.ValidationError(
                _("There is already an edition for %(year)s.") % {"year": year}
            )
        return year

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The edition must close after it opens."))
        return cleaned


class SectionForm(TextLimitsMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["key", "title_fr", "title_en", "description_fr", "description_en"]

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.edition = edition

    def clean_key(self):
        key = self.cleaned_data["key"]
        taken = Section.objects.filter(edition=self.instance.edition, key=key)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another section of this edition has this key."))
        return key


class QuestionForm(TextLimitsMixin, forms.ModelForm):
    """A question's fields, only those its type uses (``kind`` given, or the instance's)."""

    # The fields each type uses beyond the common ones; the others are cleared on save.
    TYPE_FIELDS = {
        Question.Kind.SINGLE: ["allow_other"],
        Question.Kind.MULTIPLE: ["allow_other", "max_choices"],
        Question.Kind.TEXT: [],
        Question.Kind.SCALE: [
            "min_value",
            "max_value",
            "min_label_fr",
            "min_label_en",
            "max_label_fr",
            "max_label_en",
        ],
        Question.Kind.NUMBER: ["min_value", "max_value"],
    }
    EMPTY = {"allow_other": False, "max_choices": None, "min_value": None, "max_value": None}

    class Meta:
        model = Question
        fields = [
            "section",
            "key",
            "kind",
            "text_fr",
            "text_en",
            "help_fr",
            "help_en",
            "required",
            "allow_other",
            "max_choices",
            "min_value",
            "max_value",
            "min_label_fr",
            "min_label_en",
            "max_label_fr",
            "max_label_en",
        ]

    def __init__(self, *args, edition, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.edition = edition
        self.fields["section"].queryset = edition.sections.all()
        if self.instance.pk:
            self.fields["section"].help_text = _(
                "In another section, the question goes after its last one."
            )
        self.kind = kind or self.instance.kind
        if self.kind:
            self.instance.kind = self.kind
            self.initial["kind"] = self.kind  # the type chosen first, not the blank instance's
            for name in self.unused_fields(self.kind):
                del self.fields[name]

    @classmethod
    def unused_fields(cls, kind):
        used = set(cls.TYPE_FIELDS[kind])
        every = dict.fromkeys(name for names in cls.TYPE_FIELDS.values() for name in names)
        return [name for name in every if name not in used]

    def clean_key(self):
        key = self.cleaned_data["key"]
        taken = Question.objects.filter(edition=self.instance.edition, key=key)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another question of this edition has this key."))
        return key

    def clean(self):
        cleaned = super().clean()
        # A question that changed type keeps nothing of the old one's settings.
        for name in self.unused_fields(cleaned.get("kind") or self.kind):
            setattr(self.instance, name, self.EMPTY.get(name, ""))
        return cleaned

    def question_fields(self):
        """The fields for ``services.save_question``: those typed, and the unused ones emptied."""
        fields = {name: value for name, value in self.cleaned_data.items() if name != "section"}
        for name in self.unused_fields(fields["kind"]):
            fields[name] = self.EMPTY.get(name, "")
        return fields


def typed_initial(form):
    """What was typed in the bound ``form``, as initial values: the page shows it again
    without checking it (a button that only adds or moves a row is no submission)."""
    return {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }


class ChoiceForm(TextLimitsMixin, forms.ModelForm):
    """One row of the choices editor; ``id`` is the stored choice's, empty for a new one."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Choice
        fields = ["key", "text_fr", "text_en"]

    def __init__(self, *args, answered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.is_answered = self.stored_id in answered
        self.focus = ""  # "up" or "down": that button takes the focus after a move

    @property
    def stored_id(self):
        try:
            return int(self["id"].value())
        except (TypeError, ValueError):
            return None


class BaseChoiceFormSet(forms.BaseFormSet):
    """A question's choices in the order members see them; a blank row is skipped.

    Rows are all alike (none is an "initial" form): buttons add, remove and move them,
    and the services work out which are stored from their ``id``.
    """

    ROW_FIELDS = ("id", "key", "text_fr", "text_en")

    def __init__(self, *args, answered=(), **kwargs):
        self.answered = answered
        self.focus_add = False  # after a removal, "Add a choice" takes the focus
        super().__init__(*args, **kwargs)

    def initial_form_count(self):
        return 0

    def total_form_count(self):
        if self.is_bound:
            return super().total_form_count()
        return len(self.initial or ())

    def get_form_kwargs(self, index):
        return {"answered": self.answered}

    def clean(self):
        keys = [form.cleaned_data["key"] for form in self.forms if form.cleaned_data.get("key")]
        for key in keys:
            if keys.count(key) > 1:
                raise forms.ValidationError(_("Two choices have the key “%(key)s”.") % {"key": key})

    def choice_list(self):
        """The filled rows, for ``services.save_question``."""
        return [
            {name: form.cleaned_data[name] for name in self.ROW_FIELDS}
            for form in self.forms
            if form.cleaned_data
        ]

    @classmethod
    def typed_rows(cls, data, prefix):
        """The rows as posted, blank ones included, for the page to show them again."""
        try:
            total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), cls.absolute_max)
        except ValueError:
            total = 0
        return [
            {name: data.get(f"{prefix}-{index}-{name}", "") for name in cls.ROW_FIELDS}
            for index in range(total)
        ]

    @classmethod
    def stored_rows(cls, choices):
        return [{name: getattr(choice, name) for name in cls.ROW_FIELDS} for choice in choices]

    @classmethod
    def after_button(cls, data, action, *, prefix, answered=()):
        """The rows as posted, changed by a row button, with the focus where the next
        keystroke is expected: the new row's key, the moved row's button."""
        rows, focus = cls.edit_rows(cls.typed_rows(data, prefix), action)
        formset = cls(initial=rows, prefix=prefix, answered=answered)
        if focus is None:
            formset.focus_add = True
        elif action == "add":
            formset.forms[focus].fields["key"].widget.attrs["autofocus"] = True
        else:
            formset.forms[focus].focus = action.partition("-")[0]
        return formset

    @classmethod
    def edit_rows(cls, rows, action):
        """``rows`` after a row button: ``add``, or ``remove``, ``up`` or ``down`` with the
        row's index (``up-2``). Returns the rows and the index of the row to focus, if any."""
        rows = list(rows)
        if action == "add":
            rows.append(dict.fromkeys(cls.ROW_FIELDS, ""))
            return rows, len(rows) - 1
        verb, _sep, index = action.partition("-")
        index = int(index) if index.isdigit() else -1
        if not 0 <= index < len(rows):
            return rows, None
        if verb == "remove":
            del rows[index]
            return rows, None
        target = index + {"up": -1, "down": 1}.get(verb, 0)
        if 0 <= target < len(rows):
            rows.insert(target, rows.pop(index))
            return rows, target
        return rows, index


MAX_CHOICES_PER_QUESTION = 100

ChoiceFormSet = forms.formset_factory(
    ChoiceForm,
    formset=BaseChoiceFormSet,
    extra=0,
    max_num=MAX_CHOICES_PER_QUESTION,
    absolute_max=MAX_CHOICES_PER_QUESTION,
    validate_max=True,
)


IMPORT_MAX_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    csv_file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, one row per respondent, a header row; columns separated by commas, "
            "semicolons or tabs."
        ),
    )
    mapping = forms.CharField(
        label=_("Columns to questions"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One line per column: the column header, then “=”, then the question key; "
            "for one column per option, the question key and the option key in brackets: "
            "methods [cnn]. Columns not listed are ignored."
        ),
    )

    def clean_mapping(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["mapping"].splitlines(), start=1):
            if not line.strip():
                continue
            header, sep, target = line.rpartition("=")
            if not sep or not header.strip() or not target.strip():
                raise forms.ValidationError(
                    _("Line %(line)s: write “column header = question key”.") % {"line": number}
                )
            mapping[header.strip()] = target.strip()
        if not mapping:
            raise forms.ValidationError(_("Map at least one column."))
        return json.dumps(mapping)

    def clean_csv_file(self):
        upload = self.cleaned_data["csv_file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s; the largest allowed is %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(IMPORT_MAX_BYTES)}
            )
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        refusal = not_a_response_export(text)
        if refusal:
            raise forms.ValidationError(refusal)
        self.cleaned_data["text"] = text
        return upload


class ResultsQueryForm(forms.Form):
    """The breakdown and filters of the results page, read from the address (GET)."""

    PARAMETERS = ("by", "f")
    MAX_FILTERS = 3

    by = forms.ChoiceField(label=_("Break the answers down by"), required=False)
    f = forms.MultipleChoiceField(
        label=_("Only respondents who chose"),
        required=False,
        help_text=_("At most three answers, all of them together."),
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.filter_questions = [q for q in questions if q.has_choices and q.choice_list]
        self.fields["by"].choices = [("", _("— no breakdown —"))] + [
            (q.key, q.text) for q in self.filter_questions
        ]
        self.fields["f"].choices = [
            (q.text, [(f"{q.key}:{key}", text) for key, text in self.filter_options(q)])
            for q in self.filter_questions
        ]

    @staticmethod
    def filter_options(question):
        """``[(option key, text)]`` a filter can take for ``question``, "other" included."""
        options = [(choice.key, choice.text) for choice in question.choice_list]
        if question.allow_other:
            options.append((OTHER_OPTION, _("Other")))
        return options

    def clean_f(self):
        values = self.cleaned_data["f"]
        if len(values) > self.MAX_FILTERS:
            raise forms.ValidationError(
                _("Choose at most %(n)s answers to filter by.") % {"n": self.MAX_FILTERS}
            )
        return values

    @property
    def conditions(self):
        """The valid filters as (question key, choice key); an invalid field counts as empty."""
        self.is_valid()
        return [tuple(value.split(":", 1)) for value in self.cleaned_data.get("f", [])]

    @property
    def breakdown(self):
        self.is_valid()
        return self.cleaned_data.get("by") or None
