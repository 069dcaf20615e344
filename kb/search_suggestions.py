"""A spelling to try when a search finds nothing: "slurn" → "slurm".

Each query word that no indexed text holds is replaced by the closest word
that one does (one or two letters apart, by edit distance; the more
frequent word when several are as close). The words come from the search index,
read once per process and again whenever the index changes (the generation of
the page cache's "search" section).
"""

from collections import Counter
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from kb.models import SearchEntry
from kb.page_cache import generation
from kb.search_text import STOP_WORDS, WORD, unaccent

FIELDS = ("title", "summary", "headings", "text")
# Words shorter than this are left as typed: too many words are one letter away.
SHORTEST_CORRECTED = 4
CANDIDATES = 5


@dataclass(frozen=True)
class Vocabulary:
    spelling: dict  # unaccented lower-case word -> its most frequent written form
    frequency: Counter  # of the unaccented words
    words: list  # the unaccented words, for the fuzzy matcher

    def knows(self, word):
        return unaccent(word.lower()) in self.frequency


_loaded = {}


def vocabulary():
    """The index's words, read again when the index has changed since."""
    token = generation("search")
    if token not in _loaded:
        _loaded.clear()  # one vocabulary per process: the current one
        _loaded[token] = _read_vocabulary()
    return _loaded[token]


def _read_vocabulary():
    written = Counter()
    for texts in SearchEntry.objects.values_list(*FIELDS).iterator():
        written.update(word.lower() for text in texts for word in WORD.findall(text or ""))
    frequency, spelling = Counter(), {}
    for word, count in written.most_common():
        bare = unaccent(word)
        if len(bare) < 3 or bare.isdigit() or bare in STOP_WORDS:
            continue  # never offered: a query word is not "corrected" into "que"
        frequency[bare] += count
        spelling.setdefault(bare, word)  # most_common: the first form seen is the most used
    return Vocabulary(spelling=spelling, frequency=frequency, words=list(frequency))


def closest_word(word, words):
    """The known word nearest to ``word`` (None if none is near enough)."""
    bare = unaccent(word.lower())
    if len(bare) < SHORTEST_CORRECTED or bare.isdigit():
        return None
    allowed = 1 if len(bare) <= 5 else 2
    found = process.extract(
        bare,
        words.words,
        scorer=Levenshtein.distance,
        score_cutoff=allowed,
        limit=CANDIDATES,
    )
    if not found:
        return None
    best, _distance, _index = min(found, key=lambda hit: (hit[1], -words.frequency[hit[0]]))
    return words.spelling[best]


def corrected_query(words):
    """The query with its unknown words replaced, or "" when there is nothing to correct."""
    known = vocabulary()
    corrected, changed = [], False
    for word in words:
        replacement = None if known.knows(word) else closest_word(word, known)
        corrected.append(replacement or word)
        changed = changed or replacement is not None
    return " ".join(corrected) if changed else ""
