"""What the reports part of field service registers in tickets/hooks.py at start-up."""

from typing import Any

from fieldwork.reports.selectors import reports_of
from fieldwork.reports.timeline_texts import TEXTS
from tickets import hooks
from tickets.models import Ticket


def ticket_page_context(ticket: Ticket) -> dict[str, Any]:
    """The desk's ticket page lists the ticket's service reports, to open or print
    (templates/fieldwork/partials/ticket_reports.html)."""
    return {"service_reports": reports_of(ticket)}


def register() -> None:
    """Register this part's ticket-page context and timeline texts."""
    hooks.register_ticket_page_context(ticket_page_context)
    hooks.register_timeline_texts(TEXTS)
