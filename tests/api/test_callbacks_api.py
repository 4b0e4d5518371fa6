"""/api/callbacks/…: the calls to make (overdue first) and their filters, one visit with its
calls, recording a call with the customer's ratings — with the callback page's rules: agents,
managers and administrators only."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework import serializers

from followups.callbacks.services import record_attempt
from followups.choices import CallbackKind, CallbackResult, CallbackStatus, RatingSource
from followups.models import CallbackAttempt, CallbackVisit, SatisfactionRating
from tests import factories
from tests.api.conftest import client_for, error, field_errors
from tickets.choices import Kind, Status
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_record_resolution, ticket_transition

pytestmark = pytest.mark.django_db

CALLBACKS = "/api/callbacks/"
H = dt.timedelta(hours=1)


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else serializers.DateTimeField().to_representation(value)


def url(visit: CallbackVisit, action: str = "") -> str:
    return f"{CALLBACKS}{visit.pk}/{action + '/' if action else ''}"


def row(visit: CallbackVisit, *, attempts: int = 0, overdue: bool = False) -> dict:
    """One visit as the list answers it, from the database."""
    visit = CallbackVisit.objects.get(pk=visit.pk)
    customer, ticket, unit, agent = visit.customer, visit.ticket, visit.unit, visit.assigned_to
    return {
        "id": visit.pk,
        "kind": visit.kind,
        "status": visit.status,
        "due_at": iso(visit.due_at),
        "is_overdue": overdue,
        "customer": {"id": customer.pk, "name": customer.name, "phone": customer.phone},
        "ticket": None if ticket is None else {"id": ticket.pk, "reference": ticket.reference},
        "unit": None if unit is None else {"id": unit.pk, "serial": unit.serial, "model": unit.model.code},
        "assigned_to": None
        if agent is None
        else {"id": agent.pk, "username": agent.username, "name": agent.get_full_name()},
        "extended_warranty_offer": False,
        "attempt_count": attempts,
        "scores": {
            "attitude": visit.score_attitude,
            "punctuality": visit.score_punctuality,
            "quality": visit.score_quality,
            "overall": visit.score_overall,
        },
        "comment": visit.comment,
        "raised_complaint": visit.raised_complaint,
        "complaint_ticket": None
        if visit.complaint_ticket is None
        else {"id": visit.complaint_ticket_id, "reference": visit.complaint_ticket.reference},
        "completed_at": iso(visit.completed_at),
        "created_at": iso(visit.created_at),
    }


def detail(visit: CallbackVisit, **kwargs) -> dict:
    attempts = list(CallbackAttempt.objects.filter(visit=visit).order_by("at", "id"))
    return {
        **row(visit, attempts=len(attempts), **kwargs),
        "attempts": [
            {
                "id": attempt.pk,
                "result": attempt.result,
                "note": attempt.note,
                "by": None
                if attempt.by is None
                else {"id": attempt.by.pk, "username": attempt.by.username, "name": attempt.by.get_full_name()},
                "at": iso(attempt.at),
            }
            for attempt in attempts
        ],
    }


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def visit() -> CallbackVisit:
    return factories.CallbackVisitFactory()


@pytest.fixture
def as_manager(manager):
    return client_for(manager)


@pytest.fixture
def as_department(department_user):
    return client_for(department_user)


def resolved(agent) -> Ticket:
    """A consultation worked to resolved through the services, so its callback is scheduled."""
    customer = factories.CustomerFactory(name="Zhang Wei")
    ticket = ticket_create(
        customer=customer, kind=Kind.CONSULTATION, channel="phone", description="How do I descale?", by=agent
    )
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent)
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Explained the descaling programme.")
    return ticket_transition(ticket=ticket, move="resolve", by=agent)


# --- the list -----------------------------------------------------------------------------------------


def test_the_calls_to_make_come_overdue_first_then_soonest_due(as_agent, agent):
    now = timezone.now()
    later = factories.CallbackVisitFactory(due_at=now + 30 * H)
    overdue = factories.CallbackVisitFactory(due_at=now - 5 * H, assigned_to=agent)
    soon = factories.CallbackVisitFactory(due_at=now + 2 * H, kind=CallbackKind.MAINTENANCE)
    done = factories.CallbackVisitFactory(due_at=now - 9 * H)
    record_attempt(visit=done, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 5})
    record_attempt(visit=overdue, result=CallbackResult.NO_ANSWER, by=agent)

    response = as_agent.get(CALLBACKS)

    assert response.status_code == 200
    assert response.json() == {
        "next": None,
        "previous": None,
        "results": [row(overdue, attempts=1, overdue=True), row(soon), row(later)],
    }


def test_the_filters(as_agent, agent):
    now = timezone.now()
    mine = factories.CallbackVisitFactory(due_at=now - H, assigned_to=agent)
    maintenance = factories.CallbackVisitFactory(due_at=now + H, kind=CallbackKind.MAINTENANCE)
    later = factories.CallbackVisitFactory(due_at=now + 50 * H)
    done = factories.CallbackVisitFactory(due_at=now - 2 * H)
    record_attempt(visit=done, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 4})

    assert ids(as_agent.get(CALLBACKS, {"kind": CallbackKind.MAINTENANCE})) == [maintenance.pk]
    assert ids(as_agent.get(CALLBACKS, {"status": CallbackStatus.DONE})) == [done.pk]
    assert ids(as_agent.get(CALLBACKS, {"due_before": (now + 2 * H).isoformat()})) == [mine.pk, maintenance.pk]
    assert ids(as_agent.get(CALLBACKS, {"assigned_to": agent.pk})) == [mine.pk]
    assert ids(as_agent.get(CALLBACKS, {"customer": later.customer_id})) == [later.pk]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"kind": "party"}, {"kind": ["Select a valid choice. party is not one of the available choices."]}),
        ({"due_before": "tomorrow"}, {"due_before": ["Enter a valid date/time."]}),
        ({"assigned_to": "me"}, {"assigned_to": ["Enter a whole number."]}),
    ],
)
def test_a_filter_that_does_not_parse_is_a_400(as_agent, query, errors):
    assert field_errors(as_agent.get(CALLBACKS, query)) == errors


def test_list_queries_do_not_grow_with_the_page(as_agent, agent, django_assert_num_queries):
    for hours in range(4):
        visit = factories.CallbackVisitFactory(due_at=timezone.now() + hours * H, assigned_to=agent)
        record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent)
    as_agent.get(CALLBACKS)  # fills the process's memo of the user's roles (aftersales/table_memo.py)
    for size in (1, 4):
        # The token, the page (the user's roles from the memo).
        with django_assert_num_queries(2):
            assert len(as_agent.get(CALLBACKS, {"page_size": size}).json()["results"]) == size


# --- one visit ----------------------------------------------------------------------------------------


def test_a_visit_with_its_calls(as_manager, agent, visit):
    record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent, note="Call after 18:00.")

    response = as_manager.get(url(visit))

    assert response.status_code == 200
    assert response.json() == detail(visit)
    assert response.json()["attempts"][0]["note"] == "Call after 18:00."


def test_an_unknown_visit_is_not_found(as_agent):
    error(as_agent.get(f"{CALLBACKS}999999/"), 404, "not_found")
    error(as_agent.post(f"{CALLBACKS}999999/attempts/", {"result": "no_answer"}, format="json"), 404, "not_found")


# --- recording a call ---------------------------------------------------------------------------------


def test_a_failed_call_is_recorded_and_the_visit_stays_due(as_agent, agent, visit):
    response = as_agent.post(url(visit, "attempts"), {"result": "no_answer", "note": "Voicemail."}, format="json")

    assert response.status_code == 201, response.content
    attempt = CallbackAttempt.objects.get()
    assert (attempt.visit, attempt.result, attempt.note, attempt.by) == (visit, "no_answer", "Voicemail.", agent)
    assert response.json() == detail(visit)
    assert response.json()["status"] == CallbackStatus.DUE


def test_reaching_the_customer_records_the_ratings_and_settles_the_visit(as_agent, visit):
    response = as_agent.post(
        url(visit, "attempts"),
        {
            "result": "reached",
            "scores": {"attitude": 5, "punctuality": 4, "quality": 5, "overall": 5},
            "comment": "Quick and tidy.",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    visit.refresh_from_db()
    assert (visit.status, visit.score_overall, visit.score_punctuality) == (CallbackStatus.DONE, 5, 4)
    rating = SatisfactionRating.objects.get()
    assert (rating.ticket, rating.source, rating.score, rating.comment) == (
        visit.ticket,
        RatingSource.CALLBACK,
        5,
        "Quick and tidy.",
    )
    assert response.json() == detail(visit)
    assert response.json()["scores"] == {"attitude": 5, "punctuality": 4, "quality": 5, "overall": 5}


def test_a_dissatisfied_customer_reopens_the_ticket_and_gets_a_complaint(as_agent, agent):
    ticket = resolved(agent)
    visit = CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE)

    response = as_agent.post(
        url(visit, "attempts"),
        {"result": "reached", "scores": {"overall": 2}, "comment": "Still scaling."},
        format="json",
    )

    assert response.status_code == 201, response.content
    ticket.refresh_from_db()
    visit.refresh_from_db()
    complaint = visit.complaint_ticket
    assert ticket.status == Status.REOPENED
    assert (complaint.kind, complaint.complaint_about) == (Kind.COMPLAINT, ticket)
    assert response.json()["complaint_ticket"] == {"id": complaint.pk, "reference": complaint.reference}


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"result": ["Choose the result of the call."]}),
        ({"result": "hung_up"}, {"result": ["Choose the result of the call."]}),
        ({"result": "reached"}, {"scores.overall": ["Give the customer's overall rating from 1 to 5."]}),
        (
            {"result": "reached", "scores": {"overall": 6, "attitude": 0}},
            {
                "scores.overall": ["Ensure this value is less than or equal to 5."],
                "scores.attitude": ["Ensure this value is greater than or equal to 1."],
            },
        ),
        (
            {"result": "no_answer", "note": "x" * 2001},
            {"note": ["Ensure this field has no more than 2000 characters."]},
        ),
        ({"result": "reached", "raised_complaint": "maybe"}, {"raised_complaint": ["Must be a valid boolean."]}),
    ],
)
def test_bad_input_is_a_400_and_nothing_is_recorded(as_agent, visit, data, errors):
    assert field_errors(as_agent.post(url(visit, "attempts"), data, format="json")) == errors
    assert not CallbackAttempt.objects.exists()
    visit.refresh_from_db()
    assert visit.status == CallbackStatus.DUE


def test_a_finished_visit_takes_no_more_calls(as_agent, agent, visit):
    record_attempt(visit=visit, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 5})

    response = as_agent.post(url(visit, "attempts"), {"result": "no_answer"}, format="json")

    assert field_errors(response) == {"result": ["This callback is already finished."]}
    assert CallbackAttempt.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("as_technician", 403, "permission_denied"),
        ("as_customer", 403, "permission_denied"),
        ("as_department", 403, "permission_denied"),
    ],
)
def test_only_agents_managers_and_admins_work_the_callbacks(request, visit, who, status, code):
    client = request.getfixturevalue(who)

    error(client.get(CALLBACKS), status, code)
    error(client.get(url(visit)), status, code)
    error(client.post(url(visit, "attempts"), {"result": "no_answer"}, format="json"), status, code)
    assert not CallbackAttempt.objects.exists()
