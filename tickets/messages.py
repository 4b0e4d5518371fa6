"""What the customer is told about a ticket, composed here and sent through the one outbox of
``notifications.services`` (docs/architecture.md#celery-tasks-and-the-beat-schedule). What follow-ups tell (survey links, reminders,
managers told of a dissatisfied customer) is in followups/messages.py.

Each function is called inside the transaction of the change it tells about and writes at
most one message per event (its ``dedupe_key``), on the customer's channel and in their
language. Links are absolute, built on ``settings.SITE_URL``.
"""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from notifications.models import OutboundMessage
from notifications.services import notify_customer
from tickets import hooks
from tickets.choices import Kind, Status
from tickets.models import Ticket, TicketEvent

# Customer-visible milestones that send a message, by the status the ticket moved to.
STATUS_TEMPLATES: dict[str, str] = {
    Status.DISPATCHED: "status_dispatched",
    Status.RESOLVED: "status_resolved",
    Status.CANCELLED: "status_cancelled",
}

# Before dispatch, an agreed visit is told in the dispatch message, not in one of its own:
# the desk agrees the visit and dispatches in one go, and the customer hears it once.
BEFORE_DISPATCH = frozenset({Status.NEW, Status.ACKNOWLEDGED})


def absolute(path: str) -> str:
    """A link to ``path`` on the product's public base URL (never a hard-coded host or port)."""
    return settings.SITE_URL.rstrip("/") + path


def track_url(reference: str) -> str:
    return absolute(reverse("portal:track")) + f"?reference={reference}"


def _ticket_context(ticket: Ticket) -> dict[str, Any]:
    """What every ticket message shows, with names in the language active at the call."""
    unit = ticket.unit
    return {
        "customer_name": ticket.customer.name,
        "reference": ticket.reference,
        "kind": str(Kind(ticket.kind).label),
        "product": unit.model.display_name if unit else "",
        "serial": unit.serial if unit else "",
        "track_url": track_url(ticket.reference),
    }


def _appointment_context(ticket: Ticket) -> dict[str, Any]:
    return {
        "appointment_start": ticket.appointment_start,
        "appointment_end": ticket.appointment_end,
        "station": ticket.station.display_name if ticket.station else "",
    }


def _notify(ticket: Ticket, template: str, context: dict[str, Any], dedupe_key: str) -> OutboundMessage | None:
    return notify_customer(
        customer=ticket.customer,
        template=template,
        context=context,
        essential=True,
        ticket_reference=ticket.reference,
        dedupe_key=dedupe_key,
    )


def notify_request_received(ticket: Ticket) -> OutboundMessage | None:
    """Confirm a new request to the customer: the reference, what happens next, where to
    track it. Call inside the transaction that created the ticket."""
    with translation.override(ticket.customer.preferred_language):
        context = _ticket_context(ticket) | {"received_at": ticket.created_at}
    return _notify(ticket, "request_received", context, f"ticket:{ticket.pk}:received")


def notify_status_changed(ticket: Ticket, event: TicketEvent) -> OutboundMessage | None:
    """Tell the customer about a milestone they care about: dispatched (with the appointment
    window), resolved (with the link to the after-service survey), cancelled. Other moves send
    nothing. Call inside the transaction that recorded ``event``; one message per event."""
    template = STATUS_TEMPLATES.get(event.to_status)
    if template is None:
        return None
    with translation.override(ticket.customer.preferred_language):
        context = _ticket_context(ticket)
        if event.to_status == Status.DISPATCHED:
            context |= _appointment_context(ticket) | {
                "technician": ticket.assignee.get_full_name() if ticket.assignee else "",
            }
        elif event.to_status == Status.RESOLVED:
            context |= {
                "work_done": ticket.work_done,
                "rate_url": absolute(reverse("portal:track_detail", args=[ticket.reference])) + "#rate",
            }
            # The link to the after-service survey, from follow-ups (tickets/hooks.py).
            context |= hooks.extra_context(hooks.resolved_message_context, ticket)
        elif event.to_status == Status.CANCELLED:
            context |= {"reason": event.note if event.is_public else ""}
    return _notify(ticket, template, context, f"event:{event.pk}")


def notify_appointment(ticket: Ticket, event: TicketEvent) -> OutboundMessage | None:
    """Tell the customer the visit the desk agreed (day and time window). One message per
    agreement: a changed appointment is a new event and so a new message. A visit agreed
    before dispatch is not told here but by the dispatch message, so one event is one message."""
    if ticket.appointment_start is None:
        return None
    status = ticket.held_from if ticket.status == Status.ON_HOLD else ticket.status
    if status in BEFORE_DISPATCH:
        return None
    with translation.override(ticket.customer.preferred_language):
        context = _ticket_context(ticket) | _appointment_context(ticket)
    return _notify(ticket, "appointment", context, f"event:{event.pk}")
