"""parts/demand.py: reserve free stock, release it, order a part and wait on hold, receive it into
stock reserved for the ticket, cancel. Refused calls change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from parts import demand
from parts.models import MovementKind, OrderSource, OrderStatus, ReservationStatus, StockMovement
from tests.parts.demand_helpers import (
    PartFactory,
    events,
    level,
    repair_in_progress,
    snapshot,
    station,
    stocked,
)
from tickets.choices import EventKind, Status
from tickets.models import Ticket
from tickets.services import ticket_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def north():
    return station("qd-north")


@pytest.fixture
def pump():
    return PartFactory(number="WM-PUMP-01", name="Drain pump")


@pytest.fixture
def ticket(technician, north):
    return repair_in_progress(technician, north)


# --- reserve and release -------------------------------------------------------------------------


def test_reserving_free_stock_holds_it_for_the_ticket(ticket, north, pump, technician):
    stocked(north, pump, 3)

    reservation = demand.part_reserve(ticket=ticket, station=north, part=pump, quantity=2, by=technician)

    assert (reservation.ticket, reservation.quantity, reservation.status) == (ticket, 2, ReservationStatus.RESERVED)
    assert level(north, pump) == (3, 2)
    movement = StockMovement.objects.order_by("id").last()
    assert (movement.kind, movement.quantity, movement.reserved_change, movement.ticket, movement.by) == (
        MovementKind.RESERVE,
        0,
        2,
        ticket,
        technician,
    )
    assert movement.reason == f"Reserved for {ticket.reference}"
    assert events(ticket)[-1] == (EventKind.NOTE, "parts.reserved", "2 × WM-PUMP-01 reserved at Station qd-north.")


def test_reserving_more_than_is_free_is_refused_and_changes_nothing(ticket, north, pump, technician, agent):
    stocked(north, pump, 3)
    demand.part_reserve(ticket=ticket, station=north, part=pump, quantity=2, by=agent)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        demand.part_reserve(ticket=ticket, station=north, part=pump, quantity=2, by=technician)

    assert refused.value.message_dict == {"quantity": ["Not enough WM-PUMP-01 in stock at Station qd-north: 1 free."]}
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "quantity", "errors"),
    [
        pytest.param({}, 0, {"quantity": ["Give at least one."]}, id="nothing"),
        pytest.param(
            {"status": Status.CLOSED},
            1,
            {"ticket": ["This ticket's repair is over: it needs no more parts."]},
            id="closed",
        ),
        pytest.param(
            {"status": Status.RESOLVED},
            1,
            {"ticket": ["This ticket's repair is over: it needs no more parts."]},
            id="resolved",
        ),
    ],
)
def test_reserving_for_a_ticket_that_cannot_take_it_is_refused(technician, north, pump, fields, quantity, errors):
    ticket = repair_in_progress(technician, north, **fields)
    stocked(north, pump, 3)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        demand.part_reserve(ticket=ticket, station=north, part=pump, quantity=quantity, by=technician)

    assert refused.value.message_dict == errors
    assert snapshot() == before


def test_a_technician_cannot_reserve_for_someone_elses_job(ticket, north, pump, other_technician):
    stocked(north, pump, 3)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        demand.part_reserve(ticket=ticket, station=north, part=pump, quantity=1, by=other_technician)

    assert snapshot() == before


def test_releasing_gives_the_parts_back_once(ticket, north, pump, agent):
    stocked(north, pump, 3)
    reservation = demand.part_reserve(ticket=ticket, station=north, part=pump, quantity=2, by=agent)

    demand.reservation_release(reservation=reservation, by=agent)

    reservation.refresh_from_db()
    assert reservation.status == ReservationStatus.RELEASED
    assert reservation.closed_at is not None
    assert level(north, pump) == (3, 0)
    assert events(ticket)[-1][1:] == ("parts.released", "Reservation of 2 × WM-PUMP-01 released at Station qd-north.")
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        demand.reservation_release(reservation=reservation, by=agent)
    assert refused.value.message_dict == {"reservation": ["This reservation was already used or released."]}
    assert snapshot() == before


# --- order, wait, receive -------------------------------------------------------------------------

ORDERED_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
RECEIVED_AT = dt.datetime(2026, 3, 9, 15, 0, tzinfo=dt.UTC)


def test_ordering_a_part_puts_the_ticket_on_hold_waiting_for_parts(ticket, north, pump, technician):
    order = demand.parts_order(
        ticket=ticket, station=north, part=pump, quantity=1, source=OrderSource.CENTRAL, by=technician, now=ORDERED_AT
    )

    assert (order.status, order.ordered_at, order.source) == (OrderStatus.ORDERED, ORDERED_AT, OrderSource.CENTRAL)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.held_from, ticket.on_hold_since) == (Status.ON_HOLD, Status.IN_PROGRESS, ORDERED_AT)
    hold = ticket.events.filter(kind=EventKind.STATUS).get()
    assert (hold.from_status, hold.to_status, hold.message_code, hold.message_params) == (
        Status.IN_PROGRESS,
        Status.ON_HOLD,
        "parts.waiting",
        {"part": "WM-PUMP-01", "quantity": 1, "source": "central"},
    )
    assert hold.note == "Waiting for parts: 1 × WM-PUMP-01 ordered from Central warehouse."
    # Nothing is in stock until the order arrives.
    assert level(north, pump) == (0, 0)


def test_receiving_the_last_order_brings_the_ticket_off_hold_with_the_parts_reserved(ticket, north, pump, technician):
    fan = PartFactory(number="WM-FAN-02")
    first = demand.parts_order(
        ticket=ticket, station=north, part=pump, quantity=2, source=OrderSource.SUPPLIER, by=technician, now=ORDERED_AT
    )
    second = demand.parts_order(
        ticket=ticket, station=north, part=fan, quantity=1, source=OrderSource.SUPPLIER, by=technician, now=ORDERED_AT
    )
    # Already on hold: the second order is a line on the timeline, not a second hold.
    assert events(ticket)[-1][1:] == ("parts.ordered", "1 × WM-FAN-02 ordered from The station's supplier.")

    reservation = demand.order_receive(order=first, by=technician, now=RECEIVED_AT)

    assert Ticket.objects.get(pk=ticket.pk).status == Status.ON_HOLD
    assert (reservation.part, reservation.quantity, reservation.status) == (pump, 2, ReservationStatus.RESERVED)
    assert level(north, pump) == (2, 2)
    assert list(
        StockMovement.objects.filter(part=pump).values_list("kind", "quantity", "reserved_change", "ticket")
    ) == [
        (MovementKind.RECEIPT, 2, 0, ticket.pk),
        (MovementKind.RESERVE, 0, 2, ticket.pk),
    ]
    first.refresh_from_db()
    assert (first.status, first.received_at) == (OrderStatus.RECEIVED, RECEIVED_AT)

    demand.order_receive(order=second, by=technician, now=RECEIVED_AT)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.held_from, ticket.on_hold_since) == (Status.IN_PROGRESS, "", None)
    assert events(ticket)[-2:] == [
        (EventKind.NOTE, "parts.received", "1 × WM-FAN-02 received at Station qd-north and reserved for this ticket."),
        (EventKind.STATUS, "parts.arrived", "The parts ordered are here: the repair goes on."),
    ]
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        demand.order_receive(order=second, by=technician)
    assert refused.value.message_dict == {"order": ["This order was already received or cancelled."]}
    assert snapshot() == before


def test_cancelling_the_only_order_brings_the_ticket_off_hold(ticket, north, pump, agent):
    order = demand.parts_order(
        ticket=ticket, station=north, part=pump, quantity=1, source=OrderSource.SUPPLIER, by=agent, now=ORDERED_AT
    )

    demand.order_cancel(order=order, by=agent, now=RECEIVED_AT)

    order.refresh_from_db()
    assert (order.status, order.cancelled_at) == (OrderStatus.CANCELLED, RECEIVED_AT)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS
    assert [code for _kind, code, _note in events(ticket)][-2:] == ["parts.order_cancelled", "parts.arrived"]
    assert level(north, pump) == (0, 0)


def test_a_hold_for_another_reason_is_not_lifted_by_the_parts(ticket, north, pump, technician):
    order = demand.parts_order(
        ticket=ticket, station=north, part=pump, quantity=1, source=OrderSource.SUPPLIER, by=technician, now=ORDERED_AT
    )
    ticket_transition(ticket=ticket, move="resume", by=technician)
    ticket_transition(ticket=ticket, move="hold", by=technician, note="The customer is away until Friday.")

    demand.order_receive(order=order, by=technician, now=RECEIVED_AT)

    assert Ticket.objects.get(pk=ticket.pk).status == Status.ON_HOLD


@pytest.mark.parametrize(
    ("source", "errors"),
    [
        ("", {"source": ["Order from the station's supplier or the central warehouse."]}),
        ("neighbour", {"source": ["Order from the station's supplier or the central warehouse."]}),
    ],
)
def test_an_order_from_nowhere_is_refused(ticket, north, pump, agent, source, errors):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        demand.parts_order(ticket=ticket, station=north, part=pump, quantity=1, source=source, by=agent)
    assert refused.value.message_dict == errors
    assert snapshot() == before


def test_a_technician_cannot_order_receive_or_cancel_for_someone_elses_job(
    ticket, north, pump, technician, other_technician
):
    order = demand.parts_order(
        ticket=ticket, station=north, part=pump, quantity=1, source=OrderSource.SUPPLIER, by=technician
    )
    before = snapshot()

    with pytest.raises(PermissionDenied):
        demand.parts_order(
            ticket=ticket, station=north, part=pump, quantity=1, source=OrderSource.SUPPLIER, by=other_technician
        )
    with pytest.raises(PermissionDenied):
        demand.order_receive(order=order, by=other_technician)
    with pytest.raises(PermissionDenied):
        demand.order_cancel(order=order, by=other_technician)

    assert snapshot() == before
