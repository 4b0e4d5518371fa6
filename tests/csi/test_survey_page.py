"""The survey link asks the CSI program of the ticket's kind and the link's channel (followups/csi/,
docs/csi.md#recording): the page, its errors, the answers recorded, and the link's attacks."""

import time
from decimal import Decimal
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from followups.choices import CallbackStatus, RatingSource, SurveyChannel
from followups.csi_models import SurveyAnswer, SurveyResponse
from followups.messages import survey_url_for
from followups.models import CallbackAttempt, SatisfactionRating
from followups.survey.links import SALT, survey_token
from tests import factories
from tests.csi.factories_csi import due_visit, repair_program
from tickets.choices import Kind, Status
from tickets.services import ticket_create, ticket_record_resolution, ticket_transition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def program():
    return repair_program(channels=[SurveyChannel.SMS])


def _url(visit, channel=SurveyChannel.SMS) -> str:
    return reverse("survey:answer", args=[survey_token(visit, channel)])


def _answers(questions, **given) -> dict:
    values = {"reception": 5, "quality": 4, "price": "clear", "overall": 4, "comment": "Quick and tidy."} | given
    return {f"q_{questions[key].pk}": value for key, value in values.items() if value is not None}


def _nothing_recorded(visit):
    visit.refresh_from_db()
    assert visit.status == CallbackStatus.DUE
    assert not CallbackAttempt.objects.filter(visit=visit).exists()
    assert not SatisfactionRating.objects.filter(ticket=visit.ticket).exists()
    assert not SurveyResponse.objects.filter(visit=visit).exists()


def test_the_sms_link_asks_the_program_in_the_customers_language(client, program, django_assert_num_queries):
    _program, questions = program
    visit = due_visit(language="zh-hans")
    # the visit with its ticket, customer and product; the programs; the chosen program's questions
    with django_assert_num_queries(3):
        response = client.get(_url(visit))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("接待如何？", "维修质量如何？", "您何时知道价格？", "事先清楚", "最后才知道", "其他意见？"):
        assert text in html
    assert "How were you received?" not in html
    assert f'name="q_{questions["reception"].pk}"' in html
    assert 'name="score_attitude"' not in html
    assert visit.ticket.reference in html
    assert '<meta name="viewport"' in html


def test_an_email_link_keeps_the_fixed_survey_when_the_program_is_for_sms(client, program):
    visit = due_visit()
    html = client.get(_url(visit, SurveyChannel.EMAIL)).content.decode()
    assert 'name="score_overall"' in html
    assert "How were you received?" not in html


def test_the_link_sent_names_the_customers_channel(client, program):
    visit = due_visit()
    visit.customer.preferred_channel = "sms"
    visit.customer.save()
    html = client.get(urlsplit(survey_url_for(visit)).path).content.decode()
    assert "How were you received?" in html


def test_the_answers_are_recorded_with_their_csi(client, program):
    _program, questions = program
    visit = due_visit()
    response = client.post(_url(visit), _answers(questions))
    assert response.status_code == 200
    assert "followups/survey_thanks.html" in [t.name for t in response.templates]
    visit.refresh_from_db()
    assert visit.status == CallbackStatus.DONE
    assert visit.score_overall == 4
    saved = SurveyResponse.objects.get(visit=visit)
    # (1×100 + 2×75 + 1×100 + 2×75) / 6 = 83.33; the comment is not scored
    assert (saved.channel, saved.csi, saved.answered_by, saved.ticket) == (
        SurveyChannel.SMS,
        Decimal("83.33"),
        None,
        visit.ticket,
    )
    answers = {a.question_id: (a.contact_point, a.score, a.choice, a.text) for a in SurveyAnswer.objects.all()}
    assert answers == {
        questions["reception"].pk: ("reception", 5, "", ""),
        questions["quality"].pk: ("repair_quality", 4, "", ""),
        questions["price"].pk: ("price_transparency", 5, "clear", ""),
        questions["overall"].pk: ("overall", 4, "", ""),
        questions["comment"].pk: ("overall", None, "", "Quick and tidy."),
    }
    rating = SatisfactionRating.objects.get(ticket=visit.ticket)
    assert (rating.score, rating.source, rating.low_contact_point) == (4, RatingSource.SURVEY, False)


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"reception": None}, "reception", "Please answer this question."),
        ({"quality": 7}, "quality", "Choose from 1 to 5."),
        ({"quality": "five"}, "quality", "Choose from 1 to 5."),
        ({"price": "free"}, "price", "Choose one of the answers."),
    ],
)
def test_bad_answers_are_field_errors_and_nothing_is_recorded(client, program, given, field, message):
    _program, questions = program
    visit = due_visit()
    response = client.post(_url(visit), _answers(questions, **given))
    assert response.status_code == 400
    assert response.context["form"].errors[f"q_{questions[field].pk}"] == [message]
    _nothing_recorded(visit)


def test_a_complaint_needs_its_comment(client, program):
    _program, questions = program
    visit = due_visit()
    response = client.post(_url(visit), _answers(questions) | {"raised_complaint": "on"})
    assert response.status_code == 400
    assert response.context["form"].errors["comment"] == ["Tell us what went wrong, so that we can put it right."]
    _nothing_recorded(visit)


def test_the_link_is_single_use(client, program):
    _program, questions = program
    visit = due_visit()
    url = _url(visit)
    assert client.post(url, _answers(questions)).status_code == 200
    again = client.post(url, _answers(questions, overall=1))
    assert again.status_code == 410
    assert SurveyResponse.objects.count() == 1
    assert SatisfactionRating.objects.get().score == 4
    assert client.get(url).status_code == 410


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda visit: survey_token(visit)[:-2] + "xx", id="altered"),
        pytest.param(lambda visit: signing.dumps({"visit": visit.pk, "channel": "sms"}, salt="other"), id="other-salt"),
    ],
)
def test_a_wrong_link_shows_nothing_and_records_nothing(client, program, token):
    _program, questions = program
    visit = due_visit()
    url = reverse("survey:answer", args=[token(visit)])
    response = client.post(url, _answers(questions))
    assert response.status_code == 404
    assert visit.ticket.reference not in response.content.decode()
    _nothing_recorded(visit)


def test_an_expired_link_records_nothing(client, program):
    _program, questions = program
    visit = due_visit()
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 15 * 86400):
        url = _url(visit)
    response = client.post(url, _answers(questions))
    assert response.status_code == 410
    _nothing_recorded(visit)


def test_another_tickets_link_answers_only_its_own_ticket(client, program):
    """A customer holding the link of one request cannot answer for another one: the visit is in
    the signed payload, and changing it breaks the signature."""
    _program, questions = program
    mine, theirs = due_visit(), due_visit()
    payload, signature = survey_token(mine, SurveyChannel.SMS).rsplit(":", 1)
    forged = signing.dumps({"visit": theirs.pk, "channel": "sms"}, salt=SALT).rsplit(":", 1)[0] + ":" + signature
    assert client.post(reverse("survey:answer", args=[forged]), _answers(questions)).status_code == 404
    _nothing_recorded(theirs)
    assert client.post(_url(mine), _answers(questions)).status_code == 200
    assert SurveyResponse.objects.get().ticket == mine.ticket
    _nothing_recorded(theirs)


def _resolved_consultation(agent):
    customer = factories.CustomerFactory(preferred_language="en")
    unit = factories.ProductUnitFactory(owner=customer)
    ticket = ticket_create(
        customer=customer, unit=unit, kind=Kind.CONSULTATION, channel="phone", description="?", by=agent
    )
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent)
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Explained.")
    ticket = ticket_transition(ticket=ticket, move="resolve", by=agent)
    return ticket, ticket.callbacks.get()


def test_a_low_overall_answer_reopens_the_case_as_the_fixed_survey_does(client, agent):
    _program, questions = repair_program(ticket_kinds=[], channels=[])
    ticket, visit = _resolved_consultation(agent)
    response = client.post(_url(visit, SurveyChannel.EMAIL), _answers(questions, overall=1))
    assert response.status_code == 200
    ticket.refresh_from_db()
    visit.refresh_from_db()
    assert ticket.status == Status.REOPENED
    assert visit.complaint_ticket is not None
    assert SatisfactionRating.objects.get(ticket=ticket).score == 1


def test_a_low_contact_point_flags_the_rating_without_reopening(client, agent):
    _program, questions = repair_program(ticket_kinds=[], channels=[])
    ticket, visit = _resolved_consultation(agent)
    client.post(_url(visit, SurveyChannel.EMAIL), _answers(questions, reception=2, overall=4))
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.score, rating.low_contact_point) == (4, True)
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
