"""What the customer is told when their service report is made: its link, on their channel and in
their language (notifications/services.py ``notify_customer``). Links are absolute, built on
``settings.SITE_URL``."""

from django.urls import reverse
from django.utils import translation

from fieldwork.models import ServiceReport
from notifications.models import OutboundMessage
from notifications.services import notify_customer
from tickets.choices import Kind
from tickets.messages import absolute, track_url


def report_url(report: ServiceReport) -> str:
    """The customer's link to the PDF: its unguessable key is the only thing that opens it."""
    return absolute(reverse("visit:report", kwargs={"token": report.token}))


def notify_report_made(report: ServiceReport) -> OutboundMessage | None:
    """Send the customer the link to their report, once per report (its ``dedupe_key``)."""
    ticket = report.ticket
    customer = ticket.customer
    unit = ticket.unit
    with translation.override(customer.preferred_language):
        context = {
            "customer_name": customer.name,
            "reference": ticket.reference,
            "kind": str(Kind(ticket.kind).label),
            "product": unit.model.display_name if unit else "",
            "serial": unit.serial if unit else "",
            "report_url": report_url(report),
            "track_url": track_url(ticket.reference),
        }
    return notify_customer(
        customer=customer,
        template="service_report",
        context=context,
        ticket_reference=ticket.reference,
        dedupe_key=f"service_report:{report.pk}",
    )
