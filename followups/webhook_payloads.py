"""What the follow-ups' webhook events carry (notifications/webhooks delivers them)."""

from typing import Any

from followups.models import CallbackVisit


def callback_data(visit: CallbackVisit) -> dict[str, Any]:
    """A settled callback: its outcome and scores; the customer's comment stays in the product."""
    ticket = visit.ticket
    return {
        "id": visit.pk,
        "kind": visit.kind,
        "status": visit.status,
        "customer_id": visit.customer_id,
        "ticket": {"id": ticket.pk, "reference": ticket.reference} if ticket is not None else None,
        "completed_at": visit.completed_at,
        "scores": {
            "attitude": visit.score_attitude,
            "punctuality": visit.score_punctuality,
            "quality": visit.score_quality,
            "overall": visit.score_overall,
        },
        "raised_complaint": visit.raised_complaint,
        "complaint_ticket": visit.complaint_ticket.reference if visit.complaint_ticket_id else None,
    }
