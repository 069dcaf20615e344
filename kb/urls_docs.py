from django.urls import path, register_converter

from kb.models.docs import SLUG_PATTERN
from kb.views import docs


class DocPathConverter:
    """``cluster/acces``: slugs separated by slashes."""

    regex = rf"{SLUG_PATTERN}(?:/{SLUG_PATTERN})*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class LanguageConverter:
    """A content language: ``fr`` or ``en``."""

    regex = "fr|en"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(DocPathConverter, "docpath")
register_converter(LanguageConverter, "lang")

app_name = "docs"
urlpatterns = [
    path("", docs.docs_index, name="index"),
    path("new/", docs.docs_new, name="new"),
    path("stale/", docs.docs_stale, name="stale"),
    path("<docpath:path>/edit/", docs.docs_edit, name="edit"),
    path("<docpath:path>/history/", docs.docs_history, name="history"),
    path("<docpath:path>/compare/", docs.docs_compare, name="compare"),
    path(
        "<docpath:path>/restore/<lang:language>/<int:number>/",
        docs.docs_restore,
        name="restore",
    ),
    path("<docpath:path>/review/", docs.docs_review, name="review"),
    path("<docpath:path>/", docs.docs_page, name="page"),
]
