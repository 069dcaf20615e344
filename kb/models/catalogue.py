"""The project catalogue: deep-learning science projects, typed by curated lists.

A project is proposed by a member (pending), then published or rejected by a
coordinator. Readers only ever see published projects: every read that a
reader's page makes starts from ``Project.objects.published()``.
"""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kb.bibtex import Citation
from kb.bilingual import Translated
from kb.markdown import render_markdown
from kb.roles import is_coordinator

DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
validate_doi = RegexValidator(
    DOI_PATTERN,
    _("Enter a DOI of the form 10.NNNN/suffix, for example 10.1109/TGRS.2020.1234567."),
    code="invalid_doi",
)
validate_web_url = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address starting with http:// or https://.")
)
FIRST_YEAR = 1950


def validate_not_future_year(year):
    if year is not None and year > timezone.now().year:
        raise ValidationError(
            _("The year cannot be in the future (it is %(year)s now)."),
            code="future_year",
            params={"year": timezone.now().year},
        )


def search_key(text):
    """Lower-case, accent-free form of ``text``: the catalogue's text filter matches on it."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def word_forms(word):
    """The pieces of text, any of which a project's key must hold to match ``word``.

    The filter matches pieces of words, so "réseau" already finds "réseaux"; for a
    plural to find its singular as well, a regular French or English plural ending
    is dropped: "reseaux" → "reseau", "spatiaux" → "spatial", "donnees" → "donne",
    "classes" → "class", "studies" → "study", "gans" → "gan". What remains keeps
    three letters at least, so short words ("les", "aux") stay as typed.
    """
    forms = [word]
    if word.endswith(("aux", "eux", "oux")) and len(word) >= 4:
        forms.append(word[:-1])
    if word.endswith("aux") and len(word) >= 6:
        forms.append(word[:-3] + "al")
    if word.endswith("ies") and len(word) >= 5:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) >= 6:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) >= 4:
        forms.append(word[:-1])
    # A text that holds "reseau" holds "reseaux" too: only the shortest pieces count.
    return [form for form in forms if not any(o != form and o in form for o in forms)]


class Taxonomy(models.Model):
    """A curated list value with a stable slug and a label in each language."""

    slug = models.SlugField(
        _("slug"),
        max_length=60,
        unique=True,
        help_text=_("Stable identifier used in shareable addresses; never change it once used."),
    )
    label_en = models.CharField(_("English label"), max_length=100)
    label_fr = models.CharField(_("French label"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "label_en"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        return self.label_fr if (get_language() or "").startswith("fr") else self.label_en


class Task(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("task")
        verbose_name_plural = _("tasks")


class Architecture(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("architecture")
        verbose_name_plural = _("architectures")


class DataType(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("data type")
        verbose_name_plural = _("data types")


class Laboratory(Taxonomy):
    class Meta(Taxonomy.Meta):
        verbose_name = _("laboratory")
        verbose_name_plural = _("laboratories")


class ProjectQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Project.Status.PUBLISHED)

    def pending(self):
        return self.filter(status=Project.Status.PENDING).order_by("created_at")

    def proposed_by(self, user):
        return self.filter(proposed_by=user).order_by("-created_at")

    def visible_to(self, user):
        """Published projects, plus pending ones for their proposer and for coordinators."""
        if is_coordinator(user):
            return self.all()
        if user.is_authenticated:
            return self.filter(Q(status=Project.Status.PUBLISHED) | Q(proposed_by=user))
        return self.published()

    def matching(self, text):
        """Case- and accent-insensitive match of every word, in one of its forms
        (``word_forms``), on what ``Project.text_search_key`` holds."""
        queryset = self
        for word in search_key(text).split():
            forms = Q()
            for form in word_forms(word):
                forms |= Q(search_key__contains=form)
            queryset = queryset.filter(forms)
        return queryset

    def filtered(self, selection, *, ignore=None):
        """Projects matching a ``catalogue_facets.Selection``, leaving out facet ``ignore``.

        Each facet filters through a subquery, so a project with two selected tasks
        appears once and no DISTINCT is needed.
        """
        queryset = self.matching(selection.text) if selection.text else self
        for facet, (through, column) in FACET_FILTERS.items():
            values = selection.selected(facet)
            if values and facet != ignore:
                rows = getattr(Project, through).through.objects.filter(**{column: values})
                queryset = queryset.filter(pk__in=rows.values("project_id"))
        years = selection.selected("year")
        if years and ignore != "year":
            queryset = queryset.filter(year__in=[int(year) for year in years])
        return queryset

    def sorted_by(self, sort):
        if sort == "title":
            return self.order_by("title", "pk")
        if sort == "year":
            return self.order_by(models.F("year").desc(nulls_last=True), "title", "pk")
        return self.recent()

    def facet_counts(self, selection):
        """{facet: [(value, label, count), …]}: one query per facet, whatever the data."""
        counts = {}
        for facet, model in FACET_MODELS.items():
            matching = self.filtered(selection, ignore=facet).values("pk")
            # Meta.ordering does not apply to aggregate queries: order explicitly.
            options = model.objects.annotate(
                project_count=Count("projects", filter=Q(projects__in=matching))
            ).order_by("position", "label_en")
            counts[facet] = [(item.slug, item.label, item.project_count) for item in options]
        years = self.filtered(selection, ignore="year").year_counts()
        # A chosen year that matches nothing stays listed, so it can be seen and unticked.
        for year in selection.selected("year"):
            years.setdefault(int(year), 0)
        counts["year"] = [(year, year, years[year]) for year in sorted(years, reverse=True)]
        return counts

    def for_listing(self):
        return self.prefetch_related("tasks", "architectures", "data_types", "laboratories")

    def for_detail(self):
        return self.select_related("proposed_by", "reviewed_by").prefetch_related(
            "tasks",
            "architectures",
            "data_types",
            "laboratories",
            "references",
            "contacts",
            "links",
        )

    def recent(self):
        return self.order_by(models.F("published_at").desc(nulls_last=True), "-pk")

    def related_to(self, project):
        """Other projects that share a task or an architecture, the closest first."""
        task_ids = [task.pk for task in project.tasks.all()]
        architecture_ids = [architecture.pk for architecture in project.architectures.all()]
        return (
            self.exclude(pk=project.pk)
            .annotate(
                shared_tasks=Count("tasks", filter=Q(tasks__in=task_ids), distinct=True),
                shared_architectures=Count(
                    "architectures", filter=Q(architectures__in=architecture_ids), distinct=True
                ),
            )
            .filter(Q(shared_tasks__gt=0) | Q(shared_architectures__gt=0))
            .order_by("-shared_tasks", "-shared_architectures", "title")
        )

    def year_counts(self):
        """{year: number of projects}, projects without a year left out."""
        rows = (
            self.filter(year__isnull=False)
            .order_by()
            .values_list("year")
            .annotate(count=Count("pk", distinct=True))
        )
        return dict(rows)


class Project(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    # The title stays as published; the texts about it exist in French and English.
    summary_fr = models.CharField(
        _("short summary (French)"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences, shown in the list."),
    )
    summary_en = models.CharField(
        _("short summary (English)"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences, shown in the list."),
    )
    description_fr = models.TextField(
        _("description (French)"),
        blank=True,
        help_text=_("Markdown: objectives, method, data, results."),
    )
    description_en = models.TextField(
        _("description (English)"),
        blank=True,
        help_text=_("Markdown: objectives, method, data, results."),
    )
    description_html_fr = models.TextField(editable=False, default="")
    description_html_en = models.TextField(editable=False, default="")
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), validate_not_future_year],
        help_text=_("Year the work started or was first published."),
    )
    tasks = models.ManyToManyField(Task, related_name="projects", verbose_name=_("tasks"))
    architectures = models.ManyToManyField(
        Architecture, related_name="projects", verbose_name=_("architectures")
    )
    data_types = models.ManyToManyField(
        DataType, related_name="projects", blank=True, verbose_name=_("data types")
    )
    laboratories = models.ManyToManyField(
        Laboratory, related_name="projects", blank=True, verbose_name=_("laboratories")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_projects",
        verbose_name=_("proposed by"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_projects",
        verbose_name=_("reviewed by"),
    )
    review_message = models.TextField(_("message to the proposer"), blank=True)
    created_at = models.DateTimeField(_("proposed on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)
    reviewed_at = models.DateTimeField(_("reviewed on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    search_key = models.TextField(editable=False, default="")

    objects = ProjectQuerySet.as_manager()

    summary = Translated()
    description = Translated()
    description_html = Translated(present_if="description")

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Rendered and normalised once, when written, never on each request.
        self.description_html_fr = render_markdown(self.description_fr, language="fr").html
        self.description_html_en = render_markdown(self.description_en, language="en").html
        self.search_key = self.text_search_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "description_html_fr",
                "description_html_en",
                "search_key",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalogue:detail", args=[self.slug])

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def is_proposed_by(self, user):
        return user.is_authenticated and self.proposed_by_id == user.pk

    def can_be_changed_by(self, user):
        """Coordinators edit and delete any project; its proposer, while it waits for review."""
        return is_coordinator(user) or (self.is_pending and self.is_proposed_by(user))

    def text_search_key(self):
        """What the catalogue's text filter matches: the title, both summaries, the
        values of the four lists in both languages and the authors of the references.

        Lists and references are stored after the project: ``save`` takes those it
        has, and ``services.catalogue.sync_search_entry`` stores the key again once
        they change.
        """
        parts = [self.title, self.summary_fr, self.summary_en]
        if self.pk:
            for values in (self.tasks, self.architectures, self.data_types, self.laboratories):
                for labels in values.values_list("label_fr", "label_en"):
                    parts.extend(labels)
            parts.extend(self.references.values_list("authors", flat=True))
        return search_key("\n".join(parts))

    def search_text(self, language):
        """Plain text for the site search in ``language``: description, lists and references."""
        description = getattr(self, f"description_{language}")
        parts = [render_markdown(description, language=language).text]
        for taxonomy in (self.tasks, self.architectures, self.data_types, self.laboratories):
            parts.extend(getattr(item, f"label_{language}") for item in taxonomy.all())
        parts.extend(f"{ref.authors} {ref.title} {ref.venue}" for ref in self.references.all())
        return "\n".join(part for part in parts if part)


class Reference(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Journal article")
        CONFERENCE = "conference", _("Conference paper or abstract")
        OTHER = "other", _("Other (report, talk, thesis…)")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    authors = models.CharField(
        _("authors"),
        max_length=500,
        help_text=_(
            "Names separated by semicolons, as “First Last; First Last”. "
            "End with “et al.” when the list is incomplete."
        ),
    )
    title = models.CharField(_("title"), max_length=300)
    translated_title = models.CharField(
        _("translated title"),
        max_length=300,
        blank=True,
        help_text=_(
            "Optional: the title in the other language. The title above stays as published."
        ),
    )
    venue = models.CharField(
        _("venue"), max_length=250, blank=True, help_text=_("Journal, conference or publisher.")
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), validate_not_future_year],
    )
    doi = models.CharField(
        _("DOI"),
        max_length=200,
        blank=True,
        validators=[validate_doi],
        help_text=_("For example 10.1109/TGRS.2020.1234567 (without https://doi.org/)."),
    )
    url = models.URLField(
        _("web address"), max_length=500, blank=True, validators=[validate_web_url]
    )
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("For example “under review”.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    @property
    def author_names(self):
        """The listed names, and whether the list ends with “et al.”."""
        names = [name.strip() for name in re.split(r"[;\n]", self.authors) if name.strip()]
        incomplete = bool(names) and names[-1].rstrip(".").lower() in {"et al", "others"}
        if incomplete:
            names = names[:-1]
        return names, incomplete

    @property
    def authors_display(self):
        names, incomplete = self.author_names
        return ", ".join(names) + (" et al." if incomplete else "")

    def as_citation(self):
        names, incomplete = self.author_names
        return Citation(
            title=self.title,
            authors=tuple(names),
            incomplete_authors=incomplete,
            kind=self.kind,
            venue=self.venue,
            year=self.year,
            doi=self.doi,
            url=self.url,
            note=self.note,
        )

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""


class Contact(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email address"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    @property
    def email_parts(self):
        local, _at, domain = self.email.partition("@")
        return local, domain

    @property
    def email_obfuscated(self):
        """The address as people read it and harvesters do not: “name [at] lab [dot] fr”."""
        local, domain = self.email_parts
        return f"{local} [at] {domain.replace('.', ' [dot] ')}"


class Link(models.Model):
    class Kind(models.TextChoices):
        CODE = "code", _("Code repository")
        DATA = "data", _("Data set")
        WEB = "web", _("Web page")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.WEB)
    url = models.URLField(_("web address"), max_length=500, validators=[validate_web_url])
    label = models.CharField(_("label"), max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label or self.url


# Facet parameter -> (Project's many-to-many field, lookup on its through table).
FACET_FILTERS = {
    "task": ("tasks", "task__slug__in"),
    "architecture": ("architectures", "architecture__slug__in"),
    "data": ("data_types", "datatype__slug__in"),
    "lab": ("laboratories", "laboratory__slug__in"),
}
FACET_MODELS = {
    "task": Task,
    "architecture": Architecture,
    "data": DataType,
    "lab": Laboratory,
}
