"""parts/returns.py: a part used under warranty opens an old-part return with its RMA number and
due date; the return is shipped, received and inspected in that order; one not shipped in time
is flagged and its station alerted, once. Refused calls change nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from notifications.models import OutboundMessage
from parts import returns
from parts.hooks import register
from parts.models import PartReturn, ReturnFinding, ReturnStatus
from parts.tasks import flag_overdue_returns_task
from parts.usage import after_use, part_use
from tests.factories import ServiceStationFactory, UserFactory
from tests.parts.demand_helpers import PartFactory, events, repair_in_progress, snapshot, stocked

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 23:30 on 2 March in Shanghai is 15:30 UTC: the RMA number takes the business day.
USED = dt.datetime(2026, 3, 2, 23, 30, tzinfo=SHANGHAI)


@pytest.fixture
def lead():
    return UserFactory(username="lead1", email="lead@example.com")


@pytest.fixture
def north(lead):
    return ServiceStationFactory(code="qd-north", name="Station qd-north", lead=lead)


@pytest.fixture
def pump():
    return PartFactory(number="WM-PUMP-01", name="Drain pump")


@pytest.fixture
def ticket(technician, north):
    return repair_in_progress(technician, north)


def use(ticket, north, pump, technician, *, under_warranty=True, when=USED):
    stocked(north, pump, 1)
    with time_machine.travel(when, tick=False):
        return part_use(
            ticket=ticket,
            station=north,
            part=pump,
            quantity=1,
            by=technician,
            under_warranty=under_warranty,
            failed_batch="B2025-11",
        )


def test_a_part_used_under_warranty_opens_a_return_due_in_fifteen_days(ticket, north, pump, technician):
    usage = use(ticket, north, pump, technician)

    part_return = PartReturn.objects.get()
    assert (part_return.usage, part_return.rma_number, part_return.status) == (
        usage,
        "RMA-20260302-0001",
        ReturnStatus.TO_RETURN,
    )
    assert part_return.due_by == USED + dt.timedelta(days=15)
    assert events(ticket)[-1][1:] == (
        "parts.return_opened",
        "Old part WM-PUMP-01 to be returned to the maker under RMA-20260302-0001 by 17 Mar 2026.",
    )


def test_rma_numbers_count_up_within_a_day_and_start_again_the_next(technician, north, pump):
    numbers = []
    for when in (USED, USED + dt.timedelta(minutes=10), USED + dt.timedelta(hours=1)):
        use(repair_in_progress(technician, north), north, pump, technician, when=when)
        numbers.append(PartReturn.objects.order_by("-id").first().rma_number)
    assert numbers == ["RMA-20260302-0001", "RMA-20260302-0002", "RMA-20260303-0001"]


def test_the_days_to_return_come_from_the_settings(settings, ticket, north, pump, technician):
    settings.PART_RETURN_DAYS = 30
    use(ticket, north, pump, technician)
    assert PartReturn.objects.get().due_by == USED + dt.timedelta(days=30)


def test_a_paid_part_opens_no_return(ticket, north, pump, technician):
    use(ticket, north, pump, technician, under_warranty=False)
    assert PartReturn.objects.count() == 0


# --- ship, receive, inspect ---------------------------------------------------------------------


def test_a_return_goes_shipped_received_inspected(ticket, north, pump, technician, agent):
    use(ticket, north, pump, technician)
    part_return = PartReturn.objects.get()

    returns.return_ship(part_return=part_return, tracking="  SF1234567890 ", by=technician)
    returns.return_receive(part_return=part_return, by=agent)
    returns.return_inspect(part_return=part_return, finding=ReturnFinding.CONFIRMED, note="Impeller cracked.", by=agent)

    part_return.refresh_from_db()
    assert (part_return.status, part_return.tracking, part_return.finding, part_return.finding_note) == (
        ReturnStatus.INSPECTED,
        "SF1234567890",
        ReturnFinding.CONFIRMED,
        "Impeller cracked.",
    )
    assert None not in (part_return.shipped_at, part_return.received_at, part_return.inspected_at)
    assert [note for _kind, _code, note in events(ticket)][-3:] == [
        "Old part returned under RMA-20260302-0001, tracking SF1234567890.",
        "The maker received the old part of RMA-20260302-0001.",
        "Old part of RMA-20260302-0001 inspected: Fault confirmed.",
    ]


@pytest.mark.parametrize(
    ("call", "errors"),
    [
        pytest.param(
            lambda r, by: returns.return_receive(part_return=r, by=by),
            {"status": ["This return is to return: it cannot be received now."]},
            id="receive before shipping",
        ),
        pytest.param(
            lambda r, by: returns.return_inspect(part_return=r, finding="confirmed", by=by),
            {"status": ["This return is to return: it cannot be inspected now."]},
            id="inspect before receiving",
        ),
        pytest.param(
            lambda r, by: returns.return_ship(part_return=r, tracking="   ", by=by),
            {"tracking": ["Give the shipment's tracking number."]},
            id="ship without tracking",
        ),
    ],
)
def test_moves_out_of_order_are_field_errors_and_change_nothing(ticket, north, pump, technician, agent, call, errors):
    use(ticket, north, pump, technician)
    part_return = PartReturn.objects.get()
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        call(part_return, agent)

    assert refused.value.message_dict == errors
    assert snapshot() == before


def test_an_inspection_needs_a_known_finding(ticket, north, pump, technician, agent):
    use(ticket, north, pump, technician)
    part_return = PartReturn.objects.get()
    returns.return_ship(part_return=part_return, tracking="SF1", by=agent)
    returns.return_receive(part_return=part_return, by=agent)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        returns.return_inspect(part_return=part_return, finding="lost", by=agent)
    assert refused.value.message_dict == {"finding": ["Choose what the inspection found."]}
    assert snapshot() == before


def test_another_technician_cannot_move_the_return(ticket, north, pump, technician, other_technician):
    use(ticket, north, pump, technician)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        returns.return_ship(part_return=PartReturn.objects.get(), tracking="SF1", by=other_technician)
    assert snapshot() == before


# --- overdue ------------------------------------------------------------------------------------


def test_a_return_not_shipped_in_time_is_flagged_and_the_station_alerted_once(ticket, north, pump, technician):
    use(ticket, north, pump, technician)
    part_return = PartReturn.objects.get()
    due = part_return.due_by

    assert returns.flag_overdue_returns(now=due) == 0
    with time_machine.travel(due + dt.timedelta(seconds=1), tick=False):
        assert flag_overdue_returns_task() == 1
        assert flag_overdue_returns_task() == 0

    part_return.refresh_from_db()
    assert part_return.flagged_at == due + dt.timedelta(seconds=1)
    alerts = list(OutboundMessage.objects.filter(template="part_return_overdue").values_list("recipient", "context"))
    assert alerts == [
        (
            "lead@example.com",
            {
                "rma": "RMA-20260302-0001",
                "part": "WM-PUMP-01 Drain pump",
                "reference": ticket.reference,
                "station": "Station qd-north",
                "due": "17 Mar 2026",
                "returns_url": "http://127.0.0.1:8000/desk/parts/returns/?overdue=1",
            },
        )
    ]
    assert events(ticket)[-1][1:] == (
        "parts.return_overdue",
        "The old part of RMA-20260302-0001 was due back by 17 Mar 2026 and is not shipped.",
    )


def test_a_shipped_return_is_never_overdue(ticket, north, pump, technician):
    use(ticket, north, pump, technician)
    part_return = PartReturn.objects.get()
    returns.return_ship(part_return=part_return, tracking="SF1", by=technician)
    assert returns.flag_overdue_returns(now=part_return.due_by + dt.timedelta(days=10)) == 0
    assert OutboundMessage.objects.filter(template="part_return_overdue").count() == 0


def test_registering_again_adds_nothing_twice():
    with pytest.raises(ValueError, match="registered already"):
        register()
    assert after_use.count(returns.return_open) == 1
