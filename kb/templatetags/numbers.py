"""Numbers written as the reader's language writes them."""

from django import template
from django.utils import formats

from kb.numbers import percent_text

register = template.Library()


@register.filter
def percent(value):
    """``{{ 43|percent }}``: "43%" in English, "43 %" (no-break space) in French; "—" for None."""
    return "—" if value is None else percent_text(formats.localize(value))


@register.filter
def grouped(value):
    """``{{ 10989|grouped }}``: "10,989" in English, "10 989" (no-break space) in French;
    "?" for None (a figure the node did not give)."""
    return "?" if value is None else formats.number_format(value, force_grouping=True)
