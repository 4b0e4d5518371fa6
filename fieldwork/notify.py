"""Telling the customer and the technician about a visit: booked, confirmed, moved.

Called by the booking services after their transaction commits (fieldwork/booking/services.py),
so a message tells only of a change that was saved. One message per change: the dedupe key
names the visit and its link key (a new key on every move), or the confirmation.
"""

import datetime as dt

from django.urls import reverse
from django.utils import translation

from fieldwork.models import Visit
from notifications.services import notify_customer, notify_staff
from tickets.messages import absolute


def visit_url(visit: Visit) -> str:
    """The customer's confirm-or-move link of ``visit`` (its current key)."""
    return absolute(reverse("visit:link", args=[visit.token]))


def _first_name(user) -> str:
    return user.first_name or user.get_username()


def visit_booked(visit: Visit) -> None:
    """The customer hears of a visit booked or re-booked by the desk, with the link to confirm or move it."""
    visit = Visit.objects.select_related("ticket__customer", "ticket__unit__model", "station", "technician").get(
        pk=visit.pk
    )
    ticket, customer = visit.ticket, visit.ticket.customer
    with translation.override(customer.preferred_language):
        context = {
            "customer_name": customer.name,
            "reference": ticket.reference,
            "product": ticket.unit.model.display_name if ticket.unit else "",
            "appointment_start": visit.start.isoformat(),
            "appointment_end": visit.end.isoformat(),
            "station": visit.station.display_name,
            "technician": _first_name(visit.technician),
            "visit_url": visit_url(visit),
        }
    notify_customer(
        customer=customer,
        template="visit_booked",
        context=context,
        essential=True,
        ticket_reference=ticket.reference,
        dedupe_key=f"visit:{visit.pk}:{visit.token}",
    )


def visit_changed_by_customer(visit: Visit, *, previous_start: dt.datetime | None = None) -> None:
    """The technician hears that the customer confirmed (no ``previous_start``) or moved their visit."""
    visit = Visit.objects.select_related("ticket__customer", "technician").get(pk=visit.pk)
    ticket = visit.ticket
    moved = previous_start is not None
    context = {
        "reference": ticket.reference,
        "customer_name": ticket.customer.name,
        "appointment_start": visit.start.isoformat(),
        "appointment_end": visit.end.isoformat(),
        "previous_start": previous_start.isoformat() if moved else "",
        "moved": moved,
        "ticket_url": absolute(reverse("desk:ticket", args=[ticket.reference])),
    }
    kind = f"moved:{visit.token}" if moved else "confirmed"
    notify_staff(
        user=visit.technician,
        template="visit_changed",
        context=context,
        dedupe_key=f"visit:{visit.pk}:{kind}",
    )
