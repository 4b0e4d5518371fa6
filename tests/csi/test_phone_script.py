"""The CSI program as the agent's script on the desk's callback page (followups/csi/phone.py)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from followups.choices import CallbackResult, CallbackStatus, RatingSource, SurveyChannel
from followups.csi_models import SurveyAnswer, SurveyResponse
from followups.models import CallbackAttempt, SatisfactionRating
from tests.csi.factories_csi import due_visit, repair_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return repair_program(channels=[SurveyChannel.PHONE])


def _answers(questions, **given) -> dict:
    values = {"reception": 3, "quality": 5, "price": "not_asked", "overall": 5} | given
    return {f"csi-q_{questions[key].pk}": value for key, value in values.items() if value is not None}


def _post(client, visit, data):
    return client.post(reverse("followups:attempt", args=[visit.pk]), data)


def test_the_call_page_reads_out_the_programs_questions(client, agent, program, django_assert_num_queries):
    _program, questions = program
    visit = due_visit()
    client.force_login(agent)
    url = reverse("followups:callback", args=[visit.pk])
    # user, roles, the visit, its attempts, the complaint classes, the programs, the questions
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(7):
        response = client.get(url)
    html = response.content.decode()
    assert 'id="csi-script"' in html
    assert f'name="csi-q_{questions["reception"].pk}"' in html
    assert "How were you received?" in html
    assert 'name="score_attitude"' not in html


def test_a_program_for_the_link_only_leaves_the_four_scores_on_the_phone(client, agent):
    repair_program(channels=[SurveyChannel.SMS])
    visit = due_visit()
    client.force_login(agent)
    html = client.get(reverse("followups:callback", args=[visit.pk])).content.decode()
    assert 'name="score_attitude"' in html
    assert 'id="csi-script"' not in html


def test_the_agent_records_the_answers(client, agent, program):
    _program, questions = program
    visit = due_visit()
    client.force_login(agent)
    data = _answers(questions) | {"result": CallbackResult.REACHED, "comment": "Happy.", "note": "Called at 10."}
    response = _post(client, visit, data)
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == CallbackStatus.DONE
    saved = SurveyResponse.objects.get(visit=visit)
    # (1×50 + 2×100 + 2×100) / 5 = 90: the price option "no charge" is not scored
    assert (saved.channel, saved.answered_by, saved.csi) == (SurveyChannel.PHONE, agent, Decimal("90.00"))
    assert SurveyAnswer.objects.filter(response=saved).count() == 4
    attempt = CallbackAttempt.objects.get(visit=visit)
    assert (attempt.result, attempt.by, attempt.note) == (CallbackResult.REACHED, agent, "Called at 10.")
    rating = SatisfactionRating.objects.get(ticket=visit.ticket)
    assert (rating.score, rating.source, rating.comment, rating.low_contact_point) == (
        5,
        RatingSource.CALLBACK,
        "Happy.",
        False,
    )


def test_missing_answers_come_back_on_their_questions(client, agent, program):
    _program, questions = program
    visit = due_visit()
    client.force_login(agent)
    response = _post(client, visit, _answers(questions, quality=None, overall=9) | {"result": CallbackResult.REACHED})
    assert response.status_code == 400
    script = response.context["csi_script"]
    assert script.errors == {
        f"q_{questions['quality'].pk}": ["Please answer this question."],
        f"q_{questions['overall'].pk}": ["Choose from 1 to 5."],
    }
    visit.refresh_from_db()
    assert visit.status == CallbackStatus.DUE
    assert not CallbackAttempt.objects.exists()
    assert not SurveyResponse.objects.exists()


def test_a_call_that_did_not_reach_the_customer_asks_nothing(client, agent, program):
    visit = due_visit()
    client.force_login(agent)
    response = _post(client, visit, {"result": CallbackResult.NO_ANSWER})
    assert response.status_code == 302
    assert CallbackAttempt.objects.get(visit=visit).result == CallbackResult.NO_ANSWER
    assert not SurveyResponse.objects.exists()
