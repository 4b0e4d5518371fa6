"""Which program a ticket gets (followups/csi/programs.py) and the program's write path."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales.roles import Role
from followups.choices import SurveyChannel
from followups.csi.programs import program_for, program_save
from followups.csi.services import survey_response_record
from followups.csi_models import SurveyQuestion
from tests import factories
from tests.csi.factories_csi import SurveyProgramFactory, SurveyQuestionFactory, due_visit, repair_program
from tickets.choices import Kind

pytestmark = pytest.mark.django_db


def test_no_program_leaves_the_fixed_survey(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert program_for(Kind.REPAIR, SurveyChannel.SMS) is None


def test_the_highest_priority_match_wins_and_its_questions_come_in_order(django_assert_num_queries):
    everything = SurveyProgramFactory(code="all", priority=1)
    repairs_by_sms = SurveyProgramFactory(code="repair-sms", ticket_kinds=["repair"], channels=["sms"], priority=5)
    SurveyProgramFactory(code="inactive", priority=9, is_active=False)
    SurveyProgramFactory(code="installs", ticket_kinds=["installation"], priority=8)
    second = SurveyQuestionFactory(program=repairs_by_sms, order=2)
    first = SurveyQuestionFactory(program=repairs_by_sms, order=1)
    with django_assert_num_queries(2):
        chosen = program_for(Kind.REPAIR, SurveyChannel.SMS)
    assert chosen == repairs_by_sms
    assert chosen.ordered_questions == [first, second]
    assert program_for(Kind.REPAIR, SurveyChannel.EMAIL) == everything
    assert program_for(Kind.REPAIR, SurveyChannel.PHONE) == everything
    assert program_for(Kind.INSTALLATION, SurveyChannel.PHONE).code == "installs"


def test_equal_priorities_go_by_code():
    SurveyProgramFactory(code="b-program", priority=3)
    SurveyProgramFactory(code="a-program", priority=3)
    assert program_for(Kind.MAINTENANCE, SurveyChannel.PHONE).code == "a-program"


@pytest.fixture
def hq():
    return factories.UserFactory(roles=[Role.MANAGER])


def _question(**kwargs):
    return {"contact_point": "overall", "kind": "scale", "text": "Overall?", "weight": Decimal(1)} | kwargs


def test_a_program_is_saved_with_its_questions(hq):
    program = program_save(
        program=None,
        data={
            "code": "phone-repairs",
            "name": "Repairs",
            "ticket_kinds": ["repair"],
            "channels": ["phone"],
            "questions": [
                _question(order=1),
                _question(
                    order=2,
                    kind="choice",
                    contact_point="price_transparency",
                    options=[{"value": "yes", "label": "Yes", "score": 5}, {"value": "na", "label": "N/A"}],
                ),
                _question(order=3, kind="text", weight=Decimal(3), required=False),
            ],
        },
        by=hq,
    )
    rows = list(program.questions.order_by("order").values_list("kind", "weight", "options"))
    assert rows == [
        ("scale", Decimal("1.00"), []),
        (
            "choice",
            Decimal("1.00"),
            [
                {"value": "yes", "label": "Yes", "label_zh": "", "score": 5},
                {"value": "na", "label": "N/A", "label_zh": "", "score": None},
            ],
        ),
        ("text", Decimal("0.00"), []),  # free text is never scored
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"ticket_kinds": ["washing"]}, "ticket_kinds"),
        ({"channels": ["fax"]}, "channels"),
        ({"questions": []}, "questions"),
        ({"questions": [_question(kind="choice")]}, "questions.0.options"),
        ({"questions": [_question(options=[{"value": "a", "label": "A"}])]}, "questions.0.options"),
        (
            {"questions": [_question(kind="choice", options=[{"value": "a", "label": "A", "score": 6}])]},
            "questions.0.options",
        ),
        (
            {
                "questions": [
                    _question(kind="choice", options=[{"value": "a", "label": "A"}, {"value": "a", "label": "B"}])
                ]
            },
            "questions.0.options",
        ),
    ],
)
def test_bad_programs_are_refused_on_their_field(hq, data, field):
    with pytest.raises(ValidationError) as caught:
        program_save(program=None, data={"code": "bad", "name": "Bad", "questions": [_question()]} | data, by=hq)
    assert field in caught.value.message_dict


def test_a_provider_manager_cannot_change_programs():
    provider_manager = factories.UserFactory(roles=[Role.MANAGER], provider=factories.ServiceProviderFactory())
    with pytest.raises(PermissionDenied):
        program_save(program=None, data={"code": "x", "name": "X"}, by=provider_manager)


def test_an_answered_question_stays(hq):
    program, questions = repair_program()
    survey_response_record(
        visit=due_visit(),
        program=program,
        channel=SurveyChannel.SMS,
        answers={q.pk: 5 for key, q in questions.items() if key in ("reception", "quality", "overall")}
        | {questions["price"].pk: "clear"},
    )
    kept = [
        {"id": q.pk, **_question(kind=q.kind, options=q.options)} for key, q in questions.items() if key != "reception"
    ]
    with pytest.raises(ValidationError) as caught:
        program_save(program=program, data={"questions": kept}, by=hq)
    assert "questions" in caught.value.message_dict
    assert SurveyQuestion.objects.filter(pk=questions["reception"].pk).exists()
