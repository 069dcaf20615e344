"""Cluster documentation: pages in a tree, every save kept as a revision."""

from dataclasses import dataclass

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.bilingual import LANGUAGES, Localized, Translated, localized, other_language

STALE_AFTER_DAYS = 365

# What one step of a page's address may hold: the docs' URL pattern serves nothing else
# (kb.urls_docs), so a page stored with another character could not be linked to.
SLUG_PATTERN = "[a-z0-9-]+"
validate_doc_slug = RegexValidator(
    rf"\A{SLUG_PATTERN}\Z",
    _("Use only lowercase letters, digits and hyphens."),
)


def _translation_behind(language):
    """The ``language`` version exists but the other's body changed after it was saved."""
    other = other_language(language)
    return (
        ~models.Q(**{f"body_{language}": ""})
        & ~models.Q(**{f"body_{other}": ""})
        & models.Q(**{f"body_changed_at_{other}__gt": models.F(f"saved_at_{language}")})
    )


class DocPageQuerySet(models.QuerySet):
    def for_tree(self):
        """The few columns the navigation needs, in reading order."""
        return self.only(
            "id",
            "parent_id",
            "path",
            "title_fr",
            "title_en",
            "summary_fr",
            "summary_en",
            "position",
        ).order_by("position", "path")

    def quick_links(self, section_path="cluster"):
        """The pages of a section, for the home page."""
        return self.filter(parent__path=section_path).for_tree()

    def for_reading(self):
        return self.select_related("last_reviewed_by", "updated_by")

    def stale(self, now=None):
        """Pages not reviewed for a year, or with a translation behind the other version."""
        limit = (now or timezone.now()) - timezone.timedelta(days=STALE_AFTER_DAYS)
        return (
            self.filter(
                models.Q(last_reviewed_at__lt=limit)
                | models.Q(last_reviewed_at=None)
                | _translation_behind("fr")
                | _translation_behind("en")
            )
            .select_related("last_reviewed_by")
            .order_by(models.F("last_reviewed_at").asc(nulls_first=True), "path")
        )


class DocPage(models.Model):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(_("slug"), max_length=80, validators=[validate_doc_slug])
    # The full path ("cluster/acces") is the page's URL: it never changes once created.
    path = models.CharField(max_length=255, unique=True, editable=False)
    # Each language is written, saved and versioned on its own (see kb.bilingual).
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_fr = models.CharField(_("summary (French)"), max_length=300, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=300, blank=True)
    body_fr = models.TextField(_("text (French, Markdown)"), blank=True)
    body_en = models.TextField(_("text (English, Markdown)"), blank=True)
    body_html_fr = models.TextField(editable=False, blank=True)
    body_html_en = models.TextField(editable=False, blank=True)
    toc_fr = models.JSONField(default=list, editable=False)
    toc_en = models.JSONField(default=list, editable=False)
    position = models.PositiveIntegerField(
        _("position"), default=100, help_text=_("Order among the pages of the same section.")
    )
    # Incremented by every save of that language: an editor's save is refused if the
    # version they opened changed meanwhile. Saving one language never blocks the other.
    version_fr = models.PositiveIntegerField(default=0, editable=False)
    version_en = models.PositiveIntegerField(default=0, editable=False)
    saved_at_fr = models.DateTimeField(null=True, editable=False)
    saved_at_en = models.DateTimeField(null=True, editable=False)
    # When the body (not the title or summary) last changed, other than by being
    # written or translated: a version saved before the other's body changed
    # "may be out of date" (kb.services.docs._apply).
    body_changed_at_fr = models.DateTimeField(null=True, editable=False)
    body_changed_at_en = models.DateTimeField(null=True, editable=False)
    updated_at = models.DateTimeField(null=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("last reviewed by"),
    )

    objects = DocPageQuerySet.as_manager()

    title = Translated()
    summary = Translated()

    class Meta:
        verbose_name = _("documentation page")
        verbose_name_plural = _("documentation pages")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "slug"], name="docpage_unique_slug"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("docs:page", kwargs={"path": self.path})

    def is_stale(self, now=None):
        """Due for a coordinator's review: never reviewed, or not for twelve months."""
        limit = (now or timezone.now()) - timezone.timedelta(days=STALE_AFTER_DAYS)
        return self.last_reviewed_at is None or self.last_reviewed_at < limit

    def is_review_overdue(self, now=None):
        """What readers are warned of: twelve months since the last review or, for a page
        nobody has reviewed yet, since it was last saved (a new page is not overdue)."""
        checked = self.last_reviewed_at or self.updated_at
        limit = (now or timezone.now()) - timezone.timedelta(days=STALE_AFTER_DAYS)
        return checked is None or checked < limit

    def has_language(self, language):
        return bool(getattr(self, f"title_{language}") or getattr(self, f"body_{language}"))

    def translation_behind(self, language):
        """True when this language's body may be out of date against the other's."""
        other = other_language(language)
        saved, changed = (
            getattr(self, f"saved_at_{language}"),
            getattr(self, f"body_changed_at_{other}"),
        )
        return bool(
            getattr(self, f"body_{language}")
            and getattr(self, f"body_{other}")
            and saved
            and changed
            and changed > saved
        )

    def behind_languages(self):
        return [language for language in LANGUAGES if self.translation_behind(language)]

    def reading(self, language=None):
        """What a reader of ``language`` sees: each block in its language, and why."""
        body = localized(self, "body", language)
        return PageReading(
            title=localized(self, "title", language),
            summary=localized(self, "summary", language),
            body=body,
            body_html=Localized(
                getattr(self, f"body_html_{body.language}"), body.language, body.is_fallback
            ),
            toc=getattr(self, f"toc_{body.language}"),
            may_be_outdated=bool(body) and self.translation_behind(body.language),
        )


@dataclass(frozen=True)
class PageReading:
    title: object
    summary: object
    body: object
    body_html: object
    toc: list
    may_be_outdated: bool


class DocRevision(models.Model):
    """One save of one language of a page; numbers count per language."""

    page = models.ForeignKey(DocPage, on_delete=models.CASCADE, related_name="revisions")
    language = models.CharField(
        max_length=2, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    message = models.CharField(_("change summary"), max_length=200, blank=True)
    restored_from = models.PositiveIntegerField(null=True, blank=True)
    # The seed's pages are written by the group, not by an account (see kb.seed).
    is_initial_content = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language", "number"], name="docrevision_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.page.path} [{self.language}] #{self.number}"
