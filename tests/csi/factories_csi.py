"""Factories and helpers for the CSI programs' tests."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from followups.callbacks.services import schedule
from followups.choices import CallbackKind, ContactPoint, QuestionKind
from followups.csi_models import SurveyProgram, SurveyQuestion
from followups.models import CallbackVisit
from tests import factories
from tickets.choices import Kind, Status


class SurveyProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyProgram

    code = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")
    name_zh = factory.Sequence(lambda n: f"问卷{n}")


class SurveyQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    program = factory.SubFactory(SurveyProgramFactory)
    order = factory.Sequence(lambda n: n)
    contact_point = ContactPoint.OVERALL
    kind = QuestionKind.SCALE
    text = factory.Sequence(lambda n: f"Question {n}?")
    weight = Decimal("1")


PRICE_OPTIONS = [
    {"value": "clear", "label": "Clear before the work", "label_zh": "事先清楚", "score": 5},
    {"value": "unclear", "label": "Only at the end", "label_zh": "最后才知道", "score": 2},
    {"value": "not_asked", "label": "No charge", "label_zh": "免费", "score": None},
]


def repair_program(**kwargs) -> tuple[SurveyProgram, dict[str, SurveyQuestion]]:
    """The program of the hand-computed examples (docs/csi.md): reception ×1, repair quality ×2,
    price transparency (a choice) ×1, overall ×2, and a free-text comment that is never scored."""
    program = SurveyProgramFactory(**({"ticket_kinds": [Kind.REPAIR]} | kwargs))

    def question(key, order, point, kind, text, text_zh, weight, **extra):
        return key, SurveyQuestionFactory(
            program=program,
            order=order,
            contact_point=point,
            kind=kind,
            text=text,
            text_zh=text_zh,
            weight=Decimal(weight),
            **extra,
        )

    questions = dict(
        [
            question(
                "reception", 1, ContactPoint.RECEPTION, QuestionKind.SCALE, "How were you received?", "接待如何？", 1
            ),
            question(
                "quality", 2, ContactPoint.REPAIR_QUALITY, QuestionKind.SCALE, "Was it fixed well?", "维修质量如何？", 2
            ),
            question(
                "price",
                3,
                ContactPoint.PRICE_TRANSPARENCY,
                QuestionKind.CHOICE,
                "When did you know the price?",
                "您何时知道价格？",
                1,
                options=PRICE_OPTIONS,
            ),
            question("overall", 4, ContactPoint.OVERALL, QuestionKind.SCALE, "Overall?", "总体满意度？", 2),
            question(
                "comment", 5, ContactPoint.OVERALL, QuestionKind.TEXT, "Anything else?", "其他意见？", 0, required=False
            ),
        ]
    )
    return program, questions


def due_visit(*, station=None, model=None, kind=Kind.REPAIR, customer=None, language="en") -> CallbackVisit:
    """A resolved ticket's after-service callback still to make (rows as the services leave them)."""
    customer = customer or factories.CustomerFactory(preferred_language=language)
    unit = factories.ProductUnitFactory(owner=customer, **({"model": model} if model else {}))
    ticket = factories.TicketFactory(
        kind=kind,
        customer=customer,
        unit=unit,
        status=Status.RESOLVED,
        station=station,
        provider=station.provider if station else None,
        resolved_at=timezone.now(),
    )
    return schedule(
        kind=CallbackKind.AFTER_SERVICE,
        customer=customer,
        ticket=ticket,
        unit=unit,
        due_at=timezone.now() + dt.timedelta(hours=72),
        dedupe_key=f"after_service:{ticket.pk}:0",
    )
