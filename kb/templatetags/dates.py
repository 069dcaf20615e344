"""The ``date`` filter, a template builtin (settings.TEMPLATES) in place of Django's: the
same, with "1er" for the first of a month in French (kb/dates.py)."""

from django import template
from django.template import defaultfilters
from django.utils import formats

from kb.dates import first_of_month_format

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """``{{ event.starts_at|date:"DATE_FORMAT" }}``: "1er décembre 2026" in French."""
    if value not in (None, ""):
        arg = first_of_month_format(value, formats.get_format(arg or "DATE_FORMAT"))
    return defaultfilters.date(value, arg)
