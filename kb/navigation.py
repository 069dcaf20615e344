"""The main menu of the header. Each section adds its entry when it lands."""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class NavItem(NamedTuple):
    label: str
    url_name: str
    section: str  # views put the same value in their context as "section"


MAIN_NAVIGATION = [
    NavItem(_("Home"), "home", "home"),
    NavItem(_("Docs"), "docs:index", "docs"),
    NavItem(_("Projects"), "catalogue:list", "catalogue"),
    NavItem(_("Events"), "events:list", "events"),
    NavItem(_("Survey"), "survey:index", "survey"),
    NavItem(_("Results"), "survey:results_latest", "results"),
    NavItem(_("GPUs"), "gpu_board", "gpus"),
]
