"""What the warranty claims' webhook events carry (notifications/webhooks delivers them)."""

from typing import Any

from tickets.models import Ticket
from warranty.models import WarrantyClaim


def claim_data(claim: WarrantyClaim, ticket: Ticket) -> dict[str, Any]:
    """A claim's decision and outcome: its rule, remedies, charge and units, by id."""
    return {
        "id": claim.pk,
        "ticket": {"id": ticket.pk, "reference": ticket.reference},
        "unit_id": claim.unit_id,
        "status": claim.status,
        "rule": claim.rule,
        "remedies": list(claim.remedies),
        "free": claim.free,
        "chosen_remedy": claim.chosen_remedy or None,
        "is_goodwill": claim.is_goodwill,
        "refund_paid": claim.refund_paid,
        "charge": claim.charge,
        "replacement_unit_id": claim.replacement_unit_id,
    }
