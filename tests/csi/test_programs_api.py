"""``/api/survey-programs/``: staff read, headquarters' managers write, questions nested."""

import pytest

from aftersales.roles import Role
from followups.csi_models import SurveyProgram, SurveyQuestion
from tests import factories
from tests.api.conftest import client_for
from tests.csi.factories_csi import repair_program

pytestmark = pytest.mark.django_db

BODY = {
    "code": "repairs-phone",
    "name": "Repairs on the phone",
    "name_zh": "维修电话回访",
    "ticket_kinds": ["repair"],
    "channels": ["phone"],
    "priority": 3,
    "questions": [
        {"order": 1, "contact_point": "reception", "kind": "scale", "text": "Reception?", "text_zh": "接待？"},
        {
            "order": 2,
            "contact_point": "price_transparency",
            "kind": "choice",
            "text": "Price clear?",
            "weight": "2.00",
            "options": [{"value": "yes", "label": "Yes", "label_zh": "是", "score": 5}, {"value": "no", "label": "No"}],
        },
    ],
}


@pytest.fixture
def hq():
    return client_for(factories.UserFactory(roles=[Role.MANAGER]))


def test_headquarters_creates_a_program_with_its_questions(hq):
    answer = hq.post("/api/survey-programs/", BODY, format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["code"], body["ticket_kinds"], body["channels"], body["priority"]) == (
        "repairs-phone",
        ["repair"],
        ["phone"],
        3,
    )
    assert [(q["kind"], q["weight"], q["options"]) for q in body["questions"]] == [
        ("scale", "1.00", []),
        (
            "choice",
            "2.00",
            [
                {"value": "yes", "label": "Yes", "label_zh": "是", "score": 5},
                {"value": "no", "label": "No", "label_zh": "", "score": None},
            ],
        ),
    ]
    assert SurveyQuestion.objects.filter(program__code="repairs-phone").count() == 2


def test_a_change_replaces_the_questions(hq):
    program, questions = repair_program()
    kept = questions["overall"]
    answer = hq.patch(
        f"/api/survey-programs/{program.pk}/",
        {"questions": [{"id": kept.pk, "contact_point": "overall", "kind": "scale", "text": "All in all?"}]},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert list(program.questions.values_list("pk", "text")) == [(kept.pk, "All in all?")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channels": ["fax"]}, "channels"),
        ({"questions": []}, "questions"),
        ({"questions": [{"contact_point": "overall", "kind": "choice", "text": "?"}]}, "questions.0.options"),
        ({"questions": [{"contact_point": "lobby", "kind": "scale", "text": "?"}]}, "questions.0.contact_point"),
    ],
)
def test_bad_programs_are_400_on_their_field(hq, change, field):
    answer = hq.post("/api/survey-programs/", BODY | change | {"code": "bad"}, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert not SurveyProgram.objects.filter(code="bad").exists()


def test_staff_read_and_only_headquarters_write(django_assert_num_queries):
    program, _questions = repair_program()
    agent = client_for(factories.UserFactory(roles=[Role.AGENT]))
    agent.get("/api/survey-programs/")
    # the token with its user, the roles, the programs, their questions
    with django_assert_num_queries(3):
        answer = agent.get("/api/survey-programs/")
    assert answer.status_code == 200
    assert [p["code"] for p in answer.json()["results"]] == [program.code]
    assert len(answer.json()["results"][0]["questions"]) == 5
    assert agent.get(f"/api/survey-programs/{program.pk}/").status_code == 200
    assert agent.post("/api/survey-programs/", BODY, format="json").status_code == 403
    provider_manager = client_for(
        factories.UserFactory(roles=[Role.MANAGER], provider=factories.ServiceProviderFactory())
    )
    assert provider_manager.post("/api/survey-programs/", BODY, format="json").status_code == 403
    assert not SurveyProgram.objects.filter(code="repairs-phone").exists()


def test_a_missing_program_is_404(hq):
    assert hq.get("/api/survey-programs/999999/").status_code == 404
    assert hq.get(f"/api/survey-programs/{10**20}/").status_code == 404
