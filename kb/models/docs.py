"""Cluster documentation: pages in a tree, every save kept as a revision."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_AFTER_DAYS = 365


class DocPageQuerySet(models.QuerySet):
    def for_tree(self):
        """The few columns the navigation needs, in reading order."""
        return self.only("id", "parent_id", "path", "title", "summary", "position").order_by(
            "position", "title"
        )

    def quick_links(self, section_path="cluster"):
        """The pages of a section, for the home page."""
        return self.filter(parent__path=section_path).for_tree()

    def for_reading(self):
        return self.select_related("last_reviewed_by", "updated_by")

    def stale(self, now=None):
        limit = (now or timezone.now()) - timezone.timedelta(days=STALE_AFTER_DAYS)
        return (
            self.filter(models.Q(last_reviewed_at__lt=limit) | models.Q(last_reviewed_at=None))
            .select_related("last_reviewed_by")
            .order_by(models.F("last_reviewed_at").asc(nulls_first=True), "path")
        )


class DocPage(models.Model):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    # The full path ("cluster/acces") is the page's URL: it never changes once created.
    path = models.CharField(max_length=255, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    toc = models.JSONField(default=list, editable=False)
    position = models.PositiveIntegerField(
        _("position"), default=100, help_text=_("Order among the pages of the same section.")
    )
    # Incremented by every save: an editor's save is refused if it changed meanwhile.
    version = models.PositiveIntegerField(default=0, editable=False)
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
        limit = (now or timezone.now()) - timezone.timedelta(days=STALE_AFTER_DAYS)
        return self.last_reviewed_at is None or self.last_reviewed_at < limit


class DocRevision(models.Model):
    page = models.ForeignKey(DocPage, on_delete=models.CASCADE, related_name="revisions")
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

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="docrevision_unique_number"),
        ]

    def __str__(self):
        return f"{self.page.path} #{self.number}"
