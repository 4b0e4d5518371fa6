"""The emailed after-service survey: the signed link, the page, and the resolved email (issue 5 point 6)."""

import datetime as dt
import re
import threading
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.urls import reverse

from followups.callbacks.services import record_attempt
from followups.choices import CallbackKind, CallbackResult, CallbackStatus, RatingSource
from followups.messages import survey_url_for
from followups.models import CallbackAttempt, CallbackVisit, SatisfactionRating
from followups.survey.links import (
    MAX_AGE,
    SALT,
    SurveyAlreadyAnswered,
    SurveyAnsweredOnPhone,
    SurveyLinkExpired,
    SurveyLinkInvalid,
    SurveyUnavailable,
    survey_token,
    visit_for_token,
)
from notifications.sms.locmem import outbox as sms_outbox
from tests import factories
from tickets.choices import EventKind, Kind, Status
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_create, ticket_record_resolution, ticket_transition

pytestmark = pytest.mark.django_db

SITE = "https://service.example.com"
ANSWERED = "This survey has already been answered. Thank you!"
ON_THE_PHONE = (
    "You already gave us your rating on the phone, so there is nothing more to fill in. Thank you for your time!"
)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def _resolve(agent, *, email="li.na@example.com", channel="email"):
    """A consultation resolved at the desk through the services: its after-service callback is due.
    The customer is reached by email (confirmed) unless ``channel`` says SMS."""
    customer = factories.CustomerFactory(
        name="Li Na",
        phone="+8613812345678",
        email=email,
        email_verified=True,
        preferred_channel=channel,
        preferred_language="en",
    )
    unit = factories.ProductUnitFactory(owner=customer, serial="SN-42")
    ticket = ticket_create(
        customer=customer, unit=unit, kind=Kind.CONSULTATION, channel="phone", description="How to descale?", by=agent
    )
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent)
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Explained descaling.")
    ticket = ticket_transition(ticket=ticket, move="resolve", by=agent)
    return ticket, CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE)


@pytest.fixture
def resolved(agent):
    return _resolve(agent)


def _url(visit) -> str:
    return reverse("survey:answer", args=[survey_token(visit)])


def _nothing_recorded(ticket, visit, events_before):
    visit.refresh_from_db()
    ticket.refresh_from_db()
    assert visit.status == CallbackStatus.DUE
    assert not CallbackAttempt.objects.filter(visit=visit).exists()
    assert not SatisfactionRating.objects.filter(ticket=ticket).exists()
    assert ticket.status == Status.RESOLVED
    assert ticket.events.count() == events_before


# --- the token ---------------------------------------------------------------------------------


def test_a_token_leads_back_to_its_visit(resolved, django_assert_num_queries):
    ticket, visit = resolved
    token = survey_token(visit)
    with django_assert_num_queries(1):
        found = visit_for_token(token)
        assert (found, found.ticket, found.unit.model.display_name) == (visit, ticket, "Drum washer")


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), id="signature-altered"),
        pytest.param(lambda t: t[: len(t) // 2], id="cut"),
        pytest.param(lambda t: "not-a-token", id="garbage"),
        pytest.param(lambda t: signing.dumps({"visit": 1}, salt="aftersales.other"), id="other-salt"),
        pytest.param(lambda t: signing.dumps([1], salt=SALT), id="not-a-dict"),
        pytest.param(lambda t: signing.dumps({"visit": "1"}, salt=SALT), id="not-an-id"),
        pytest.param(lambda t: signing.dumps({"visit": 10**9}, salt=SALT), id="no-such-visit"),
    ],
)
def test_a_bad_token_is_refused(resolved, make_token):
    _, visit = resolved
    with pytest.raises(SurveyLinkInvalid):
        visit_for_token(make_token(survey_token(visit)))


def test_a_visit_without_a_ticket_has_no_survey():
    visit = CallbackVisit.objects.create(
        kind=CallbackKind.MAINTENANCE,
        customer=factories.CustomerFactory(),
        due_at=dt.datetime(2026, 3, 5, tzinfo=dt.UTC),
        dedupe_key="maintenance:test",
    )
    with pytest.raises(SurveyLinkInvalid):
        visit_for_token(survey_token(visit))


def _signed_days_ago(visit, days):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - days * 86400):
        return survey_token(visit)


def test_a_token_expires_after_two_weeks(resolved):
    _, visit = resolved
    assert MAX_AGE == dt.timedelta(days=14)
    assert visit_for_token(_signed_days_ago(visit, 13)) == visit
    with pytest.raises(SurveyLinkExpired):
        visit_for_token(_signed_days_ago(visit, 15))
    with pytest.raises(SurveyLinkExpired):
        visit_for_token(_signed_days_ago(visit, 2), max_age=dt.timedelta(days=1))


def test_a_token_is_single_use_whoever_settled_the_visit(resolved, agent):
    _, visit = resolved
    token = survey_token(visit)
    record_attempt(visit=visit, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 4})
    with pytest.raises(SurveyAnsweredOnPhone, match=re.escape(ON_THE_PHONE)):
        visit_for_token(token)


def test_a_token_answered_through_the_survey_is_used(resolved):
    _, visit = resolved
    token = survey_token(visit)
    record_attempt(
        visit=visit, result=CallbackResult.REACHED, by=None, scores={"score_overall": 4}, source=RatingSource.SURVEY
    )
    with pytest.raises(SurveyAlreadyAnswered, match=re.escape(ANSWERED)) as caught:
        visit_for_token(token)
    assert type(caught.value) is SurveyAlreadyAnswered


def test_a_call_that_did_not_reach_the_customer_leaves_the_survey_open(resolved, agent):
    _, visit = resolved
    record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent)
    assert visit_for_token(survey_token(visit)) == visit


@pytest.mark.parametrize("status", [CallbackStatus.UNREACHABLE, CallbackStatus.CANCELLED])
def test_a_visit_settled_without_an_answer_closes_the_survey(resolved, status):
    _, visit = resolved
    CallbackVisit.objects.filter(pk=visit.pk).update(status=status)
    with pytest.raises(SurveyUnavailable) as caught:
        visit_for_token(survey_token(visit))
    assert type(caught.value) is SurveyUnavailable


# --- the page --------------------------------------------------------------------------------------


def test_the_page_shows_the_request_and_the_four_ratings(client, resolved, django_assert_num_queries):
    ticket, visit = resolved
    url = _url(visit)
    # the visit with its ticket, customer and product; the CSI programs (none applies)
    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert ticket.reference in html
    assert "Drum washer" in html
    for name in ("score_attitude", "score_punctuality", "score_quality", "score_overall"):
        assert html.count(f'name="{name}"') == 5
    assert 'name="comment"' in html
    assert 'name="raised_complaint"' in html
    assert "I want to make a complaint" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_satisfied_answer_settles_the_visit_like_a_call(client, resolved, agent, django_capture_on_commit_callbacks):
    ticket, visit = resolved
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(visit),
            {
                "score_attitude": "5",
                "score_punctuality": "4",
                "score_quality": "5",
                "score_overall": "5",
                "comment": "  Quick and clean.  ",
            },
        )

    assert response.status_code == 200
    assert "Thank you for your answer" in response.content.decode()
    visit.refresh_from_db()
    assert (visit.status, visit.score_attitude, visit.score_punctuality, visit.score_quality, visit.score_overall) == (
        CallbackStatus.DONE,
        5,
        4,
        5,
        5,
    )
    assert (visit.comment, visit.raised_complaint, visit.complaint_ticket, visit.completed_at is not None) == (
        "Quick and clean.",
        False,
        None,
        True,
    )
    (attempt,) = visit.attempts.all()
    assert (attempt.result, attempt.by) == (CallbackResult.REACHED, None)
    (rating,) = SatisfactionRating.objects.filter(ticket=ticket)
    assert (rating.source, rating.score, rating.comment, rating.raised_complaint) == (
        RatingSource.SURVEY,
        5,
        "Quick and clean.",
        False,
    )
    event = ticket.events.get(kind=EventKind.CALLBACK)
    assert (event.actor, event.data["source"], event.data["status"]) == (None, RatingSource.SURVEY, CallbackStatus.DONE)
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    # No-leak 3 is satisfied: the desk may verify the case now.
    assert ticket_transition(ticket=ticket, move="verify", by=agent).status == Status.VERIFIED
    assert client.get(_url(visit)).status_code == 410


def test_a_dissatisfied_answer_reopens_the_case_opens_a_complaint_and_tells_the_managers(
    client, resolved, manager, django_capture_on_commit_callbacks
):
    ticket, visit = resolved
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(visit), {"score_overall": "2", "comment": "The noise is back."})

    assert response.status_code == 200
    visit.refresh_from_db()
    ticket.refresh_from_db()
    complaint = visit.complaint_ticket
    assert (visit.status, visit.score_overall) == (CallbackStatus.DONE, 2)
    assert ticket.status == Status.REOPENED
    reopen = ticket.events.get(kind=EventKind.STATUS, to_status=Status.REOPENED)
    assert (reopen.actor, reopen.data) == (None, {"move": "customer_reopen", "by": "customer"})
    assert (complaint.kind, complaint.channel, complaint.customer) == (Kind.COMPLAINT, "web", ticket.customer)
    assert "The noise is back." in complaint.description
    assert SatisfactionRating.objects.get(ticket=ticket).source == RatingSource.SURVEY
    html = response.content.decode()
    assert complaint.reference in html
    assert "a manager will contact you" in html
    to_manager = [m for m in mail.outbox if m.to == [manager.email]]
    assert len(to_manager) == 1
    assert complaint.reference in to_manager[0].body


def test_a_complaint_reopens_the_case_whatever_the_rating(client, resolved, django_capture_on_commit_callbacks):
    ticket, visit = resolved
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(visit), {"score_overall": "4", "raised_complaint": "on", "comment": "The technician was rude."}
        )
    assert response.status_code == 200
    visit.refresh_from_db()
    ticket.refresh_from_db()
    assert (visit.raised_complaint, ticket.status) == (True, Status.REOPENED)
    assert Ticket.objects.filter(kind=Kind.COMPLAINT, customer=ticket.customer).count() == 1


def test_a_complaint_alone_needs_no_rating(client, resolved, django_capture_on_commit_callbacks):
    ticket, visit = resolved
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(visit), {"raised_complaint": "on", "comment": "Nobody came."})
    assert response.status_code == 200
    visit.refresh_from_db()
    assert (visit.status, visit.score_overall, visit.complaint_ticket is not None) == (CallbackStatus.DONE, None, True)
    assert not SatisfactionRating.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "score_overall", "Please rate our service overall, from 1 to 5."),
        ({"comment": "Fine."}, "score_overall", "Please rate our service overall, from 1 to 5."),
        ({"score_overall": "7"}, "score_overall", "Choose from 1 to 5."),
        ({"score_overall": "5", "score_attitude": "0"}, "score_attitude", "Choose from 1 to 5."),
        ({"score_overall": "3", "raised_complaint": "on"}, "comment", "Tell us what went wrong"),
        (
            {"score_overall": "5", "comment": "x" * 2001},
            "comment",
            "Ensure this value has at most 2000 characters (it has 2001).",
        ),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(client, resolved, data, field, message):
    ticket, visit = resolved
    events_before = ticket.events.count()
    response = client.post(_url(visit), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert f'id="id_{field}-error"' in response.content.decode()
    _nothing_recorded(ticket, visit, events_before)


def test_a_second_answer_is_refused_and_changes_nothing(client, resolved, django_capture_on_commit_callbacks):
    ticket, visit = resolved
    url = _url(visit)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"score_overall": "5"}).status_code == 200
        response = client.post(url, {"score_overall": "1", "comment": "Changed my mind."})
    assert response.status_code == 410
    assert ANSWERED in response.content.decode()
    visit.refresh_from_db()
    ticket.refresh_from_db()
    assert (visit.score_overall, ticket.status) == (5, Status.RESOLVED)
    assert SatisfactionRating.objects.filter(ticket=ticket).count() == 1
    assert CallbackAttempt.objects.filter(visit=visit).count() == 1


def test_an_answer_arriving_just_after_the_call_was_recorded_says_so(client, resolved, agent):
    ticket, visit = resolved
    url = _url(visit)
    stale = CallbackVisit.objects.select_related("ticket", "customer", "unit__model").get(pk=visit.pk)
    # While the customer sends the form, an agent reaches them on the phone.
    record_attempt(visit=visit, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 4})
    calls = []

    def checked_before_the_call_then_now(token):
        calls.append(token)
        return stale if len(calls) == 1 else visit_for_token(token)

    with mock.patch("followups.survey.views.visit_for_token", checked_before_the_call_then_now):
        response = client.post(url, {"score_overall": "1"})
    assert len(calls) == 2
    assert response.status_code == 410
    assert ON_THE_PHONE in response.content.decode()
    assert not SatisfactionRating.objects.filter(ticket=ticket, source=RatingSource.SURVEY).exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED


@pytest.mark.parametrize(
    ("token", "status", "message"),
    [
        ("not-a-token", 404, "This survey link is not valid."),
        ("expired", 410, "This survey link has expired."),
        pytest.param("answered", 410, ANSWERED),
        pytest.param("rated on the phone", 410, ON_THE_PHONE),
    ],
)
def test_a_link_that_cannot_be_answered_gets_a_friendly_page_and_no_data(
    client, resolved, agent, token, status, message
):
    ticket, visit = resolved
    if token == "expired":
        token = _signed_days_ago(visit, 15)
    elif token == "answered":
        token = survey_token(visit)
        record_attempt(
            visit=visit, result=CallbackResult.REACHED, by=None, scores={"score_overall": 5}, source=RatingSource.SURVEY
        )
    elif token == "rated on the phone":
        token = survey_token(visit)
        record_attempt(visit=visit, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 5})
    ratings_before = list(SatisfactionRating.objects.filter(ticket=ticket).values_list("source", "score"))
    url = reverse("survey:answer", args=[token])
    for response in (client.get(url), client.post(url, {"score_overall": "1"})):
        assert response.status_code == status
        html = response.content.decode()
        assert message in html
        assert 'name="score_overall"' not in html
        assert ticket.reference not in html
        assert "Drum washer" not in html
        assert "Li Na" not in html
    assert list(SatisfactionRating.objects.filter(ticket=ticket).values_list("source", "score")) == ratings_before


def test_a_customer_rated_on_the_phone_is_thanked_and_not_asked_again(client, resolved, agent):
    ticket, visit = resolved
    record_attempt(visit=visit, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 4})
    response = client.get(_url(visit))
    html = response.content.decode()
    assert response.status_code == 410
    assert "<h1>Thank you for your rating</h1>" in html
    assert ON_THE_PHONE in html
    assert "survey has already been answered" not in html
    assert '<form method="post" novalidate>' not in html
    assert SatisfactionRating.objects.filter(ticket=ticket).count() == 1


def test_csrf_is_enforced(resolved):
    ticket, visit = resolved
    events_before = ticket.events.count()
    response = Client(enforce_csrf_checks=True).post(_url(visit), {"score_overall": "1"})
    assert response.status_code == 403
    _nothing_recorded(ticket, visit, events_before)


def test_answers_are_rate_limited_per_address(client, resolved):
    ticket, visit = resolved
    events_before = ticket.events.count()
    url = _url(visit)
    for _ in range(20):
        assert client.post(url, {}).status_code == 400
    response = client.post(url, {"score_overall": "5"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    _nothing_recorded(ticket, visit, events_before)
    # Another address is not held up.
    assert client.post(url, {"score_overall": "5"}, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_the_page_is_in_chinese_for_a_chinese_browser(client, resolved):
    _, visit = resolved
    response = client.get(_url(visit), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


# --- the resolved email ---------------------------------------------------------------------------


def test_the_resolved_email_carries_a_working_survey_link(client, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket, visit = _resolve(agent)

    (message,) = [m for m in mail.outbox if "is resolved" in m.subject]
    assert message.to == ["li.na@example.com"]
    match = re.search(r"^Answer the survey: (\S+)$", message.body, re.MULTILINE)
    assert match, message.body
    url = match.group(1)
    assert url.startswith(f"{SITE}/survey/")
    assert "Rate the service" not in message.body
    assert f'<a href="{url}"' in message.alternatives[0][0]

    path = url.removeprefix(SITE)
    assert visit_for_token(path.split("/")[-2]) == visit
    assert client.get(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(path, {"score_overall": "5"}).status_code == 200
    visit.refresh_from_db()
    assert visit.status == CallbackStatus.DONE
    assert client.get(path).status_code == 410


def test_the_resolved_sms_carries_the_same_working_survey_link(client, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket, visit = _resolve(agent, channel="sms")

    (sms,) = [sms for sms in sms_outbox if sms.template == "status_resolved"]
    url = sms.params["feedback_url"]
    # The link is signed with the time it was made: it is read back, not made again and compared.
    assert url.startswith(f"{SITE}/survey/") and url.endswith("/")
    assert visit_for_token(url.removeprefix(f"{SITE}/survey/").rstrip("/")) == visit
    assert sms.to == "+8613812345678"
    assert sms.text == f"Your request is resolved. Please rate our service: {url}"
    assert client.get(url.removeprefix(SITE)).status_code == 200
    assert [m for m in mail.outbox if "is resolved" in m.subject] == []


def test_survey_url_for_points_at_the_survey_page(resolved):
    _, visit = resolved
    url = survey_url_for(visit)
    assert url.startswith(f"{SITE}/survey/") and url.endswith("/")
    assert visit_for_token(url.removeprefix(f"{SITE}/survey/").rstrip("/")) == visit


def test_the_email_after_a_second_resolution_links_the_new_callback(agent, django_capture_on_commit_callbacks):
    ticket, first = _resolve(agent)
    ticket = ticket_transition(ticket=ticket, move="reopen", by=agent, note="Still descaling badly.")
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Explained again.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_transition(ticket=ticket, move="resolve", by=agent)
    second = CallbackVisit.objects.exclude(pk=first.pk).get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE)
    (message,) = mail.outbox
    token = re.search(r"/survey/([^/\s]+)/", message.body).group(1)
    assert visit_for_token(token) == second


# --- PostgreSQL: two answers at once -----------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_answers_sent_at_once_count_once(agent):
    ticket, visit = _resolve(agent)
    url = _url(visit)
    barrier = threading.Barrier(2)
    statuses: list = [None, None]

    def answer(index, score):
        try:
            barrier.wait()
            statuses[index] = (
                Client().post(url, {"score_overall": score}, REMOTE_ADDR=f"10.0.0.{index + 1}").status_code
            )
        except Exception as exc:  # noqa: BLE001 - the test inspects what was raised
            statuses[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(i, s)) for i, s in enumerate(["5", "1"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(statuses, key=str) == [200, 410], statuses
    assert SatisfactionRating.objects.filter(ticket=ticket).count() == 1
    assert CallbackAttempt.objects.filter(visit=visit).count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CALLBACK).count() == 1
