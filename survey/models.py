"""The practice survey: editions, their sections, questions and choices, and the answers.

Anonymity by construction: ``Participation`` says who took part in an edition
(for the one-response rule and for resuming); ``Response`` and ``Answer`` hold
what was answered and no identity at all. The two are linked only by
``Response.key``, an HMAC of the site's secret key over (edition, user): the
logged-in member's request can recompute it, the database alone cannot. Neither
side stores timestamps, and both use random primary keys, so row order or time
cannot join them either.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kb.bilingual import Localized, localized
from kb.markdown import render_markdown

KEY_VALIDATOR = RegexValidator(
    r"^[a-z0-9][a-z0-9_]*$",
    _("Use lower-case letters, digits and underscores, starting with a letter or digit."),
)


def in_language(french, english):
    """The English text when the page is in English and one exists, else the French."""
    if english and translation.get_language() == "en":
        return english
    return french


class EditionQuerySet(models.QuerySet):
    def published(self):
        """Editions members may see: a draft is the coordinators' until they publish it."""
        return self.filter(is_published=True)

    def open_at(self, moment):
        return self.published().filter(opens_at__lte=moment, closes_at__gt=moment)

    def currently_open(self):
        return self.open_at(timezone.now())

    def current(self):
        """The open edition (the latest if several overlap), or None."""
        return self.currently_open().order_by("-year").first()

    def for_listing(self):
        return self.order_by("-year")

    def with_public_results(self):
        """Closed editions whose results everyone may see, latest first."""
        return (
            self.published()
            .filter(
                closes_at__lte=timezone.now(), results_visibility=Edition.ResultsVisibility.PUBLIC
            )
            .order_by("-year")
        )


MIN_GROUP_FLOOR = 3


class Edition(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        UPCOMING = "upcoming", _("upcoming")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    class ResultsVisibility(models.TextChoices):
        COORDINATORS = "coordinators", _("coordinators only")
        MEMBERS = "members", _("members")
        PUBLIC = "public", _("everyone")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    introduction_fr = models.TextField(_("introduction (French, Markdown)"), blank=True)
    introduction_en = models.TextField(_("introduction (English, Markdown)"), blank=True)
    introduction_fr_html = models.TextField(editable=False, blank=True)
    introduction_en_html = models.TextField(editable=False, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    results_visibility = models.CharField(
        _("who sees the results"),
        max_length=20,
        choices=ResultsVisibility,
        default=ResultsVisibility.MEMBERS,
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("smallest group shown in results"),
        default=5,
        # Below 3, a member can be picked out (a group of 2 tells each what the other said);
        # coordinators see every group anyway, so a smaller threshold serves no one.
        validators=[
            MinValueValidator(
                MIN_GROUP_FLOOR,
                _(
                    "Enter %(limit_value)s or more: in a smaller group, members’ answers could "
                    "be picked out, and the survey promises them they cannot. Coordinators see "
                    "every group anyway."
                ),
            )
        ],
        help_text=_("Groups of fewer respondents are never shown to non-coordinators."),
    )
    show_free_text = models.BooleanField(
        _("free-text answers may be shown in results"), default=False
    )
    is_published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("A draft is seen by coordinators only, whatever its dates."),
    )
    # Renewed with every change to its sections, questions or choices (survey.edition_design).
    design_token = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey edition")
        verbose_name_plural = _("survey editions")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="survey_edition_closes_after_opening",
            ),
        ]

    def __str__(self):
        # In the reader's language: it labels the editions of a form's list.
        return f"{self.year} — {self.title}"

    def save(self, *args, **kwargs):
        self.introduction_fr_html = render_markdown(self.introduction_fr, language="fr").html
        self.introduction_en_html = render_markdown(self.introduction_en, language="en").html
        if not self._state.adding and kwargs.get("update_fields") is None:
            # The design token changes with the edition's parts only: a save of its own
            # fields must not write back a token read before a part changed.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "design_token"
            ]
        super().save(*args, **kwargs)

    def unique_error_message(self, model_class, unique_check):
        if unique_check == ("year",):
            return ValidationError(
                _("There is already an edition for %(year)s."),
                code="unique",
                params={"year": self.year},
            )
        return super().unique_error_message(model_class, unique_check)

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The edition must close after it opens.")})

    @property
    def title(self):
        return in_language(self.title_fr, self.title_en)

    @property
    def introduction_html(self):
        return in_language(self.introduction_fr_html, self.introduction_en_html)

    @property
    def introduction(self):
        """The introduction's HTML in the reader's language, or the other's, and which."""
        text = localized(self, "introduction")
        html = getattr(self, f"introduction_{text.language}_html")
        return Localized(html, text.language, text.is_fallback)

    def state_at(self, moment):
        if not self.is_published:
            return self.State.DRAFT
        if moment < self.opens_at:
            return self.State.UPCOMING
        if moment < self.closes_at:
            return self.State.OPEN
        return self.State.CLOSED

    @property
    def state(self):
        return self.state_at(timezone.now())

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    def get_state_display(self):
        return self.State(self.state).label

    def search_text(self):
        return " ".join(
            part
            for part in (self.title_fr, self.title_en, self.introduction_fr, self.introduction_en)
            if part
        )


class Section(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.CharField(_("key"), max_length=60, validators=[KEY_VALIDATOR])
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["edition", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="survey_section_key_unique"),
        ]

    def __str__(self):
        # In the reader's language: it labels the sections of the question form's list.
        return self.title

    @property
    def title(self):
        return in_language(self.title_fr, self.title_en)

    @property
    def description(self):
        return in_language(self.description_fr, self.description_en)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        TEXT = "text", _("free text")
        SCALE = "scale", _("scale")
        NUMBER = "number", _("number")

    CHOICE_KINDS = {Kind.SINGLE, Kind.MULTIPLE}
    NUMERIC_KINDS = {Kind.SCALE, Kind.NUMBER}

    # The edition is repeated here so that a key is unique in the whole edition.
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.CharField(
        _("key"),
        max_length=60,
        validators=[KEY_VALIDATOR],
        help_text=_("Stays the same across editions so that years can be compared."),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind)
    text_fr = models.CharField(_("question (French)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    help_fr = models.CharField(_("help text (French)"), max_length=300, blank=True)
    help_en = models.CharField(_("help text (English)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    allow_other = models.BooleanField(_("offer “other, please specify”"), default=False)
    max_choices = models.PositiveSmallIntegerField(
        _("at most this many choices"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Multiple choice only; empty for no limit."),
    )
    min_value = models.FloatField(_("smallest value"), null=True, blank=True)
    max_value = models.FloatField(_("largest value"), null=True, blank=True)
    min_label_fr = models.CharField(
        _("label of the smallest value (French)"), max_length=80, blank=True
    )
    min_label_en = models.CharField(
        _("label of the smallest value (English)"), max_length=80, blank=True
    )
    max_label_fr = models.CharField(
        _("label of the largest value (French)"), max_length=80, blank=True
    )
    max_label_en = models.CharField(
        _("label of the largest value (English)"), max_length=80, blank=True
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["section__position", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="survey_question_key_unique"),
            models.CheckConstraint(
                condition=~Q(kind="scale")
                | (Q(min_value__isnull=False) & Q(max_value__isnull=False)),
                name="survey_scale_has_bounds",
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="survey_question_bounds_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.key}: {self.text}"

    @property
    def text(self):
        return in_language(self.text_fr, self.text_en)

    @property
    def help(self):
        return in_language(self.help_fr, self.help_en)

    @property
    def min_label(self):
        return in_language(self.min_label_fr, self.min_label_en)

    @property
    def max_label(self):
        return in_language(self.max_label_fr, self.max_label_en)

    @property
    def has_choices(self):
        return self.kind in self.CHOICE_KINDS

    def clean(self):
        """The question's own consistency; what stored answers forbid is the services' check."""
        errors = {}
        if self.kind == self.Kind.SCALE:
            if self.min_value is None or self.max_value is None:
                errors["max_value"] = _("A scale needs its smallest and largest values.")
            elif self.max_value - self.min_value > 20 or self.min_value != int(self.min_value):
                errors["max_value"] = _("A scale runs between whole numbers, at most 20 steps.")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.max_value < self.min_value
        ):
            errors["max_value"] = _("The largest value must not be below the smallest.")
        if self.max_choices and self.kind != self.Kind.MULTIPLE:
            errors["max_choices"] = _("Only a multiple-choice question takes a maximum.")
        if self.allow_other and self.kind not in self.CHOICE_KINDS:
            errors["allow_other"] = _("Only choice questions offer “other”.")
        if errors:
            raise ValidationError(errors)

    def scale_values(self):
        if self.kind != self.Kind.SCALE:
            return []
        return list(range(int(self.min_value), int(self.max_value) + 1))

    def scale_point_label(self, number):
        """The label of a scale point as the member sees it: "5 — Often" at a labelled end."""
        point = int(number)
        values = self.scale_values()
        label = ""
        if values and point == values[0]:
            label = self.min_label
        elif values and point == values[-1]:
            label = self.max_label
        return f"{point} — {label}" if label else str(point)


class ChoiceQuerySet(models.QuerySet):
    def answered(self):
        """Choices some answer chose: they may be reworded, not deleted."""
        return self.filter(models.Exists(Answer.objects.filter(choice=models.OuterRef("pk"))))


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.CharField(_("key"), max_length=60, validators=[KEY_VALIDATOR])
    text_fr = models.CharField(_("choice (French)"), max_length=200)
    text_en = models.CharField(_("choice (English)"), max_length=200, blank=True)

    objects = ChoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="survey_choice_key_unique"),
        ]

    def __str__(self):
        return self.text

    @property
    def text(self):
        return in_language(self.text_fr, self.text_en)


class Participation(models.Model):
    """Who took part in an edition. Holds no answer, no time, no link to the response."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_participations"
    )
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="participations")
    submitted = models.BooleanField(_("submitted"), default=False)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["edition", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "edition"], name="survey_one_participation_per_member"
            ),
        ]

    def __str__(self):
        return f"{self.edition.year}: {self.user}"


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted=True)


class ImportRecord(models.Model):
    """One CSV file of answers brought into an edition: previewed, imported, maybe undone."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("previewed, not imported")
        IMPORTED = "imported", _("imported")
        UNDONE = "undone", _("undone")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="imports")
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PREVIEW)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    # [[column header, question key], …]: a list, as PostgreSQL's jsonb reorders object keys.
    mapping = models.JSONField(_("columns to questions"), default=list)
    # Kept only between the preview and the confirmation: the file may hold identities.
    csv_text = models.TextField(blank=True)
    rows = models.PositiveIntegerField(_("responses"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("uploaded on"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported on"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone on"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )

    class Meta:
        verbose_name = _("answer import")
        verbose_name_plural = _("answer imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} ({self.edition.year})"


class Response(models.Model):
    """One respondent's answers to an edition, with no identity (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="responses")
    # HMAC(secret key, edition + user) for members; random for demo and imported rows.
    key = models.CharField(max_length=64, unique=True, editable=False)
    submitted = models.BooleanField(_("submitted"), default=False)
    # The furthest step reached, to resume there.
    step = models.PositiveSmallIntegerField(default=0)
    is_demo = models.BooleanField(_("demo"), default=False)
    is_imported = models.BooleanField(_("imported"), default=False)
    # The import that brought it in, so that undoing the import deletes exactly these.
    import_record = models.ForeignKey(
        ImportRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["edition", "id"]

    def __str__(self):
        return _("Response to %(year)s") % {"year": self.edition.year}


class Answer(models.Model):
    """One row per chosen option; one row for an "other" text, a free text or a number."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: a question or a choice that was answered cannot be deleted.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(blank=True)  # free text, or the "other, please specify" text
    number = models.FloatField(null=True, blank=True)  # number and scale questions

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                name="survey_answer_choice_once",
                condition=Q(choice__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                name="survey_answer_value_once",
                condition=Q(choice__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.question.key}"
