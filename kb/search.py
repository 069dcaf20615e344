"""Site search: keep the index up to date, and answer queries.

Each thing is indexed once per language it is written in. Both databases stem
in that language, ignore accents, match the last word of a query as the start
of a word too (people type), and rank a word in a title above one in a summary,
a section title, or the text. PostgreSQL ranks with its full-text search (the
``french_unaccent`` and ``english_unaccent`` configurations created by
migrations); SQLite with FTS5 and bm25 over stems made in Python
(``kb.search_fts5``). The reader's language is searched first; a thing found
only through its other version is shown in the reader's language when it has one.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

from kb import search_fts5
from kb.bilingual import current_language, other_language
from kb.models import SearchEntry
from kb.search_suggestions import corrected_query
from kb.search_text import (
    MAX_QUERY_LENGTH,
    mentions,
    passage,
    query_words,
    stem,
    typed_prefix,
)

PG_CONFIGS = {"fr": "french_unaccent", "en": "english_unaccent"}
MAX_RESULTS = 50


@dataclass
class SearchHit:
    entry: SearchEntry
    passage: str

    @property
    def language(self):
        return self.entry.language


@dataclass
class SearchOutcome:
    query: str
    words: list = field(default_factory=list)
    hits: list = field(default_factory=list)
    truncated: bool = False
    # When nothing matches: a spelling that finds something, and how many things.
    suggestion: str = ""
    suggestion_count: int = 0


def index_entry(
    *, kind, object_id, language, url_name, url_kwargs, title, summary, text, headings=""
):
    entry, _ = SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        language=language,
        defaults={
            "url_name": url_name,
            "url_kwargs": url_kwargs,
            "title": title,
            "summary": summary,
            "headings": headings,
            "text": text,
        },
    )
    if connection.vendor == "sqlite":
        search_fts5.store(entry)


def remove_entry(*, kind, object_id, language=None):
    """Forget a thing in ``language``, or in every language."""
    entries = SearchEntry.objects.filter(kind=kind, object_id=object_id)
    if language:
        entries = entries.filter(language=language)
    if connection.vendor == "sqlite":
        search_fts5.forget(entries)
    entries.delete()


def search(query, language=None, *, suggest=True):
    language = language or current_language()
    query = (query or "").strip()
    outcome = SearchOutcome(query=query[:MAX_QUERY_LENGTH], truncated=len(query) > MAX_QUERY_LENGTH)
    outcome.words = query_words(query)
    if not outcome.words:
        return outcome
    found = set()
    from_other_version = []
    for entry_language in (language, other_language(language)):
        query_stems = [stem(w, entry_language) for w in outcome.words]
        prefix = typed_prefix(outcome.words[-1])
        if connection.vendor == "postgresql":
            entries = _ranked_by_postgresql(outcome.words, entry_language)
        else:
            entries = search_fts5.ranked(outcome.words, entry_language, MAX_RESULTS)
        for entry in entries:
            if (entry.kind, entry.object_id) in found:
                continue
            fields = (entry.title, entry.summary, entry.headings, entry.text)
            if not mentions(fields, query_stems[-1], prefix, entry_language):
                continue
            found.add((entry.kind, entry.object_id))
            if entry_language != language:
                from_other_version.append(entry)
            matched = passage(
                entry.text, query_stems, prefix=prefix, language=entry_language
            ) or passage(entry.summary, query_stems, prefix=prefix, language=entry_language)
            outcome.hits.append(SearchHit(entry, matched))
    _show_in_reader_language(outcome.hits, from_other_version, language)
    outcome.hits = outcome.hits[:MAX_RESULTS]
    if suggest and not outcome.hits:
        _suggest_a_spelling(outcome, language)
    return outcome


def _suggest_a_spelling(outcome, language):
    corrected = corrected_query(outcome.words)
    if corrected:
        found = search(corrected, language, suggest=False).hits
        if found:
            outcome.suggestion, outcome.suggestion_count = corrected, len(found)


def _show_in_reader_language(hits, from_other_version, language):
    """A thing found through its other version is shown by its version in ``language``."""
    if not from_other_version:
        return
    either = Q()
    for entry in from_other_version:
        either |= Q(kind=entry.kind, object_id=entry.object_id)
    own = {(e.kind, e.object_id): e for e in SearchEntry.objects.filter(either, language=language)}
    for hit in hits:
        replacement = own.get((hit.entry.kind, hit.entry.object_id))
        if replacement is not None and hit.entry.language != language:
            hit.entry, hit.passage = replacement, ""


# Weights of the D (text), C (headings), B (summary) and A (title) parts: PostgreSQL's
# defaults, the same ratios as the bm25 weights on SQLite.
PG_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
# Cover density, divided by 1 + the logarithm of the length: a long page gains
# less from repeating a word.
PG_NORMALIZATION = 1


def _ranked_by_postgresql(words, language):
    config = PG_CONFIGS[language]
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("headings", weight="C", config=config)
        + SearchVector("text", weight="D", config=config)
    )
    # Words are \w+ only, so the raw tsquery cannot be malformed. The last word is
    # also the start of a word, as people type ("mémo" finds "mémoire").
    query = SearchQuery(
        " & ".join([*words[:-1], f"{words[-1]}:*"]), search_type="raw", config=config
    )
    rank = SearchRank(
        vector, query, weights=PG_WEIGHTS, cover_density=True, normalization=PG_NORMALIZATION
    )
    return list(
        SearchEntry.objects.filter(language=language)
        .annotate(document=vector, rank=rank)
        .filter(document=query)
        .order_by("-rank", "title")[:MAX_RESULTS]
    )
