"""tickets/services/ and tickets/sla/sweep.py: create, lifecycle, assignment, notes, resolution and the SLA sweep."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aftersales.roles import Role
from followups.callbacks.services import record_attempt
from followups.models import CallbackVisit
from tests.factories import (
    CustomerFactory,
    FaultCategoryFactory,
    ProductUnitFactory,
    ServiceStationFactory,
    TicketFactory,
    UserFactory,
)
from tickets.choices import Channel, EventKind, Kind, Priority, Status
from tickets.models import Ticket, TicketEvent, TicketSequence
from tickets.services import (
    TicketConflict,
    ticket_add_note,
    ticket_assign,
    ticket_create,
    ticket_record_resolution,
    ticket_transition,
)
from tickets.sla.sweep import sla_sweep

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)
# Monday 2 March 2026, 09:00 in Shanghai.
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


def sh(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


# The clocks count business hours of the default calendar: 08:30-17:30, Monday to Saturday, nine
# hours a day (no holiday in March 2026). From T0, 24 business hours are 8.5 on Monday, 9 on
# Tuesday and 6.5 on Wednesday; 72 are Monday's 8.5, six full days to Tuesday 10 March (54 + 9),
# and half an hour on Wednesday 11 March.
ARRIVAL_DUE = sh(3, 4, 15)
COMPLETION_DUE = sh(3, 11, 9)

CONFLICT = "Someone else changed this ticket while you were working on it. Reload it and try again."
NOT_FROM_HERE = "This move is not possible from the current status."
ROLE_DENIED = "Your role does not allow this move."
NEEDS_NOTE = "Give the reason in the note."


@pytest.fixture
def customer():
    return CustomerFactory(phone="+8613812345678")


@pytest.fixture
def unit(customer):
    return ProductUnitFactory(owner=customer, serial="SN-0001")


@pytest.fixture
def fault():
    return FaultCategoryFactory(code="no-spin", name="Drum does not spin")


@pytest.fixture
def station():
    return ServiceStationFactory(code="qd-1", name="Qingdao Licang station")


def create(customer, *, by, now=T0, kind=Kind.REPAIR, **kwargs) -> Ticket:
    values = {"channel": Channel.PHONE, "description": "The drum does not spin.", **kwargs}
    return ticket_create(customer=customer, kind=kind, by=by, now=now, **values)


def row(ticket: Ticket) -> dict:
    """The ticket as stored, every column."""
    return Ticket.objects.filter(pk=ticket.pk).values().get()


def timeline(ticket: Ticket) -> list[tuple]:
    return list(
        TicketEvent.objects.filter(ticket=ticket)
        .order_by("id")
        .values_list("kind", "from_status", "to_status", "actor_id", "note", "is_public", "data")
    )


def move(ticket: Ticket, name: str, by, at: dt.datetime, **kwargs) -> Ticket:
    return ticket_transition(ticket=ticket, move=name, by=by, now=at, **kwargs)


def dispatched(customer, unit, agent, technician, *, kind=Kind.REPAIR) -> Ticket:
    """A ticket acknowledged at T0+10 min, assigned, and dispatched at T0+1 h."""
    ticket = create(customer, by=agent, kind=kind, unit=unit)
    ticket = move(ticket, "acknowledge", agent, T0 + 10 * MIN)
    ticket = ticket_assign(ticket=ticket, station=None, assignee=technician, by=agent)
    return move(ticket, "dispatch", agent, T0 + H)


# --- ticket_create -----------------------------------------------------------------------------


def test_ticket_create_sets_reference_deadlines_and_the_created_event(customer, unit, fault, agent):
    ticket = create(customer, by=agent, unit=unit, fault_category=fault)
    stored = row(ticket)
    assert stored["reference"] == "AS-2026-000001"
    assert (stored["kind"], stored["channel"], stored["status"], stored["priority"]) == (
        Kind.REPAIR,
        Channel.PHONE,
        Status.NEW,
        Priority.NORMAL,
    )
    assert (stored["customer_id"], stored["unit_id"], stored["fault_category_id"]) == (customer.pk, unit.pk, fault.pk)
    assert stored["description"] == "The drum does not spin."
    assert stored["created_by_id"] == agent.pk
    assert stored["created_at"] == T0
    assert stored["response_due"] == T0 + 2 * H
    assert stored["dispatch_due"] == T0 + 8 * H
    assert stored["arrival_due"] == ARRIVAL_DUE
    assert stored["completion_due"] == COMPLETION_DUE
    assert stored["next_due"] == T0 + 2 * H
    assert stored["suspected_duplicate_of_id"] is None
    assert stored["version"] == 1
    assert timeline(ticket) == [(EventKind.CREATED, "", Status.NEW, agent.pk, "", True, {"channel": "phone"})]


def test_ticket_create_complaint_is_answered_by_the_end_of_the_business_day(customer, agent):
    ticket = create(customer, by=agent, kind=Kind.COMPLAINT, channel=Channel.LETTER, now=T0 + 8 * H)
    stored = row(ticket)
    # Logged at 17:00 in Shanghai: a response is due at closing time, 17:30, the same day.
    assert stored["response_due"] == sh(3, 2, 17, 30)
    assert (stored["dispatch_due"], stored["arrival_due"]) == (None, None)
    # 168 business hours: half an hour on Monday, 18 nine-hour days (Tuesday 3 to Monday 23
    # March) and 5.5 hours on Tuesday 24 March.
    assert stored["completion_due"] == sh(3, 24, 14)
    assert stored["next_due"] == sh(3, 2, 17, 30)


def test_ticket_create_urgent_priority_shortens_the_clocks(customer, agent):
    ticket = create(customer, by=agent, priority=Priority.URGENT)
    stored = row(ticket)
    # A quarter of the normal clock; completion's 18 hours are Monday's 8.5, Tuesday's 9 and
    # half an hour on Wednesday.
    assert (stored["response_due"], stored["dispatch_due"], stored["arrival_due"], stored["completion_due"]) == (
        T0 + 30 * MIN,
        T0 + 2 * H,
        T0 + 6 * H,
        sh(3, 4, 9),
    )


def test_ticket_create_numbers_are_consecutive(customer, agent):
    references = [create(customer, by=agent, now=T0 + n * MIN).reference for n in range(3)]
    assert references == ["AS-2026-000001", "AS-2026-000002", "AS-2026-000003"]
    assert list(TicketSequence.objects.values_list("year", "last_value")) == [(2026, 3)]


def test_ticket_create_numbers_are_consecutive_without_insert_returning(customer, agent, monkeypatch):
    from tickets.services import creation

    monkeypatch.setattr(creation, "_returns_from_insert", lambda connection: False)

    references = [create(customer, by=agent, now=T0 + n * MIN).reference for n in range(3)]
    assert references == ["AS-2026-000001", "AS-2026-000002", "AS-2026-000003"]
    assert list(TicketSequence.objects.values_list("year", "last_value")) == [(2026, 3)]


def test_ticket_create_a_rolled_back_ticket_gives_its_number_back(customer, agent):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        assert create(customer, by=agent).reference == "AS-2026-000001"
        raise Boom
    assert create(customer, by=agent).reference == "AS-2026-000001"
    assert list(TicketSequence.objects.values_list("year", "last_value")) == [(2026, 1)]


def test_ticket_create_writes_the_ticket_stamped_now_in_one_insert(customer, agent, django_assert_num_queries):
    before = timezone.now()
    with django_assert_num_queries(8) as captured:
        ticket = create(customer, by=agent, channel=Channel.WEB)
    # The SLA target in force, the default calendar and the national calendar's days, who logs it
    # (their roles and the service provider they work for, read once: a provider's own intake is
    # its work, docs/network.md#service-providers; a request has read them already), the year's
    # number (one statement), the ticket, its created event, and the webhook subscribers (read
    # here, not from the cache: this test's own transaction created a user).
    assert [query["sql"].split()[0] for query in captured.captured_queries] == [
        "SELECT",
        "SELECT",
        "SELECT",
        "SELECT",
        "INSERT",
        "INSERT",
        "INSERT",
        "SELECT",
    ]
    stored = row(ticket)
    assert (stored["reference"], stored["created_at"], ticket.created_at) == ("AS-2026-000001", T0, T0)
    # The last write is stamped by the clock, as auto_now would.
    assert before <= stored["updated_at"] == ticket.updated_at <= timezone.now()
    assert (ticket.priority_rank, stored["priority_rank"]) == (2, 2)


def test_ticket_create_keeps_the_visit_the_customer_would_like(customer):
    ticket = create(
        customer,
        by=None,
        channel=Channel.WEB,
        preferred_visit_date=dt.date(2026, 3, 4),
        preferred_visit_slot="afternoon",
    )
    stored = row(ticket)
    assert (stored["preferred_visit_date"], stored["preferred_visit_slot"]) == (dt.date(2026, 3, 4), "afternoon")


def test_ticket_create_reference_year_is_the_business_time_zone_year(customer, agent):
    # 16:30 UTC on 31 December 2025 is already 00:30 on 1 January 2026 in Shanghai.
    new_year = create(customer, by=agent, now=dt.datetime(2025, 12, 31, 16, 30, tzinfo=UTC))
    # 15:59:59 UTC is still 23:59:59 on 31 December 2025 there.
    old_year = create(customer, by=agent, now=dt.datetime(2025, 12, 31, 15, 59, 59, tzinfo=UTC))
    next_one = create(customer, by=agent, now=dt.datetime(2026, 1, 1, 1, 0, tzinfo=UTC))
    assert (new_year.reference, old_year.reference, next_one.reference) == (
        "AS-2026-000001",
        "AS-2025-000001",
        "AS-2026-000002",
    )
    assert sorted(TicketSequence.objects.values_list("year", "last_value")) == [(2025, 1), (2026, 2)]


def test_ticket_create_from_the_portal_has_no_actor(customer):
    ticket = create(customer, by=None, channel=Channel.WEB, description="  Noisy spin.  ")
    stored = row(ticket)
    assert (stored["created_by_id"], stored["description"]) == (None, "Noisy spin.")
    assert timeline(ticket) == [(EventKind.CREATED, "", Status.NEW, None, "", True, {"channel": "web"})]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"kind": "wish"}, {"kind": ["Choose the kind of request."]}),
        ({"channel": "pigeon"}, {"channel": ["Choose how the request came in."]}),
        ({"priority": "asap"}, {"priority": ["Choose a priority."]}),
        ({"description": "  "}, {"description": ["Describe the problem or request."]}),
        (
            {"kind": "", "channel": "", "priority": "", "description": ""},
            {
                "kind": ["Choose the kind of request."],
                "channel": ["Choose how the request came in."],
                "priority": ["Choose a priority."],
                "description": ["Describe the problem or request."],
            },
        ),
    ],
)
def test_ticket_create_rejects_bad_fields_and_saves_nothing(customer, agent, fields, errors):
    with pytest.raises(ValidationError) as excinfo:
        create(customer, by=agent, **fields)
    assert excinfo.value.message_dict == errors
    assert (Ticket.objects.count(), TicketEvent.objects.count(), TicketSequence.objects.count()) == (0, 0, 0)


def test_ticket_create_rejects_a_unit_of_another_customer(customer, agent):
    someone_elses = ProductUnitFactory(owner=CustomerFactory())
    with pytest.raises(ValidationError) as excinfo:
        create(customer, by=agent, unit=someone_elses)
    assert excinfo.value.message_dict == {"unit": ["This product is registered to another customer."]}
    assert (Ticket.objects.count(), TicketEvent.objects.count(), TicketSequence.objects.count()) == (0, 0, 0)


def test_ticket_create_flags_a_likely_duplicate(customer, unit, fault, agent):
    first = create(customer, by=agent, unit=unit, fault_category=fault)
    second = create(customer, by=agent, unit=unit, fault_category=fault, now=T0 + H, channel=Channel.WEB)
    third = create(customer, by=agent, unit=unit, fault_category=fault, now=T0 + 2 * H)
    # Flagged, but still logged (no-leak 1); always against the oldest open ticket.
    assert row(second)["suspected_duplicate_of_id"] == first.pk
    assert row(third)["suspected_duplicate_of_id"] == first.pk
    assert row(first)["suspected_duplicate_of_id"] is None
    assert timeline(second) == [
        (EventKind.CREATED, "", Status.NEW, agent.pk, "", True, {"channel": "web"}),
        (
            EventKind.DUPLICATE,
            "",
            "",
            agent.pk,
            "Possible duplicate of AS-2026-000001 (same customer, product and fault category).",
            False,
            {"ticket": first.pk, "reference": "AS-2026-000001"},
        ),
    ]


def test_ticket_create_no_duplicate_for_another_unit_fault_or_customer(customer, unit, fault, agent):
    create(customer, by=agent, unit=unit, fault_category=fault)
    other_unit = ProductUnitFactory(owner=customer)
    other_customer = CustomerFactory()
    candidates = [
        create(customer, by=agent, unit=other_unit, fault_category=fault),
        create(customer, by=agent, unit=unit, fault_category=FaultCategoryFactory(code="noise")),
        create(customer, by=agent, unit=unit, fault_category=None),
        create(customer, by=agent, unit=None, fault_category=fault),
        create(
            other_customer,
            by=agent,
            unit=ProductUnitFactory(owner=other_customer),
            fault_category=fault,
        ),
    ]
    assert [row(ticket)["suspected_duplicate_of_id"] for ticket in candidates] == [None] * 5
    assert TicketEvent.objects.filter(kind=EventKind.DUPLICATE).count() == 0


@pytest.mark.parametrize(
    ("other_status", "flagged"),
    [
        (Status.NEW, True),
        (Status.ACKNOWLEDGED, True),
        (Status.DISPATCHED, True),
        (Status.IN_PROGRESS, True),
        (Status.ON_HOLD, True),
        (Status.REOPENED, True),
        (Status.RESOLVED, False),
        (Status.VERIFIED, False),
        (Status.CLOSED, False),
        (Status.CANCELLED, False),
        (Status.MERGED, False),
    ],
)
def test_ticket_create_flags_duplicates_only_while_the_other_ticket_is_open(
    customer, unit, fault, agent, other_status, flagged
):
    other = TicketFactory(customer=customer, unit=unit, fault_category=fault, status=other_status)
    ticket = create(customer, by=agent, unit=unit, fault_category=fault)
    assert row(ticket)["suspected_duplicate_of_id"] == (other.pk if flagged else None)
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.DUPLICATE).count() == (1 if flagged else 0)


# --- ticket_transition: the whole way through --------------------------------------------------


def test_happy_path_of_a_repair(customer, unit, fault, station, agent, technician):
    ticket = create(customer, by=agent, unit=unit, fault_category=fault)

    ticket = move(ticket, "acknowledge", agent, T0 + 10 * MIN, expected_version=1)
    assert (ticket.status, ticket.version, ticket.next_due) == (Status.ACKNOWLEDGED, 2, T0 + 8 * H)

    ticket = ticket_assign(ticket=ticket, station=station, assignee=technician, by=agent, expected_version=2)
    assert ticket.version == 3

    ticket = move(ticket, "dispatch", agent, T0 + H, expected_version=3)
    assert (ticket.status, ticket.version, ticket.next_due) == (Status.DISPATCHED, 4, ARRIVAL_DUE)

    ticket = move(ticket, "start", technician, T0 + 20 * H, expected_version=4)
    assert (ticket.status, ticket.version, ticket.next_due) == (Status.IN_PROGRESS, 5, COMPLETION_DUE)

    ticket = ticket_record_resolution(
        ticket=ticket,
        by=technician,
        work_done="Replaced the drain pump.",
        fault_code="E21",
        fault_component="drain pump",
        root_cause="Impeller cracked.",
        parts_used="Drain pump x1",
        charge="0",
        expected_version=5,
    )
    assert ticket.version == 6

    ticket = move(ticket, "resolve", technician, T0 + 22 * H, note=" Customer ran a test wash. ", expected_version=6)
    assert (ticket.status, ticket.version, ticket.next_due) == (Status.RESOLVED, 7, None)

    # Resolving scheduled the after-service callback, due within 72 hours (no-leak 3) ...
    visit = CallbackVisit.objects.get(ticket=ticket)
    assert (visit.kind, visit.status, visit.due_at) == ("after_service", "due", T0 + 94 * H)
    # ... and the case is not verified until the customer has been called back.
    assert_refused(
        ticket,
        lambda: move(ticket, "verify", agent, T0 + 29 * H, expected_version=7),
        ValidationError,
        errors={"move": ["Call the customer back first: the after-service callback is not done yet."]},
    )
    record_attempt(visit=visit, result="reached", by=agent, scores={"score_overall": 5}, at=T0 + 29 * H)
    ticket = move(ticket, "verify", agent, T0 + 30 * H, expected_version=7)
    ticket = move(ticket, "close", agent, T0 + 31 * H, expected_version=8)

    stored = row(ticket)
    assert stored["status"] == Status.CLOSED
    assert stored["version"] == 9
    assert (stored["station_id"], stored["assignee_id"]) == (station.pk, technician.pk)
    assert stored["acknowledged_at"] == T0 + 10 * MIN
    assert stored["dispatched_at"] == T0 + H
    assert stored["started_at"] == T0 + 20 * H
    assert stored["resolved_at"] == T0 + 22 * H
    assert stored["verified_at"] == T0 + 30 * H
    assert stored["closed_at"] == T0 + 31 * H
    assert (stored["cancelled_at"], stored["next_due"], stored["reopened_count"]) == (None, None, 0)
    assert (stored["fault_code"], stored["fault_component"], stored["root_cause"]) == (
        "E21",
        "drain pump",
        "Impeller cracked.",
    )
    assert (stored["work_done"], stored["parts_used"], stored["charge"]) == (
        "Replaced the drain pump.",
        "Drain pump x1",
        Decimal("0.00"),
    )
    assert timeline(ticket) == [
        (EventKind.CREATED, "", Status.NEW, agent.pk, "", True, {"channel": "phone"}),
        (EventKind.STATUS, Status.NEW, Status.ACKNOWLEDGED, agent.pk, "", True, {"move": "acknowledge"}),
        (
            EventKind.ASSIGNED,
            "",
            "",
            agent.pk,
            "",
            False,
            {"station": "Qingdao Licang station", "assignee": technician.get_full_name()},
        ),
        (EventKind.STATUS, Status.ACKNOWLEDGED, Status.DISPATCHED, agent.pk, "", True, {"move": "dispatch"}),
        (EventKind.STATUS, Status.DISPATCHED, Status.IN_PROGRESS, technician.pk, "", True, {"move": "start"}),
        (
            EventKind.RESOLUTION,
            "",
            "",
            technician.pk,
            "",
            False,
            {"fault_code": "E21", "component": "drain pump", "charge": "0.00"},
        ),
        (
            EventKind.STATUS,
            Status.IN_PROGRESS,
            Status.RESOLVED,
            technician.pk,
            "Customer ran a test wash.",
            True,
            {"move": "resolve"},
        ),
        (
            EventKind.CALLBACK,
            "",
            "",
            agent.pk,
            "Reached.",
            False,
            {
                "visit": visit.pk,
                "kind": "after_service",
                "result": "reached",
                "status": "done",
                "score": 5,
                "source": "callback",
            },
        ),
        (EventKind.STATUS, Status.RESOLVED, Status.VERIFIED, agent.pk, "", True, {"move": "verify"}),
        (EventKind.STATUS, Status.VERIFIED, Status.CLOSED, agent.pk, "", True, {"move": "close"}),
    ]


def test_a_consultation_is_resolved_at_the_desk(customer, agent):
    ticket = create(customer, by=agent, kind=Kind.CONSULTATION, description="How do I descale?")
    ticket = move(ticket, "acknowledge", agent, T0 + 5 * MIN)
    # Consultations have no dispatch stage: the clock races completion (24 business hours).
    assert ticket.next_due == ARRIVAL_DUE
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Explained the descaling programme.")
    ticket = move(ticket, "resolve", agent, T0 + 15 * MIN)
    stored = row(ticket)
    assert (stored["status"], stored["resolved_at"], stored["started_at"], stored["version"]) == (
        Status.RESOLVED,
        T0 + 15 * MIN,
        None,
        4,
    )


# --- ticket_transition: what is refused changes nothing ----------------------------------------


def assert_refused(ticket: Ticket, call, exc_type, *, errors=None, message=None):
    before, events_before = row(ticket), TicketEvent.objects.count()
    with pytest.raises(exc_type) as excinfo:
        call()
    if errors is not None:
        assert excinfo.value.message_dict == errors
    if message is not None:
        error = excinfo.value
        assert (error.messages if isinstance(error, ValidationError) else [str(error)]) == [message]
    assert row(ticket) == before
    assert TicketEvent.objects.count() == events_before


def test_dispatch_without_station_or_technician_is_refused(customer, agent):
    ticket = create(customer, by=agent)
    assert_refused(
        ticket,
        lambda: move(ticket, "dispatch", agent, T0 + H),
        ValidationError,
        errors={"move": ["Assign a service station or a technician before dispatching."]},
    )


def test_resolving_a_repair_without_its_resolution_is_refused(customer, unit, agent, technician):
    ticket = move(dispatched(customer, unit, agent, technician), "start", technician, T0 + 2 * H)
    assert_refused(
        ticket,
        lambda: move(ticket, "resolve", technician, T0 + 3 * H),
        ValidationError,
        errors={
            "move": [
                "Record the resolution (the work done) before resolving.",
                "A repair needs its fault code, component and root cause before it can be resolved.",
            ]
        },
    )


def test_resolving_a_repair_from_the_desk_is_refused(customer, agent):
    ticket = move(create(customer, by=agent), "acknowledge", agent, T0 + MIN)
    ticket = ticket_record_resolution(
        ticket=ticket, by=agent, work_done="Told to reset.", fault_code="E1", fault_component="board", root_cause="x"
    )
    assert_refused(
        ticket,
        lambda: move(ticket, "resolve", agent, T0 + H),
        ValidationError,
        errors={"move": ["A repair, installation or maintenance is resolved after the technician's work has started."]},
    )


def test_a_move_from_the_wrong_status_is_refused(customer, agent):
    ticket = create(customer, by=agent)
    assert_refused(
        ticket, lambda: move(ticket, "verify", agent, T0 + H), ValidationError, errors={"move": [NOT_FROM_HERE]}
    )


def test_a_technician_cannot_make_desk_moves_on_their_own_job(customer, unit, agent, technician):
    ticket = dispatched(customer, unit, agent, technician)
    assert_refused(
        ticket,
        lambda: move(ticket, "cancel", technician, T0 + 2 * H, note="Customer withdrew."),
        ValidationError,
        errors={"move": [ROLE_DENIED]},
    )


def test_a_stale_version_is_a_conflict(customer, agent):
    ticket = create(customer, by=agent)
    ticket = move(ticket, "acknowledge", agent, T0 + MIN, expected_version=1)
    with pytest.raises(TicketConflict) as excinfo:
        move(ticket, "hold", agent, T0 + H, note="Customer abroad.", expected_version=1)
    assert excinfo.value.code == "conflict"
    assert excinfo.value.messages == [CONFLICT]
    assert isinstance(excinfo.value, ValidationError)
    assert_refused(
        ticket,
        lambda: move(ticket, "hold", agent, T0 + H, note="Customer abroad.", expected_version=1),
        TicketConflict,
        message=CONFLICT,
    )
    assert (row(ticket)["status"], row(ticket)["version"]) == (Status.ACKNOWLEDGED, 2)


def test_a_technician_cannot_act_on_someone_elses_job(customer, unit, agent, technician, other_technician):
    ticket = dispatched(customer, unit, agent, other_technician)
    assert_refused(
        ticket,
        lambda: move(ticket, "start", technician, T0 + 2 * H),
        PermissionDenied,
        message="You cannot change this ticket.",
    )


def test_a_technician_cannot_act_on_an_unassigned_ticket(customer, agent, technician):
    ticket = create(customer, by=agent)
    assert_refused(
        ticket,
        lambda: move(ticket, "hold", technician, T0 + H, note="Away."),
        PermissionDenied,
        message="You cannot change this ticket.",
    )


def test_a_department_user_cannot_move_tickets(customer, agent, department_user):
    ticket = create(customer, by=agent)
    assert_refused(
        ticket,
        lambda: move(ticket, "acknowledge", department_user, T0 + H),
        PermissionDenied,
        message="You cannot change this ticket.",
    )


def test_a_technician_moves_their_own_job(customer, unit, agent, technician):
    ticket = move(dispatched(customer, unit, agent, technician), "start", technician, T0 + 2 * H)
    assert (row(ticket)["status"], row(ticket)["started_at"]) == (Status.IN_PROGRESS, T0 + 2 * H)


# --- pauses, reopening, merging, cancelling ------------------------------------------------------


def test_hold_and_resume_shift_the_remaining_deadlines(customer, agent):
    ticket = move(create(customer, by=agent), "acknowledge", agent, T0 + H)
    ticket = move(ticket, "hold", agent, T0 + 3 * H, note="Customer is away until tomorrow.")
    stored = row(ticket)
    assert (stored["status"], stored["held_from"], stored["on_hold_since"], stored["next_due"]) == (
        Status.ON_HOLD,
        Status.ACKNOWLEDGED,
        T0 + 3 * H,
        None,
    )
    # The deadlines do not move until the pause ends.
    assert (stored["dispatch_due"], stored["completion_due"]) == (T0 + 8 * H, COMPLETION_DUE)

    ticket = move(ticket, "resume", agent, T0 + 27 * H)
    stored = row(ticket)
    assert (stored["status"], stored["held_from"], stored["on_hold_since"]) == (Status.ACKNOWLEDGED, "", None)
    # A pause of 24 hours on the clock, 9 of them business hours (12:00-17:30 on Monday,
    # 08:30-12:00 on Tuesday): the response deadline had passed before it and stays; the others
    # move by 9 business hours.
    assert stored["response_due"] == T0 + 2 * H
    assert stored["dispatch_due"] == sh(3, 3, 17)
    assert stored["arrival_due"] == sh(3, 5, 15)
    assert stored["completion_due"] == sh(3, 12, 9)
    assert stored["next_due"] == sh(3, 3, 17)
    assert stored["version"] == 4
    assert timeline(ticket)[-2:] == [
        (
            EventKind.STATUS,
            Status.ACKNOWLEDGED,
            Status.ON_HOLD,
            agent.pk,
            "Customer is away until tomorrow.",
            True,
            {"move": "hold"},
        ),
        (EventKind.STATUS, Status.ON_HOLD, Status.ACKNOWLEDGED, agent.pk, "", True, {"move": "resume"}),
    ]


def test_a_technician_pauses_and_resumes_work_in_progress(customer, unit, agent, technician):
    ticket = move(dispatched(customer, unit, agent, technician), "start", technician, T0 + 24 * H)
    ticket = move(ticket, "hold", technician, T0 + 25 * H, note="Waiting for the customer to fetch the receipt.")
    ticket = move(ticket, "resume", technician, T0 + 27 * H + 30 * MIN)
    stored = row(ticket)
    assert (stored["status"], stored["started_at"]) == (Status.IN_PROGRESS, T0 + 24 * H)
    # Arrival (Wednesday 15:00) and completion (11 March 09:00) were still ahead: both move by the
    # 2.5 business hours of the pause (Tuesday 10:00-12:30); arrival to Wednesday's closing time.
    assert (stored["arrival_due"], stored["completion_due"], stored["next_due"]) == (
        sh(3, 4, 17, 30),
        sh(3, 11, 11, 30),
        sh(3, 11, 11, 30),
    )
    assert (stored["response_due"], stored["dispatch_due"]) == (T0 + 2 * H, T0 + 8 * H)


def test_resume_to_dispatched_keeps_the_dispatch_time(customer, unit, agent, technician):
    ticket = move(dispatched(customer, unit, agent, technician), "hold", agent, T0 + 2 * H, note="No one home.")
    ticket = move(ticket, "resume", agent, T0 + 6 * H)
    stored = row(ticket)
    assert (stored["status"], stored["dispatched_at"], stored["acknowledged_at"]) == (
        Status.DISPATCHED,
        T0 + H,
        T0 + 10 * MIN,
    )
    # Arrival (Wednesday 15:00) moves by the 4 business hours of the pause: 2.5 on Wednesday,
    # 1.5 on Thursday.
    assert (stored["arrival_due"], stored["next_due"]) == (sh(3, 5, 10), sh(3, 5, 10))


def test_hold_needs_a_note(customer, agent):
    ticket = create(customer, by=agent)
    assert_refused(
        ticket, lambda: move(ticket, "hold", agent, T0 + H, note="  "), ValidationError, errors={"move": [NEEDS_NOTE]}
    )


def test_reopen_counts_and_keeps_the_first_acknowledgement(customer, agent):
    ticket = create(customer, by=agent, kind=Kind.CONSULTATION)
    ticket = move(ticket, "acknowledge", agent, T0 + MIN)
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Explained the child lock.")
    ticket = move(ticket, "resolve", agent, T0 + 5 * MIN)
    assert_refused(
        ticket, lambda: move(ticket, "reopen", agent, T0 + H), ValidationError, errors={"move": [NEEDS_NOTE]}
    )

    ticket = move(ticket, "reopen", agent, T0 + H, note="Customer called back: still locked.")
    stored = row(ticket)
    # A reopened case gets a fresh completion clock from the reopening (consultation: 24 business
    # hours from Monday 10:00: 7.5 on Monday, 9 on Tuesday, 7.5 on Wednesday).
    assert (stored["status"], stored["reopened_count"], stored["next_due"]) == (Status.REOPENED, 1, sh(3, 4, 16))
    assert stored["response_due"] == T0 + 4 * H

    ticket = move(ticket, "acknowledge", agent, T0 + 2 * H)
    ticket = move(ticket, "resolve", agent, T0 + 3 * H)
    # Each resolution of the case gets its own callback.
    assert CallbackVisit.objects.filter(ticket=ticket).count() == 2
    for visit in CallbackVisit.objects.filter(ticket=ticket, status="due"):
        record_attempt(visit=visit, result="reached", by=agent, scores={"score_overall": 4}, at=T0 + 3 * H)
    ticket = move(ticket, "verify", agent, T0 + 4 * H)
    ticket = move(ticket, "close", agent, T0 + 5 * H)
    ticket = move(ticket, "reopen", agent, T0 + 50 * H, note="Locked again.")
    stored = row(ticket)
    assert (stored["status"], stored["reopened_count"]) == (Status.REOPENED, 2)
    assert stored["acknowledged_at"] == T0 + MIN
    assert stored["resolved_at"] == T0 + 3 * H
    assert [event[1:3] for event in timeline(ticket) if event[0] == EventKind.STATUS] == [
        (Status.NEW, Status.ACKNOWLEDGED),
        (Status.ACKNOWLEDGED, Status.RESOLVED),
        (Status.RESOLVED, Status.REOPENED),
        (Status.REOPENED, Status.ACKNOWLEDGED),
        (Status.ACKNOWLEDGED, Status.RESOLVED),
        (Status.RESOLVED, Status.VERIFIED),
        (Status.VERIFIED, Status.CLOSED),
        (Status.CLOSED, Status.REOPENED),
    ]


def test_merge_sets_merged_into_and_notes_the_target(customer, unit, fault, agent):
    original = create(customer, by=agent, unit=unit, fault_category=fault)
    duplicate = create(customer, by=agent, unit=unit, fault_category=fault, now=T0 + H)
    duplicate = move(duplicate, "merge", agent, T0 + 2 * H, merge_into=original, note="Same call twice.")
    stored = row(duplicate)
    assert (stored["status"], stored["merged_into_id"], stored["next_due"]) == (Status.MERGED, original.pk, None)
    assert timeline(duplicate)[-1] == (
        EventKind.STATUS,
        Status.NEW,
        Status.MERGED,
        agent.pk,
        "Same call twice.",
        True,
        {"move": "merge", "merged_into": "AS-2026-000001"},
    )
    assert timeline(original)[-1] == (
        EventKind.NOTE,
        "",
        "",
        agent.pk,
        "AS-2026-000002 was merged into this ticket.",
        False,
        {"merged": "AS-2026-000002"},
    )
    # The target itself is not changed by the merge.
    assert (row(original)["status"], row(original)["version"]) == (Status.NEW, 1)


def test_merge_needs_a_target(customer, agent):
    ticket = create(customer, by=agent)
    assert_refused(
        ticket,
        lambda: move(ticket, "merge", agent, T0 + H),
        ValidationError,
        errors={"move": ["Choose the ticket this one duplicates."]},
    )


@pytest.mark.parametrize("target_status", [Status.MERGED, Status.CANCELLED])
def test_merge_into_a_merged_or_cancelled_ticket_is_refused(customer, agent, target_status):
    target = TicketFactory(customer=customer, status=target_status)
    ticket = create(customer, by=agent)
    target_events = TicketEvent.objects.filter(ticket=target).count()
    assert_refused(
        ticket,
        lambda: move(ticket, "merge", agent, T0 + H, merge_into=target),
        ValidationError,
        errors={"merge_into": ["Choose another ticket that is not merged or cancelled."]},
    )
    assert TicketEvent.objects.filter(ticket=target).count() == target_events


def test_merge_into_itself_is_refused(customer, agent):
    ticket = create(customer, by=agent)
    assert_refused(
        ticket,
        lambda: move(ticket, "merge", agent, T0 + H, merge_into=ticket),
        ValidationError,
        errors={"merge_into": ["Choose another ticket that is not merged or cancelled."]},
    )


@pytest.mark.parametrize(("move_name", "note"), [("cancel", "Customer withdrew."), ("acknowledge", "")])
def test_a_merge_target_with_another_move_is_refused(customer, agent, move_name, note):
    other = create(customer, by=agent)
    ticket = create(customer, by=agent, now=T0 + MIN)
    other_before = row(other)
    assert_refused(
        ticket,
        lambda: move(ticket, move_name, agent, T0 + H, merge_into=other, note=note),
        ValidationError,
        errors={"merge_into": ["Only a merge takes a ticket to merge into."]},
    )
    assert row(other) == other_before


def test_cancel_needs_a_note(customer, agent):
    ticket = create(customer, by=agent)
    assert_refused(
        ticket, lambda: move(ticket, "cancel", agent, T0 + H), ValidationError, errors={"move": [NEEDS_NOTE]}
    )
    ticket = move(ticket, "cancel", agent, T0 + H, note="Customer fixed it themselves.")
    stored = row(ticket)
    assert (stored["status"], stored["cancelled_at"], stored["next_due"]) == (Status.CANCELLED, T0 + H, None)
    assert timeline(ticket)[-1] == (
        EventKind.STATUS,
        Status.NEW,
        Status.CANCELLED,
        agent.pk,
        "Customer fixed it themselves.",
        True,
        {"move": "cancel"},
    )


def test_cancel_while_on_hold_stops_the_pause(customer, agent):
    ticket = move(create(customer, by=agent), "hold", agent, T0 + H, note="Away.")
    ticket = move(ticket, "cancel", agent, T0 + 5 * H, note="Customer bought a new one.")
    stored = row(ticket)
    assert (stored["status"], stored["held_from"], stored["on_hold_since"], stored["next_due"]) == (
        Status.CANCELLED,
        "",
        None,
        None,
    )


# --- ticket_assign -----------------------------------------------------------------------------


def test_ticket_assign_station_and_technician(customer, station, agent, technician):
    ticket = create(customer, by=agent)
    ticket = ticket_assign(ticket=ticket, station=station, assignee=technician, by=agent, expected_version=1)
    stored = row(ticket)
    assert (stored["station_id"], stored["assignee_id"], stored["version"], stored["status"]) == (
        station.pk,
        technician.pk,
        2,
        Status.NEW,
    )
    assert timeline(ticket)[-1] == (
        EventKind.ASSIGNED,
        "",
        "",
        agent.pk,
        "",
        False,
        {"station": "Qingdao Licang station", "assignee": technician.get_full_name()},
    )


def test_ticket_assign_station_only_and_unassign(customer, station, manager):
    ticket = create(customer, by=manager)
    ticket = ticket_assign(ticket=ticket, station=station, assignee=None, by=manager)
    ticket = ticket_assign(ticket=ticket, station=None, assignee=None, by=manager)
    stored = row(ticket)
    assert (stored["station_id"], stored["assignee_id"], stored["version"]) == (None, None, 3)
    assert [event[6] for event in timeline(ticket) if event[0] == EventKind.ASSIGNED] == [
        {"station": "Qingdao Licang station", "assignee": ""},
        {"station": "", "assignee": ""},
    ]


def test_ticket_assign_the_same_again_changes_nothing(customer, station, agent, technician):
    ticket = ticket_assign(ticket=create(customer, by=agent), station=station, assignee=technician, by=agent)
    before, events_before = row(ticket), TicketEvent.objects.count()
    ticket_assign(ticket=ticket, station=station, assignee=technician, by=agent)
    assert row(ticket) == before
    assert TicketEvent.objects.count() == events_before


def test_ticket_assign_uses_the_username_when_there_is_no_full_name(customer, agent):
    nameless = UserFactory(username="tech-nameless", first_name="", last_name="", roles=[Role.TECHNICIAN])
    ticket = ticket_assign(ticket=create(customer, by=agent), station=None, assignee=nameless, by=agent)
    assert timeline(ticket)[-1][6] == {"station": "", "assignee": "tech-nameless"}


@pytest.mark.parametrize("role", [Role.AGENT, Role.MANAGER, Role.DEPARTMENT, None])
def test_ticket_assign_only_technicians(customer, agent, role):
    not_a_technician = UserFactory(username="someone", roles=[role] if role else [])
    ticket = create(customer, by=agent)
    assert_refused(
        ticket,
        lambda: ticket_assign(ticket=ticket, station=None, assignee=not_a_technician, by=agent),
        ValidationError,
        errors={"assignee": ["Only a technician can be assigned a job."]},
    )


def test_ticket_assign_an_inactive_technician_is_refused(customer, agent):
    retired = UserFactory(username="retired-tech", roles=[Role.TECHNICIAN], is_active=False)
    ticket = create(customer, by=agent)
    assert_refused(
        ticket,
        lambda: ticket_assign(ticket=ticket, station=None, assignee=retired, by=agent),
        ValidationError,
        errors={"assignee": ["Only a technician can be assigned a job."]},
    )


def test_ticket_assign_an_inactive_station_is_refused(customer, agent, technician):
    closed_station = ServiceStationFactory(code="qd-old", is_active=False)
    ticket = create(customer, by=agent)
    assert_refused(
        ticket,
        lambda: ticket_assign(ticket=ticket, station=closed_station, assignee=technician, by=agent),
        ValidationError,
        errors={"station": ["This service station is not active."]},
    )


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED, Status.MERGED])
def test_ticket_assign_a_finished_ticket_is_refused(customer, agent, technician, status):
    ticket = TicketFactory(customer=customer, status=status)
    assert_refused(
        ticket,
        lambda: ticket_assign(ticket=ticket, station=None, assignee=technician, by=agent),
        ValidationError,
        errors={"assignee": ["A closed, cancelled or merged ticket cannot be assigned."]},
    )


def test_a_technician_cannot_assign(customer, agent, technician, other_technician):
    ticket = ticket_assign(ticket=create(customer, by=agent), station=None, assignee=technician, by=agent)
    assert_refused(
        ticket,
        lambda: ticket_assign(ticket=ticket, station=None, assignee=other_technician, by=technician),
        PermissionDenied,
        message="You cannot assign tickets.",
    )


def test_ticket_assign_with_a_stale_version_is_a_conflict(customer, agent, technician):
    ticket = move(create(customer, by=agent), "acknowledge", agent, T0 + MIN)
    assert_refused(
        ticket,
        lambda: ticket_assign(ticket=ticket, station=None, assignee=technician, by=agent, expected_version=1),
        TicketConflict,
        message=CONFLICT,
    )


# --- ticket_add_note ---------------------------------------------------------------------------


@pytest.mark.parametrize("is_public", [True, False])
def test_ticket_add_note(customer, agent, is_public):
    ticket = create(customer, by=agent)
    event = ticket_add_note(ticket=ticket, note="  Called the customer back.  ", is_public=is_public, by=agent)
    assert timeline(ticket)[-1] == (EventKind.NOTE, "", "", agent.pk, "Called the customer back.", is_public, {})
    assert event == TicketEvent.objects.latest("id")


def test_ticket_add_note_needs_text(customer, agent):
    ticket = create(customer, by=agent)
    assert_refused(
        ticket,
        lambda: ticket_add_note(ticket=ticket, note=" \n ", is_public=False, by=agent),
        ValidationError,
        errors={"note": ["Write the note first."]},
    )


def test_a_technician_notes_only_their_own_jobs(customer, unit, agent, technician, other_technician):
    own = dispatched(customer, unit, agent, technician)
    ticket_add_note(ticket=own, note="Bring the spare pump.", is_public=False, by=technician)
    assert timeline(own)[-1][:5] == (EventKind.NOTE, "", "", technician.pk, "Bring the spare pump.")
    someone_elses = dispatched(customer, unit, agent, other_technician)
    assert_refused(
        someone_elses,
        lambda: ticket_add_note(ticket=someone_elses, note="Hi.", is_public=True, by=technician),
        PermissionDenied,
        message="You cannot change this ticket.",
    )


# --- ticket_record_resolution ------------------------------------------------------------------


def test_a_repair_resolution_needs_the_fault_analysis(customer, unit, agent, technician):
    ticket = move(dispatched(customer, unit, agent, technician), "start", technician, T0 + 2 * H)
    assert_refused(
        ticket,
        lambda: ticket_record_resolution(ticket=ticket, by=technician, work_done="Replaced the pump.", root_cause=" "),
        ValidationError,
        errors={
            "fault_code": ["A repair needs a fault code."],
            "fault_component": ["Name the faulty component."],
            "root_cause": ["Give the root cause."],
        },
    )


def test_a_resolution_reports_every_field_at_once(customer, unit, agent, technician):
    ticket = move(dispatched(customer, unit, agent, technician), "start", technician, T0 + 2 * H)
    assert_refused(
        ticket,
        lambda: ticket_record_resolution(ticket=ticket, by=technician, work_done="", charge="abc"),
        ValidationError,
        errors={
            "work_done": ["Describe the work done."],
            "fault_code": ["A repair needs a fault code."],
            "fault_component": ["Name the faulty component."],
            "root_cause": ["Give the root cause."],
            "charge": ["Enter an amount such as 120.00."],
        },
    )


def test_an_installation_needs_no_fault_analysis(customer, unit, agent, technician):
    ticket = move(
        dispatched(customer, unit, agent, technician, kind=Kind.INSTALLATION), "start", technician, T0 + 2 * H
    )
    ticket = ticket_record_resolution(ticket=ticket, by=technician, work_done="Installed and levelled.", charge="80")
    stored = row(ticket)
    assert (stored["work_done"], stored["fault_code"], stored["charge"]) == (
        "Installed and levelled.",
        "",
        Decimal("80.00"),
    )
    assert timeline(ticket)[-1] == (
        EventKind.RESOLUTION,
        "",
        "",
        technician.pk,
        "",
        False,
        {"fault_code": "", "component": "", "charge": "80.00"},
    )


@pytest.mark.parametrize(
    ("charge", "stored"),
    [
        ("120.5", Decimal("120.50")),
        (" 35 ", Decimal("35.00")),
        ("0", Decimal("0.00")),
        ("", Decimal("0.00")),
        (None, Decimal("0.00")),
        (Decimal("99.99"), Decimal("99.99")),
        (150, Decimal("150.00")),
        ("99999999.99", Decimal("99999999.99")),
    ],
)
def test_charge_parsing(customer, agent, charge, stored):
    ticket = create(customer, by=agent, kind=Kind.CONSULTATION)
    ticket = ticket_record_resolution(ticket=ticket, by=agent, work_done="Advice given.", charge=charge)
    assert row(ticket)["charge"] == stored


@pytest.mark.parametrize(
    ("charge", "message"),
    [
        ("abc", "Enter an amount such as 120.00."),
        ("1,200.00", "Enter an amount such as 120.00."),
        ("NaN", "Enter an amount such as 120.00."),
        ("Infinity", "Enter an amount such as 120.00."),
        ("-Infinity", "Enter an amount such as 120.00."),
        ("-5", "The amount cannot be negative."),
        ("-0.01", "The amount cannot be negative."),
        ("100000000", "The amount is too large."),
        ("99999999.999", "The amount is too large."),
        ("1e40", "The amount is too large."),
    ],
)
def test_charge_errors_are_field_errors(customer, agent, charge, message):
    ticket = create(customer, by=agent, kind=Kind.CONSULTATION)
    assert_refused(
        ticket,
        lambda: ticket_record_resolution(ticket=ticket, by=agent, work_done="Advice given.", charge=charge),
        ValidationError,
        errors={"charge": [message]},
    )


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED, Status.MERGED])
def test_the_resolution_of_a_finished_ticket_cannot_change(customer, agent, status):
    ticket = TicketFactory(customer=customer, status=status, kind=Kind.CONSULTATION)
    assert_refused(
        ticket,
        lambda: ticket_record_resolution(ticket=ticket, by=agent, work_done="Late edit."),
        ValidationError,
        errors={"work_done": ["The resolution of a closed ticket cannot change."]},
    )


def test_a_technician_cannot_record_on_someone_elses_job(customer, unit, agent, technician, other_technician):
    ticket = dispatched(customer, unit, agent, other_technician)
    assert_refused(
        ticket,
        lambda: ticket_record_resolution(
            ticket=ticket, by=technician, work_done="x", fault_code="E1", fault_component="pump", root_cause="y"
        ),
        PermissionDenied,
        message="You cannot change this ticket.",
    )


# --- sla_sweep ---------------------------------------------------------------------------------


def breach_events() -> list[tuple]:
    return list(
        TicketEvent.objects.filter(kind=EventKind.SLA_BREACHED)
        .order_by("id")
        .values_list("ticket_id", "actor_id", "note", "is_public", "data")
    )


def test_sla_sweep_flags_a_stage_once(customer, agent):
    ticket = create(customer, by=agent)  # response due at T0 + 2 h
    assert sla_sweep(now=T0 + 2 * H) == 0  # due, not yet missed
    assert sla_sweep(now=T0 + 2 * H + dt.timedelta(seconds=1)) == 1
    assert sla_sweep(now=T0 + 3 * H) == 0
    assert row(ticket)["breached_stage"] == Status.NEW
    assert breach_events() == [
        (
            ticket.pk,
            None,
            "The deadline for this stage has passed.",
            False,
            {"status": "new", "due": "2026-03-02T03:00:00+00:00"},
        )
    ]
    # The sweep is no user's write: the version the desk holds stays valid.
    assert row(ticket)["version"] == 1


def test_sla_sweep_flags_again_in_a_new_stage(customer, agent):
    ticket = create(customer, by=agent)
    assert sla_sweep(now=T0 + 3 * H) == 1
    ticket = move(ticket, "acknowledge", agent, T0 + 3 * H)  # dispatch due at T0 + 8 h
    assert sla_sweep(now=T0 + 4 * H) == 0
    assert sla_sweep(now=T0 + 9 * H) == 1
    assert sla_sweep(now=T0 + 10 * H) == 0
    assert row(ticket)["breached_stage"] == Status.ACKNOWLEDGED
    assert [event[4] for event in breach_events()] == [
        {"status": "new", "due": "2026-03-02T03:00:00+00:00"},
        {"status": "acknowledged", "due": "2026-03-02T09:00:00+00:00"},
    ]


def test_sla_sweep_skips_tickets_on_hold(customer, agent):
    ticket = move(create(customer, by=agent), "hold", agent, T0 + H, note="Customer abroad for a month.")
    assert row(ticket)["next_due"] is None
    assert sla_sweep(now=T0 + 30 * 24 * H) == 0
    assert breach_events() == []


def test_sla_sweep_skips_finished_and_future_work(customer, agent):
    resolved = create(customer, by=agent, kind=Kind.CONSULTATION)
    resolved = move(resolved, "acknowledge", agent, T0 + MIN)
    resolved = ticket_record_resolution(ticket=resolved, by=agent, work_done="Answered.")
    move(resolved, "resolve", agent, T0 + 2 * MIN)
    create(customer, by=agent, now=T0 + 10 * H)  # response due at T0 + 12 h
    assert sla_sweep(now=T0 + 11 * H) == 0
    assert breach_events() == []


def test_sla_sweep_counts_every_ticket_it_flags(customer, agent):
    late = [create(customer, by=agent, now=T0 + n * MIN) for n in range(3)]
    create(customer, by=agent, now=T0 + 5 * H)
    assert sla_sweep(now=T0 + 4 * H) == 3
    assert sorted(event[0] for event in breach_events()) == sorted(ticket.pk for ticket in late)


def test_unknown_move_is_a_field_error_and_changes_nothing(agent):
    ticket = TicketFactory(status=Status.NEW)
    with pytest.raises(ValidationError) as caught:
        ticket_transition(ticket=ticket, move="teleport", by=agent)
    assert caught.value.message_dict == {"move": ["This move does not exist."]}
    ticket.refresh_from_db()
    assert (ticket.status, ticket.version) == (Status.NEW, 1)


def test_resolution_fields_longer_than_their_columns_are_field_errors(agent):
    ticket = TicketFactory(status=Status.IN_PROGRESS, kind=Kind.CONSULTATION)
    with pytest.raises(ValidationError) as caught:
        ticket_record_resolution(ticket=ticket, by=agent, work_done="ok", fault_code="E" * 41, fault_component="c" * 81)
    assert caught.value.message_dict == {
        "fault_code": ["At most 40 characters."],
        "fault_component": ["At most 80 characters."],
    }
    ticket.refresh_from_db()
    assert ticket.work_done == ""
