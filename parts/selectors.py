"""Reads about a ticket's parts: its reservations, orders, parts used and old-part returns, the
days it waited for parts, and the returns list of the desk.

Who sees what follows the tickets they see (tickets/selectors.py ``visible_tickets``): agents,
managers and administrators every ticket's parts, a technician those of their own jobs.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from aftersales.roles import Role, roles_of, sees_all_tickets
from parts.models import (
    OrderStatus,
    PartReservation,
    PartReturn,
    PartsOrder,
    PartUsage,
    ReservationStatus,
    ReturnStatus,
)
from parts.waiting import Stretch, merged
from tickets import page_rows
from tickets.models import Ticket


@dataclass(frozen=True)
class Waiting:
    """How long a ticket waited for parts, and how it was counted."""

    days: int
    stretches: tuple[Stretch, ...]
    orders: int
    # An order of the ticket is still awaited: its stretch runs to today.
    still_waiting: bool


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def order_stretch(order: PartsOrder, today: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar days an order was open: ordered to received, cancelled, or today if still open."""
    closed = order.received_at or order.cancelled_at
    return _day(order.ordered_at), _day(closed) if closed is not None else today


def _closed_by(order: PartsOrder, today: dt.date) -> bool:
    closed = order.received_at or order.cancelled_at
    return closed is not None and _day(closed) <= today


def order_waiting_days(order: PartsOrder, today: dt.date) -> int:
    start, end = order_stretch(order, today)
    return max(0, (end - start).days)


def waiting_for_parts(ticket: Ticket, *, today: dt.date) -> Waiting:
    """The ticket's days waiting for parts (one query): the union of its orders' stretches up to
    ``today``, overlapping days counted once. A cancelled order counts the days until it was
    cancelled: the repair waited for it all the same."""
    if not page_rows.may_have(ticket, "parts_orders"):  # its page found none (tickets/page_rows.py)
        return waiting_from([], today=today)
    orders = PartsOrder.objects.filter(ticket=ticket).only("ordered_at", "received_at", "cancelled_at", "status")
    return waiting_from(list(orders), today=today)


def waiting_from(orders: list[PartsOrder], *, today: dt.date) -> Waiting:
    """:func:`waiting_for_parts` from orders already read (the ticket page has them)."""
    orders = [order for order in orders if _day(order.ordered_at) <= today]
    stretches = merged((start, min(end, today)) for start, end in (order_stretch(order, today) for order in orders))
    return Waiting(
        days=sum(stretch.days for stretch in stretches),
        stretches=stretches,
        orders=len(orders),
        still_waiting=any(order_stretch(order, today)[1] >= today and not _closed_by(order, today) for order in orders),
    )


def waiting_days(ticket: Ticket, *, today: dt.date) -> int:
    """The days the ticket's orders waited, overlapping orders counted once (three guarantees'
    ``waiting_days``)."""
    return waiting_for_parts(ticket, today=today).days


def has_open_orders(ticket: Ticket) -> bool:
    return PartsOrder.objects.filter(ticket=ticket, status=OrderStatus.ORDERED).exists()


# --- the ticket page ---------------------------------------------------------------------------


def reservations_of(ticket: Ticket) -> QuerySet[PartReservation]:
    return PartReservation.objects.filter(ticket=ticket).select_related("part", "station", "by")


def orders_of(ticket: Ticket) -> QuerySet[PartsOrder]:
    return PartsOrder.objects.filter(ticket=ticket).select_related("part", "station", "by")


def usages_of(ticket: Ticket) -> QuerySet[PartUsage]:
    return PartUsage.objects.filter(ticket=ticket).select_related("part", "station", "by", "old_part_return")


def returns_of(ticket: Ticket) -> QuerySet[PartReturn]:
    return PartReturn.objects.filter(usage__ticket=ticket).select_related("usage__part", "usage__station")


# --- who may see and act ------------------------------------------------------------------------


def may_work_parts_of(user: AbstractBaseUser, ticket: Ticket) -> bool:
    """Agents, managers and administrators work any ticket's parts; a technician their own jobs'."""
    if sees_all_tickets(user):
        return True
    return Role.TECHNICIAN in roles_of(user) and ticket.assignee_id == user.pk


def visible_returns(user: AbstractBaseUser) -> QuerySet[PartReturn]:
    """The old-part returns the user may see: every one for the desk roles, a technician those of
    their own jobs, nobody else any."""
    returns = PartReturn.objects.select_related("usage__part", "usage__station", "usage__ticket")
    if sees_all_tickets(user):
        return returns
    if Role.TECHNICIAN in roles_of(user):
        return returns.filter(usage__ticket__assignee=user)
    return returns.none()


def overdue_q(now: dt.datetime) -> Q:
    """Returns not shipped by their due time."""
    return Q(status=ReturnStatus.TO_RETURN, due_by__lt=now)


def returns_list(
    user: AbstractBaseUser, *, status: str = "", overdue: bool = False, now: dt.datetime | None = None
) -> QuerySet[PartReturn]:
    """The returns list of the desk, filtered by status and to the overdue ones, oldest due first."""
    returns = visible_returns(user)
    if status:
        returns = returns.filter(status=status)
    if overdue:
        returns = returns.filter(overdue_q(now or timezone.now()))
    return returns.order_by("due_by", "id")


def return_for(user: AbstractBaseUser, pk: int) -> PartReturn:
    """One return the user may see; 404 otherwise, whether or not it exists."""
    try:
        return visible_returns(user).get(pk=pk)
    except PartReturn.DoesNotExist as exc:
        raise Http404(pk) from exc


def open_reservations_of(ticket: Ticket) -> QuerySet[PartReservation]:
    return reservations_of(ticket).filter(status=ReservationStatus.RESERVED)
