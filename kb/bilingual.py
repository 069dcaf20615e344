"""Texts written in French and English: plain ``<field>_fr`` / ``<field>_en`` columns.

A reader gets the text of their language; when it is empty, the other language's
text, flagged as a fallback so that the page can say so and mark it with its
``lang``. Nothing here hides which language a text is in.
"""

import re
from dataclasses import dataclass

from django.utils.translation import get_language

from kb.markdown import render_markdown

LANGUAGES = ("fr", "en")


def current_language():
    """The interface language reduced to one of ``LANGUAGES`` (French by default)."""
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def other_language(language):
    return "en" if language == "fr" else "fr"


@dataclass(frozen=True)
class Localized:
    """A text, the language it is written in, and whether that is not the reader's."""

    text: str
    language: str
    is_fallback: bool = False

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)


def localized(obj, field, language=None, *, present_if=None):
    """``obj.<field>_<language>``, else the other language's, else an empty text.

    ``present_if`` names the field whose emptiness decides the language (a page's
    rendered HTML follows its Markdown source).
    """
    language = language or current_language()
    decider = present_if or field
    for candidate in (language, other_language(language)):
        if getattr(obj, f"{decider}_{candidate}"):
            return Localized(getattr(obj, f"{field}_{candidate}"), candidate, candidate != language)
    return Localized("", language)


class Translated:
    """Read-only attribute: ``page.title`` is ``localized(page, "title").text``.

    Code that only reads (feeds, emails, listings) keeps using ``page.title``;
    code that writes names the language (``page.title_en = …``).
    """

    def __init__(self, present_if=None):
        self.present_if = present_if

    def __set_name__(self, owner, name):
        self.field = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return localized(obj, self.field, present_if=self.present_if).text


# Short words frequent in one language and rare in the other.
_STOP_WORDS = {
    "fr": frozenset(
        "le la les des du un une et est dans pour sur avec qui que pas ce cette sont au aux "
        "vous nous on ou par se sa son ses leur mais plus".split()
    ),
    "en": frozenset(
        "the of and is in for on with that this are to be by it an as from or not you we "
        "your which have can".split()
    ),
}


def guess_language(text, default="fr"):
    """``fr`` or ``en``, whichever language's common words ``text`` uses more.

    Enough to file existing texts under their language, and for tests to tell a
    French page from an English one; not a general language detector.
    """
    words = [word.lower() for word in re.findall(r"[^\W\d_]+", text or "")]
    counts = {language: sum(w in stop for w in words) for language, stop in _STOP_WORDS.items()}
    if counts["fr"] == counts["en"]:
        return default
    return max(counts, key=counts.get)


def description_previews(fields):
    """[(language, HTML)] of the Markdown ``description_<language>`` values that are set."""
    return [
        (language, render_markdown(fields[f"description_{language}"], language=language).html)
        for language in LANGUAGES
        if fields.get(f"description_{language}")
    ]
