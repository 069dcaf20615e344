"""The site search on SQLite: an FTS5 table of stems beside the index, ranked by bm25.

Migration 0013 creates ``kb_searchentry_fts`` on SQLite only. A row's rowid is
its search entry's id; its columns hold the unaccented Snowball stems
(``kb.search_text``) of the entry's title, summary, headings and text, so that
FTS5 only matches and counts tokens that Python has already stemmed in the
entry's language.
"""

from django.db import connection

from kb.models import SearchEntry
from kb.search_text import query_stem, stem_tokens

TABLE = "kb_searchentry_fts"
# The entry's fields behind the table's columns, in the table's order.
COLUMNS = {"title": "title", "summary": "summary", "headings": "headings", "body": "text"}
# bm25 weights, in the same order: a word of the title counts as ten of the
# text, of the summary as four, of a section title as two (PostgreSQL's A, B, C
# and D weights have the same ratios). bm25 saturates: repeating a word in a long
# text adds less and less.
WEIGHTS = (10.0, 4.0, 2.0, 1.0)

RANKED = f"""
SELECT kb_searchentry.* FROM {TABLE}
JOIN kb_searchentry ON kb_searchentry.id = {TABLE}.rowid
WHERE {TABLE} MATCH %s AND kb_searchentry.language = %s
ORDER BY bm25({TABLE}, {", ".join(map(str, WEIGHTS))}), kb_searchentry.title
LIMIT %s
"""


def store(entry):
    """Index ``entry`` as it is now (a new row, or in place of its old one)."""
    stems = [stem_tokens(getattr(entry, field), entry.language) for field in COLUMNS.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            f"REPLACE INTO {TABLE} (rowid, {', '.join(COLUMNS)}) VALUES (%s, %s, %s, %s, %s)",
            [entry.pk, *stems],
        )


def forget(entries):
    """Drop the rows of a queryset of entries (before the entries themselves go)."""
    ids, params = entries.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({ids})", params)


def match_expression(words, language):
    """Every word, by its stem; the last one also as the start of a word, as people
    type ("mémo" finds "mémoire"). Stems are \\w+ only: safe inside quotes."""
    terms = [f'"{query_stem(word, language)}"' for word in words]
    terms[-1] += "*"
    return " AND ".join(terms)


def ranked(words, language, limit):
    """Entries in ``language`` holding every word, best first."""
    return list(
        SearchEntry.objects.raw(RANKED, [match_expression(words, language), language, limit])
    )
