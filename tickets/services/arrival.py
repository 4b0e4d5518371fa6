"""The technician's arrival on site: the step that meets a ticket's arrival clock.

The arrival timeliness KPI measures ``started_at`` against ``arrival_due``
(quality/metrics/timeliness.py). A technician's check-in on a visit is the real arrival, so the
field-service check-in calls :func:`ticket_technician_arrived` with the check-in time: a
dispatched ticket moves to in progress at that time through the lifecycle service (which stamps
``started_at``); a ticket paused from dispatched or in progress resumes first; a ticket whose work
was started at the desk before the first check-in of its round gets the real arrival instead.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from tickets.choices import EventKind, Status
from tickets.models import Ticket
from tickets.services.lifecycle import ticket_transition
from tickets.services.locking import ensure_may_act, lock_ticket, save_ticket
from tickets.services.timeline import append_event


@transaction.atomic
def ticket_technician_arrived(*, ticket: Ticket, by: AbstractBaseUser, at: dt.datetime, first_of_round: bool) -> Ticket:
    """Record that ``by`` arrived on site for ``ticket`` at ``at``.

    ``first_of_round``: no earlier visit of the ticket's current round was checked in; only that
    arrival meets the arrival clock (a later visit of the same round is not the arrival)."""
    ticket = lock_ticket(ticket, None)
    ensure_may_act(ticket, by)
    if ticket.status == Status.ON_HOLD and ticket.held_from in (Status.DISPATCHED, Status.IN_PROGRESS):
        ticket = ticket_transition(ticket=ticket, move="resume", by=by, now=at)
    if ticket.status == Status.DISPATCHED:
        return ticket_transition(ticket=ticket, move="start", by=by, now=at)
    if ticket.status == Status.IN_PROGRESS and first_of_round and ticket.started_at != at:
        previous = ticket.started_at
        ticket.started_at = at
        save_ticket(ticket, ["started_at"])
        append_event(
            ticket,
            EventKind.NOTE,
            by,
            message=("ticket.arrival_recorded", {"at": at.isoformat()}),
            data={"started_at": at.isoformat(), "was": previous.isoformat() if previous else None},
        )
    return ticket
