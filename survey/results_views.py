"""The results of the survey: one page per edition, trends across editions, coordinators' exports.

Glue only: access from ``results_data``, numbers from ``aggregation`` (through
the cache), what to show from ``charts``, files from ``exports``.
"""

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kb.roles import coordinator_required
from survey import aggregation, charts, exports
from survey.aggregation import OTHER
from survey.forms import ResultsQueryForm
from survey.models import Edition
from survey.results_data import (
    cached_results,
    load_responses,
    questions_of,
    results_access,
    rules_for,
    visible_editions,
)
from survey.services import edition_questions

# plotly.js injects <style> elements: chart pages, and they alone, allow inline styles.
# Their script policy stays 'self'.
chart_page = csp_update({"style-src": ["'unsafe-inline'"]})


def _edition_for(request, year):
    """The edition and the user's access to its results, or the right refusal."""
    edition = get_object_or_404(Edition, year=year)
    access = results_access(edition, request.user)
    if access:
        return edition, access
    if edition.state != Edition.State.CLOSED:
        raise Http404
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path()), None
    raise PermissionDenied(_("The results of this edition are for coordinators only."))


def latest(request):
    """The latest results the user may see (the menu's "Results")."""
    editions = visible_editions(request.user)
    if editions:
        return redirect("survey:results", year=editions[0].year)
    messages.info(request, _("No results are published yet."))
    return redirect("survey:index")


def _query(request, questions):
    form = ResultsQueryForm(request.GET, questions=questions)
    unknown = sorted(set(request.GET) - set(ResultsQueryForm.PARAMETERS))
    if unknown:
        messages.warning(
            request, _("Unknown parameters, ignored: %(names)s.") % {"names": ", ".join(unknown)}
        )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.warning(request, _("%(error)s This part was ignored.") % {"error": error})
    return form


def _filter_labels(conditions, questions_by_key):
    labels = []
    for question_key, option in conditions:
        question = questions_by_key[question_key]
        labels.append(f"{question.text} → {charts.option_labels(question).get(option, option)}")
    return labels


@chart_page
def results(request, year):
    edition, access = _edition_for(request, year)
    if access is None:
        return edition  # the login redirect
    questions = questions_of([edition])[edition.pk]
    by_key = {question.key: question for question in questions}
    form = _query(request, questions)
    conditions, by = form.conditions, form.breakdown
    reveal = access == "full"
    data = cached_results(
        [(edition, questions)],
        {edition.pk: rules_for(edition, reveal=reveal)},
        conditions=conditions,
        by=by,
    )[edition.pk]
    summary = data["summary"]
    threshold = edition.min_group_size
    presented = [
        charts.present_question(by_key[table["key"]], table, threshold)
        for table in summary["questions"]
    ]
    breakdown = None
    if data["breakdown"] and summary["status"] == "ok":
        breakdown = charts.present_breakdown(by_key[by], by_key, data["breakdown"], threshold)
    return render(
        request,
        "survey/results.html",
        {
            "section": "results",
            "edition": edition,
            "reveal": reveal,
            "provisional": edition.state != Edition.State.CLOSED,
            "summary": summary,
            "questions": presented,
            "breakdown": breakdown,
            "form": form,
            "filters": _filter_labels(conditions, by_key),
            "filtered": bool(conditions),
            "threshold": threshold,
            "has_charts": any(q["chart"] for q in presented) or breakdown is not None,
            "other_key": OTHER,
        },
    )


@chart_page
def trends(request):
    """Each choice question asked in several editions: the share of each option by year."""
    editions = sorted(visible_editions(request.user), key=lambda edition: edition.year)
    questions = questions_of(editions)
    rules = {e.pk: rules_for(e, reveal=results_access(e, request.user) == "full") for e in editions}
    data = cached_results([(e, questions[e.pk]) for e in editions], rules) if editions else {}
    thresholds = {edition.year: edition.min_group_size for edition in editions}
    keys = {}
    for edition in editions:
        for question in questions[edition.pk]:
            if question.has_choices:
                keys.setdefault(question.key, []).append((edition, question))
    shown = []
    for key, asked in keys.items():
        if len(asked) < 2:
            continue
        tables = {}
        for edition, _question in asked:
            summary = data[edition.pk]["summary"]
            table = next((t for t in summary["questions"] if t["key"] == key), None)
            if summary["status"] == "ok" and table is not None:
                tables[edition.year] = table
        if len(tables) < 2:
            continue
        choices = {
            edition.year: [c.key for c in q.choice_list] + ([OTHER] if q.allow_other else [])
            for edition, q in asked
            if edition.year in tables
        }
        trend = aggregation.trends(tables, choices)
        latest_question = asked[-1][1]
        labels = {}
        for _edition, question in asked:
            labels.update(charts.option_labels(question))
        shown.append(
            {
                "question": latest_question,
                "trend": trend,
                "labels": labels,
                "chart": charts.trend_chart(trend, labels),
                "rows": charts.trend_rows(trend, labels, thresholds),
            }
        )
    return render(
        request,
        "survey/trends.html",
        {"section": "results", "editions": editions, "trends": shown},
    )


# Coordinators' exports.


def _export_data(year):
    edition = get_object_or_404(Edition, year=year)
    questions = edition_questions(edition)
    return edition, questions, load_responses(edition, questions)


def _file_response(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(edition, what):
    return f"espri-ia-survey-{edition.year}-{what}"


@coordinator_required
def export_csv(request, year):
    edition, questions, responses = _export_data(year)
    content = exports.to_csv(exports.wide_frame(responses, questions))
    return _file_response(content, "text/csv; charset=utf-8", _filename(edition, "answers.csv"))


@coordinator_required
def export_tidy_csv(request, year):
    edition, _questions, responses = _export_data(year)
    content = exports.to_csv(exports.long_frame(responses))
    return _file_response(content, "text/csv; charset=utf-8", _filename(edition, "tidy.csv"))


@coordinator_required
def export_xlsx(request, year):
    edition, questions, responses = _export_data(year)
    content = exports.to_xlsx(
        exports.wide_frame(responses, questions), exports.codebook_rows(questions)
    )
    return _file_response(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _filename(edition, "answers.xlsx"),
    )
