"""BibTeX export of references. Pure: plain data in, text out.

Text fields are escaped for LaTeX (special characters, accents as accent
commands, capitals protected in titles) so that BibTeX and biber read them back
exactly. ``doi`` and ``url`` are verbatim fields in BibLaTeX and hyperref, so
they are left as written, with only the characters that would break a BibTeX
value percent-encoded.
"""

import re
import unicodedata
from dataclasses import dataclass

SPECIAL_CHARACTERS = {
    "\\": r"\textbackslash{}",
    # BibTeX counts every brace, escaped or not: a brace in the text must not be one.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# Combining marks (after Unicode decomposition) and their LaTeX accent commands.
ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0306": "u",
    "\u0327": "c",
    "\u0328": "k",
}
LETTERS = {
    "ß": r"{\ss}",
    "æ": r"{\ae}",
    "Æ": r"{\AE}",
    "œ": r"{\oe}",
    "Œ": r"{\OE}",
    "ø": r"{\o}",
    "Ø": r"{\O}",
    "ł": r"{\l}",
    "Ł": r"{\L}",
}
VERBATIM_UNSAFE = {"{": "%7B", "}": "%7D", "\\": "%5C", " ": "%20"}
ENTRY_TYPES = {"article": ("article", "journal"), "conference": ("inproceedings", "booktitle")}
SHORT_WORDS = {"a", "an", "and", "for", "from", "in", "of", "on", "the", "to", "using", "with"}


@dataclass(frozen=True)
class Citation:
    """One reference, as the catalogue stores it."""

    title: str
    authors: tuple[str, ...] = ()
    incomplete_authors: bool = False  # the list ended with “et al.”
    kind: str = "other"  # "article", "conference" or "other"
    venue: str = ""
    year: int | None = None
    doi: str = ""
    url: str = ""
    note: str = ""


def _escape_character(char):
    if char in SPECIAL_CHARACTERS:
        return SPECIAL_CHARACTERS[char]
    if char in LETTERS:
        return LETTERS[char]
    if char.isascii():
        return char
    base, *marks = unicodedata.normalize("NFD", char)
    if not marks or not base.isascii() or any(mark not in ACCENTS for mark in marks):
        return char  # no LaTeX spelling needed: the file is UTF-8
    text = base
    for mark in marks:
        command = ACCENTS[mark]
        text = f"\\{command}{{{text}}}" if command.isalpha() else f"\\{command}{text}"
    return "{" + text + "}"


def escape(text):
    """LaTeX spelling of ``text``: special characters escaped, accents as commands."""
    return "".join(_escape_character(char) for char in unicodedata.normalize("NFC", text))


def escape_title(title):
    """Escape a title and brace words with inner capitals (acronyms, names like NO2, U-Net)
    so that bibliography styles do not lower-case them."""
    words = []
    for word in title.split(" "):
        escaped = escape(word)
        if any(char.isupper() for char in word[1:]):
            escaped = "{" + escaped + "}"
        words.append(escaped)
    return " ".join(words)


def escape_verbatim(value):
    return "".join(VERBATIM_UNSAFE.get(char, char) for char in value)


def format_authors(names, incomplete):
    parts = []
    for name in names:
        escaped = escape(name)
        # " and " inside one name would split it in two: keep it whole.
        parts.append("{" + escaped + "}" if re.search(r"\sand\s", name) else escaped)
    if incomplete:
        parts.append("others")
    return " and ".join(parts)


def _ascii_word(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def citation_key(citation, taken):
    """A readable key (surname, year, first significant title word), unique within ``taken``."""
    first_author = citation.authors[0] if citation.authors else ""
    surname = first_author.split(",")[0] if "," in first_author else first_author.split(" ")[-1]
    title_words = [_ascii_word(word) for word in citation.title.split()]
    title_word = next((w for w in title_words if w and w not in SHORT_WORDS), "")
    base = (
        f"{_ascii_word(surname) or 'anonymous'}{citation.year or ''}{title_word}"[:60]
        or "reference"
    )
    key, suffix = base, 0
    while key in taken:
        suffix += 1
        key = f"{base}{chr(ord('a') + suffix - 1)}" if suffix <= 26 else f"{base}{suffix}"
    taken.add(key)
    return key


def entry_fields(citation):
    """[(field, BibTeX value)] in the order they are written."""
    entry_type, venue_field = ENTRY_TYPES.get(citation.kind, ("misc", "howpublished"))
    if not citation.venue:
        entry_type, venue_field = "misc", "howpublished"
    fields = []
    if citation.authors or citation.incomplete_authors:
        fields.append(("author", format_authors(citation.authors, citation.incomplete_authors)))
    fields.append(("title", escape_title(citation.title)))
    if citation.venue:
        fields.append((venue_field, escape(citation.venue)))
    if citation.year:
        fields.append(("year", str(citation.year)))
    if citation.doi:
        fields.append(("doi", escape_verbatim(citation.doi)))
    if citation.url:
        fields.append(("url", escape_verbatim(citation.url)))
    if citation.note:
        fields.append(("note", escape(citation.note)))
    return entry_type, fields


def format_entry(citation, key):
    entry_type, fields = entry_fields(citation)
    lines = [f"@{entry_type}{{{key},"]
    lines.extend(f"  {name} = {{{value}}}," for name, value in fields)
    lines.append("}")
    return "\n".join(lines)


def to_bibtex(citations):
    """A BibTeX file (UTF-8 text) holding one entry per citation, with unique keys."""
    taken = set()
    entries = [format_entry(citation, citation_key(citation, taken)) for citation in citations]
    return "\n\n".join(entries) + ("\n" if entries else "")
