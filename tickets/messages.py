"""What the customer (and the managers) are told about a ticket, composed here and sent through
the one outbox of ``notifications.services`` (DESIGN.md section 7).

Each function is called inside the transaction of the change it tells about and writes at
most one message per event (its ``dedupe_key``), on the customer's channel and in their
language. Links are absolute, built on ``settings.SITE_URL``.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import translation

from customers.models import Customer
from followups.choices import CallbackKind, CallbackStatus
from followups.models import CallbackVisit
from followups.survey.links import survey_token
from notifications.models import OutboundMessage
from notifications.services import notify_customer, notify_staff
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

REMINDER_TEMPLATES = {
    CallbackKind.MAINTENANCE: "reminder_maintenance",
    CallbackKind.WARRANTY_EXPIRY: "reminder_warranty",
}


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
                "survey_url": _survey_url_for_resolution(ticket),
            }
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


def survey_url_for(visit: CallbackVisit) -> str:
    """The survey link of a callback visit: signed, expiring, single use. The token lives with
    the survey itself, in the follow-ups app."""
    return absolute(reverse("survey:answer", args=[survey_token(visit)]))


def _survey_url_for_resolution(ticket: Ticket) -> str:
    """The survey link of the after-service callback the resolution just scheduled, in the
    same transaction (``ticket_transition`` schedules it before telling the customer); empty
    when there is none to answer, and the message then points to the rating on the portal."""
    visit = (
        CallbackVisit.objects.filter(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE)
        .order_by("-pk")
        .first()
    )
    return survey_url_for(visit) if visit is not None else ""


def notify_managers_of_dissatisfaction(
    *, ticket: Ticket, complaint: Ticket, score: int | None, comment: str
) -> list[OutboundMessage]:
    """Tell every manager by email that a customer was dissatisfied on a callback: the case is
    reopened and a complaint opened (DESIGN.md section 4, no-leak 3). One email per manager
    and complaint."""
    from followups.callbacks.services import managers

    context = {
        "reference": ticket.reference,
        "complaint": complaint.reference,
        "customer_name": ticket.customer.name,
        "score": score,
        "comment": comment,
        "ticket_url": absolute(reverse("desk:ticket", args=[ticket.reference])),
        "complaint_url": absolute(reverse("desk:ticket", args=[complaint.reference])),
    }
    sent = []
    for manager in managers():
        message = _notify_manager(manager, context, f"dissatisfied:{complaint.pk}:{manager.pk}")
        if message is not None:
            sent.append(message)
    return sent


def _notify_manager(manager: AbstractBaseUser, context: dict[str, Any], dedupe_key: str) -> OutboundMessage | None:
    return notify_staff(user=manager, template="manager_dissatisfied", context=context, dedupe_key=dedupe_key)


def notify_callback_reminder(visit: CallbackVisit) -> OutboundMessage | None:
    """Remind the customer of what the coming call is about: maintenance due, or a warranty
    about to end (with the extended-warranty offer). Not essential: a customer who opted out
    of reminders and offers gets none. One message per visit."""
    template = REMINDER_TEMPLATES.get(visit.kind)
    customer: Customer = visit.customer
    if template is None or visit.unit is None:
        return None
    unit = visit.unit
    with translation.override(customer.preferred_language):
        context = {
            "customer_name": customer.name,
            "product": unit.model.display_name,
            "serial": unit.serial,
            "warranty_end": unit.warranty_end.isoformat() if unit.warranty_end else "",
            "extended_warranty_offer": visit.extended_warranty_offer,
            "request_url": absolute(reverse("portal:submit")),
            # Where the customer stops reminders and offers: every such message says so.
            "account_url": absolute(reverse("portal:account")),
        }
    return notify_customer(
        customer=customer,
        template=template,
        context=context,
        essential=False,
        ticket_reference=visit.ticket.reference if visit.ticket_id else "",
        dedupe_key=f"reminder:{visit.pk}",
    )
