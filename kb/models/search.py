"""The site search index: one row per searchable thing (doc page, project, event) and language.

On SQLite, the FTS5 table ``kb_searchentry_fts`` (``kb.search_fts5``) holds each
row's stems; PostgreSQL builds its text-search vectors from the row itself.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        DOC = "doc", _("Documentation")
        PROJECT = "project", _("Project")
        EVENT = "event", _("Event")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    # One entry per language a thing is written in, stemmed in that language.
    language = models.CharField(max_length=2, default="fr")
    url_name = models.CharField(max_length=100)
    url_kwargs = models.JSONField(default=dict)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    # A documentation page's section titles, one a line: they weigh more than its text.
    headings = models.TextField(blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "language"], name="searchentry_unique_object"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs=self.url_kwargs)
