"""What parts registers at start-up: its ticket-page context and timeline texts (tickets/hooks.py)
and what follows a part's use on a job (parts/usage.py ``after_use``)."""

from typing import Any

from django.utils import timezone

from aftersales import table_memo
from parts import selectors
from parts.demand import NEEDS_PARTS
from parts.forms import ORDER, RESERVE, PartDemandForm, PartOrderForm, active_stations
from parts.models import PartReservation, PartsOrder, PartUsage
from tickets import page_rows
from tickets.models import Ticket


def ticket_page_context(ticket: Ticket) -> dict[str, Any]:
    """The ticket page's parts card (templates/parts/partials/ticket_parts.html): reservations,
    orders with their waiting days, parts used with their old-part returns, and the days waited."""
    today = timezone.localdate()
    # Stations and staff from the process's memo rather than joined (aftersales/table_memo.py).
    orders = _rows(ticket, "parts_orders", selectors.orders_of(ticket))
    for order in orders:
        order.waiting_days = selectors.order_waiting_days(order, today)
    stations = active_stations() if ticket.status in NEEDS_PARTS else []
    # The forms only while the repair may still need parts (a closed ticket shows none).
    parts_open = ticket.status in NEEDS_PARTS
    initial = {"station": ticket.station_id, "quantity": 1}
    return {
        "parts_open": parts_open,
        "parts_reserve_form": PartDemandForm(initial=initial, stations=stations, prefix=RESERVE)
        if parts_open
        else None,
        "parts_order_form": PartOrderForm(initial=initial, stations=stations, prefix=ORDER) if parts_open else None,
        "part_reservations": _rows(ticket, "part_reservations", selectors.reservations_of(ticket)),
        "parts_orders": orders,
        "part_usages": _rows(ticket, "part_usages", selectors.usages_of(ticket)),
        "parts_waiting": selectors.waiting_from(orders, today=today),
    }


def _rows(ticket: Ticket, name: str, queryset) -> list:
    """The card's rows, none without a query where the page found none (tickets/page_rows.py)."""
    if not page_rows.may_have(ticket, name):
        return []
    return table_memo.attached(queryset, "station", "by")


def register() -> None:
    """Register the ticket-page context, the timeline texts and the ``after_use`` functions."""
    from parts import returns, timeline_texts, usage
    from tickets import hooks

    hooks.register_ticket_page_context(ticket_page_context)
    page_rows.register("part_reservations", PartReservation)
    page_rows.register("parts_orders", PartsOrder)
    page_rows.register("part_usages", PartUsage)
    hooks.register_timeline_texts(timeline_texts.TEXTS)
    if returns.return_open not in usage.after_use:
        usage.after_use.append(returns.return_open)
