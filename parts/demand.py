"""What a ticket's repair needs of parts: reserve free stock, or order the part and wait.

docs/parts-orders-returns.md. A part free at the station is reserved for the ticket (a
``reserve`` row of the ledger, parts/ledger.py). A part not in stock is ordered from the station's
supplier or the central warehouse, and the ticket goes on hold "waiting for parts" through the
lifecycle (tickets/services/lifecycle.py ``ticket_transition``, move ``hold``, the reason a
``parts.waiting`` system text). Receiving the order puts the goods into the station's stock and
reserves them for the ticket; when none of the ticket's orders is still awaited, the ticket
comes off hold (move ``resume``, reason ``parts.arrived``). The days between are the ticket's
days waiting for parts (parts/selectors.py ``waiting_days``), which feed the three guarantees.

Every service locks the ticket first, checks the actor (agents and managers any ticket, a
technician their own jobs) before writing anything, and appends one timeline event.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parts.ledger import stock_move
from parts.models import (
    MovementKind,
    OrderSource,
    OrderStatus,
    Part,
    PartReservation,
    PartsOrder,
    ReservationStatus,
)
from tickets.choices import EventKind, Status
from tickets.models import ServiceStation, Ticket, TicketEvent
from tickets.services import append_event, ensure_may_act, lock_ticket, ticket_transition
from tickets.transitions import MOVES_BY_NAME

# A ticket's repair may still need parts in these statuses; the hold move leaves from all but
# ``on_hold`` (tickets/transitions.py), and a ticket already on hold just waits for one more part.
HOLDABLE = MOVES_BY_NAME["hold"].sources
NEEDS_PARTS = HOLDABLE | {Status.ON_HOLD}
WAITING_CODE = "parts.waiting"


def _check(ticket: Ticket, station: ServiceStation, part: Part, quantity: int) -> None:
    errors = {}
    if ticket.status not in NEEDS_PARTS:
        errors["ticket"] = _("This ticket's repair is over: it needs no more parts.")
    if not station.is_active:
        errors["station"] = _("This service station is closed.")
    if not part.is_active:
        errors["part"] = _("This part is no longer in the catalogue.")
    if quantity is None or quantity < 1:
        errors["quantity"] = _("Give at least one.")
    if errors:
        raise ValidationError(errors)


def _params(part: Part, quantity: int, station: ServiceStation | None = None, **more) -> dict:
    params = {"part": part.number, "quantity": quantity, **more}
    if station is not None:
        params["station"] = station.display_name
    return params


def _event(ticket: Ticket, by: AbstractBaseUser, code: str, params: dict, data: dict) -> TicketEvent:
    return append_event(ticket, EventKind.NOTE, by, message=(code, params), data=data)


@transaction.atomic
def part_reserve(
    *, ticket: Ticket, station: ServiceStation, part: Part, quantity: int, by: AbstractBaseUser
) -> PartReservation:
    """Reserve ``quantity`` of ``part`` free at ``station`` for ``ticket``.

    Refused with a field error on ``quantity`` (nothing written) when less than that is free."""
    ticket = lock_ticket(ticket, None)
    ensure_may_act(ticket, by)
    _check(ticket, station, part, quantity)
    stock_move(
        station=station,
        part=part,
        kind=MovementKind.RESERVE,
        by=by,
        reserved_change=quantity,
        reason=_("Reserved for %(reference)s") % {"reference": ticket.reference},
        ticket=ticket,
        field="quantity",
    )
    reservation = PartReservation.objects.create(ticket=ticket, station=station, part=part, quantity=quantity, by=by)
    _event(ticket, by, "parts.reserved", _params(part, quantity, station), {"reservation": reservation.pk})
    return reservation


@transaction.atomic
def reservation_release(*, reservation: PartReservation, by: AbstractBaseUser) -> PartReservation:
    """Give a reservation back to the station's free stock."""
    ticket = lock_ticket(reservation.ticket, None)
    ensure_may_act(ticket, by)
    reservation = PartReservation.objects.select_for_update().select_related("part", "station").get(pk=reservation.pk)
    if reservation.status != ReservationStatus.RESERVED:
        raise ValidationError({"reservation": _("This reservation was already used or released.")})
    stock_move(
        station=reservation.station,
        part=reservation.part,
        kind=MovementKind.RELEASE,
        by=by,
        reserved_change=-reservation.quantity,
        reason=_("Released from %(reference)s") % {"reference": ticket.reference},
        ticket=ticket,
        field="reservation",
    )
    reservation.status, reservation.closed_at = ReservationStatus.RELEASED, timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    params = _params(reservation.part, reservation.quantity, reservation.station)
    _event(ticket, by, "parts.released", params, {"reservation": reservation.pk})
    return reservation


@transaction.atomic
def parts_order(
    *,
    ticket: Ticket,
    station: ServiceStation,
    part: Part,
    quantity: int,
    source: str,
    by: AbstractBaseUser,
    now: dt.datetime | None = None,
) -> PartsOrder:
    """Order ``part`` for ``ticket``'s repair, to be delivered to ``station``, and put the ticket
    on hold "waiting for parts" (a ticket on hold already keeps waiting, now for this part too).

    The waiting days count from ``ordered_at``."""
    now = now or timezone.now()
    ticket = lock_ticket(ticket, None)
    ensure_may_act(ticket, by)
    _check(ticket, station, part, quantity)
    if source not in OrderSource.values:
        raise ValidationError({"source": _("Order from the station's supplier or the central warehouse.")})
    order = PartsOrder.objects.create(
        ticket=ticket, station=station, part=part, quantity=quantity, source=source, by=by, ordered_at=now
    )
    params = _params(part, quantity, source=source)
    if ticket.status in HOLDABLE:
        ticket_transition(ticket=ticket, move="hold", by=by, message=(WAITING_CODE, params), now=now)
    else:
        _event(ticket, by, "parts.ordered", params, {"order": order.pk})
    return order


def _locked_open_order(order: PartsOrder) -> PartsOrder:
    order = PartsOrder.objects.select_for_update().select_related("part", "station").get(pk=order.pk)
    if order.status != OrderStatus.ORDERED:
        raise ValidationError({"order": _("This order was already received or cancelled.")})
    return order


def _held_for_parts(ticket: Ticket) -> bool:
    """The ticket's current hold is the one a parts order put it on (not the customer's)."""
    if ticket.status != Status.ON_HOLD:
        return False
    last_hold = (
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS, to_status=Status.ON_HOLD)
        .order_by("-created_at", "-id")
        .values_list("message_code", flat=True)
        .first()
    )
    return last_hold == WAITING_CODE


def _resume_when_nothing_awaited(ticket: Ticket, by: AbstractBaseUser, now: dt.datetime) -> bool:
    """Take the ticket off its parts hold when none of its orders is still awaited."""
    if PartsOrder.objects.filter(ticket=ticket, status=OrderStatus.ORDERED).exists():
        return False
    if not _held_for_parts(ticket):
        return False
    ticket_transition(ticket=ticket, move="resume", by=by, message=("parts.arrived", {}), now=now)
    return True


@transaction.atomic
def order_receive(*, order: PartsOrder, by: AbstractBaseUser, now: dt.datetime | None = None) -> PartReservation:
    """Receive an order: the goods go into the station's stock (a ``receipt`` row) and are reserved
    for the ticket at once (a ``reserve`` row). When no order of the ticket is still awaited, the
    ticket comes off its parts hold."""
    now = now or timezone.now()
    ticket = lock_ticket(order.ticket, None)
    ensure_may_act(ticket, by)
    order = _locked_open_order(order)
    reason = _("Order for %(reference)s") % {"reference": ticket.reference}
    common = {"station": order.station, "part": order.part, "by": by, "ticket": ticket, "reason": reason}
    stock_move(kind=MovementKind.RECEIPT, quantity=order.quantity, field="order", **common)
    stock_move(kind=MovementKind.RESERVE, reserved_change=order.quantity, field="order", **common)
    reservation = PartReservation.objects.create(
        ticket=ticket, station=order.station, part=order.part, quantity=order.quantity, by=by
    )
    order.status, order.received_at = OrderStatus.RECEIVED, now
    order.save(update_fields=["status", "received_at"])
    params = _params(order.part, order.quantity, order.station)
    _event(ticket, by, "parts.received", params, {"order": order.pk, "reservation": reservation.pk})
    _resume_when_nothing_awaited(ticket, by, now)
    return reservation


@transaction.atomic
def order_cancel(*, order: PartsOrder, by: AbstractBaseUser, now: dt.datetime | None = None) -> PartsOrder:
    """Cancel an order not yet received; when no other order is awaited the ticket comes off its
    parts hold. Its days until now stay counted as waited."""
    now = now or timezone.now()
    ticket = lock_ticket(order.ticket, None)
    ensure_may_act(ticket, by)
    order = _locked_open_order(order)
    order.status, order.cancelled_at = OrderStatus.CANCELLED, now
    order.save(update_fields=["status", "cancelled_at"])
    _event(ticket, by, "parts.order_cancelled", _params(order.part, order.quantity), {"order": order.pk})
    _resume_when_nothing_awaited(ticket, by, now)
    return order
