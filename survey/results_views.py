"""The results of the survey: one page per edition, trends across editions, coordinators' exports.

Glue only: access from ``results_data``, numbers from ``aggregation`` (through
the cache), what to show from ``charts``, files from ``exports``.
"""

import hashlib

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kb.page_cache import release, serve_cached_for_readers
from kb.roles import coordinator_required, is_coordinator
from survey import charts, exports
from survey.forms import ResultsQueryForm
from survey.models import Edition
from survey.results_data import (
    CACHE_TIMEOUT,
    edition_results,
    load_responses,
    visible_editions,
    visible_trends,
)
from survey.results_versions import RESULTS_SECTION
from survey.services import edition_questions, find_response

TEXTS_PER_PAGE = 50

# plotly.js injects <style> elements: chart pages, and they alone, allow inline styles.
# Their script policy stays 'self'.
chart_page = csp_update({"style-src": ["'unsafe-inline'"]})


def _edition(request, year):
    """The edition of the page's year; 404 for a draft unless the user is a coordinator."""
    edition = get_object_or_404(Edition, year=year)
    if not edition.is_published and not is_coordinator(request.user):
        raise Http404  # a draft: members and readers do not know it exists
    return edition


def _edition_results(request, edition, *, text_key=None):
    """The edition's results for this user and the page's query: ``EditionResults``."""
    return edition_results(edition, request.user, request.GET, text_key=text_key)


def _not_shown(request, edition):
    """Why the results cannot be seen, when they will be, and how to get there."""
    if (
        not request.user.is_authenticated
        and edition.state == Edition.State.CLOSED
        and edition.results_visibility == Edition.ResultsVisibility.MEMBERS
    ):
        return redirect_to_login(request.get_full_path())
    never = edition.results_visibility == Edition.ResultsVisibility.COORDINATORS
    answered = request.user.is_authenticated and (
        find_response(edition=edition, user=request.user) is not None
    )
    response = render(
        request,
        "survey/results_not_shown.html",
        {"section": "results", "edition": edition, "state": edition.state, "answered": answered},
        # Published later: the page exists and says when. Never published: refused.
        status=403 if never and edition.state == Edition.State.CLOSED else 200,
    )
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)  # it says whether they answered
    return response


def latest(request):
    """The latest results the user may see (the menu's "Results")."""
    editions = visible_editions(request.user)
    if editions:
        return redirect("survey:results", year=editions[0].year)
    messages.info(request, _("No results are published yet."))
    return redirect("survey:index")


def _warn_about_query(request, form, *, also=()):
    unknown = sorted(set(request.GET) - set(ResultsQueryForm.PARAMETERS) - set(also))
    if unknown:
        messages.warning(
            request, _("Unknown parameters, ignored: %(names)s.") % {"names": ", ".join(unknown)}
        )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.warning(request, _("%(error)s This part was ignored.") % {"error": error})


def _condition_label(condition, questions_by_key):
    question_key, option = condition
    question = questions_by_key[question_key]
    return f"{question.text} → {charts.option_labels(question).get(option, option)}"


def _query_string(conditions, by):
    query = QueryDict(mutable=True)
    if by:
        query["by"] = by
    query.setlist("f", [f"{key}:{option}" for key, option in conditions])
    return query.urlencode()


def _views_without_each(results):
    """Links to the selection without each filter in turn, where readers may see it."""
    conditions, by = results.conditions, results.form.breakdown
    return [
        {
            "label": _condition_label(condition, results.questions_by_key),
            "query": _query_string(conditions[:index] + conditions[index + 1 :], by),
        }
        for index, (condition, allowed) in enumerate(
            zip(conditions, results.allowed_without_each or [], strict=True)
        )
        if allowed
    ]


def _filter_fields(results):
    """The filter checkboxes, question by question, each saying if it can be added and why not."""
    conditions = set(results.conditions)
    why_not = {
        "empty": _("nobody in this selection"),
        "limit": _("three answers already chosen"),
        "too_few": _("would single out fewer than %(n)s people")
        % {"n": results.edition.min_group_size},
        "hidden": _("its number is hidden in this selection"),
        "refused": _("remove a filter first"),
    }
    fields = []
    for question in results.form.filter_questions:
        options = []
        for key, text in ResultsQueryForm.filter_options(question):
            condition = (question.key, key)
            checked = condition in conditions
            status = results.filter_options.get(condition)
            options.append(
                {
                    "value": f"{question.key}:{key}",
                    "id": f"f-{question.key}-{key}",
                    "label": text,
                    "checked": checked,
                    "why": None if checked else why_not.get(status),
                }
            )
        fields.append(
            {
                "question": question,
                "options": options,
                "chosen": sum(option["checked"] for option in options),
            }
        )
    return fields


def _page_key(request, results):
    """The cache key of the rendered results, or None while the data have no version yet.

    Everything the fragment shows goes in: the release (code and templates), the data
    version (renewed by every submitted answer), the language, who looks (readers or
    coordinators), the parsed query, and the edition's and questions' texts and
    settings (edited without a new version).
    """
    version = results.version
    if version is None:
        return None
    edition = results.edition
    shown = repr(
        (
            request.path,
            bool(request.GET),  # the "Reset" link
            results.access,
            sorted(results.conditions),
            results.form.breakdown,
            edition.title,
            edition.state,
            edition.min_group_size,
            edition.show_free_text,
            [
                (q.key, q.text, q.help, sorted(charts.option_labels(q).items()))
                for q in results.questions
            ],
        )
    )
    digest = hashlib.sha256(shown.encode()).hexdigest()[:32]
    return f"survey:results-page:{release()}:{edition.pk}:{version}:{get_language()}:{digest}"


def _results_body(request, results):
    """The rendered results (everything under the page's title bar) and whether it has charts."""
    edition, summary, by_key = results.edition, results.summary, results.questions_by_key
    threshold = edition.min_group_size
    presented = [
        charts.present_question(by_key[table["key"]], table, threshold)
        for table in summary["questions"]
    ]
    breakdown = None
    if results.breakdown:
        by = by_key[results.form.breakdown]
        breakdown = charts.present_breakdown(by, by_key, results.breakdown, threshold)
    marks = set().union(*(item["marks"] for item in presented))
    if breakdown:
        marks |= breakdown["marks"]
    body = render_to_string(
        "survey/results/body.html",
        {
            "edition": edition,
            "reveal": results.reveal,
            "provisional": edition.state != Edition.State.CLOSED,
            "summary": summary,
            "questions": presented,
            "breakdown": breakdown,
            "form": results.form,
            "filter_fields": _filter_fields(results),
            "filters": [_condition_label(c, by_key) for c in results.conditions],
            "without_each": _views_without_each(results) if results.allowed_without_each else [],
            "filtered": bool(results.conditions),
            "selection_query": _query_string(results.conditions, results.form.breakdown),
            "threshold": threshold,
            "marks": marks,
        },
        request,
    )
    return {
        "body": body,
        "has_charts": any(q["chart"] for q in presented) or breakdown is not None,
    }


@chart_page
def results(request, year):
    edition = _edition(request, year)
    # The whole page, for readers and members: renewed with the data and the design
    # (RESULTS_SECTION); the edition's state moves with the clock, so it is in the key.
    return serve_cached_for_readers(
        request,
        section=RESULTS_SECTION,
        render=lambda: _results_page(request, edition),
        params=ResultsQueryForm.PARAMETERS,
        members=True,
        variant=edition.state,
    )


def _results_page(request, edition):
    results = _edition_results(request, edition)
    if results.access is None:
        return _not_shown(request, results.edition)
    _warn_about_query(request, results.form)
    # The rendered results are cached too: rendering took most of a cached page's time.
    key = _page_key(request, results)
    page = cache.get(key) if key else None
    if page is None:
        page = _results_body(request, results)
        if key:
            cache.set(key, page, CACHE_TIMEOUT)
    return render(
        request,
        "survey/results.html",
        {
            "section": "results",
            "edition": results.edition,
            "body": mark_safe(page["body"]),  # noqa: S308 - our own template's output
            "has_charts": page["has_charts"],
        },
    )


def free_texts(request, year, key):
    """Every free-text answer to one question, page by page, under the results' rules."""
    edition = _edition(request, year)
    results = _edition_results(request, edition, text_key=key)
    if results.access is None:
        return _not_shown(request, results.edition)
    question = results.questions_by_key.get(key)
    if question is None or question.kind != question.Kind.TEXT or not edition.show_free_text:
        raise Http404  # no such list: the results page never links to it
    _warn_about_query(request, results.form, also=["page"])
    context = {
        "section": "results",
        "edition": results.edition,
        "question": question,
        "threshold": edition.min_group_size,
        "filters": [_condition_label(c, results.questions_by_key) for c in results.conditions],
        "selection_query": _query_string(results.conditions, results.form.breakdown),
    }
    if results.texts is None:
        # Hidden for this selection (a link kept from before the answers changed, say):
        # the page says why, as the results page does for the same selection.
        summary = _edition_results(request, edition).summary
        context["refused"] = summary["mark"] if summary["status"] == "too_few" else "question"
        return render(request, "survey/results_texts.html", context)
    page = Paginator(results.texts, TEXTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "survey/results_texts.html", {**context, "page_obj": page})


def trends(request):
    """Each choice question asked in several editions: the share of each option by year."""
    editions, found = visible_trends(request.user)
    thresholds = {edition.year: edition.min_group_size for edition in editions}
    # Editions still open: coordinators alone see them, marked as on the results page.
    provisional = [edition for edition in editions if edition.state != Edition.State.CLOSED]
    smallest_groups = set(thresholds.values())
    shown = []
    for asked, trend in found:
        latest_question = asked[max(asked)]
        labels = {}
        for year in sorted(asked):
            labels.update(charts.option_labels(asked[year]))
        years = charts.trend_years(trend, thresholds, {edition.year for edition in provisional})
        chart = charts.trend_chart(trend, labels, charts.option_colours(latest_question), years)
        shown.append(
            {
                "question": latest_question,
                "trend": trend,
                "years": years,
                "chart": chart,
                "rows": charts.trend_rows(trend, labels, thresholds),
            }
        )
    return render(
        request,
        "survey/trends.html",
        {
            "section": "results",
            "editions": editions,
            "provisional": provisional,
            "reveal": is_coordinator(request.user),
            # The smallest group, when every edition has the same one.
            "threshold": min(smallest_groups) if len(smallest_groups) == 1 else None,
            "trends": shown,
        },
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
