"""Faceted filtering of the catalogue, on plain data: what the URL asks for, and the
facet options (with counts and links) to show. The counting queries live in
``ProjectQuerySet.facet_counts``; this module only shapes their results.

Within one facet, selected values are alternatives (task = detection OR
segmentation); across facets they combine (AND). A facet's counts are taken
with every other facet's filter applied but not its own, so each count says how
many projects the list would hold with that value ticked as well.
"""

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

# URL parameter of each facet, in display order, with its heading.
FACETS = {
    "task": _("Task"),
    "architecture": _("Architecture"),
    "data": _("Data"),
    "lab": _("Laboratory"),
    "year": _("Year"),
}
SORTS = {
    "recent": _("Recently added"),
    "title": _("Title"),
    "year": _("Year (newest first)"),
}
DEFAULT_SORT = "recent"
MAX_VALUES = 20  # per facet: a longer list in a URL is not a person's choice
MAX_QUERY_LENGTH = 200
# A year in an address: ASCII digits only ("²" passes str.isdigit but not int), and
# short enough to fit the database's integer column.
YEAR = re.compile(r"[0-9]{1,4}")


@dataclass(frozen=True)
class Selection:
    """What the reader asked for, read from the URL's GET parameters."""

    values: dict = field(default_factory=dict)  # facet -> tuple of selected values
    text: str = ""
    sort: str = DEFAULT_SORT

    def selected(self, facet):
        return self.values.get(facet, ())

    @property
    def is_filtered(self):
        return bool(self.text or any(self.values.values()))

    def params(self, *, sort=True):
        """The selection as a list of GET parameters, in a stable order."""
        pairs = [(facet, value) for facet in FACETS for value in self.selected(facet)]
        if self.text:
            pairs.append(("q", self.text))
        if sort and self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        return pairs

    def query_string(self):
        return urlencode(self.params())

    def toggled(self, facet, value):
        current = self.selected(facet)
        chosen = tuple(v for v in current if v != value) if value in current else (*current, value)
        return replace(self, values={**self.values, facet: chosen})


def parse_selection(query):
    """Read a Selection from a QueryDict-like object (with ``getlist`` and ``get``).

    Unknown values are harmless (they match nothing); years that are not numbers
    of up to four digits and unknown sorts are dropped.
    """
    values = {}
    for facet in FACETS:
        chosen = []
        for raw in query.getlist(facet)[:MAX_VALUES]:
            value = raw.strip()
            if facet == "year":
                if not YEAR.fullmatch(value):
                    continue
                value = str(int(value))  # "02016" and "2016" are one year
            if value and value not in chosen:
                chosen.append(value)
        if chosen:
            values[facet] = tuple(chosen)
    sort = query.get("sort", DEFAULT_SORT)
    return Selection(
        values=values,
        text=" ".join(query.get("q", "").split())[:MAX_QUERY_LENGTH],
        sort=sort if sort in SORTS else DEFAULT_SORT,
    )


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    query: str  # the list's query string with this value toggled


@dataclass(frozen=True)
class Facet:
    name: str
    title: str
    options: list

    @property
    def selected_options(self):
        return [option for option in self.options if option.selected]


def build_facet(name, rows, selection):
    """Options of one facet from ``rows`` of (value, label, count), in the given order.

    Values with no project are left out unless selected (so they can be unticked).
    """
    selected = selection.selected(name)
    options = [
        FacetOption(
            value=str(value),
            label=str(label),
            count=count,
            selected=str(value) in selected,
            query=selection.toggled(name, str(value)).query_string(),
        )
        for value, label, count in rows
        if count or str(value) in selected
    ]
    return Facet(name=name, title=FACETS[name], options=options)


def build_facets(counts, selection):
    """All facets, from ``counts`` = {facet: [(value, label, count), …]}."""
    return [build_facet(name, counts.get(name, []), selection) for name in FACETS]
