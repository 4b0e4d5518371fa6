"""What the reports part of field service registers in tickets/hooks.py at start-up."""

from typing import Any

from fieldwork.models import ServiceReport
from fieldwork.reports.selectors import reports_of
from fieldwork.reports.timeline_texts import TEXTS
from tickets import hooks, page_rows
from tickets.models import Ticket


def ticket_page_context(ticket: Ticket) -> dict[str, Any]:
    """The desk's ticket page lists the ticket's service reports, to open or print
    (templates/fieldwork/partials/ticket_reports.html)."""
    return {"service_reports": reports_of(ticket) if page_rows.may_have(ticket, "service_reports") else []}


def register() -> None:
    """Register this part's ticket-page context and timeline texts."""
    hooks.register_ticket_page_context(ticket_page_context)
    page_rows.register("service_reports", ServiceReport)
    hooks.register_timeline_texts(TEXTS)
