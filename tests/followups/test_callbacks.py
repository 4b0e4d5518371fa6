"""followups/callbacks/services.py: scheduling callback visits and recording each call (no-leak 3).

docs/lifecycle.md#callbacks-close-the-case, issue 5 points 3-5: resolving schedules the after-service call
72 hours out (installations also 7 and 30 days out); three failed calls on two business days
make the customer unreachable; a dissatisfied customer reopens the case, gets a linked
complaint and the managers are told; a resolved case is not verified before its call is settled.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales.roles import Role
from followups.callbacks.services import record_attempt, schedule, schedule_after_resolution
from followups.choices import CallbackKind, CallbackResult, CallbackStatus, RatingSource
from followups.models import CallbackAttempt, CallbackVisit, SatisfactionRating
from notifications.models import OutboundMessage
from tests.factories import CustomerFactory, ProductUnitFactory, TicketFactory, UserFactory
from tickets.choices import Channel, EventKind, Kind, Status
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_transition

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
# Monday 2 March 2026, 10:00 in Shanghai: the technician resolves the case.
RESOLVED_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
# The next morning: the agent calls.
CALL_AT = dt.datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI)

FINISHED = "This callback is already finished."
OVERALL_MISSING = "Give the customer's overall rating from 1 to 5."
OUT_OF_RANGE = "Choose from 1 to 5."
CALL_BACK_FIRST = "Call the customer back first: the after-service callback is not done yet."


@pytest.fixture
def customer():
    return CustomerFactory(name="Li Na", email="li.na@example.com", preferred_language="en")


def in_progress(customer, technician, *, kind=Kind.REPAIR) -> Ticket:
    """A ticket whose work has started, with everything resolving needs."""
    return TicketFactory(
        customer=customer,
        kind=kind,
        status=Status.IN_PROGRESS,
        assignee=technician,
        work_done="Replaced the drain pump.",
        fault_code="E21",
        fault_component="drain pump",
        root_cause="Impeller cracked.",
    )


def resolve(ticket, technician, at=RESOLVED_AT) -> Ticket:
    return ticket_transition(ticket=ticket, move="resolve", by=technician, now=at)


@pytest.fixture
def resolved(customer, technician) -> Ticket:
    return resolve(in_progress(customer, technician), technician)


def after_service(ticket) -> CallbackVisit:
    return CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE)


def visit_row(visit) -> dict:
    return CallbackVisit.objects.filter(pk=visit.pk).values().get()


def attempts(visit) -> list[tuple]:
    return list(CallbackAttempt.objects.filter(visit=visit).values_list("result", "at", "by_id", "note"))


def events(ticket, *kinds) -> list[tuple]:
    return list(
        TicketEvent.objects.filter(ticket=ticket, kind__in=kinds)
        .order_by("id")
        .values_list("kind", "from_status", "to_status", "actor_id", "note", "data")
    )


def everything() -> dict:
    """Every row a call can write, to show a refused call wrote none."""
    return {
        "visits": list(CallbackVisit.objects.order_by("pk").values()),
        "attempts": list(CallbackAttempt.objects.order_by("pk").values()),
        "tickets": list(Ticket.objects.order_by("pk").values()),
        "events": TicketEvent.objects.count(),
        "ratings": SatisfactionRating.objects.count(),
        "messages": OutboundMessage.objects.count(),
    }


def assert_refused(call, errors: dict, exc_type=ValidationError) -> None:
    before = everything()
    with pytest.raises(exc_type) as excinfo:
        call()
    if errors:
        assert excinfo.value.message_dict == errors
    assert everything() == before


def fail(visit, at, by, result=CallbackResult.NO_ANSWER) -> CallbackVisit:
    return record_attempt(visit=visit, result=result, by=by, at=at)


# --- schedule ------------------------------------------------------------------------------------


def test_schedule_is_idempotent_on_its_key(customer):
    unit = ProductUnitFactory(owner=customer)
    due = dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)
    first = schedule(
        kind=CallbackKind.WARRANTY_EXPIRY,
        customer=customer,
        unit=unit,
        due_at=due,
        dedupe_key="warranty_expiry:1:2026-07-01",
        extended_warranty_offer=True,
    )

    again = schedule(
        kind=CallbackKind.WARRANTY_EXPIRY,
        customer=customer,
        unit=unit,
        due_at=due + DAY,
        dedupe_key="warranty_expiry:1:2026-07-01",
    )

    assert again is None
    assert list(CallbackVisit.objects.values_list("pk", "due_at", "extended_warranty_offer")) == [(first.pk, due, True)]
    row = visit_row(first)
    assert (row["kind"], row["customer_id"], row["unit_id"], row["ticket_id"], row["status"]) == (
        CallbackKind.WARRANTY_EXPIRY,
        customer.pk,
        unit.pk,
        None,
        CallbackStatus.DUE,
    )


def test_schedule_goes_to_the_customers_representative(agent):
    represented = CustomerFactory(representative=agent)
    unrepresented = CustomerFactory()
    due = dt.datetime(2026, 6, 1, 9, 0, tzinfo=SHANGHAI)

    mine = schedule(kind=CallbackKind.MAINTENANCE, customer=represented, due_at=due, dedupe_key="maintenance:a")
    nobodys = schedule(kind=CallbackKind.MAINTENANCE, customer=unrepresented, due_at=due, dedupe_key="maintenance:b")

    assert (visit_row(mine)["assigned_to_id"], visit_row(nobodys)["assigned_to_id"]) == (agent.pk, None)


# --- schedule_after_resolution ------------------------------------------------------------------------


def test_resolving_schedules_the_after_service_callback_72_hours_later(customer, technician, agent):
    customer.representative = agent
    customer.save()
    ticket = resolve(in_progress(customer, technician), technician)

    (visit,) = CallbackVisit.objects.filter(ticket=ticket)
    row = visit_row(visit)
    assert {key: row[key] for key in row if key not in ("id", "created_at")} == {
        "kind": CallbackKind.AFTER_SERVICE,
        "customer_id": customer.pk,
        "ticket_id": ticket.pk,
        "unit_id": ticket.unit_id,
        "due_at": dt.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI),
        "assigned_to_id": agent.pk,
        "status": CallbackStatus.DUE,
        "dedupe_key": f"after_service:{ticket.pk}:0",
        "extended_warranty_offer": False,
        "contract_id": None,
        "offer_outcome": "",
        "offer_decline_reason": "",
        "offer_contract_id": None,
        "score_attitude": None,
        "score_punctuality": None,
        "score_quality": None,
        "score_overall": None,
        "comment": "",
        "raised_complaint": False,
        "complaint_ticket_id": None,
        "completed_at": None,
    }
    # Scheduling again for the same resolution creates nothing.
    assert schedule_after_resolution(Ticket.objects.get(pk=ticket.pk), now=RESOLVED_AT + H) == []
    assert CallbackVisit.objects.filter(ticket=ticket).count() == 1


def test_resolving_an_installation_also_schedules_the_7_and_30_day_calls(customer, technician):
    ticket = resolve(in_progress(customer, technician, kind=Kind.INSTALLATION), technician)

    assert list(CallbackVisit.objects.filter(ticket=ticket).values_list("kind", "due_at", "dedupe_key", "unit_id")) == [
        (CallbackKind.AFTER_SERVICE, RESOLVED_AT + 72 * H, f"after_service:{ticket.pk}:0", ticket.unit_id),
        (CallbackKind.INSTALLATION_7D, RESOLVED_AT + 7 * DAY, f"installation_7d:{ticket.pk}", ticket.unit_id),
        (CallbackKind.INSTALLATION_30D, RESOLVED_AT + 30 * DAY, f"installation_30d:{ticket.pk}", ticket.unit_id),
    ]


def test_a_reopened_case_gets_a_second_after_service_callback_when_resolved_again(customer, technician, agent):
    ticket = resolve(in_progress(customer, technician, kind=Kind.INSTALLATION), technician)
    record_attempt(
        visit=after_service(ticket), result=CallbackResult.REACHED, by=agent, scores={"score_overall": 2}, at=CALL_AT
    )
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REOPENED

    again = RESOLVED_AT + 2 * DAY
    for move, by in (("dispatch", agent), ("start", technician)):
        ticket_transition(ticket=ticket, move=move, by=by, now=again - H)
    resolve(ticket, technician, at=again)

    # A new after-service call for the second resolution; the installation calls are not repeated.
    assert list(
        CallbackVisit.objects.filter(ticket=ticket).order_by("pk").values_list("kind", "status", "due_at", "dedupe_key")
    ) == [
        (CallbackKind.AFTER_SERVICE, CallbackStatus.DONE, RESOLVED_AT + 72 * H, f"after_service:{ticket.pk}:0"),
        (CallbackKind.INSTALLATION_7D, CallbackStatus.DUE, RESOLVED_AT + 7 * DAY, f"installation_7d:{ticket.pk}"),
        (CallbackKind.INSTALLATION_30D, CallbackStatus.DUE, RESOLVED_AT + 30 * DAY, f"installation_30d:{ticket.pk}"),
        (CallbackKind.AFTER_SERVICE, CallbackStatus.DUE, again + 72 * H, f"after_service:{ticket.pk}:1"),
    ]


# --- record_attempt: failed calls ----------------------------------------------------------------


def test_no_answer_is_recorded_and_keeps_the_visit_due(resolved, agent):
    visit = record_attempt(
        visit=after_service(resolved), result=CallbackResult.NO_ANSWER, by=agent, note="Rang 8 times.", at=CALL_AT
    )

    assert (visit.status, visit.completed_at) == (CallbackStatus.DUE, None)
    assert visit_row(visit)["status"] == CallbackStatus.DUE
    assert attempts(visit) == [(CallbackResult.NO_ANSWER, CALL_AT, agent.pk, "Rang 8 times.")]
    assert events(resolved, EventKind.CALLBACK) == [
        (
            EventKind.CALLBACK,
            "",
            "",
            agent.pk,
            "No answer. Rang 8 times.",
            {
                "visit": visit.pk,
                "kind": CallbackKind.AFTER_SERVICE,
                "result": CallbackResult.NO_ANSWER,
                "status": CallbackStatus.DUE,
                "score": None,
                "source": RatingSource.CALLBACK,
            },
        )
    ]
    assert Ticket.objects.get(pk=resolved.pk).status == Status.RESOLVED
    assert SatisfactionRating.objects.count() == 0


def test_the_note_is_trimmed_on_the_timeline_too(resolved, agent):
    visit = record_attempt(
        visit=after_service(resolved), result=CallbackResult.NO_ANSWER, by=agent, note="  Rang 8 times. ", at=CALL_AT
    )

    assert attempts(visit)[0][3] == "Rang 8 times."
    assert events(resolved, EventKind.CALLBACK)[0][4] == "No answer. Rang 8 times."


def test_three_failed_calls_on_one_business_day_keep_the_visit_due(resolved, agent):
    visit = after_service(resolved)
    # 07:00, 09:00 and 18:00 on 3 March in Shanghai: two different dates in UTC, one business day.
    for at, result in (
        (dt.datetime(2026, 3, 3, 7, 0, tzinfo=SHANGHAI), CallbackResult.NO_ANSWER),
        (dt.datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI), CallbackResult.WRONG_NUMBER),
        (dt.datetime(2026, 3, 3, 18, 0, tzinfo=SHANGHAI), CallbackResult.REFUSED),
    ):
        visit = fail(visit, at, agent, result)

    assert (visit.status, visit.completed_at) == (CallbackStatus.DUE, None)
    assert len(attempts(visit)) == 3


def test_two_failed_calls_on_two_days_keep_the_visit_due(resolved, agent):
    visit = fail(after_service(resolved), CALL_AT, agent)
    visit = fail(visit, CALL_AT + DAY, agent)

    assert (visit.status, visit.completed_at) == (CallbackStatus.DUE, None)


def test_three_failed_calls_on_two_business_days_make_the_customer_unreachable(resolved, agent):
    visit = after_service(resolved)
    # 10:00 and 23:30 on 2 March, then 00:30 on 3 March in Shanghai: all on 2 March in UTC.
    last = dt.datetime(2026, 3, 3, 0, 30, tzinfo=SHANGHAI)
    for at in (dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI), dt.datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI)):
        visit = fail(visit, at, agent)
        assert visit.status == CallbackStatus.DUE
    visit = fail(visit, last, agent, CallbackResult.REFUSED)

    row = visit_row(visit)
    assert (row["status"], row["completed_at"], row["score_overall"]) == (CallbackStatus.UNREACHABLE, last, None)
    assert events(resolved, EventKind.CALLBACK)[-1][5]["status"] == CallbackStatus.UNREACHABLE
    assert SatisfactionRating.objects.count() == 0
    assert Ticket.objects.get(pk=resolved.pk).status == Status.RESOLVED


def test_a_fourth_failed_call_on_another_day_makes_the_customer_unreachable(resolved, agent):
    visit = after_service(resolved)
    for minutes in (0, 60, 120):
        visit = fail(visit, CALL_AT + dt.timedelta(minutes=minutes), agent)
    assert visit.status == CallbackStatus.DUE

    visit = fail(visit, CALL_AT + DAY, agent)

    assert (visit_row(visit)["status"], visit_row(visit)["completed_at"]) == (CallbackStatus.UNREACHABLE, CALL_AT + DAY)


# --- record_attempt: the customer is reached ----------------------------------------------------------


def test_a_satisfied_customer_settles_the_visit_and_the_case_can_be_verified(resolved, agent):
    scores = {"score_attitude": 5, "score_punctuality": 4, "score_quality": 5, "score_overall": 5}
    visit = record_attempt(
        visit=after_service(resolved),
        result=CallbackResult.REACHED,
        by=agent,
        scores=scores,
        comment="  Quick and tidy. ",
        at=CALL_AT,
    )

    row = visit_row(visit)
    assert {key: row[key] for key in (*scores, "status", "completed_at", "comment", "raised_complaint")} == {
        **scores,
        "status": CallbackStatus.DONE,
        "completed_at": CALL_AT,
        "comment": "Quick and tidy.",
        "raised_complaint": False,
    }
    assert row["complaint_ticket_id"] is None
    assert list(
        SatisfactionRating.objects.values_list("ticket_id", "source", "score", "comment", "raised_complaint")
    ) == [(resolved.pk, RatingSource.CALLBACK, 5, "Quick and tidy.", False)]
    assert Ticket.objects.count() == 1
    assert OutboundMessage.objects.filter(template="manager_dissatisfied", channel="email").count() == 0

    verified = ticket_transition(ticket=resolved, move="verify", by=agent, now=CALL_AT + H)
    assert (verified.status, verified.verified_at) == (Status.VERIFIED, CALL_AT + H)


@pytest.fixture
def managers(manager):
    """Two managers with an address, one without, one who left, and an agent who is no manager."""
    second = UserFactory(roles=[Role.MANAGER], username="manager2")
    UserFactory(roles=[Role.MANAGER], username="manager3", email="")
    UserFactory(roles=[Role.MANAGER], username="manager4", is_active=False)
    UserFactory(roles=[Role.AGENT], username="agent9")
    return [manager, second]


def test_a_rating_of_2_reopens_the_case_opens_a_complaint_and_tells_each_manager(
    resolved, agent, managers, django_capture_on_commit_callbacks
):
    visit = after_service(resolved)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        visit = record_attempt(
            visit=visit,
            result=CallbackResult.REACHED,
            by=agent,
            scores={"score_overall": 2},
            comment="The technician came late and left a mess.",
            at=CALL_AT,
        )
        # Nothing is sent before the commit.
        assert mail.outbox == []

    complaint = Ticket.objects.get(kind=Kind.COMPLAINT)
    assert (complaint.customer_id, complaint.unit_id, complaint.channel, complaint.status, complaint.created_by_id) == (
        resolved.customer_id,
        resolved.unit_id,
        Channel.PHONE,
        Status.NEW,
        agent.pk,
    )
    assert complaint.description == (
        f"Raised on the callback about {resolved.reference}: The technician came late and left a mess."
    )
    row = visit_row(visit)
    assert (row["status"], row["score_overall"], row["complaint_ticket_id"], row["raised_complaint"]) == (
        CallbackStatus.DONE,
        2,
        complaint.pk,
        False,
    )
    reopened = Ticket.objects.get(pk=resolved.pk)
    assert (reopened.status, reopened.reopened_count) == (Status.REOPENED, 1)
    assert events(resolved, EventKind.STATUS, EventKind.NOTE, EventKind.CALLBACK)[-3:] == [
        (
            EventKind.STATUS,
            Status.RESOLVED,
            Status.REOPENED,
            agent.pk,
            "Customer dissatisfied on the callback (2/5): The technician came late and left a mess.",
            {"move": "reopen"},
        ),
        (
            EventKind.NOTE,
            "",
            "",
            agent.pk,
            f"Complaint {complaint.reference} opened from the callback.",
            {"complaint": complaint.reference},
        ),
        (
            EventKind.CALLBACK,
            "",
            "",
            agent.pk,
            "Reached.",
            {
                "visit": visit.pk,
                "kind": CallbackKind.AFTER_SERVICE,
                "result": CallbackResult.REACHED,
                "status": CallbackStatus.DONE,
                "score": 2,
                "source": RatingSource.CALLBACK,
            },
        ),
    ]
    assert list(SatisfactionRating.objects.values_list("ticket_id", "source", "score", "raised_complaint")) == [
        (resolved.pk, RatingSource.CALLBACK, 2, False)
    ]
    # One email per manager with an address, after the commit.
    assert len(callbacks) == 2
    subject = f"Dissatisfied customer on {resolved.reference}: complaint {complaint.reference} opened"
    assert sorted((m.to, m.subject) for m in mail.outbox) == [
        (["manager1@example.com"], subject),
        (["manager2@example.com"], subject),
    ]


def test_a_complaint_with_a_good_rating_reopens_the_case_too(resolved, agent, managers):
    visit = record_attempt(
        visit=after_service(resolved),
        result=CallbackResult.REACHED,
        by=agent,
        scores={"score_overall": 4},
        comment="Fine, but I was charged for a part under warranty.",
        raised_complaint=True,
        at=CALL_AT,
    )

    complaint = Ticket.objects.get(kind=Kind.COMPLAINT)
    assert complaint.description == (
        f"Raised on the callback about {resolved.reference}: Fine, but I was charged for a part under warranty."
    )
    assert (visit_row(visit)["complaint_ticket_id"], visit_row(visit)["raised_complaint"]) == (complaint.pk, True)
    assert Ticket.objects.get(pk=resolved.pk).status == Status.REOPENED
    assert events(resolved, EventKind.STATUS)[-1][4] == (
        "Customer dissatisfied on the callback (4/5): Fine, but I was charged for a part under warranty."
    )
    assert list(SatisfactionRating.objects.values_list("score", "raised_complaint")) == [(4, True)]
    assert OutboundMessage.objects.filter(template="manager_dissatisfied", channel="email").count() == 2


def test_a_complaint_needs_no_rating(resolved, agent):
    visit = record_attempt(
        visit=after_service(resolved),
        result=CallbackResult.REACHED,
        by=agent,
        comment="Wants a manager to call.",
        raised_complaint=True,
        at=CALL_AT,
    )

    assert (visit.status, visit.score_overall) == (CallbackStatus.DONE, None)
    assert SatisfactionRating.objects.count() == 0
    assert (
        events(resolved, EventKind.STATUS)[-1][4]
        == "Customer dissatisfied on the callback (—/5): Wants a manager to call."
    )
    assert Ticket.objects.get(pk=resolved.pk).status == Status.REOPENED


def test_a_complaint_without_rating_or_comment_says_so_in_plain_words(resolved, agent):
    record_attempt(
        visit=after_service(resolved), result=CallbackResult.REACHED, by=agent, raised_complaint=True, at=CALL_AT
    )

    complaint = Ticket.objects.get(kind=Kind.COMPLAINT)
    assert "None" not in complaint.description


def test_the_customers_own_survey_answer_reopens_through_the_customer_move(resolved, customer, managers):
    visit = record_attempt(
        visit=after_service(resolved),
        result=CallbackResult.REACHED,
        by=None,
        scores={"score_overall": 1},
        comment="Still leaking.",
        source=RatingSource.SURVEY,
        customer=customer,
        at=CALL_AT,
    )

    complaint = Ticket.objects.get(kind=Kind.COMPLAINT)
    assert (complaint.channel, complaint.created_by_id, complaint.customer_id) == (Channel.WEB, None, customer.pk)
    assert visit_row(visit)["complaint_ticket_id"] == complaint.pk
    assert attempts(visit) == [(CallbackResult.REACHED, CALL_AT, None, "")]
    assert events(resolved, EventKind.STATUS)[-1] == (
        EventKind.STATUS,
        Status.RESOLVED,
        Status.REOPENED,
        None,
        "Customer dissatisfied on the callback (1/5): Still leaking.",
        {"move": "customer_reopen", "by": "customer"},
    )
    assert events(resolved, EventKind.CALLBACK)[-1][5]["source"] == RatingSource.SURVEY
    assert list(SatisfactionRating.objects.values_list("source", "score")) == [(RatingSource.SURVEY, 1)]
    assert OutboundMessage.objects.filter(template="manager_dissatisfied", channel="email").count() == 2


def test_another_customers_survey_answer_is_refused(resolved):
    stranger = CustomerFactory()
    visit = after_service(resolved)

    assert_refused(
        lambda: record_attempt(
            visit=visit,
            result=CallbackResult.REACHED,
            by=None,
            scores={"score_overall": 1},
            source=RatingSource.SURVEY,
            customer=stranger,
            at=CALL_AT,
        ),
        {},
        PermissionDenied,
    )


def test_a_reached_installation_call_needs_no_rating(customer, technician, agent):
    ticket = resolve(in_progress(customer, technician, kind=Kind.INSTALLATION), technician)
    visit = CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.INSTALLATION_7D)

    visit = record_attempt(visit=visit, result=CallbackResult.REACHED, by=agent, at=RESOLVED_AT + 7 * DAY)

    assert (visit.status, visit.score_overall, visit.completed_at) == (
        CallbackStatus.DONE,
        None,
        RESOLVED_AT + 7 * DAY,
    )
    assert SatisfactionRating.objects.count() == 0
    assert Ticket.objects.get(pk=ticket.pk).status == Status.RESOLVED


def test_a_complaint_on_a_call_without_a_ticket_still_opens_a_complaint(customer, agent, managers):
    unit = ProductUnitFactory(owner=customer)
    visit = schedule(
        kind=CallbackKind.MAINTENANCE,
        customer=customer,
        unit=unit,
        due_at=CALL_AT,
        dedupe_key=f"maintenance:{unit.pk}:2026-03-10",
    )

    visit = record_attempt(
        visit=visit,
        result=CallbackResult.REACHED,
        by=agent,
        scores={"score_overall": 1},
        comment="The last service broke the door seal.",
        raised_complaint=True,
        at=CALL_AT,
    )

    complaint = Ticket.objects.get(kind=Kind.COMPLAINT)
    assert (complaint.customer_id, complaint.unit_id) == (customer.pk, unit.pk)
    assert visit_row(visit)["complaint_ticket_id"] == complaint.pk
    assert OutboundMessage.objects.filter(template="manager_dissatisfied", channel="email").count() == 2


# --- record_attempt: refused calls change nothing ------------------------------------------------------


def test_a_reached_after_service_call_needs_the_overall_rating(resolved, agent):
    visit = fail(after_service(resolved), CALL_AT - H, agent)

    assert_refused(
        lambda: record_attempt(
            visit=visit, result=CallbackResult.REACHED, by=agent, scores={"score_attitude": 5}, at=CALL_AT
        ),
        {"score_overall": [OVERALL_MISSING]},
    )
    assert (visit_row(visit)["status"], len(attempts(visit))) == (CallbackStatus.DUE, 1)


@pytest.mark.parametrize("field", ["score_overall", "score_attitude", "score_punctuality", "score_quality"])
@pytest.mark.parametrize("score", [0, 6])
def test_scores_outside_1_to_5_are_refused(resolved, agent, field, score):
    scores = {"score_overall": 3, field: score}

    assert_refused(
        lambda: record_attempt(
            visit=after_service(resolved), result=CallbackResult.REACHED, by=agent, scores=scores, at=CALL_AT
        ),
        {field: [OUT_OF_RANGE]},
    )


@pytest.mark.parametrize("score", [1, 5])
def test_scores_1_and_5_are_the_bounds(resolved, agent, score):
    visit = record_attempt(
        visit=after_service(resolved),
        result=CallbackResult.REACHED,
        by=agent,
        scores={"score_overall": score, "score_quality": score},
        at=CALL_AT,
    )

    assert (visit_row(visit)["score_overall"], visit_row(visit)["score_quality"]) == (score, score)


def test_an_unknown_result_is_refused(resolved, agent):
    assert_refused(
        lambda: record_attempt(visit=after_service(resolved), result="voicemail", by=agent, at=CALL_AT),
        {"result": ["Choose the result of the call."]},
    )


def test_a_done_visit_refuses_more_attempts(resolved, agent):
    visit = record_attempt(
        visit=after_service(resolved), result=CallbackResult.REACHED, by=agent, scores={"score_overall": 5}, at=CALL_AT
    )

    for result in (CallbackResult.NO_ANSWER, CallbackResult.REACHED):
        assert_refused(
            lambda result=result: record_attempt(
                visit=visit, result=result, by=agent, scores={"score_overall": 1}, at=CALL_AT + H
            ),
            {"result": [FINISHED]},
        )


def test_an_unreachable_visit_refuses_more_attempts(resolved, agent):
    visit = after_service(resolved)
    for at in (CALL_AT, CALL_AT + H, CALL_AT + DAY):
        visit = fail(visit, at, agent)
    assert visit.status == CallbackStatus.UNREACHABLE

    assert_refused(lambda: fail(visit, CALL_AT + 2 * DAY, agent), {"result": [FINISHED]})


# --- no-leak 3: verifying waits for the callback ----------------------------------------------------


def test_a_resolved_case_is_not_verified_before_its_callback(resolved, agent):
    assert_refused(
        lambda: ticket_transition(ticket=resolved, move="verify", by=agent, now=CALL_AT),
        {"move": [CALL_BACK_FIRST]},
    )


def test_a_failed_call_does_not_settle_the_callback(resolved, agent):
    fail(after_service(resolved), CALL_AT, agent)
    assert_refused(
        lambda: ticket_transition(ticket=resolved, move="verify", by=agent, now=CALL_AT + H),
        {"move": [CALL_BACK_FIRST]},
    )


def test_an_unreachable_customer_lets_the_case_be_verified(resolved, agent):
    visit = after_service(resolved)
    for at in (CALL_AT, CALL_AT + H, CALL_AT + DAY):
        visit = fail(visit, at, agent)

    verified = ticket_transition(ticket=resolved, move="verify", by=agent, now=CALL_AT + DAY + H)

    assert (verified.status, verified.verified_at) == (Status.VERIFIED, CALL_AT + DAY + H)
