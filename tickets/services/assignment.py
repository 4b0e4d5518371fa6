"""Giving a ticket to a service station and a technician, and agreeing the visit with the customer.

A ticket moved to another station counts its deadlines still ahead in that station's calendar.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import Role, roles_of, sees_all_tickets
from customers.models import Customer
from notifications import webhooks
from notifications.models import WebhookEvent
from tickets.choices import OPEN_STATUSES, SLOT_HOURS, EventKind, Status
from tickets.messages import notify_appointment
from tickets.models import ServiceStation, Ticket
from tickets.services.locking import ensure_may_act, lock_ticket, save_ticket
from tickets.services.provider_terms import is_headquarters, mark_offered
from tickets.services.timeline import append_event
from tickets.sla import clocks as sla
from tickets.sla import targets as sla_targets
from tickets.webhook_payloads import ticket_data


@transaction.atomic
def ticket_assign(
    *,
    ticket: Ticket,
    station: ServiceStation | None,
    assignee: AbstractBaseUser | None,
    by: AbstractBaseUser,
    expected_version: int | None = None,
    appointment: tuple[dt.date, str] | None = None,
    window: tuple[dt.datetime, dt.datetime] | None = None,
    tell_customer: bool = True,
    now: dt.datetime | None = None,
) -> Ticket:
    """Give the ticket to a service station and/or a technician, and optionally agree the
    visit: a day and a time slot (the customer sees it on the portal). Only desk roles assign.

    ``window`` agrees an exact visit (start, end) instead of a day and a time of day: a booked
    field visit (fieldwork/booking/services.py) keeps the ticket in step this way, and tells the
    customer itself (``tell_customer=False``: no appointment message of the ticket's own).

    A ticket moved to another station counts its deadlines still ahead in that station's
    calendar, under the station's own target when it has one (``_deadlines_at_station``). A
    provider's station keeps the ticket's provider in step (``_provider_of_station``)."""
    now = now or timezone.now()
    ticket = lock_ticket(ticket, expected_version)
    if not sees_all_tickets(by):
        raise PermissionDenied(_("You cannot assign tickets."))
    if ticket.status in (Status.CLOSED, Status.CANCELLED, Status.MERGED):
        raise ValidationError({"assignee": _("A closed, cancelled or merged ticket cannot be assigned.")})
    if assignee is not None and Role.TECHNICIAN not in roles_of(assignee):
        raise ValidationError({"assignee": _("Only a technician can be assigned a job.")})
    if station is not None and not station.is_active:
        raise ValidationError({"station": _("This service station is not active.")})
    if appointment is not None and window is not None:
        raise ValueError("give an appointment or a window, not both")
    start = end = None
    if window is not None:
        start, end = window
        if end <= start:
            raise ValidationError({"appointment_date": _("The appointment must end after it starts.")})
    elif appointment is not None:
        day, slot = appointment
        if day < timezone.localdate():
            raise ValidationError({"appointment_date": _("The appointment cannot be in the past.")})
        first, last = SLOT_HOURS[slot]
        tz = timezone.get_default_timezone()
        start = dt.datetime.combine(day, dt.time(first), tz)
        end = dt.datetime.combine(day, dt.time(last), tz)
    unchanged = station == ticket.station and assignee == ticket.assignee
    if unchanged and (start is None or (start, end) == (ticket.appointment_start, ticket.appointment_end)):
        return ticket
    fields = ["station", "assignee"]
    if station is not None and station != ticket.station:
        fields += _provider_of_station(ticket, station, by, now)
    if station != ticket.station and station is not None and ticket.status in OPEN_STATUSES:
        fields += _deadlines_at_station(ticket, station, now)
    ticket.station, ticket.assignee = station, assignee
    if start is not None:
        ticket.appointment_start, ticket.appointment_end = start, end
        fields += ["appointment_start", "appointment_end"]
    save_ticket(ticket, fields)
    append_event(
        ticket,
        EventKind.ASSIGNED,
        by,
        is_public=False,
        data={
            "station": station.name if station else "",
            "assignee": assignee.get_full_name() or assignee.get_username() if assignee else "",
            **({"appointment": start.isoformat()} if start else {}),
        },
    )
    webhooks.emit(
        WebhookEvent.TICKET_ASSIGNED,
        {
            **ticket_data(ticket),
            "appointment_start": ticket.appointment_start,
            "appointment_end": ticket.appointment_end,
        },
    )
    if start is not None:
        agreed = _agreed(ticket, start, end, by)
        if tell_customer:
            notify_appointment(ticket, agreed)
    return ticket


@transaction.atomic
def ticket_appointment_set(
    *,
    ticket: Ticket,
    window: tuple[dt.datetime, dt.datetime] | None,
    by: AbstractBaseUser | None = None,
    customer: Customer | None = None,
) -> Ticket:
    """Move (or clear, ``window=None``) the agreed visit of a ticket without changing who has
    it: a field visit moved by its customer through their link, or cancelled at the desk
    (fieldwork/booking/services.py, which tells whom it concerns). Desk roles, the ticket's
    technician, or the ticket's own customer."""
    ticket = lock_ticket(ticket, None)
    ensure_may_act(ticket, by, customer)
    start, end = window if window is not None else (None, None)
    if (start, end) == (ticket.appointment_start, ticket.appointment_end):
        return ticket
    ticket.appointment_start, ticket.appointment_end = start, end
    save_ticket(ticket, ["appointment_start", "appointment_end"])
    if start is not None:
        _agreed(ticket, start, end, by)
    return ticket


def _provider_of_station(ticket: Ticket, station: ServiceStation, by: AbstractBaseUser, now: dt.datetime) -> list[str]:
    """Keep the ticket's provider in step with its station (docs/network-dispatch.md): a job with
    a provider stays at that provider's stations, and headquarters giving a job of its own to a
    provider's station offers it to that provider, who accepts it as any offer. Returns the
    fields changed."""
    if ticket.provider_id is not None:
        if station.provider_id != ticket.provider_id:
            raise ValidationError(
                {"station": _("This station is not one of the service provider's the job is dispatched to.")}
            )
        return []
    if station.provider_id is None:
        return []
    if not is_headquarters(by):
        raise PermissionDenied(_("Only headquarters dispatches jobs to service providers."))
    return mark_offered(ticket, provider=station.provider, station=station, by=by, now=now)


def _agreed(ticket: Ticket, start: dt.datetime, end: dt.datetime, by: AbstractBaseUser | None):
    """The public timeline line of an agreed visit window."""
    return append_event(
        ticket,
        EventKind.NOTE,
        by,
        message=("visit.agreed", {"start": start.isoformat(), "end": end.isoformat()}),
        is_public=True,
        data={"appointment": start.isoformat()},
    )


def _deadlines_at_station(ticket: Ticket, station: ServiceStation, now: dt.datetime) -> list[str]:
    """Recount the deadlines of ``ticket``, about to move to ``station`` at ``now``; returns
    the fields changed.

    The rule (tickets/sla/clocks.py ``move_to_station``): a deadline already passed stays; one still
    ahead keeps the business time it had left, counted from now in the station's calendar, and
    changed by the difference in hours when the station has its own target. The target is the
    station's version in force when the ticket was created, so targets edited since do not
    apply; without a station target the ticket keeps the one it was created under. Moving back
    to no station changes nothing.
    """
    old_target = sla_targets.target_of(ticket.sla_target, ticket.kind, ticket.priority)
    station_target = sla_targets.target_in_force(
        kind=ticket.kind, priority=ticket.priority, station=station, region=ticket.customer.region, at=ticket.created_at
    )
    new_row = station_target if station_target is not None and station_target.station_id else ticket.sla_target
    moved = sla.move_to_station(
        ticket.deadlines,
        now,
        old_target=old_target,
        new_target=sla_targets.target_of(new_row, ticket.kind, ticket.priority),
        old_spec=sla_targets.calendar_for(ticket.station),
        new_spec=sla_targets.calendar_for(station),
    )
    ticket.sla_target = new_row
    ticket.response_due, ticket.dispatch_due = moved.response, moved.dispatch
    ticket.arrival_due, ticket.completion_due = moved.arrival, moved.completion
    ticket.next_due = sla.stage_deadline(ticket.status, moved)
    return ["sla_target", "response_due", "dispatch_due", "arrival_due", "completion_due", "next_due"]
