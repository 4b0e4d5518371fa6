"""What warranty adds to a ticket's page, registered in tickets/hooks.py by ``WarrantyConfig.ready()``."""

from typing import Any

from tickets import page_rows
from tickets.models import Ticket
from warranty.entitlement import ticket_entitlement
from warranty.selectors import claims_of


def ticket_page_context(ticket: Ticket) -> dict[str, Any]:
    """The desk's ticket page shows the three-guarantees claims of a ticket about a unit, and
    who pays for the job (warranty/entitlement.py), decided from the latest of those claims."""
    claims = list(claims_of(ticket)) if ticket.unit_id and page_rows.may_have(ticket, "claims") else []
    return {"claims": claims, "entitlement": ticket_entitlement(ticket, claims=claims)}
