"""Booking, moving, confirming and cancelling field visits (docs/fieldwork.md#booking-rules).

Each write is one transaction. Locks are always taken in the same order — the technician's
profile, then the visit, then the ticket (inside ``ticket_assign``) — so two writers never wait
on each other in a circle. Booking or moving into a slot locks the technician's profile row
before counting the visits holding that slot: a second booking of the same technician waits
for the first to commit and then counts it, so a full slot is never overbooked.

Every change is one ``visit.*`` line on the ticket's timeline; the ticket's station, technician
and appointment follow the visit through tickets/services/assignment.py. Whom a change concerns
is told after the commit (fieldwork/notify.py): the customer of a booking or of a move made at
the desk (with a new link: the old one stops working), the technician of a confirmation or a
move made by the customer.
"""

import datetime as dt
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import sees_all_tickets
from customers.calendars import CalendarSpecs
from customers.models import Customer
from fieldwork import notify
from fieldwork import slots as slot_rules
from fieldwork.booking.availability import calendar_of, last_bookable_day, slot_settings
from fieldwork.models import HOLDING_STATUSES, StationSlots, TechnicianProfile, Visit, VisitStatus
from tickets.choices import EventKind, Status
from tickets.models import ServiceStation, Ticket
from tickets.services.assignment import ticket_appointment_set, ticket_assign
from tickets.services.lifecycle import ticket_transition
from tickets.services.locking import lock_ticket
from tickets.services.timeline import append_event
from tickets.transitions import get_move

# Visits still to happen: they can be moved, confirmed or cancelled.
CHANGEABLE_STATUSES = (VisitStatus.BOOKED, VisitStatus.CONFIRMED)
CLOSED_TICKET_STATUSES = (Status.CLOSED, Status.CANCELLED, Status.MERGED)


def _name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def _ensure_desk(by: AbstractBaseUser | None) -> None:
    if by is None or not sees_all_tickets(by):
        raise PermissionDenied(_("Only agents, managers and administrators book visits."))


def _lock_profile(technician: AbstractBaseUser, station: ServiceStation) -> TechnicianProfile:
    """The technician's profile, locked: the one gate every booking into their slots passes."""
    profile = (
        TechnicianProfile.objects.select_for_update(of=("self",))
        .select_related("calendar")
        .filter(user=technician, is_active=True, user__is_active=True, stations=station)
        .first()
    )
    if profile is None:
        raise ValidationError({"technician": _("This technician takes no visits at this service station.")})
    return profile


def _slot_for(
    profile: TechnicianProfile,
    station: ServiceStation,
    settings: StationSlots,
    start: dt.datetime,
    now: dt.datetime,
    *,
    earliest: dt.datetime | None = None,
) -> slot_rules.Slot:
    """The slot starting at ``start`` in the technician's working time, not started yet (nor
    before ``earliest``) and within the station's bookable days; field errors otherwise."""
    try:
        if timezone.is_naive(start):
            start = timezone.make_aware(start)
        slot = slot_rules.slot_starting(start, calendar_of(profile, station, CalendarSpecs()), settings.slot_minutes)
    except (OverflowError, ValueError):  # a moment at the edge of the calendar (year 1 or 9999)
        slot = None
    if slot is None:
        raise ValidationError({"start": _("This is not the start of a slot in the technician's working hours.")})
    if slot.start <= now:
        raise ValidationError({"start": _("This slot has already started.")})
    if earliest is not None and slot.start < earliest:
        raise ValidationError({"start": _("This slot is too soon to change to.")})
    if timezone.localdate(slot.start) > last_bookable_day(settings, now):
        raise ValidationError(
            {"start": _("Visits can be booked up to %(days)s days ahead.") % {"days": settings.days_ahead}}
        )
    return slot


def _ensure_room(profile: TechnicianProfile, slot: slot_rules.Slot, moving: Visit | None = None) -> None:
    """Refuse a slot whose places are taken. Runs with the profile row locked."""
    holding = Visit.objects.filter(
        technician_id=profile.user_id, status__in=HOLDING_STATUSES, start__lt=slot.end, end__gt=slot.start
    )
    if moving is not None:
        holding = holding.exclude(pk=moving.pk)
    if not slot_rules.free_places(profile.visits_per_slot, holding.count()):
        raise ValidationError({"start": _("This slot is full. Choose another slot or technician.")})


def _window(slot: slot_rules.Slot) -> dict[str, str]:
    return {"start": slot.start.isoformat(), "end": slot.end.isoformat()}


@transaction.atomic
def visit_book(
    *,
    ticket: Ticket,
    technician: AbstractBaseUser,
    station: ServiceStation,
    start: dt.datetime,
    by: AbstractBaseUser,
    late_reason: str = "",
    now: dt.datetime | None = None,
) -> Visit:
    """Book ``technician`` at ``station`` for ``ticket`` in the slot starting at ``start``, and
    dispatch: the ticket goes to that station and technician with the visit as its appointment.

    Refused with a field error: a slot that is full, started, outside the technician's working
    hours or beyond the station's bookable days; a ticket closed or already holding a visit to
    come (move that one instead); a visit starting after the ticket's arrival deadline without
    a ``late_reason`` (with one, the reason is logged on the timeline)."""
    now = now or timezone.now()
    _ensure_desk(by)
    if not station.is_active:
        raise ValidationError({"station": _("This service station is not active.")})
    profile = _lock_profile(technician, station)
    # The ticket next: two bookings of one ticket (with two technicians) do not both pass the checks below.
    ticket = lock_ticket(ticket, None)
    if ticket.status in CLOSED_TICKET_STATUSES:
        raise ValidationError({"ticket": _("A closed, cancelled or merged ticket gets no visit.")})
    settings = slot_settings(station)
    slot = _slot_for(profile, station, settings, start, now)
    if Visit.objects.filter(ticket=ticket, status__in=CHANGEABLE_STATUSES).exists():
        raise ValidationError({"ticket": _("This ticket already has a visit to come: move or cancel it instead.")})
    late_reason = (late_reason or "").strip()
    is_late = ticket.arrival_due is not None and slot.start > ticket.arrival_due
    if is_late and not late_reason:
        raise ValidationError(
            {"late_reason": _("This visit starts after the arrival deadline: give the reason for booking it late.")}
        )
    _ensure_room(profile, slot)
    visit = Visit.objects.create(
        ticket=ticket,
        technician=technician,
        station=station,
        start=slot.start,
        end=slot.end,
        late_reason=late_reason if is_late else "",
        booked_by=by,
    )
    ticket = ticket_assign(
        ticket=ticket,
        station=station,
        assignee=technician,
        by=by,
        window=(slot.start, slot.end),
        tell_customer=False,
        now=now,
    )
    if ticket.status in get_move("dispatch").sources:
        # One click books and dispatches; the visit's own message tells the customer of both.
        ticket = ticket_transition(ticket=ticket, move="dispatch", by=by, now=now, tell_customer=False)
    visit.ticket = ticket
    append_event(
        ticket,
        EventKind.NOTE,
        by,
        message=("visit.booked", {**_window(slot), "technician": _name(technician), "station": station.name}),
        data={"visit": visit.pk},
    )
    if is_late:
        append_event(
            ticket,
            EventKind.NOTE,
            by,
            message=("visit.late", {"due": ticket.arrival_due.isoformat(), "reason": late_reason}),
            data={"visit": visit.pk},
        )
    transaction.on_commit(lambda: notify.visit_booked(visit))
    return visit


def _lock_visit(visit: Visit) -> Visit:
    locked = Visit.objects.select_for_update(of=("self",)).select_related("ticket", "station").get(pk=visit.pk)
    if locked.status not in CHANGEABLE_STATUSES:
        raise ValidationError({"visit": _("This visit is done or cancelled: it cannot be changed any more.")})
    return locked


def _change_cutoff(settings: StationSlots, visit: Visit) -> dt.datetime:
    """The last moment a customer may change ``visit``: the station's cut-off before it."""
    return visit.start - dt.timedelta(hours=settings.change_cutoff_hours)


def customer_may_change(visit: Visit, settings: StationSlots, now: dt.datetime) -> bool:
    """Whether the customer may still confirm or move ``visit`` through their link."""
    return visit.status in CHANGEABLE_STATUSES and now < _change_cutoff(settings, visit)


def _ensure_customer(visit: Visit, customer: Customer) -> None:
    if customer.pk != visit.ticket.customer_id:
        raise PermissionDenied(_("You cannot change this visit."))


@transaction.atomic
def visit_move(
    *,
    visit: Visit,
    start: dt.datetime,
    by: AbstractBaseUser | None = None,
    customer: Customer | None = None,
    now: dt.datetime | None = None,
) -> Visit:
    """Move a visit to come to the slot of the same technician starting at ``start``, by the
    desk (``by``) or by the customer through their link (``customer``).

    The customer moves only up to the station's cut-off before the visit, and only to a slot
    starting after the cut-off from now; the moved visit is then confirmed (they chose it) and
    the technician is told (and the customer gets the new link). Moved at the desk, it waits for the customer's confirmation again
    and the customer is told. Either way the visit gets a new link key: the old link stops
    working."""
    now = now or timezone.now()
    if (by is None) == (customer is None):
        raise ValueError("a visit is moved by a staff member or by its customer")
    if by is not None:
        _ensure_desk(by)
    visit_row = Visit.objects.select_related("station").get(pk=visit.pk)
    profile = _lock_profile(visit_row.technician, visit_row.station)
    visit = _lock_visit(visit_row)
    settings = slot_settings(visit.station)
    earliest = None
    if customer is not None:
        _ensure_customer(visit, customer)
        if not customer_may_change(visit, settings, now):
            raise ValidationError({"start": _("This visit can no longer be changed online. Please call us.")})
        earliest = now + dt.timedelta(hours=settings.change_cutoff_hours)
    slot = _slot_for(profile, visit.station, settings, start, now, earliest=earliest)
    if slot.start == visit.start:
        raise ValidationError({"start": _("The visit is already at this time.")})
    _ensure_room(profile, slot, moving=visit)
    previous = visit.start
    visit.start, visit.end, visit.token = slot.start, slot.end, uuid.uuid4()
    if customer is not None:
        visit.status, visit.confirmed_at = VisitStatus.CONFIRMED, now
    else:
        visit.status, visit.confirmed_at = VisitStatus.BOOKED, None
    visit.save(update_fields=["start", "end", "token", "status", "confirmed_at"])
    params = {**_window(slot), "previous": previous.isoformat()}
    if customer is not None:
        visit.ticket = ticket_appointment_set(ticket=visit.ticket, window=(slot.start, slot.end), customer=customer)
        append_event(visit.ticket, EventKind.NOTE, None, message=("visit.moved_by_customer", params))
        transaction.on_commit(lambda: notify.visit_changed_by_customer(visit, previous_start=previous))
        # The customer's new link (the old one stopped working), for a later change.
        transaction.on_commit(lambda: notify.visit_booked(visit))
    else:
        visit.ticket = ticket_assign(
            ticket=visit.ticket,
            station=visit.station,
            assignee=visit.technician,
            by=by,
            window=(slot.start, slot.end),
            tell_customer=False,
            now=now,
        )
        append_event(visit.ticket, EventKind.NOTE, by, message=("visit.moved", params), data={"visit": visit.pk})
        transaction.on_commit(lambda: notify.visit_booked(visit))
    return visit


@transaction.atomic
def visit_confirm(*, visit: Visit, customer: Customer, now: dt.datetime | None = None) -> Visit:
    """The customer confirms the visit through their link, up to the station's cut-off before
    it; the technician is told. Confirming a confirmed visit changes nothing."""
    now = now or timezone.now()
    visit = _lock_visit(visit)
    _ensure_customer(visit, customer)
    if visit.status == VisitStatus.CONFIRMED:
        return visit
    if not customer_may_change(visit, slot_settings(visit.station), now):
        raise ValidationError({"visit": _("This visit can no longer be changed online. Please call us.")})
    visit.status, visit.confirmed_at = VisitStatus.CONFIRMED, now
    visit.save(update_fields=["status", "confirmed_at"])
    append_event(
        visit.ticket,
        EventKind.NOTE,
        None,
        message=("visit.confirmed", {"start": visit.start.isoformat(), "end": visit.end.isoformat()}),
        data={"visit": visit.pk},
    )
    transaction.on_commit(lambda: notify.visit_changed_by_customer(visit))
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, by: AbstractBaseUser, reason: str, now: dt.datetime | None = None) -> Visit:
    """Cancel a visit to come at the desk, with a reason; its place is free again, its link
    stops working, and the ticket's appointment is cleared (the station and technician stay)."""
    now = now or timezone.now()
    _ensure_desk(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for cancelling the visit.")})
    visit = _lock_visit(visit)
    visit.status, visit.cancelled_at, visit.token = VisitStatus.CANCELLED, now, uuid.uuid4()
    visit.save(update_fields=["status", "cancelled_at", "token"])
    ticket = visit.ticket
    if (ticket.appointment_start, ticket.appointment_end) == (visit.start, visit.end):
        visit.ticket = ticket_appointment_set(ticket=ticket, window=None, by=by)
    append_event(
        visit.ticket,
        EventKind.NOTE,
        by,
        message=("visit.cancelled", {"start": visit.start.isoformat(), "reason": reason}),
        data={"visit": visit.pk},
    )
    return visit


def visits_cancel_for_withdrawn_ticket(
    *, ticket: Ticket, by: AbstractBaseUser | None, reason: str, now: dt.datetime
) -> list[Visit]:
    """Cancel the visits still to come of a ticket taken away from the provider or station that
    had it (tickets/services/provider_offers.py, through ``tickets.hooks.on_dispatch_withdrawn``):
    their places are free again and their links stop working. The caller holds the ticket's row
    lock and clears its appointment, station and technician itself; the visits are locked after
    the ticket here, the one path that takes them in this order, and only ever to cancel them."""
    visits = list(
        Visit.objects.select_for_update(of=("self",))
        .filter(ticket=ticket, status__in=CHANGEABLE_STATUSES)
        .order_by("start", "id")
    )
    for visit in visits:
        visit.status, visit.cancelled_at, visit.token = VisitStatus.CANCELLED, now, uuid.uuid4()
        visit.save(update_fields=["status", "cancelled_at", "token"])
        append_event(
            ticket,
            EventKind.NOTE,
            by,
            message=("visit.cancelled", {"start": visit.start.isoformat(), "reason": reason}),
            data={"visit": visit.pk},
        )
    return visits
