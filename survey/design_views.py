"""Coordinators design editions: copy, edit sections, questions and choices, preview, open, close, import."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kb.roles import coordinator_required
from survey import services
from survey.edition_design import read_design
from survey.forms import (
    ChoiceFormSet,
    CopyEditionForm,
    EditionForm,
    ImportForm,
    QuestionForm,
    SectionAnswersForm,
    SectionForm,
    typed_initial,
)
from survey.models import Answer, Edition, ImportRecord, Question, Section
from survey.views import Walk


def _context(**values):
    return {"section": "survey", **values}


@coordinator_required
def edition_list(request):
    editions = Edition.objects.for_listing().annotate(
        submitted_count=Count("responses", filter=Q(responses__submitted=True), distinct=True),
        question_count=Count("questions", distinct=True),
    )
    return render(request, "survey/design/list.html", _context(editions=editions))


@coordinator_required
@require_http_methods(["GET", "POST"])
def edition_copy(request):
    latest = Edition.objects.for_listing().first()
    initial = {}
    if latest:
        opens, closes = services.next_edition_dates(latest=latest)
        initial = {
            "source": latest,
            "year": max(latest.year + 1, opens.year),
            "opens_at": opens,
            "closes_at": closes,
        }
    form = CopyEditionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        edition = services.copy_edition(
            source=form.cleaned_data["source"],
            year=form.cleaned_data["year"],
            opens_at=form.cleaned_data["opens_at"],
            closes_at=form.cleaned_data["closes_at"],
        )
        messages.success(
            request,
            _("Edition %(year)s created from %(source)s, with the same question keys.")
            % {"year": edition.year, "source": form.cleaned_data["source"].year},
        )
        _warn_of_overlaps(request, edition)
        return redirect("survey:design_detail", year=edition.year)
    return render(
        request, "survey/design/copy.html", _context(form=form, has_editions=bool(latest))
    )


@coordinator_required
def edition_detail(request, year):
    edition = get_object_or_404(Edition, year=year)
    walk = Walk(edition, read_design(edition))  # its own objects: marked below
    # One row per answered question, however many answers there are.
    answered = set(
        Answer.objects.filter(question__edition=edition)
        .order_by()
        .values_list("question_id", flat=True)
        .distinct()
    )
    for question in walk.questions:
        question.is_answered = question.pk in answered
    # After a move, its button again, for the next move ("question-12-down").
    moved, _sep, direction = request.GET.get("focus", "").rpartition("-")
    for item in [*walk.sections, *walk.questions]:
        item.focus = direction if moved == f"{type(item).__name__.lower()}-{item.pk}" else ""
    return render(
        request,
        "survey/design/detail.html",
        _context(
            edition=edition,
            walk=walk,
            submitted_count=edition.responses.submitted().count(),
        ),
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def edition_settings(request, year):
    edition = get_object_or_404(Edition, year=year)
    form = EditionForm(request.POST or None, instance=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_edition_settings(edition=edition, fields=form.cleaned_data)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("The edition’s settings are saved."))
            return redirect("survey:design_detail", year=edition.year)
    return render(
        request,
        "survey/design/form.html",
        _context(edition=edition, form=form, title=_("Settings of the edition")),
    )


def _warn_of_overlaps(request, edition):
    overlapping = services.overlapping_editions(
        opens_at=edition.opens_at, closes_at=edition.closes_at, exclude=edition
    )
    if overlapping:
        messages.warning(
            request,
            _(
                "Its dates overlap those of %(years)s: members would see two editions open "
                "at once. Change the dates in the settings before publishing it."
            )
            % {"years": ", ".join(str(other.year) for other in overlapping)},
        )


@coordinator_required
@require_POST
def edition_publish(request, year):
    edition = get_object_or_404(Edition, year=year)
    _carry_out(
        request,
        lambda: services.publish_edition(edition=edition),
        done=_("The edition is published: members see it."),
    )
    return redirect("survey:design_detail", year=year)


@coordinator_required
@require_POST
def edition_open(request, year):
    edition = get_object_or_404(Edition, year=year)
    _carry_out(
        request,
        lambda: services.open_edition(edition=edition),
        done=_("The edition is open: members can answer it."),
    )
    return redirect("survey:design_detail", year=year)


def _carry_out(request, change, *, done):
    """Make ``change()`` (a service that may refuse): say ``done``, or why it was refused."""
    try:
        change()
    except services.DesignChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)


def _confirmation(request, edition, *, title, lines, action, keep, back_url, refusal=None):
    """The page that asks before a change that cannot be taken back; it posts to itself."""
    return render(
        request,
        "survey/design/confirm.html",
        _context(
            edition=edition,
            title=title,
            lines=lines,
            action=action,
            keep=keep,
            back_url=back_url,
            refusal=refusal,
        ),
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def edition_close(request, year):
    edition = get_object_or_404(Edition, year=year)
    if request.method == "GET":
        unsubmitted = edition.responses.filter(submitted=False).count()
        lines = [_("Members can no longer answer it or change their answers.")]
        if unsubmitted:
            lines.append(
                ngettext(
                    "%(count)s response was begun and not submitted: it will not count "
                    "in the results.",
                    "%(count)s responses were begun and not submitted: they will not count "
                    "in the results.",
                    unsubmitted,
                )
                % {"count": unsubmitted}
            )
        return _confirmation(
            request,
            edition,
            title=_("Close “%(title)s” now?") % {"title": edition.title},
            lines=lines,
            action=_("Close now"),
            keep=_("Keep it open"),
            back_url=reverse("survey:design_detail", args=[year]),
            refusal=None if edition.is_open else _("This edition is not open."),
        )
    _carry_out(
        request,
        lambda: services.close_edition(edition=edition),
        done=_("The edition is closed: answers can no longer change."),
    )
    return redirect("survey:design_detail", year=year)


def _show_refusal(form, error):
    """A service's ``ValidationError`` on the form: at its field, or above the form."""
    for field, messages_ in error.update_error_dict({}).items():
        form.add_error(field if field in form.fields else None, messages_)


def _offset(request):
    """-1 for the "Move up" button, 1 for "Move down"."""
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if offset is None:
        raise BadRequest("direction")
    return offset


def _back_to(item, direction):
    """The edition's page, the moved item's button focused (and so in view) for the next move.

    No #fragment: browsers skip ``autofocus`` on a page opened at one.
    """
    url = reverse("survey:design_detail", args=[item.edition.year])
    focus = f"{type(item).__name__.lower()}-{item.pk}-{direction}"
    return redirect(f"{url}?{urlencode({'focus': focus})}")


@coordinator_required
@require_http_methods(["GET", "POST"])
def section_edit(request, year, pk=None):
    edition = get_object_or_404(Edition, year=year)
    section = get_object_or_404(Section, pk=pk, edition=edition) if pk else None
    form = SectionForm(request.POST or None, instance=section, edition=edition)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_section(edition=edition, section=section, **form.cleaned_data)
        except ValidationError as error:
            _show_refusal(form, error)
        else:
            messages.success(request, _("The section is saved."))
            return redirect("survey:design_detail", year=year)
    return render(
        request,
        "survey/design/form.html",
        _context(
            edition=edition,
            form=form,
            title=_("Section") if pk else _("New section"),
            delete_url=pk and f"{request.path}delete/",
        ),
    )


@coordinator_required
@require_POST
def section_move(request, year, pk):
    section = get_object_or_404(
        Section.objects.select_related("edition"), pk=pk, edition__year=year
    )
    services.move_section(section=section, offset=_offset(request))
    return _back_to(section, request.POST["direction"])


@coordinator_required
@require_http_methods(["GET", "POST"])
def section_delete(request, year, pk):
    section = get_object_or_404(
        Section.objects.select_related("edition"), pk=pk, edition__year=year
    )
    if request.method == "GET":
        questions = section.questions.count()
        return _confirmation(
            request,
            section.edition,
            title=_("Delete the section “%(section)s”?") % {"section": section.title},
            lines=[
                ngettext(
                    "The section and its %(count)s question, with its choices, are deleted "
                    "for good.",
                    "The section and its %(count)s questions, with their choices, are deleted "
                    "for good.",
                    questions,
                )
                % {"count": questions}
                if questions
                else _("The section is deleted for good.")
            ],
            action=_("Delete this section"),
            keep=_("Cancel"),
            back_url=reverse("survey:design_section", args=[year, pk]),
            refusal=services.section_deletion_refusal(section),
        )
    try:
        services.delete_section(section=section)
    except services.DesignChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The section is deleted."))
    return redirect("survey:design_detail", year=year)


@coordinator_required
@require_http_methods(["GET", "POST"])
def question_edit(request, year, pk=None):
    edition = get_object_or_404(Edition, year=year)
    if pk:
        question = get_object_or_404(Question, pk=pk, edition=edition)
    else:
        section = edition.sections.filter(pk=request.GET.get("section") or 0).first()
        question = Question(section=section or edition.sections.first())
    data = request.POST or None
    kind = (data or request.GET).get("kind") or question.kind
    if kind not in Question.Kind.values:
        # A new question: its type comes first, so that the form shows only its fields.
        return render(
            request,
            "survey/design/question_kind.html",
            _context(edition=edition, question=question, kinds=Question.Kind.choices),
        )
    has_choices = kind in Question.CHOICE_KINDS
    stored = list(question.choices.all()) if question.pk else []
    answered = set(question.choices.answered().values_list("pk", flat=True)) if stored else set()
    form = QuestionForm(data, instance=question, edition=edition, kind=kind)
    choices = ChoiceFormSet(data if has_choices else None, prefix="choices", answered=answered)
    row_action = data.get("choice_action") if data else None
    if row_action:
        # A button of the choices editor: the page again, with everything typed, nothing stored.
        form = QuestionForm(
            initial=typed_initial(form), instance=question, edition=edition, kind=kind
        )
        choices = ChoiceFormSet.after_button(data, row_action, prefix="choices", answered=answered)
    elif data is None:
        # Stored choices, then empty rows to fill (more with "Add a choice").
        rows = ChoiceFormSet.stored_rows(stored) + [{}] * (1 if stored else 3)
        choices = ChoiceFormSet(initial=rows, prefix="choices", answered=answered)
    elif form.is_valid() and (not has_choices or choices.is_valid()):
        try:
            services.save_question(
                section=form.cleaned_data["section"],
                question=question if question.pk else None,
                fields=form.question_fields(),
                choices=choices.choice_list() if has_choices else [],
            )
        except ValidationError as error:
            _show_refusal(form, error)
        except services.DesignChangeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The question is saved."))
            return redirect("survey:design_detail", year=year)
    return render(
        request,
        "survey/design/question.html",
        _context(
            edition=edition,
            form=form,
            choices=choices,
            question=question,
            has_choices=has_choices,
            unsaved=bool(row_action),
        ),
    )


@coordinator_required
@require_POST
def question_move(request, year, pk):
    question = get_object_or_404(
        Question.objects.select_related("edition"), pk=pk, edition__year=year
    )
    services.move_question(question=question, offset=_offset(request))
    return _back_to(question, request.POST["direction"])


@coordinator_required
@require_http_methods(["GET", "POST"])
def question_delete(request, year, pk):
    question = get_object_or_404(
        Question.objects.select_related("edition"), pk=pk, edition__year=year
    )
    if request.method == "GET":
        return _confirmation(
            request,
            question.edition,
            title=_("Delete the question “%(question)s”?") % {"question": question.text},
            lines=[
                _("The question and its choices are deleted for good.")
                if question.kind in Question.CHOICE_KINDS
                else _("The question is deleted for good.")
            ],
            action=_("Delete this question"),
            keep=_("Cancel"),
            back_url=reverse("survey:design_question", args=[year, pk]),
            refusal=services.question_deletion_refusal(question),
        )
    try:
        services.delete_question(question=question)
    except services.DesignChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The question is deleted."))
    return redirect("survey:design_detail", year=year)


@coordinator_required
@require_http_methods(["GET", "POST"])
def preview(request, year, number):
    """The member's step pages; answers are checked, never stored."""
    edition = get_object_or_404(Edition, year=year)
    walk = Walk(edition)
    section = walk.section(number)
    if request.method == "POST":
        action = request.POST.get("action", "next")
        form = SectionAnswersForm(
            request.POST, questions=section.question_list, require_all=action == "next"
        )
        if form.is_valid():
            if action == "previous" and number > 1:
                return redirect("survey:design_preview", year=year, number=number - 1)
            if action == "next" and number < len(walk.sections):
                return redirect("survey:design_preview", year=year, number=number + 1)
            messages.info(request, _("End of the preview: nothing was stored."))
            return redirect("survey:design_detail", year=year)
    else:
        form = SectionAnswersForm(questions=section.question_list)
    return render(
        request,
        "survey/step.html",
        _context(
            edition=edition,
            walk=walk,
            step_section=section,
            number=number,
            form=form,
            submitted=False,
            preview=True,
        ),
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def import_csv(request, year):
    """Upload a file and its mapping; the next page previews it (nothing is stored yet)."""
    edition = get_object_or_404(Edition, year=year)
    # Back from a preview: its mapping again, to correct rather than retype.
    earlier_pk = _int_or_none(request.GET.get("from"))
    earlier = edition.imports.filter(pk=earlier_pk).first() if earlier_pk else None
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"mapping": _mapping_text(earlier)} if earlier else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["csv_file"]
        record = services.preview_import(
            edition=edition,
            text=form.cleaned_data["text"],
            mapping=json.loads(form.cleaned_data["mapping"]),
            file_name=upload.name,
            user=request.user,
        )
        return redirect("survey:design_import_preview", year=year, pk=record.pk)
    return render(
        request,
        "survey/design/import.html",
        _context(
            edition=edition,
            form=form,
            questions=services.edition_questions(edition),
            imports=edition.imports.exclude(state=ImportRecord.State.PREVIEW).select_related(
                "created_by", "undone_by"
            ),
        ),
        status=400 if form.errors else 200,
    )


PREVIEW_ROWS = 5


def _int_or_none(text):
    return int(text) if text and len(text) < 19 and text.isascii() and text.isdigit() else None


def _mapping_text(record):
    """An import's mapping as typed in the form: one "column header = target" a line."""
    return "\n".join(f"{header} = {target}" for header, target in record.mapping)


def _shown(question, value):
    """An answer as the preview shows it: option texts, the other text, the text or number."""
    if not value:
        return ""
    if "choices" in value:
        texts = {choice.key: choice.text for choice in question.choice_list}
        shown = [texts.get(key, key) for key in value["choices"]]
        if value.get("other"):
            shown.append(_("other: %(text)s") % {"text": value["other"]})
        return "; ".join(shown)
    if "number" in value:
        return f"{value['number']:g}"
    return value.get("text", "")


@coordinator_required
@require_http_methods(["GET", "POST"])
def import_preview(request, year, pk):
    """What the file will store, with its warnings; *Import* stores it, *Cancel* forgets it."""
    record = get_object_or_404(
        ImportRecord, edition__year=year, pk=pk, state=ImportRecord.State.PREVIEW
    )
    if request.method == "POST":
        if "cancel" in request.POST:
            record.delete()
            messages.info(request, _("The file was set aside; nothing was imported."))
            return redirect("survey:design_import", year=year)
        try:
            record, parsed = services.confirm_import(record=record)
        except services.ImportRefused:
            messages.error(request, _("Nothing was imported: fix the lines below and retry."))
        else:
            imported = ngettext(
                "%(count)s response imported.", "%(count)s responses imported.", record.rows
            ) % {"count": record.rows}
            if parsed.skipped_empty:
                imported += " " + ngettext(
                    "%(counter)s empty row skipped.",
                    "%(counter)s empty rows skipped.",
                    parsed.skipped_empty,
                ) % {"counter": parsed.skipped_empty}
            messages.success(request, imported)
            return redirect("survey:design_import", year=year)
    parsed = services.parse_import(record)
    targets = {target.split("[")[0].strip().lower() for _header, target in record.mapping}
    questions = [q for q in services.edition_questions(record.edition) if q.key in targets]
    mapped = record.mapping
    sample = [
        (line, [_shown(question, answers.get(question.key)) for question in questions])
        for line, answers in zip(parsed.lines[:PREVIEW_ROWS], parsed.answer_sets, strict=False)
    ]
    return render(
        request,
        "survey/design/import_preview.html",
        _context(
            edition=record.edition,
            record=record,
            parsed=parsed,
            mapped=mapped,
            sample=sample,
            questions=questions,
            # With problems, the file again with its mapping, corrected, on the same page.
            retry_form=ImportForm(initial={"mapping": _mapping_text(record)})
            if parsed.errors
            else None,
        ),
        status=400 if parsed.errors else 200,
    )


@coordinator_required
@require_POST
def import_undo(request, year, pk):
    record = get_object_or_404(
        ImportRecord, edition__year=year, pk=pk, state=ImportRecord.State.IMPORTED
    )
    record, deleted = services.undo_import(record=record, user=request.user)
    messages.success(
        request,
        ngettext(
            "Import of “%(file)s” undone: %(count)s response deleted.",
            "Import of “%(file)s” undone: %(count)s responses deleted.",
            deleted,
        )
        % {"file": record.file_name, "count": deleted},
    )
    return redirect("survey:design_import", year=year)
