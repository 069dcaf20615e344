"""Site search: keep the index up to date, and answer queries.

PostgreSQL ranks with full-text search in French (stemming, accents ignored through
the ``french_unaccent`` configuration created by a migration). Other databases
match unaccented French stems stored beside each entry and rank in Python.
"""

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Q

from kb.models import SearchEntry
from kb.search_text import MAX_QUERY_LENGTH, passage, query_words, stem, stems_column

PG_CONFIG = "french_unaccent"
MAX_RESULTS = 50


@dataclass
class SearchHit:
    entry: SearchEntry
    passage: str


@dataclass
class SearchOutcome:
    query: str
    words: list = field(default_factory=list)
    hits: list = field(default_factory=list)
    truncated: bool = False


def index_entry(*, kind, object_id, url_name, url_kwargs, title, summary, text):
    SearchEntry.objects.update_or_create(
        kind=kind,
        object_id=object_id,
        defaults={
            "url_name": url_name,
            "url_kwargs": url_kwargs,
            "title": title,
            "summary": summary,
            "text": text,
            "title_stems": stems_column(title),
            "stems": stems_column(f"{title} {summary} {text}"),
        },
    )


def remove_entry(*, kind, object_id):
    SearchEntry.objects.filter(kind=kind, object_id=object_id).delete()


def search(query):
    query = (query or "").strip()
    outcome = SearchOutcome(query=query[:MAX_QUERY_LENGTH], truncated=len(query) > MAX_QUERY_LENGTH)
    outcome.words = query_words(query)
    if not outcome.words:
        return outcome
    query_stems = [stem(w) for w in outcome.words]
    if connection.vendor == "postgresql":
        entries = _ranked_by_postgresql(outcome.words)
    else:
        entries = _ranked_by_stems(query_stems)
    outcome.hits = [
        SearchHit(entry, passage(entry.text, query_stems) or passage(entry.summary, query_stems))
        for entry in entries
    ]
    return outcome


def _ranked_by_postgresql(words):
    vector = (
        SearchVector("title", weight="A", config=PG_CONFIG)
        + SearchVector("summary", weight="B", config=PG_CONFIG)
        + SearchVector("text", weight="D", config=PG_CONFIG)
    )
    # Words are \w+ only, so the raw tsquery cannot be malformed; ":*" matches prefixes.
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=PG_CONFIG)
    return list(
        SearchEntry.objects.annotate(document=vector, rank=SearchRank(vector, query))
        .filter(document=query)
        .order_by("-rank", "title")[:MAX_RESULTS]
    )


def _ranked_by_stems(query_stems):
    entries = SearchEntry.objects.all()
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
