"""Dates as French writes them: "1er décembre", where Django's French format prints "1 décembre".

Django's format strings have no sign for an ordinal day, so the format itself changes on the
first of a month: ``j`` before a month name becomes ``j\\e\\r`` (a literal "er"). Every date
the site shows goes through ``date_format`` here: templates through the ``date`` filter
(kb/templatetags/dates.py, a template builtin that stands in for Django's), code by importing it.
"""

import re

from django.utils import formats
from django.utils.translation import get_language

# The day ("j", not an escaped "\j") followed by a month: "j F", "j M", "j N", "j E", "j b".
DAY_BEFORE_MONTH = re.compile(r"(?<!\\)j(?= [FMNEb])")


def first_of_month_format(value, format_string):
    """``format_string`` with "1er" for the day when ``value`` is the first of a month in French."""
    if getattr(value, "day", None) != 1 or not (get_language() or "").startswith("fr"):
        return format_string
    return DAY_BEFORE_MONTH.sub(r"j\\e\\r", format_string)


def date_format(value, format=None, use_l10n=None):
    """Django's ``date_format``, writing "1er" for the first of a month in French."""
    format_string = formats.get_format(format or "DATE_FORMAT", use_l10n=use_l10n)
    return formats.date_format(value, first_of_month_format(value, format_string), use_l10n)
