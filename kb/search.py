"""Site search: keep the index up to date, and answer queries.

Each thing is indexed once per language it is written in. PostgreSQL ranks with
full-text search in that language (stemming, accents ignored through the
``french_unaccent`` and ``english_unaccent`` configurations created by
migrations). Other databases match unaccented Snowball stems stored beside each
entry and rank in Python. The reader's language is searched first; a thing found
only through its other version is shown in the reader's language when it has one.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

from kb.bilingual import current_language, other_language
from kb.models import SearchEntry
from kb.search_text import MAX_QUERY_LENGTH, passage, query_words, stem, stems_column

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


def index_entry(*, kind, object_id, language, url_name, url_kwargs, title, summary, text):
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        language=language,
        defaults={
            "url_name": url_name,
            "url_kwargs": url_kwargs,
            "title": title,
            "summary": summary,
            "text": text,
            "title_stems": stems_column(title, language),
            "stems": stems_column(f"{title} {summary} {text}", language),
        },
    )


def remove_entry(*, kind, object_id, language=None):
    """Forget a thing in ``language``, or in every language."""
    entries = SearchEntry.objects.filter(kind=kind, object_id=object_id)
    if language:
        entries = entries.filter(language=language)
    entries.delete()


def search(query, language=None):
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
        if connection.vendor == "postgresql":
            entries = _ranked_by_postgresql(outcome.words, entry_language)
        else:
            entries = _ranked_by_stems(query_stems, entry_language)
        for entry in entries:
            if (entry.kind, entry.object_id) in found:
                continue
            found.add((entry.kind, entry.object_id))
            if entry_language != language:
                from_other_version.append(entry)
            matched = passage(entry.text, query_stems, language=entry_language) or passage(
                entry.summary, query_stems, language=entry_language
            )
            outcome.hits.append(SearchHit(entry, matched))
    _show_in_reader_language(outcome.hits, from_other_version, language)
    outcome.hits = outcome.hits[:MAX_RESULTS]
    return outcome


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


def _ranked_by_postgresql(words, language):
    config = PG_CONFIGS[language]
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("text", weight="D", config=config)
    )
    # Words are \w+ only, so the raw tsquery cannot be malformed; ":*" matches prefixes.
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=config)
    return list(
        SearchEntry.objects.filter(language=language)
        .annotate(document=vector, rank=SearchRank(vector, query))
        .filter(document=query)
        .order_by("-rank", "title")[:MAX_RESULTS]
    )


def _ranked_by_stems(query_stems, language):
    entries = SearchEntry.objects.filter(language=language)
    for variants in query_stems:
        either = Q()
        for variant in variants:
            either |= Q(stems__contains=f" {variant}")
        entries = entries.filter(either)

    def score(entry):
        in_title = sum(entry.title_stems.count(f" {v}") for vs in query_stems for v in vs)
        in_text = sum(min(entry.stems.count(f" {v}"), 10) for vs in query_stems for v in vs)
        return (-(5 * in_title + in_text), entry.title)

    return sorted(entries, key=score)[:MAX_RESULTS]
