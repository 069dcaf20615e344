"""Marking text shown in a language other than the page's."""

from django import template
from django.utils.html import format_html

from kb.bilingual import Localized, localized

register = template.Library()


@register.filter
def lang_attr(text):
    """`` lang="fr"`` for a fallback text (a ``Localized``), nothing otherwise."""
    if isinstance(text, Localized) and text.is_fallback:
        return format_html(' lang="{}"', text.language)
    return ""


@register.filter(name="localized")
def localized_filter(obj, field):
    """``{{ page|localized:"title" }}``: the field in the reader's language, or the other's."""
    return localized(obj, field)
