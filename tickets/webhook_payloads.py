"""What the tickets' webhook events carry (notifications/webhooks delivers them)."""

from typing import Any

from tickets.models import Ticket


def ticket_data(ticket: Ticket) -> dict[str, Any]:
    """A ticket's ids and state; ids only for the people and places (no personal data)."""
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "kind": ticket.kind,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "status": ticket.status,
        "customer_id": ticket.customer_id,
        "unit_id": ticket.unit_id,
        "station_id": ticket.station_id,
        "assignee_id": ticket.assignee_id,
        "created_at": ticket.created_at,
    }
