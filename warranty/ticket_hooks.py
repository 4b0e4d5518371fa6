"""What warranty adds to a ticket's page, registered in tickets/hooks.py by ``WarrantyConfig.ready()``."""

from typing import Any

from tickets.models import Ticket
from warranty.selectors import claims_of


def ticket_page_context(ticket: Ticket) -> dict[str, Any]:
    """The desk's ticket page shows the three-guarantees claims of a ticket about a unit."""
    return {"claims": list(claims_of(ticket)) if ticket.unit_id else []}
