"""Moving a ticket through its lifecycle: the one place that writes ``Ticket.status``.

tickets/transitions.py decides which moves are open; ``ticket_transition`` makes one, in one
transaction that locks the ticket, checks the version the user saw, and appends exactly one
status event (docs/architecture.md#house-rules; docs/lifecycle.md). What other apps do on a resolution or a
reopening, and the guards that wait on their data, come through tickets/hooks.py.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from notifications import webhooks
from notifications.models import WebhookEvent
from tickets import hooks, timeline_texts
from tickets.choices import EventKind, Status
from tickets.messages import notify_status_changed
from tickets.models import Ticket
from tickets.services.locking import ensure_may_act, lock_ticket, save_ticket
from tickets.services.timeline import append_event, default_language_text
from tickets.sla import clocks as sla
from tickets.sla import targets as sla_targets
from tickets.transitions import TicketState, UnknownMove, blockers, get_move, target_of
from tickets.webhook_payloads import ticket_data

# The lifecycle timestamp each status stamps when a ticket enters it.
STATUS_STAMPS: dict[str, str] = {
    Status.ACKNOWLEDGED: "acknowledged_at",
    Status.DISPATCHED: "dispatched_at",
    Status.IN_PROGRESS: "started_at",
    Status.RESOLVED: "resolved_at",
    Status.VERIFIED: "verified_at",
    Status.CLOSED: "closed_at",
    Status.CANCELLED: "cancelled_at",
}


def state_of(ticket: Ticket, *, merge_target: Ticket | None = None) -> TicketState:
    """The facts about ``ticket`` that decide which moves are open, with the reasons of the guards
    other apps registered (tickets/hooks.py)."""
    return TicketState(
        status=ticket.status,
        kind=ticket.kind,
        has_station=ticket.station_id is not None,
        has_assignee=ticket.assignee_id is not None,
        has_work_done=bool(ticket.work_done.strip()),
        has_fault_analysis=bool(
            ticket.fault_code.strip() and ticket.fault_component.strip() and ticket.root_cause.strip()
        ),
        held_from=ticket.held_from,
        has_merge_target=merge_target is not None,
        blocked_by_hooks=hooks.move_blockers(ticket),
    )


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    move: str,
    by: AbstractBaseUser | None,
    customer: Customer | None = None,
    note: str = "",
    message: timeline_texts.Message | None = None,
    merge_into: Ticket | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
    tell_customer: bool = True,
) -> Ticket:
    """Move a ticket along its lifecycle (tickets/transitions.py decides what is allowed).

    Stamps the step's timestamp, restarts the stage's SLA clock, stops it while the customer
    holds things up, and appends one timeline event. A blocked move raises ValidationError
    with every reason; nothing is written. The reason is ``note`` when a person typed it, or a
    system text (``message``, see ``append_event``) when the system moves the ticket.
    ``tell_customer=False`` leaves the customer's milestone message to the caller, which sends
    its own (a booked visit's message, with its confirm-or-move link, tells of the dispatch).
    """
    now = now or timezone.now()
    if message is not None:
        note = default_language_text(message)
    ticket = lock_ticket(ticket, expected_version)
    roles = ensure_may_act(ticket, by, customer)
    try:
        step = get_move(move)
    except UnknownMove as exc:
        raise ValidationError({"move": _("This move does not exist.")}) from exc
    if merge_into is not None and step.name != "merge":
        # Otherwise the other ticket's timeline would say a merge happened.
        raise ValidationError({"merge_into": _("Only a merge takes a ticket to merge into.")})
    if merge_into is not None and (
        merge_into.pk == ticket.pk or merge_into.status in (Status.MERGED, Status.CANCELLED)
    ):
        raise ValidationError({"merge_into": _("Choose another ticket that is not merged or cancelled.")})
    state = state_of(ticket, merge_target=merge_into)
    reasons = blockers(step, state, roles, note)
    if reasons:
        raise ValidationError({"move": reasons})

    source = ticket.status
    target = target_of(step, state)
    changed = ["status", "next_due"]
    if target == Status.ON_HOLD:
        ticket.held_from = source
        ticket.on_hold_since = now
        changed += ["held_from", "on_hold_since"]
    elif source == Status.ON_HOLD and ticket.on_hold_since is not None:
        shifted = sla.shift_for_pause(
            ticket.deadlines, ticket.on_hold_since, now, sla_targets.calendar_for(ticket.station)
        )
        ticket.response_due, ticket.dispatch_due = shifted.response, shifted.dispatch
        ticket.arrival_due, ticket.completion_due = shifted.arrival, shifted.completion
        ticket.held_from, ticket.on_hold_since = "", None
        changed += ["held_from", "on_hold_since", "response_due", "dispatch_due", "arrival_due", "completion_due"]
    # A resume returns to a step taken before the pause: that step's timestamp stays.
    stamp = STATUS_STAMPS.get(target) if step.target is not None else None
    if stamp and not (target == Status.ACKNOWLEDGED and ticket.acknowledged_at):
        setattr(ticket, stamp, now)
        changed.append(stamp)
    if target == Status.IN_PROGRESS and step.target is not None:
        # A technician's visit; resuming after a customer-caused pause is the same visit.
        ticket.visits += 1
        changed.append("visits")
    if target == Status.REOPENED:
        ticket.reopened_count += 1
        # A new round: its dispatch, arrival and completion are measured from here (the KPIs read
        # ``reopened_at``; the steps of the earlier round no longer meet the restarted deadlines).
        ticket.reopened_at = now
        restarted = sla.restart_after_reopen(
            ticket.deadlines,
            sla_targets.target_of(ticket.sla_target, ticket.kind, ticket.priority),
            now,
            sla_targets.calendar_for(ticket.station),
        )
        ticket.dispatch_due, ticket.arrival_due = restarted.dispatch, restarted.arrival
        ticket.completion_due = restarted.completion
        changed += ["reopened_count", "reopened_at", "dispatch_due", "arrival_due", "completion_due"]
    if target == Status.MERGED:
        ticket.merged_into = merge_into
        changed.append("merged_into")
    ticket.status = target
    ticket.next_due = sla.stage_deadline(target, ticket.deadlines)
    save_ticket(ticket, changed)
    data = {"move": step.name}
    if customer is not None:
        data["by"] = "customer"
    if merge_into is not None:
        data["merged_into"] = merge_into.reference
    event = append_event(
        ticket,
        EventKind.STATUS,
        by,
        note=note.strip(),
        message=message,
        from_status=source,
        to_status=target,
        is_public=True,
        data=data,
    )
    webhooks.emit(
        WebhookEvent.TICKET_STATUS_CHANGED,
        {**ticket_data(ticket), "from_status": source, "to_status": target, "move": step.name},
        now=now,
    )
    # The work of other apps on a resolution, a reopening or a verification (tickets/hooks.py), in this
    # transaction and after the status event, so the timeline reads in order: the after-service
    # callback is scheduled on a resolution (no-leak 3) before the message that links to its survey.
    if target == Status.RESOLVED:
        hooks.run_on_resolved(ticket, by=by, now=now)
    elif target == Status.REOPENED:
        hooks.run_on_reopened(ticket, by=by, now=now)
    elif target == Status.VERIFIED:
        hooks.run_on_verified(ticket, by=by, now=now)
    # The customer hears of the milestones, queued in the outbox in this transaction.
    if tell_customer:
        notify_status_changed(ticket, event)
    if merge_into is not None:
        append_event(
            merge_into,
            EventKind.NOTE,
            by,
            message=("ticket.merged_in", {"reference": ticket.reference}),
            data={"merged": ticket.reference},
        )
    return ticket
