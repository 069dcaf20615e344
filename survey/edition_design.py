"""An edition's design (sections, questions and their choices), and the copy of it each
process keeps for the members' pages, which read it on every request.

Every edition carries a design token, renewed in the same transaction as any save or
delete of one of its sections, questions or choices (signals connected in
``SurveyConfig.ready``: the services, the admin and the list pages all save through
the models, one row at a time, as the cached results pages already require). A
process keeps the design it read under the token the edition had then; a request
whose edition row (read anyway) carries another token reads the design afresh. The
token lives in the database, so every server sees a change at once.
"""

import uuid
from dataclasses import dataclass

from django.db import models
from django.db.models.signals import post_delete, post_save

from survey.models import Choice, Edition, Question, Section

KEPT = 8  # editions a process keeps: this year's and last year's, in practice
_kept = {}  # edition id -> (design token, Design)


@dataclass(frozen=True)
class Design:
    questions: list  # in order, each with ``choice_list`` and ``choice_keys``
    sections: list  # in order, each with its ``question_list``


def edition_questions(edition):
    """The edition's questions in order, each with ``choice_list`` and ``choice_keys`` loaded."""
    questions = list(
        Question.objects.filter(edition=edition)
        .select_related("section")
        .prefetch_related(models.Prefetch("choices", to_attr="choice_list"))
    )
    for question in questions:
        question.choice_keys = {choice.key for choice in question.choice_list}
    return questions


def read_design(edition):
    """The design as stored now (three queries): objects of the caller's own."""
    questions = edition_questions(edition)
    sections = list(edition.sections.all())
    for section in sections:
        section.question_list = [q for q in questions if q.section_id == section.pk]
    return Design(questions=questions, sections=sections)


def kept_design(edition):
    """The design this process keeps for ``edition``, read again if it has changed since.

    Shared by every request of the process: read it, never change it.
    """
    kept = _kept.get(edition.pk)
    if kept is None or kept[0] != edition.design_token:
        if len(_kept) >= KEPT:
            _kept.clear()
        kept = (edition.design_token, read_design(edition))
        _kept[edition.pk] = kept
    return kept[1]


def _renew(editions):
    editions.update(design_token=uuid.uuid4())


def _part_changed(sender, instance, **kwargs):
    _renew(Edition.objects.filter(pk=instance.edition_id))


def _choice_changed(sender, instance, **kwargs):
    _renew(Edition.objects.filter(questions=instance.question_id))


def connect_design_signals():
    for model, receiver in ((Section, _part_changed), (Question, _part_changed),
                            (Choice, _choice_changed)):  # fmt: skip
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"design-{model.__name__}")
