"""Text for search, in French or English: unaccented stems, and passages with matches marked.

Pure functions on strings, shared by the index (what is stored) and the search
(what is asked), so that both sides agree on what a word is.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12
_STEMMERS = {"fr": snowballstemmer.stemmer("french"), "en": snowballstemmer.stemmer("english")}


def unaccent(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=50_000)
def stem(word, language="fr"):
    """The unaccented stems of a word in ``language``: one or two spellings.

    The French stemmer works best with accents ("données" → "don"), but people
    type without them ("donnees" → "donne"): a word is stored under both the
    stem of its accented and of its unaccented form, and a query word matches
    either.
    """
    word = word.lower()
    stemmer = _STEMMERS[language]
    return frozenset({unaccent(stemmer.stemWord(word)), stemmer.stemWord(unaccent(word))})


def query_stem(word, language="fr"):
    """The one stem a query word is searched by: that of the word as typed, unaccented.

    One of ``stem(word)``, so it finds the word with or without its accents: a
    word typed without them has the stem of its unaccented spelling, which the
    index holds for every word. One token per word keeps ranking fair: a word
    looked for under two stems would count twice where both occur.
    """
    return unaccent(_STEMMERS[language].stemWord(word.lower()))


def typed_prefix(word):
    """The last query word as the start of a word being typed ("mémo" for "mémoire"):
    as typed, unaccented. Not its stem: "données" stems to "don", and "don…" would
    also find "dont"."""
    return unaccent(word.lower())


def stem_tokens(text, language="fr"):
    """The indexed form of a text: the stems of its words, in order, each spelling of each."""
    return " ".join(s for word in WORD.findall(text or "") for s in sorted(stem(word, language)))


# Words too common to search for (PostgreSQL's French configuration drops them too).
STOP_WORDS = frozenset(
    "au aux avec ce ces dans de des du elle en et il je la le les leur lui ma mais me "
    "mes mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te "
    "tes ton tu un une vos votre vous the of and to in on for".split()
)


def query_words(query):
    """The words of a query worth searching: 2+ letters, no stop word unless only those."""
    words = [w for w in WORD.findall(query[:MAX_QUERY_LENGTH]) if len(w) > 1 or w.isdigit()]
    meaningful = [w for w in words if w.lower() not in STOP_WORDS]
    return (meaningful or words)[:MAX_QUERY_WORDS]


def _matches(word, query_stems, prefix, language):
    """``query_stems``: one set of stems per query word; ``prefix``: see ``typed_prefix``."""
    if prefix and unaccent(word).startswith(prefix):
        return True
    return any(
        word_stem in variants for word_stem in stem(word, language) for variants in query_stems
    )


ACCENTED = {"a": "aàâäáã", "c": "cç", "e": "eéèêë", "i": "iîïíì", "n": "nñ", "o": "oôöóò",
            "u": "uùûüú", "y": "yÿ"}  # fmt: skip


def _candidates(query_stems, prefix):
    """A regex for words that may match: those starting like a stem or the typed
    prefix, accents aside.

    Stems are prefixes of their words, so this finds every match; the stemmer
    then decides, for the few words found, instead of for every word.
    """
    prefixes = {q[:3] for variants in query_stems for q in variants if q}
    if prefix:
        prefixes.add(prefix[:3])
    alternatives = [
        "".join(f"[{re.escape(ACCENTED.get(c, c))}]" for c in prefix) for prefix in prefixes
    ]
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\w*", re.IGNORECASE)


def mentions(texts, stems, prefix, language="fr"):
    """Whether one of ``texts`` holds a word with one of ``stems`` or starting with
    ``prefix``: the index finds the last query word by the start of its stem, which is
    wider ("données" stems to "don", which starts "dont")."""
    candidates = _candidates([stems], prefix)
    return any(
        _matches(match.group().lower(), [stems], prefix, language)
        for text in texts
        for match in candidates.finditer(text or "")
    )


def passage(text, query_stems, *, prefix="", language="fr", width=220):
    """An escaped passage of ``text`` around the first match, matches in <mark>: words
    with one of ``query_stems`` (one set per query word) or starting with ``prefix``."""
    if not text or not query_stems:
        return ""
    candidates = _candidates(query_stems, prefix)
    verdicts = {}  # a word's verdict depends on its spelling only: decide each once

    def hits(start=0, end=None):
        for match in candidates.finditer(text, start, len(text) if end is None else end):
            word = match.group().lower()
            if word not in verdicts:
                verdicts[word] = _matches(word, query_stems, prefix, language)
            if verdicts[word]:
                yield match

    first = next(hits(), None)
    start = 0 if first is None else max(0, first.start() - width // 3)
    if start:
        # Begin at a word boundary.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    pieces, cursor = [], start
    for match in hits(start, end):
        pieces.append(escape(text[cursor : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        cursor = match.end()
    pieces.append(escape(text[cursor:end]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return prefix + "".join(pieces) + suffix
