"""Recording a CSI program's answers: the survey link's and the agent's phone script's one write
path (docs/csi.md#recording).

The answers settle the callback exactly as the fixed survey does, through
``followups.callbacks.services.record_attempt`` (so a low overall rating or a complaint reopens
the case and opens a complaint as before), and leave one rating row where the dissatisfaction
rate reads it: its score is the overall question's (docs/csi.md#the-rating-it-leaves), and it
counts as dissatisfied when any contact point was answered 1–2 (``low_contact_point``).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Customer
from followups.callbacks.services import record_attempt
from followups.choices import CallbackResult, ContactPoint, QuestionKind, RatingSource, SurveyChannel
from followups.csi import rules
from followups.csi_models import SurveyAnswer, SurveyProgram, SurveyQuestion, SurveyResponse
from followups.models import CallbackVisit
from followups.ratings import is_dissatisfied
from tickets.models import FaultCategory

MAX_TEXT = 2000


def field_name(question: SurveyQuestion) -> str:
    """The form and error field of a question's answer."""
    return f"q_{question.pk}"


@dataclass(frozen=True)
class Answer:
    question: SurveyQuestion
    score: int | None = None
    choice: str = ""
    text: str = ""


def option_score(question: SurveyQuestion, value: str) -> int | None:
    return next((option.get("score") for option in question.options if option.get("value") == value), None)


def clean_answers(questions: list[SurveyQuestion], given: dict[int, Any]) -> list[Answer]:
    """The answers to ``questions`` from ``given`` (question id → the scale's 1–5, the chosen
    option's value, or the text), checked: every required question answered, a scale 1 to 5, a
    choice one of the question's options. Errors are on each question's field."""
    errors: dict[str, str] = {}
    answers = []
    for question in questions:
        value = given.get(question.pk)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, ""):
            if question.required:
                errors[field_name(question)] = _("Please answer this question.")
            continue
        if question.kind == QuestionKind.SCALE:
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
                errors[field_name(question)] = _("Choose from 1 to 5.")
                continue
            answers.append(Answer(question, score=value))
        elif question.kind == QuestionKind.CHOICE:
            if not isinstance(value, str) or all(option.get("value") != value for option in question.options):
                errors[field_name(question)] = _("Choose one of the answers.")
                continue
            answers.append(Answer(question, score=option_score(question, value), choice=value))
        else:
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                errors[field_name(question)] = _("Write at most %(count)s characters.") % {"count": MAX_TEXT}
                continue
            answers.append(Answer(question, text=value))
    if errors:
        raise ValidationError(errors)
    return answers


def overall_score(answers: list[Answer]) -> int | None:
    """The score of the first scored answer about the service overall."""
    return next(
        (a.score for a in answers if a.question.contact_point == ContactPoint.OVERALL and a.score is not None), None
    )


@transaction.atomic
def survey_response_record(
    *,
    visit: CallbackVisit,
    program: SurveyProgram,
    channel: str,
    answers: dict[int, Any],
    comment: str = "",
    raised_complaint: bool = False,
    by: AbstractBaseUser | None = None,
    customer: Customer | None = None,
    note: str = "",
    complaint_class: FaultCategory | None = None,
    at: dt.datetime | None = None,
) -> SurveyResponse:
    """Record a reached customer's answers to ``program`` on ``visit``: the callback is settled
    (single use: a visit no longer due refuses), the response stores its CSI (docs/csi.md), each
    answer its contact point, and the rating row its overall score and whether a contact point
    was answered 1–2. ``by`` is the agent on the phone; None when the customer answered a link.
    ``at``: when the call was made, for a call entered afterwards (as ``record_attempt`` takes it)."""
    if channel not in SurveyChannel.values:
        raise ValidationError({"channel": _("Choose how the survey was answered.")})
    questions = getattr(program, "ordered_questions", None) or list(program.questions.order_by("order", "pk"))
    cleaned = clean_answers(questions, answers)
    csi = rules.response_csi(rules.ScoredAnswer(a.question.weight, a.score) for a in cleaned)
    # Any contact point answered 1–2 makes the response dissatisfied (followups/ratings.py decides).
    low = any(is_dissatisfied(score=a.score, raised_complaint=False) for a in cleaned)
    rating = rules.rating_score(overall=overall_score(cleaned), csi=csi)
    visit = record_attempt(
        visit=visit,
        result=CallbackResult.REACHED,
        by=by,
        note=note,
        scores={"score_overall": rating},
        comment=comment,
        raised_complaint=raised_complaint,
        source=RatingSource.CALLBACK if channel == SurveyChannel.PHONE else RatingSource.SURVEY,
        customer=customer,
        complaint_class=complaint_class,
        low_contact_point=low,
        at=at,
    )
    response = SurveyResponse.objects.create(
        program=program, visit=visit, ticket=visit.ticket, channel=channel, csi=csi, answered_by=by
    )
    if at is not None:
        SurveyResponse.objects.filter(pk=response.pk).update(created_at=at)
        response.created_at = at
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            response=response,
            question=a.question,
            contact_point=a.question.contact_point,
            score=a.score,
            choice=a.choice,
            text=a.text,
        )
        for a in cleaned
    )
    return response
