"""Which survey program a ticket gets, and the one write path of programs and their questions
(docs/csi.md#programs).

A program is chosen by the ticket's kind and the channel the survey goes out on (an SMS link, an
email link, the agent's phone call): among the active programs whose kinds and channels match
(an empty list matches every value), the one with the highest priority, then the lowest code.
No program matching means the fixed four-score survey of before stays in use.
"""

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.roles import manages_network_quality
from followups.choices import QuestionKind, SurveyChannel
from followups.csi_models import SurveyProgram, SurveyQuestion
from tickets.choices import Kind

QUESTION_FIELDS = ("order", "contact_point", "kind", "text", "text_zh", "options", "weight", "required")
PROGRAM_FIELDS = ("code", "name", "name_zh", "ticket_kinds", "channels", "priority", "is_active")
MAX_OPTIONS = 10


def matches(program: SurveyProgram, *, ticket_kind: str, channel: str) -> bool:
    return (not program.ticket_kinds or ticket_kind in program.ticket_kinds) and (
        not program.channels or channel in program.channels
    )


def program_for(ticket_kind: str, channel: str) -> SurveyProgram | None:
    """The program a ticket of ``ticket_kind`` gets on ``channel``, its questions prefetched in
    order; None when no active program matches. Two queries when one does, one when none."""
    programs = SurveyProgram.objects.filter(is_active=True).order_by("-priority", "code", "pk")
    chosen = next((p for p in programs if matches(p, ticket_kind=ticket_kind, channel=channel)), None)
    if chosen is not None:
        chosen.ordered_questions = list(chosen.questions.order_by("order", "pk"))
    return chosen


def clean_options(kind: str, options: Any, where: str) -> list[dict]:
    if kind != QuestionKind.CHOICE:
        if options:
            raise ValidationError({where: _("Only a choice question has options.")})
        return []
    if not isinstance(options, list) or not options:
        raise ValidationError({where: _("A choice question needs its options.")})
    if len(options) > MAX_OPTIONS:
        raise ValidationError({where: _("A question has at most %(count)s options.") % {"count": MAX_OPTIONS}})
    cleaned, seen = [], set()
    for option in options:
        if not isinstance(option, dict):
            raise ValidationError({where: _("Each option has a value, a label and a score (1–5 or empty).")})
        value = str(option.get("value") or "").strip()
        label = str(option.get("label") or "").strip()
        score = option.get("score")
        if not value or len(value) > 60 or not label or value in seen:
            raise ValidationError({where: _("Each option needs its own value (up to 60 characters) and a label.")})
        if score is not None and (isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5):
            raise ValidationError({where: _("An option's score is from 1 to 5, or empty when it is not scored.")})
        seen.add(value)
        cleaned.append(
            {"value": value, "label": label, "label_zh": str(option.get("label_zh") or "").strip(), "score": score}
        )
    return cleaned


def _clean_values(values: Any, allowed: list[str], field: str) -> list[str]:
    if not isinstance(values, list) or any(value not in allowed for value in values):
        raise ValidationError({field: _("Choose from: %(values)s.") % {"values": ", ".join(allowed)}})
    return sorted(set(values), key=allowed.index)


def _clean_questions(questions: list[dict]) -> list[dict]:
    if not questions:
        raise ValidationError({"questions": _("A program needs at least one question.")})
    cleaned = []
    for index, question in enumerate(questions):
        where = f"questions.{index}.options"
        kind = question.get("kind", QuestionKind.SCALE)
        row = {name: question[name] for name in QUESTION_FIELDS if name in question}
        row["options"] = clean_options(kind, question.get("options") or [], where)
        if kind == QuestionKind.TEXT and Decimal(row.get("weight", 1)) != 0:
            # Free text is never scored: its weight is kept at 0 so no one reads a meaning into it.
            row["weight"] = Decimal(0)
        cleaned.append(row | {"id": question.get("id")})
    return cleaned


@transaction.atomic
def program_save(*, program: SurveyProgram | None, data: dict[str, Any], by: AbstractBaseUser) -> SurveyProgram:
    """Create or change a program and, when ``questions`` is given, its questions: a question with
    an ``id`` of the program is changed, one without is added, one left out is removed. A question
    already answered keeps counting in the CSI of its responses, so it cannot be removed or have its
    kind changed (deactivate the program and make a new one instead)."""
    if not manages_network_quality(by):
        raise PermissionDenied(_("Only headquarters' managers and administrators may change survey programs."))
    program = program or SurveyProgram()
    data = dict(data)
    if "ticket_kinds" in data:
        data["ticket_kinds"] = _clean_values(data["ticket_kinds"], list(Kind.values), "ticket_kinds")
    if "channels" in data:
        data["channels"] = _clean_values(data["channels"], list(SurveyChannel.values), "channels")
    for name in PROGRAM_FIELDS:
        if name in data:
            setattr(program, name, data[name])
    program.full_clean()
    program.save()
    if "questions" in data:
        _replace_questions(program, _clean_questions(data["questions"]))
    return program


def _replace_questions(program: SurveyProgram, questions: list[dict]) -> None:
    existing = {question.pk: question for question in program.questions.select_for_update()}
    answered = set(program.questions.filter(answers__isnull=False).values_list("pk", flat=True).distinct())
    kept = set()
    for index, row in enumerate(questions):
        pk = row.pop("id", None)
        if pk is not None and pk not in existing:
            raise ValidationError({f"questions.{index}.id": _("This question is not one of the program's.")})
        question = existing.get(pk) or SurveyQuestion(program=program)
        if pk in answered and row.get("kind", question.kind) != question.kind:
            raise ValidationError({f"questions.{index}.kind": _("This question was answered: its kind cannot change.")})
        for name, value in row.items():
            setattr(question, name, value)
        question.full_clean(exclude=["program"])
        question.save()
        kept.add(question.pk)
    removed = set(existing) - kept
    if removed & answered:
        raise ValidationError(
            {"questions": _("An answered question cannot be removed; deactivate the program instead.")}
        )
    SurveyQuestion.objects.filter(pk__in=removed).delete()
