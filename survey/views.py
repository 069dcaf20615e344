"""Members answer the survey: one section per step, save and resume, review, submit, edit."""

from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kb.dates import date_format
from kb.roles import is_coordinator, is_verified_member
from survey import services
from survey.edition_design import kept_design
from survey.forms import SectionAnswersForm
from survey.models import Edition, Response
from survey.validation import missing_required


def verified_member_required(view=None, *, lost_post=None):
    """Logged in (else the login page) with a verified email address (else 403).

    A form sent once the session has ended (logged out in another tab, expired) is not
    kept; ``lost_post`` is what the login page then says was lost.
    """
    if view is None:
        return partial(verified_member_required, lost_post=lost_post)

    @login_required
    def member_view(request, *args, **kwargs):
        if not is_verified_member(request.user):
            raise PermissionDenied(_("Confirm your email address to answer the survey."))
        return view(request, *args, **kwargs)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if lost_post and request.method == "POST" and not request.user.is_authenticated:
            messages.warning(request, lost_post)
        return member_view(request, *args, **kwargs)

    return wrapper


class Walk:
    """An edition's steps: its sections, in order, then the review."""

    def __init__(self, edition, design=None):
        """``design``: the edition's as stored now; by default, the copy this process keeps
        (``edition`` must then be read in this request, its design token with it)."""
        self.edition = edition
        design = design or kept_design(edition)
        self.questions = design.questions
        self.sections = design.sections
        self.review_step = len(self.sections) + 1

    def section(self, number):
        if not 1 <= number <= len(self.sections):
            raise Http404
        return self.sections[number - 1]


def index(request):
    editions = list(Edition.objects.published().for_listing())
    mine = {}
    if request.user.is_authenticated and editions:
        keys = {services.response_key(edition=e, user=request.user): e.pk for e in editions}
        for key, submitted, step in Response.objects.filter(key__in=keys).values_list(
            "key", "submitted", "step"
        ):
            mine[keys[key]] = {"submitted": submitted, "step": step}
    for edition in editions:
        edition.mine = mine.get(edition.pk)
    current = next((e for e in editions if e.is_open), None)
    return render(
        request,
        "survey/index.html",
        {
            "section": "survey",
            "current": current,
            "editions": editions,
            "is_coordinator": is_coordinator(request.user),
            "public_results": Edition.objects.with_public_results().first(),
        },
    )


def _open_edition_or_review(request, edition, *, lost=None):
    """None when the edition takes answers, else where to send the member.

    ``lost`` says what a form sent to a closed edition did not keep (a page opened
    before it closed). Each message is said once: the review page itself says that a
    closed edition's answers can be read, not changed.
    """
    lost = lost if request.method == "POST" else None
    if edition.is_open:
        return None
    if edition.state == Edition.State.UPCOMING:
        messages.info(request, _("This edition is not open yet."))
        return redirect("survey:index")
    if lost:
        messages.warning(request, lost)
    if services.find_response(edition=edition, user=request.user) is None:
        if not lost:
            messages.info(request, _("This edition is closed and you did not answer it."))
        return redirect("survey:index")
    return redirect("survey:review", year=edition.year)


@verified_member_required
def start(request, year):
    edition = get_object_or_404(Edition.objects.published(), year=year)
    elsewhere = _open_edition_or_review(request, edition)
    if elsewhere:
        return elsewhere
    response = services.find_response(edition=edition, user=request.user)
    walk = Walk(edition)
    if response is None or response.submitted:
        step = 1 if response is None else walk.review_step
    else:
        step = min(max(response.step, 1), walk.review_step)
    if step == walk.review_step:
        return redirect("survey:review", year=year)
    return redirect("survey:step", year=year, number=step)


@verified_member_required(
    lost_post=gettext_lazy(
        "Your session had ended: the answers of that page were not saved. "
        "Log in, then enter them again."
    )
)
@require_http_methods(["GET", "POST"])
def step(request, year, number):
    edition = get_object_or_404(Edition.objects.published(), year=year)
    lost = _("This edition has closed: the answers of that page were not saved.")
    elsewhere = _open_edition_or_review(request, edition, lost=lost)
    if elsewhere:
        return elsewhere
    walk = Walk(edition)
    section = walk.section(number)
    if request.method == "POST":
        action = request.POST.get("action", "next")
        # A draft may stay incomplete, unless the member goes on; the service keeps a
        # submitted response complete (it reads the response anyway, locked).
        form = SectionAnswersForm(
            request.POST, questions=section.question_list, require_all=action == "next"
        )
        if form.is_valid():
            try:
                saved = services.save_answers(
                    edition=edition,
                    user=request.user,
                    answers=form.answers,
                    questions=section.question_list,
                    step=number + 1 if action == "next" else number,
                )
            except services.AnswersInvalid as error:
                for key, problems in error.errors.items():
                    for problem in problems:
                        form.add_error(f"q_{key}", problem)
            except services.EditionNotOpen:
                return _open_edition_or_review(request, edition, lost=lost)
            else:
                return _after_save(request, edition, walk, number, action, saved.submitted)
        # The page says it, with the questions to correct (the summary of step.html).
        response = services.find_response(edition=edition, user=request.user)
    else:
        response = services.find_response(edition=edition, user=request.user)
        initial = SectionAnswersForm.initial_from(
            section.question_list, services.stored_answers(response)
        )
        form = SectionAnswersForm(initial=initial, questions=section.question_list)
    submitted = bool(response and response.submitted)
    return render(
        request,
        "survey/step.html",
        {
            "section": "survey",
            "edition": edition,
            "walk": walk,
            "step_section": section,
            "number": number,
            "form": form,
            "submitted": submitted,
            "preview": False,
        },
    )


def _after_save(request, edition, walk, number, action, submitted):
    if action == "save":
        if submitted:
            messages.success(request, _("Your changes are saved."))
        else:
            messages.success(
                request,
                _("Saved. Come back any time before %(date)s to go on where you left off.")
                % {"date": _format_date(edition.closes_at)},
            )
        return redirect("survey:index")
    if action == "previous" and number > 1:
        return redirect("survey:step", year=edition.year, number=number - 1)
    if action == "next" and number < len(walk.sections):
        return redirect("survey:step", year=edition.year, number=number + 1)
    return redirect("survey:review", year=edition.year)


def _format_date(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@verified_member_required(
    lost_post=gettext_lazy(
        "Your session had ended: your answers were not submitted. Log in, then submit them."
    )
)
@require_http_methods(["GET", "POST"])
def review(request, year):
    edition = get_object_or_404(Edition.objects.published(), year=year)
    if edition.state == Edition.State.UPCOMING:
        raise Http404
    if request.method == "POST":
        # Submitting first: the service reads what it needs, the page only if it failed.
        try:
            services.submit_response(
                edition=edition, user=request.user, questions=kept_design(edition).questions
            )
        except services.EditionNotOpen:
            return _open_edition_or_review(
                request,
                edition,
                lost=_("This edition has closed: your answers were not submitted."),
            )
        except services.AnswersInvalid:
            messages.error(request, _("Some required questions have no answer yet."))
        else:
            messages.success(
                request,
                _("Thank you! Your answers are submitted. You can change them until %(date)s.")
                % {"date": _format_date(edition.closes_at)},
            )
            return redirect("survey:review", year=year)
    response = services.find_response(edition=edition, user=request.user)
    if response is None and not edition.is_open:
        messages.info(request, _("This edition is closed and you did not answer it."))
        return redirect("survey:index")
    walk = Walk(edition)
    answers = services.stored_answers(response)
    missing = missing_required(walk.questions, answers)
    return render(
        request,
        "survey/review.html",
        {
            "section": "survey",
            "edition": edition,
            "walk": walk,
            "rows": review_rows(walk, answers),
            "missing": missing,
            "response": response,
            "number": walk.review_step,
            "editable": edition.is_open,
        },
    )


def review_rows(walk, answers):
    """[(section number, section, [(question, [answer texts])])] for the review page."""
    rows = []
    for number, section in enumerate(walk.sections, start=1):
        items = []
        for question in section.question_list:
            value = answers.get(question.key) or {}
            if question.has_choices:
                texts = {choice.key: choice.text for choice in question.choice_list}
                shown = [texts[key] for key in value.get("choices", []) if key in texts]
                if value.get("other"):
                    shown.append(_("Other: %(text)s") % {"text": value["other"]})
            elif question.kind == question.Kind.TEXT:
                shown = [value["text"]] if value.get("text") else []
            elif value.get("number") is None:
                shown = []
            elif question.kind == question.Kind.SCALE:
                shown = [question.scale_point_label(value["number"])]
            else:
                given = value["number"]
                shown = [formats.localize(int(given) if given.is_integer() else given)]
            items.append((question, shown))
        rows.append((number, section, items))
    return rows
