"""Survey results from the database: who may see them, the answers as a DataFrame, the cache.

The answers of an edition come in a fixed number of queries whatever the number
of responses or questions (every answer packed into an integer, with its text and
number, all joined into one row of strings; no per-question query), and the
aggregated tables are kept in Django's shared cache under a version that the
services renew whenever a submitted answer changes (``results_versions``).
"""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from django.core.cache import cache
from django.db import connection

from kb.page_cache import release
from kb.roles import is_coordinator
from survey import aggregation
from survey.forms import ResultsQueryForm
from survey.models import Answer, Edition, Question, Response
from survey.results_versions import version_key

CACHE_TIMEOUT = 7 * 24 * 3600  # a new version makes old entries unreachable anyway


# Who sees what.


def results_access(edition, user):
    """``"full"`` (coordinators), ``"shown"``, or None when the user may not see the results.

    Coordinators see every edition, before it closes too (marked provisional);
    others see a published, closed edition if its setting lets them.
    """
    if is_coordinator(user):
        return "full"
    if not edition.is_published or edition.state != Edition.State.CLOSED:
        return None
    visibility = edition.results_visibility
    if visibility == Edition.ResultsVisibility.PUBLIC:
        return "shown"
    if visibility == Edition.ResultsVisibility.MEMBERS and user.is_authenticated:
        return "shown"
    return None


def visible_editions(user, editions=None):
    """The editions whose results the user may see, latest first."""
    editions = Edition.objects.for_listing() if editions is None else editions
    return [edition for edition in editions if results_access(edition, user)]


# Loading answers.


def question_specs(questions):
    return [
        aggregation.QuestionSpec(
            key=question.key,
            kind=question.kind,
            choices=tuple(choice.key for choice in question.choice_list),
            allow_other=question.allow_other,
            min_value=question.min_value,
            max_value=question.max_value,
        )
        for question in questions
    ]


def _keys_of(ids, names):
    """The names of ``ids`` (None where unknown or missing), one dictionary look-up per distinct id."""
    codes, uniques = pd.factorize(ids)
    lookup = np.array([names.get(value) for value in uniques] + [None], dtype=object)
    return lookup[codes]  # code -1 (a missing id) reads the trailing None


@dataclass(frozen=True)
class _Packing:
    """How one integer carries a row's response number, question id and choice id.

    ``(position * questions + question id) * choices + choice id``, 0 for no choice:
    one integer per row to read instead of three.
    """

    questions: int  # above every question id
    choices: int  # above every choice id

    def unpack(self, codes):
        rest, choice = np.divmod(codes, self.choices)
        position, question = np.divmod(rest, self.questions)
        return position, question, choice


# Each answer row handed to Python as a tuple of objects cost as much as the whole
# SQL join: the database instead joins the rows' values into four strings, which
# numpy and json read in C. Choice rows carry no text or number (``Answer``).
_JOINED_SQL = {
    "sqlite": {
        "join": "group_concat({value}, ',') FILTER (WHERE {where})",
        "json": "json_group_array({value}) FILTER (WHERE {where})",
        "exact": "printf('%%!.17g', {value})",
    },
    "postgresql": {
        "join": "string_agg(({value})::text, ',') FILTER (WHERE {where})",
        "json": "(json_agg({value}) FILTER (WHERE {where}))::text",  # text: json.loads reads it
        "exact": "({value})::text",
    },
}


def _answer_rows(ids, packing):
    """The submitted answers of editions ``ids``: packed codes, texts and numbers.

    One query, which returns one row of four strings. Each response is numbered
    within its edition in the order of its random id, by the database, so the rows
    carry a small number instead of the id.
    """
    quote = connection.ops.quote_name
    aggregate = _JOINED_SQL["postgresql" if connection.vendor == "postgresql" else "sqlite"]
    # An id beyond the bounds (a question or choice added since the questions were
    # read) would spill into its neighbour: such a question's rows are left out and
    # such a choice reads as none, as an unknown id does anyway.
    rows = (
        "SELECT (r.position * %s + a.question_id) * %s "
        "+ CASE WHEN a.choice_id < %s THEN a.choice_id ELSE 0 END AS code, "
        "a.choice_id IS NOT NULL AS chosen, a.text, a.number "
        f"FROM {quote(Answer._meta.db_table)} a JOIN ("
        "SELECT id, ROW_NUMBER() OVER (PARTITION BY edition_id ORDER BY id) AS position "
        f"FROM {_submitted_in(ids)}) r ON r.id = a.response_id WHERE a.question_id < %s"
    )
    # Every aggregate of one query reads the rows in the same order, so the other
    # rows' codes, texts and numbers line up. NaN stands for a missing number.
    number = f"COALESCE({aggregate['exact'].format(value='number')}, 'nan')"
    columns = (
        aggregate["join"].format(value="code", where="chosen"),
        aggregate["join"].format(value="code", where="NOT chosen"),
        aggregate["json"].format(value="text", where="NOT chosen"),
        aggregate["join"].format(value=number, where="NOT chosen"),
    )
    sql = f"SELECT {', '.join(columns)} FROM ({rows}) answer_rows"
    bounds = [packing.questions, packing.choices, packing.choices]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*bounds, *ids, packing.questions])
        chosen, others, texts, numbers = cursor.fetchone()
    chosen, others = _integers(chosen), _integers(others)
    texts, numbers = _objects(texts), _floats(numbers)
    if not len(others) == len(texts) == len(numbers):
        raise RuntimeError("the answers' joined codes, texts and numbers do not line up")
    return (
        np.concatenate([chosen, others]),
        np.concatenate([np.full(len(chosen), "", dtype=object), texts]),
        np.concatenate([np.full(len(chosen), np.nan), numbers]),
    )


def _submitted_in(ids):
    """SQL for the submitted responses of editions ``ids`` (one parameter per id)."""
    table = connection.ops.quote_name(Response._meta.db_table)
    return f"{table} WHERE edition_id IN ({', '.join(['%s'] * len(ids))}) AND submitted"


def _submitted_counts(ids):
    """``{edition id: submitted responses}`` (none: absent), from the responses alone.

    The ORM's form of it, editions annotated with a filtered count, joined the two
    tables and took 11 ms at 10,000 responses; this one 2 ms."""
    sql = f"SELECT edition_id, COUNT(*) FROM {_submitted_in(ids)} GROUP BY edition_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        return dict(cursor.fetchall())


def _integers(joined):
    return np.fromstring(joined or "", dtype=np.int64, sep=",")


def _floats(joined):
    return np.fromstring(joined or "", dtype=np.float64, sep=",")


def _objects(json_list):
    return np.array(json.loads(json_list) if json_list else [], dtype=object)


def _answer_frame(positions, questions, choices, texts, numbers, edition_questions):
    """The answers DataFrame of one edition from its unpacked rows."""
    if not len(positions):
        return aggregation.empty_answers()
    question_keys = {question.pk: question.key for question in edition_questions}
    choice_keys = {
        choice.pk: choice.key for question in edition_questions for choice in question.choice_list
    }
    # Numbered in the order of the random response ids: the numbers say nothing of
    # who answered first; a response without answers leaves no gap.
    respondent, _uniques = pd.factorize(positions, sort=True)
    return pd.DataFrame(
        {
            "respondent": respondent.astype("int64") + 1,
            "question": _keys_of(questions, question_keys),
            "choice": _keys_of(choices, choice_keys),
            "text": texts,
            "number": numbers,
        }
    )


def load_responses(edition, questions):
    """The submitted answers of ``edition`` in two queries: ``aggregation.Responses``."""
    return load_many([edition], {edition.pk: questions})[edition.pk]


def load_many(editions, questions_by_edition):
    """``{edition id: aggregation.Responses}`` for several editions, in two queries."""
    ids = [edition.pk for edition in editions]
    counts = _submitted_counts(ids)
    all_questions = [question for pk in ids for question in questions_by_edition[pk]]
    packing = _Packing(
        questions=max((question.pk for question in all_questions), default=0) + 1,
        choices=max(
            (choice.pk for question in all_questions for choice in question.choice_list),
            default=0,
        )
        + 1,
    )
    codes, texts, numbers = _answer_rows(ids, packing)
    positions, question_ids, choice_ids = packing.unpack(codes)
    # A question belongs to one edition: its id tells each row's edition.
    edition_of = np.zeros(packing.questions, dtype=np.int64)
    for question in all_questions:
        edition_of[question.pk] = question.edition_id
    row_editions = edition_of[question_ids]
    loaded = {}
    for pk in ids:
        rows = slice(None) if len(ids) == 1 else row_editions == pk
        loaded[pk] = aggregation.Responses(
            answers=_answer_frame(
                positions[rows],
                question_ids[rows],
                choice_ids[rows],
                texts[rows],
                numbers[rows],
                questions_by_edition[pk],
            ),
            respondent_count=counts.get(pk, 0),
            questions=question_specs(questions_by_edition[pk]),
        )
    return loaded


def questions_of(editions):
    """``{edition id: [questions with choice_list]}`` in two queries."""
    questions = list(
        Question.objects.filter(edition__in=editions)
        .select_related("section")
        .prefetch_related("choices")
        .order_by("edition", "section__position", "position", "pk")
    )
    by_edition = {edition.pk: [] for edition in editions}
    for question in questions:
        question.choice_list = list(question.choices.all())
        question.choice_keys = {choice.key for choice in question.choice_list}
        by_edition[question.edition_id].append(question)
    return by_edition


# The cache.


def _request_key(edition, questions, rules, conditions, by, text_key):
    design = repr(
        (question_specs(questions), rules, sorted(conditions), by, text_key, edition.min_group_size)
    )
    digest = hashlib.sha256(design.encode()).hexdigest()[:32]
    return f"survey:results:{release()}:{edition.pk}:{digest}"  # a release may change the tables


def cached_results(
    editions_questions, rules_by_edition, *, conditions=(), by=None, text_key=None, versions=None
):
    """The results of several editions, from the cache where it is fresh, else computed.

    ``editions_questions`` is ``[(edition, questions)]``. Returns ``{edition id:
    {"summary", "breakdown", "filter_options", "allowed_without_each"}}``, or only
    ``{"texts"}`` (every free text of question ``text_key``) when that is asked.
    Two cache reads, and for the editions not cached, the loading queries and one
    cache write. ``versions``, a dict if given, receives each edition's data version.
    """
    versions = {} if versions is None else versions
    keys = {}
    for edition, questions in editions_questions:
        keys[edition.pk] = (
            version_key(edition.pk),
            _request_key(
                edition, questions, rules_by_edition[edition.pk], conditions, by, text_key
            ),
        )
    found = cache.get_many([key for pair in keys.values() for key in pair])
    results, stale = {}, []
    for edition, _questions in editions_questions:
        stored_version_key, data_key = keys[edition.pk]
        version = found.get(stored_version_key)
        entry = found.get(data_key)
        versions[edition.pk] = version
        if version is not None and entry is not None and entry["version"] == version:
            results[edition.pk] = entry["results"]
        else:
            stale.append((edition, _questions))
    if not stale:
        return results
    for edition, _questions in stale:
        if versions[edition.pk] is None:
            # add, not set: a version written meanwhile by a new answer must win.
            versions[edition.pk] = uuid.uuid4().hex
            cache.add(version_key(edition.pk), versions[edition.pk], None)
    loaded = load_many([e for e, _q in stale], {e.pk: q for e, q in stale})
    to_store = {}
    for edition, _questions in stale:
        rules = rules_by_edition[edition.pk]
        responses = loaded[edition.pk]
        computed = _compute(responses, rules, conditions=conditions, by=by, text_key=text_key)
        results[edition.pk] = computed
        to_store[keys[edition.pk][1]] = {"version": versions[edition.pk], "results": computed}
    cache.set_many(to_store, CACHE_TIMEOUT)
    return results


def _compute(responses, rules, *, conditions, by, text_key):
    """The tables of one edition for one query; a free-text list is asked for on its own."""
    if text_key:
        return {
            "texts": aggregation.free_texts(responses, rules, key=text_key, conditions=conditions)
        }
    summary = aggregation.summarise(responses, rules, conditions=conditions)
    options = aggregation.filter_options(responses, rules, conditions=conditions)
    if not rules.reveal:
        options = aggregation.readers_filter_options(options, summary)
    return {
        "summary": summary,
        "breakdown": (
            aggregation.breakdown(responses, rules, by=by, conditions=conditions) if by else None
        ),
        "filter_options": options,
        "allowed_without_each": (
            aggregation.allowed_without_each(responses, rules, conditions=conditions)
            if summary["status"] == "too_few"
            else None
        ),
    }


def rules_for(edition, *, reveal):
    return aggregation.Rules(
        threshold=edition.min_group_size,
        reveal=reveal,
        show_text=edition.show_free_text,
        seed=edition.pk,
    )


# What the pages ask for.


@dataclass
class EditionResults:
    """Everything a results page shows of one edition, for one user and one query.

    ``access`` is None when the user may not see the results: then nothing
    else is loaded.
    """

    edition: Edition
    access: str | None
    questions: list = field(default_factory=list)
    form: ResultsQueryForm | None = None
    rules: aggregation.Rules | None = None
    summary: dict | None = None
    breakdown: dict | None = None
    filter_options: dict = field(default_factory=dict)
    allowed_without_each: list | None = None
    texts: list | None = None
    version: str | None = None  # of the data, for caches built on these results

    @property
    def reveal(self):
        return self.access == "full"

    @cached_property
    def questions_by_key(self):
        return {question.key: question for question in self.questions}

    @property
    def conditions(self):
        return self.form.conditions if self.form else []


def edition_results(edition, user, query, *, text_key=None):
    """The results of ``edition`` that ``user`` may see for ``query`` (the page's GET data).

    Access, questions, the parsed query, rules and every table, from the cache
    where it is fresh. ``text_key`` asks for every free text of that question instead.
    """
    access = results_access(edition, user)
    if access is None:
        return EditionResults(edition=edition, access=None)
    questions = questions_of([edition])[edition.pk]
    form = ResultsQueryForm(query, questions=questions)
    rules = rules_for(edition, reveal=access == "full")
    versions = {}
    data = cached_results(
        [(edition, questions)],
        {edition.pk: rules},
        conditions=form.conditions,
        by=form.breakdown,
        text_key=text_key,
        versions=versions,
    )[edition.pk]
    results = EditionResults(
        edition=edition,
        access=access,
        questions=questions,
        form=form,
        rules=rules,
        version=versions[edition.pk],
    )
    if text_key:
        results.texts = data["texts"]
        return results
    results.summary = data["summary"]
    results.breakdown = data["breakdown"] if data["summary"]["status"] == "ok" else None
    results.filter_options = data["filter_options"]
    results.allowed_without_each = data["allowed_without_each"]
    return results


def visible_trends(user):
    """The editions the user may see, oldest first, and ``[(questions by year, trend)]``."""
    editions = sorted(visible_editions(user), key=lambda edition: edition.year)
    if not editions:
        return [], []
    questions = questions_of(editions)
    rules = {e.pk: rules_for(e, reveal=results_access(e, user) == "full") for e in editions}
    data = cached_results([(e, questions[e.pk]) for e in editions], rules)
    found = aggregation.question_trends(
        {e.year: data[e.pk]["summary"] for e in editions},
        {e.year: question_specs(questions[e.pk]) for e in editions},
    )
    shown = []
    for key, trend in found:
        asked = {
            edition.year: question
            for edition in editions
            if edition.year in trend["years"]
            for question in questions[edition.pk]
            if question.key == key
        }
        shown.append((asked, trend))
    return editions, shown
