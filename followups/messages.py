"""What follow-ups tell: the survey link of a resolution, the reminders before a call, and the
managers told of a dissatisfied customer; sent through the one outbox of
``notifications.services`` (docs/architecture.md#celery-tasks-and-the-beat-schedule).

Each function is called inside the transaction of the change it tells about and writes at most
one message per event (its ``dedupe_key``). Links are absolute (``tickets.messages.absolute``).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import translation

from aftersales.roles import managers
from customers.models import Customer
from followups.choices import CallbackKind, CallbackStatus
from followups.models import CallbackVisit
from followups.survey.links import survey_token
from notifications.models import OutboundMessage
from notifications.services import customer_channel, notify_customer, notify_staff
from tickets.messages import absolute
from tickets.models import Ticket

REMINDER_TEMPLATES = {
    CallbackKind.MAINTENANCE: "reminder_maintenance",
    CallbackKind.WARRANTY_EXPIRY: "reminder_warranty",
    # A maintenance plan's included visit is booked as a maintenance is.
    CallbackKind.PLAN_VISIT: "reminder_maintenance",
}


def survey_url_for(visit: CallbackVisit) -> str:
    """The survey link of a callback visit: signed, expiring, single use. The token lives with
    the survey itself (followups/survey/links.py) and names the channel the customer is sent it
    on, which chooses the CSI program it asks (docs/csi.md#programs)."""
    channel, _address = customer_channel(visit.customer)
    return absolute(reverse("survey:answer", args=[survey_token(visit, channel)]))


def survey_url_for_resolution(ticket: Ticket) -> str:
    """The survey link of the after-service callback the resolution just scheduled, in the
    same transaction (``on_resolved`` schedules it before the customer is told); empty when
    there is none to answer, and the message then points to the rating on the portal."""
    visit = (
        CallbackVisit.objects.filter(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE)
        .select_related("customer")
        .order_by("-pk")
        .first()
    )
    return survey_url_for(visit) if visit is not None else ""


def notify_managers_of_dissatisfaction(
    *, ticket: Ticket, complaint: Ticket, score: int | None, comment: str
) -> list[OutboundMessage]:
    """Tell every manager by email that a customer was dissatisfied on a callback: the case is
    reopened and a complaint opened (docs/lifecycle.md#callbacks-close-the-case). One email per manager
    and complaint."""
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
    if visit.kind == CallbackKind.WARRANTY_EXPIRY and not visit.extended_warranty_offer:
        # The warranty-end reminder announces the offer (its SMS names it): a customer who
        # opted out of offers is not sent it (customers/offers.py).
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
