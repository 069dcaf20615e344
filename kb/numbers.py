"""Percentages written one way across the site, by the templates and the charts."""

from django.utils.translation import gettext as _


def percent_text(value):
    """``value`` (already formatted) with the percent sign as the language writes it."""
    return _("%(value)s%%") % {"value": value}
