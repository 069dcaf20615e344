"""Every write of the survey: answering, designing editions, deleting a member's answers.

Answers go in and out as plain dicts keyed by question key (see ``survey.validation``).
"""

import datetime
import hashlib
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kb.dates import date_format
from survey.csv_import import parse_answers
from survey.edition_design import edition_questions
from survey.models import (
    Answer,
    Choice,
    Edition,
    ImportRecord,
    Participation,
    Question,
    Response,
    Section,
)
from survey.results_versions import bump_results_version
from survey.validation import answer_errors, is_empty, missing_required

RESPONSE_KEY_SALT = "survey.Response.key"


class EditionNotOpen(Exception):
    """Answers are accepted only while the edition is open."""


class AnswersInvalid(Exception):
    """Some answers break the questions' rules; ``errors`` maps question key to messages."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


class DesignChangeRefused(Exception):
    """A change to an edition's design that would corrupt stored answers."""


def response_key(*, edition, user):
    """The only link from a member to their response: without the secret key, a dead end."""
    return salted_hmac(RESPONSE_KEY_SALT, f"{edition.pk}:{user.pk}", algorithm="sha256").hexdigest()


def find_response(*, edition, user):
    return Response.objects.filter(key=response_key(edition=edition, user=user)).first()


def stored_answers(response):
    """The response's answers as the dict the forms and services use."""
    if response is None:
        return {}
    answers = {}
    rows = response.answers.select_related("question", "choice").order_by("pk")
    for row in rows:
        question = row.question
        if question.kind in Question.CHOICE_KINDS:
            value = answers.setdefault(question.key, {"choices": [], "other": ""})
            if row.choice_id is None:
                value["other"] = row.text
            else:
                value["choices"].append(row.choice.key)
        elif question.kind == Question.Kind.TEXT:
            answers[question.key] = {"text": row.text}
        else:
            answers[question.key] = {"number": row.number}
    return answers


def validate_answers(questions, answers, *, require_all):
    errors = {}
    known = {question.key for question in questions}
    for key in answers:
        if key not in known:
            errors.setdefault(key, []).append(_("There is no such question."))
    for question in questions:
        messages = answer_errors(question, answers.get(question.key), question.choice_keys)
        if messages:
            errors[question.key] = messages
    if require_all:
        for question in missing_required(questions, answers):
            errors.setdefault(question.key, []).append(_("This question needs an answer."))
    return errors


def _answer_rows(response, questions, answers):
    rows = []
    for question in questions:
        value = answers.get(question.key)
        if is_empty(question.kind, value):
            continue
        if question.kind in Question.CHOICE_KINDS:
            choices = {choice.key: choice for choice in question.choice_list}
            for key in dict.fromkeys(value.get("choices", [])):
                rows.append(Answer(response=response, question=question, choice=choices[key]))
            other = value.get("other", "").strip()
            if other:
                rows.append(Answer(response=response, question=question, text=other))
        elif question.kind == Question.Kind.TEXT:
            rows.append(Answer(response=response, question=question, text=value["text"].strip()))
        else:
            rows.append(Answer(response=response, question=question, number=value["number"]))
    return rows


def _check_open(edition):
    if not edition.is_open:
        raise EditionNotOpen(_("This edition of the survey is not open."))


def _locked_response(edition, user):
    """The member's response, created if needed and locked until the transaction ends.

    Both rows come from unique keys, so two requests of the same member racing
    each other end up with one participation and one response.
    """
    key = response_key(edition=edition, user=user)
    locked = Response.objects.select_for_update()
    # Most saves find the response: only the first one tries (and may race) to create it.
    response = locked.filter(key=key).first()
    if response is None:
        Participation.objects.get_or_create(user=user, edition=edition)
        try:
            with transaction.atomic():
                Response.objects.create(edition=edition, key=key)
        except IntegrityError:
            pass  # created by a concurrent request of the same member
        response = locked.get(key=key)
    return response


def save_answers(*, edition, user, answers, questions, step=None):
    """Store the member's answers to ``questions`` (a step, or all), replacing what was there.

    A draft may leave required questions empty; a submitted response may not,
    so it stays complete when the member edits it. Raises ``AnswersInvalid``
    (nothing is written) or ``EditionNotOpen``.
    """
    _check_open(edition)
    with transaction.atomic():
        response = _locked_response(edition, user)
        errors = validate_answers(questions, answers, require_all=response.submitted)
        if errors:
            raise AnswersInvalid(errors)
        Answer.objects.filter(response=response, question__in=questions).delete()
        Answer.objects.bulk_create(_answer_rows(response, questions, answers))
        if step is not None and step > response.step:
            response.step = step
            response.save(update_fields=["step"])
        if response.submitted:
            bump_results_version(edition.pk)
    return response


def save_draft(*, edition, user, answers, questions, step=None):
    """Save and continue later (same rules as ``save_answers``)."""
    return save_answers(edition=edition, user=user, answers=answers, questions=questions, step=step)


def submit_response(*, edition, user, answers=None, questions=None):
    """Submit the member's response; with ``answers``, replace all the stored ones first.

    ``questions``: the edition's, if the caller holds them. Raises ``AnswersInvalid``
    when an answer is invalid or a required one is missing, ``EditionNotOpen`` outside
    the edition's dates.
    """
    _check_open(edition)
    questions = edition_questions(edition) if questions is None else questions
    with transaction.atomic():
        response = _locked_response(edition, user)
        if answers is None:
            answers = stored_answers(response)
        else:
            errors = validate_answers(questions, answers, require_all=False)
            if errors:
                raise AnswersInvalid(errors)
            Answer.objects.filter(response=response).delete()
            Answer.objects.bulk_create(_answer_rows(response, questions, answers))
        errors = validate_answers(questions, answers, require_all=True)
        if errors:
            raise AnswersInvalid(errors)
        response.submitted = True
        response.save(update_fields=["submitted"])
        Participation.objects.filter(user=user, edition=edition).update(submitted=True)
        bump_results_version(edition.pk)
    return response


def store_anonymous_responses(
    *, edition, answer_sets, is_demo=False, is_imported=False, require_all=True, import_record=None
):
    """Store many complete responses with no member behind them (demo, import), at once.

    Every set is validated as a member's submit would be; one invalid set stores
    nothing and raises ``AnswersInvalid`` with errors keyed by the set's index.
    """
    questions = edition_questions(edition)
    all_errors = {}
    for index, answers in enumerate(answer_sets):
        errors = validate_answers(questions, answers, require_all=require_all)
        if errors:
            all_errors[index] = errors
    if all_errors:
        raise AnswersInvalid(all_errors)
    with transaction.atomic():
        responses = Response.objects.bulk_create(
            Response(
                edition=edition,
                key=secrets.token_hex(32),
                submitted=True,
                is_demo=is_demo,
                is_imported=is_imported,
                import_record=import_record,
            )
            for _answers in answer_sets
        )
        rows = []
        for response, answers in zip(responses, answer_sets, strict=True):
            rows.extend(_answer_rows(response, questions, answers))
        Answer.objects.bulk_create(rows, batch_size=2000)
        bump_results_version(edition.pk)
    return responses


def delete_member_answers(*, user):
    """Delete the member's responses to every edition (when they delete their account)."""
    with transaction.atomic():
        editions = Edition.objects.filter(participations__user=user)
        keys = [response_key(edition=edition, user=user) for edition in editions]
        deleted, _details = Response.objects.filter(key__in=keys).delete()
        for edition in editions:
            bump_results_version(edition.pk)
        Participation.objects.filter(user=user).delete()
    return deleted


# Designing editions


def _retitle(title, source_year, year):
    return re.sub(rf"\b{source_year}\b", str(year), title) if title else title


def next_edition_dates(*, latest, now=None):
    """Default dates of a new edition: a month from 9:00 a week ahead, and never before
    the latest edition closes (the day after, at 9:00)."""
    now = timezone.localtime(now or timezone.now())
    opens = (now + datetime.timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
    if latest is not None:
        after_latest = timezone.localtime(latest.closes_at) + datetime.timedelta(days=1)
        opens = max(opens, after_latest.replace(hour=9, minute=0, second=0, microsecond=0))
    return opens, opens + datetime.timedelta(days=30)


def overlapping_editions(*, opens_at, closes_at, exclude=None):
    """Editions whose dates overlap these, drafts aside: two open at once confuse members."""
    editions = Edition.objects.published().filter(opens_at__lt=closes_at, closes_at__gt=opens_at)
    if exclude is not None:
        editions = editions.exclude(pk=exclude.pk)
    return list(editions.order_by("year"))


def lock_editions():
    """Lock every edition until the transaction ends (call it in the transaction that writes).

    Publish, Open now and a change of dates each check for overlaps, then write: with this
    lock taken first, two coordinators doing so at the same moment take turns, and the second
    checks against what the first wrote. Every edition, not only the published ones: two
    drafts published at once have no published row in common to wait on. (PostgreSQL waits on
    the row locks; on SQLite, IMMEDIATE transactions already take turns.)
    """
    list(Edition.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def published_overlaps(edition):
    """The other published editions whose dates overlap ``edition``'s as it is about to be
    written; none for a draft, which members do not see."""
    if not edition.is_published:
        return []
    return overlapping_editions(
        opens_at=edition.opens_at, closes_at=edition.closes_at, exclude=edition
    )


def _change_edition(edition, *, refusal, **changes):
    """Write ``changes`` to the stored edition, unless it would then be published with dates
    that overlap another published edition's: members are offered one open edition only, so
    those halfway through the other would lose their way back to it. Then ``refusal(the
    others)`` is raised and nothing changes."""
    with transaction.atomic():
        lock_editions()
        # Read once locked: what another coordinator just wrote counts.
        edition.refresh_from_db()
        for name, value in changes.items():
            setattr(edition, name, value)
        overlapping = published_overlaps(edition)
        if overlapping:
            edition.refresh_from_db()  # as stored: the refused changes are not kept
            raise refusal(overlapping)
        edition.save()
    return edition


def _with_their_dates(editions):
    """Each edition as "2026 (from … to …)", for a message that names them."""
    return ", ".join(
        _("%(year)s (from %(opens)s to %(closes)s)")
        % {"year": other.year, "opens": _when(other.opens_at), "closes": _when(other.closes_at)}
        for other in editions
    )


def _publish_refusal(overlapping):
    return DesignChangeRefused(
        _(
            "This edition was not published: its dates overlap those of %(editions)s, and "
            "members are offered only one open edition (those halfway through one would lose "
            "it). First change the dates in its settings so that they do not overlap, then "
            "publish it."
        )
        % {"editions": _with_their_dates(overlapping)}
    )


def dates_overlap_error(overlapping):
    """The form error for a published edition's new dates that overlap ``overlapping``."""
    return ValidationError(
        {
            "opens_at": ngettext(
                "These dates overlap those of %(editions)s, which is published: members are "
                "offered only one open edition. Choose dates that do not overlap, or change "
                "the other edition’s dates first.",
                "These dates overlap those of %(editions)s, which are published: members are "
                "offered only one open edition. Choose dates that do not overlap, or change "
                "the other editions’ dates first.",
                len(overlapping),
            )
            % {"editions": _with_their_dates(overlapping)},
            "closes_at": _("These dates overlap %(years)s: see above.")
            % {"years": ", ".join(str(other.year) for other in overlapping)},
        }
    )


def publish_edition(*, edition):
    """Members see the edition from now on (answer it while its dates say it is open).

    Raises ``DesignChangeRefused`` (nothing changes) when its dates overlap another
    published edition's.
    """
    edition = _change_edition(edition, refusal=_publish_refusal, is_published=True)
    bump_results_version(edition.pk)
    return edition


def save_edition_settings(*, edition, fields):
    """Store the edition's settings (``fields``: a form's cleaned data).

    Raises ``ValidationError`` on the date fields (nothing changes) when the edition is
    published and its new dates overlap another published edition's; a draft's may.
    """
    return _change_edition(edition, refusal=dates_overlap_error, **fields)


def copy_edition(*, source, year, opens_at=None, closes_at=None):
    """A new draft edition with the source's sections, questions and choices (keys kept),
    no answers; members see it once it is published."""
    if opens_at is None:
        opens_at = source.opens_at.replace(year=year)
    if closes_at is None:
        closes_at = opens_at + (source.closes_at - source.opens_at)
    with transaction.atomic():
        edition = Edition.objects.create(
            year=year,
            title_fr=_retitle(source.title_fr, source.year, year),
            title_en=_retitle(source.title_en, source.year, year),
            introduction_fr=source.introduction_fr,
            introduction_en=source.introduction_en,
            opens_at=opens_at,
            closes_at=closes_at,
            results_visibility=source.results_visibility,
            min_group_size=source.min_group_size,
            show_free_text=source.show_free_text,
            is_published=False,
        )
        sections = {}
        for section in source.sections.all():
            old_pk = section.pk
            section.pk = None
            section.edition = edition
            section.save()
            sections[old_pk] = section
        for question in source.questions.prefetch_related("choices"):
            choices = list(question.choices.all())
            question.pk = None
            question.edition = edition
            question.section = sections[question.section_id]
            question.save()
            for choice in choices:
                choice.pk = None
                choice.question = question
            # In bulk, without signals: no process can hold the design of an edition that
            # is not committed yet (survey.edition_design).
            Choice.objects.bulk_create(choices)
    return edition


def _next_position(items):
    """After the last of ``items``: a new section or question goes at the end."""
    last = items.aggregate(models.Max("position"))["position__max"]
    return 0 if last is None else last + 1


def save_section(*, edition, section=None, **fields):
    """Create a section (after the edition's last one) or change one; ``ValidationError`` if
    the fields are invalid, and then nothing is written."""
    if section is None:
        section = Section(edition=edition, position=_next_position(edition.sections))
    for name, value in fields.items():
        setattr(section, name, value)
    section.full_clean()
    section.save()
    return section


def check_against_answers(*, question):
    """Refuse (``ValidationError``) unsaved changes to ``question`` that its stored answers
    would no longer fit: another type, bounds that leave answers out, a maximum of choices
    below what some respondent ticked ("other" included), or no more "other" where answers
    wrote one."""
    stored = Question.objects.filter(pk=question.pk).first() if question.pk else None
    answers = Answer.objects.filter(question_id=question.pk)
    if stored is None or not answers.exists():
        return
    if question.kind != stored.kind:
        raise ValidationError(
            {
                "kind": _(
                    "This question already has answers: its type cannot change "
                    "(the answers would no longer mean anything). Add a new question instead."
                )
            }
        )
    errors = {}
    outside = models.Q()
    if question.min_value is not None:
        outside |= models.Q(number__lt=question.min_value)
    if question.max_value is not None:
        outside |= models.Q(number__gt=question.max_value)
    if outside and answers.filter(outside).exists():
        errors["max_value"] = _(
            "Some stored answers fall outside these bounds: widen them, or keep the current ones."
        )
    if question.max_choices and (
        answers.values("response_id")
        .annotate(ticked=models.Count("pk"))
        .filter(ticked__gt=question.max_choices)
        .exists()
    ):
        errors["max_choices"] = _(
            "Some respondents ticked more choices than this: raise the maximum, or leave it empty."
        )
    other_texts = answers.filter(choice__isnull=True).exclude(text="")
    if question.has_choices and not question.allow_other and other_texts.exists():
        errors["allow_other"] = _(
            "Some answers give an “other” text: this question must keep offering “other”."
        )
    if errors:
        raise ValidationError(errors)


def save_question(*, section, question=None, fields, choices=()):
    """Create a question (at the end of ``section``) or change one, with its choices: all or
    nothing.

    ``choices`` are dicts of ``key``, ``text_fr``, ``text_en`` and, for a stored choice, its
    ``id``, in the order members see them; a stored choice left out is deleted. Raises
    ``ValidationError`` for invalid fields or choices and for changes the stored answers
    forbid (see ``check_against_answers``), ``DesignChangeRefused`` for deleting a choice
    that was chosen. A question moved to another section goes at its end.
    """
    with transaction.atomic():
        if question is None:
            question = Question(
                edition_id=section.edition_id, position=_next_position(section.questions)
            )
        else:
            # The stored row, locked: ``fields`` say everything that changes.
            question = Question.objects.select_for_update().get(pk=question.pk)
            if section.edition_id != question.edition_id:
                raise ValidationError({"section": _("This section belongs to another edition.")})
            if section.pk != question.section_id:
                question.position = _next_position(section.questions)
        question.section = section
        for name, value in fields.items():
            setattr(question, name, value)
        question.full_clean()
        check_against_answers(question=question)
        question.save()
        _save_choices(question, choices)
    return question


def _save_choices(question, rows):
    if question.has_choices and not rows:
        raise ValidationError({"choices": _("Give this question at least one choice.")})
    if rows and not question.has_choices:
        raise ValidationError({"choices": _("Only a choice question has choices.")})
    stored = {choice.pk: choice for choice in question.choices.all()}
    choices, keys = [], set()
    for position, row in enumerate(rows):
        choice = stored.pop(row["id"], None) if row.get("id") else Choice(question=question)
        if choice is None:
            raise ValidationError(
                {"choices": _("One of these choices was deleted meanwhile: reload the page.")}
            )
        choice.key, choice.text_fr = row["key"], row["text_fr"]
        choice.text_en = row.get("text_en", "")
        choice.position = position
        if choice.key in keys:
            raise ValidationError(
                {"choices": _("Two choices have the key “%(key)s”.") % {"key": choice.key}}
            )
        keys.add(choice.key)
        # The key's uniqueness is checked above, among the choices as they will be.
        choice.full_clean(exclude=["question"], validate_constraints=False)
        choices.append(choice)
    # Left out: deleted first, so that a new choice may take a deleted one's key.
    for choice in stored.values():
        delete_choice(choice=choice)
    for choice in choices:
        choice.save()


def move_section(*, section, offset):
    """Move the section ``offset`` places (-1: up one); False when it is already at that end."""
    return _move(section, Section.objects.filter(edition_id=section.edition_id), offset)


def move_question(*, question, offset):
    """Move the question ``offset`` places in its section; False when already at that end."""
    return _move(question, Question.objects.filter(section_id=question.section_id), offset)


def _move(item, siblings, offset):
    with transaction.atomic():
        order = list(siblings.select_for_update().order_by("position", "pk"))
        index = [sibling.pk for sibling in order].index(item.pk)
        target = min(max(index + offset, 0), len(order) - 1)
        if target == index:
            return False
        order.insert(target, order.pop(index))
        # Numbered afresh: gaps left by deletions and equal positions would break a swap.
        # Saved one by one, not in bulk: saving renews the cached results pages (kb.signals).
        for position, sibling in enumerate(order):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
    item.position = target
    return True


def delete_choice(*, choice):
    if choice.answers.exists():
        raise DesignChangeRefused(
            _(
                "“%(choice)s” was chosen in answers already: it cannot be deleted. "
                "You may reword it."
            )
            % {"choice": choice.text}
        )
    choice.delete()


def question_deletion_refusal(question):
    """Why the question cannot be deleted, or None."""
    if question.answers.exists():
        return _("“%(question)s” has answers already: it cannot be deleted. You may reword it.") % {
            "question": question.text
        }
    return None


def section_deletion_refusal(section):
    """Why the section cannot be deleted, or None."""
    if Answer.objects.filter(question__section=section).exists():
        return _section_refusal(section)
    return None


def _section_refusal(section):
    return _("Questions of “%(section)s” have answers already: it cannot be deleted.") % {
        "section": section.title
    }


def delete_question(*, question):
    refusal = question_deletion_refusal(question)
    if refusal:
        raise DesignChangeRefused(refusal)
    question.delete()


def delete_section(*, section):
    try:
        with transaction.atomic():
            section.delete()
    except ProtectedError as error:
        raise DesignChangeRefused(_section_refusal(section)) from error


def _when(moment):
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def open_edition(*, edition, now=None):
    """Open the edition now, published; it keeps its closing date if that is still ahead.

    Raises ``DesignChangeRefused`` (nothing changes) when another published edition
    is open, or opens, before this one would close: members are offered one open
    edition only, so those halfway through the other would lose their way back to it.
    """
    now = now or timezone.now()
    closes_at = edition.closes_at if edition.closes_at > now else now + datetime.timedelta(days=30)
    return _change_edition(
        edition,
        refusal=lambda overlapping: _open_refusal(overlapping, now),
        opens_at=now,
        closes_at=closes_at,
        is_published=True,
    )


def _open_refusal(overlapping, now):
    open_now = [other for other in overlapping if other.opens_at <= now]
    if open_now:
        return DesignChangeRefused(
            _(
                "This edition was not opened: %(years)s is open until %(closes)s, and members "
                "are offered only one open edition (those halfway through %(years)s would "
                "lose it). Close %(years)s first, or open this one once it has closed."
            )
            % {
                "years": ", ".join(str(other.year) for other in open_now),
                "closes": _when(max(other.closes_at for other in open_now)),
            }
        )
    return DesignChangeRefused(
        _(
            "This edition was not opened: %(years)s opens on %(opens)s, before this one "
            "would close, and members are offered only one open edition. First change "
            "the dates of one of them in its settings."
        )
        % {
            "years": ", ".join(str(other.year) for other in overlapping),
            "opens": _when(min(other.opens_at for other in overlapping)),
        }
    )


def close_edition(*, edition, now=None):
    now = now or timezone.now()
    if edition.opens_at >= now:
        raise DesignChangeRefused(_("This edition has not opened yet."))
    edition.closes_at = now
    edition.save(update_fields=["closes_at"])
    return edition


class ImportRefused(Exception):
    """The CSV file has problems; ``errors`` lists (line, reason). Nothing was stored."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def preview_import(*, edition, text, mapping, file_name, user=None):
    """Keep an uploaded file for its preview; nothing is imported until ``confirm_import``.

    Previews older than a day that were never confirmed are dropped here.
    """
    ImportRecord.objects.filter(
        state=ImportRecord.State.PREVIEW, created_at__lt=timezone.now() - datetime.timedelta(days=1)
    ).delete()
    return ImportRecord.objects.create(
        edition=edition,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(text.encode()).hexdigest(),
        mapping=list(mapping.items()),
        csv_text=text,
        created_by=user,
    )


def parse_import(record):
    """What the record's file holds, as it would be stored (see ``survey.csv_import``)."""
    return parse_answers(record.csv_text, dict(record.mapping), edition_questions(record.edition))


def confirm_import(*, record):
    """Store every row of a previewed file as an anonymous, submitted response, or none at all."""
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if record.state != ImportRecord.State.PREVIEW:
            raise ImportRefused([(1, _("This file was already imported."))])
        parsed = parse_import(record)
        if parsed.errors:
            raise ImportRefused(parsed.errors)
        try:
            responses = store_anonymous_responses(
                edition=record.edition,
                answer_sets=parsed.answer_sets,
                is_imported=True,
                require_all=False,
                import_record=record,
            )
        except AnswersInvalid as error:
            raise ImportRefused(
                [
                    (parsed.lines[index], f"{key}: {' '.join(messages)}")
                    for index, errors in error.errors.items()
                    for key, messages in errors.items()
                ]
            ) from error
        record.state = ImportRecord.State.IMPORTED
        record.rows = len(responses)
        record.imported_at = timezone.now()
        record.csv_text = ""
        record.save(update_fields=["state", "rows", "imported_at", "csv_text"])
    return record, parsed


def undo_import(*, record, user=None):
    """Delete exactly the responses the import stored; the record stays, marked undone."""
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if record.state != ImportRecord.State.IMPORTED:
            return record, 0
        deleted = Response.objects.filter(import_record=record).count()
        Answer.objects.filter(response__import_record=record).delete()
        Response.objects.filter(import_record=record).delete()
        record.state = ImportRecord.State.UNDONE
        record.undone_at, record.undone_by = timezone.now(), user
        record.save(update_fields=["state", "undone_at", "undone_by"])
        bump_results_version(record.edition_id)
    return record, deleted


def import_responses(*, edition, text, mapping, file_name="", user=None):
    """Preview and confirm at once (the command line): (stored, skipped empty rows)."""
    record = preview_import(
        edition=edition, text=text, mapping=mapping, file_name=file_name, user=user
    )
    try:
        record, parsed = confirm_import(record=record)
    except ImportRefused:
        record.delete()
        raise
    return record.rows, parsed.skipped_empty
