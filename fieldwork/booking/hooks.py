"""What the booking part of field service registers in tickets/hooks.py at start-up: the
``visit.*`` timeline texts of bookings, and the ticket page's visits card."""

from django.utils.translation import gettext_lazy as _

from aftersales import table_memo
from fieldwork.booking.services import visits_cancel_for_withdrawn_ticket
from fieldwork.models import Visit
from tickets import hooks, page_rows
from tickets.choices import Status
from tickets.models import Ticket
from tickets.timeline_texts import SystemText, clock, day

# The ``visit.*`` texts of bookings (``visit.agreed`` is the ticket's own, tickets/timeline_texts.py).
TEXTS: dict[str, SystemText] = {
    "visit.booked": SystemText(
        _("Visit booked: %(day)s, %(from)s–%(to)s, %(technician)s (%(station)s)."),
        {"day": day("start"), "from": clock("start"), "to": clock("end")},
    ),
    "visit.late": SystemText(
        _("Visit booked after the arrival deadline (%(due_day)s %(due_time)s). Reason: %(reason)s"),
        {"due_day": day("due"), "due_time": clock("due")},
    ),
    "visit.moved": SystemText(
        _("Visit moved from %(old_day)s %(old_from)s to %(day)s, %(from)s–%(to)s."),
        {
            "old_day": day("previous"),
            "old_from": clock("previous"),
            "day": day("start"),
            "from": clock("start"),
            "to": clock("end"),
        },
    ),
    "visit.moved_by_customer": SystemText(
        _("The customer moved the visit from %(old_day)s %(old_from)s to %(day)s, %(from)s–%(to)s."),
        {
            "old_day": day("previous"),
            "old_from": clock("previous"),
            "day": day("start"),
            "from": clock("start"),
            "to": clock("end"),
        },
    ),
    "visit.confirmed": SystemText(
        _("The customer confirmed the visit: %(day)s, %(from)s–%(to)s."),
        {"day": day("start"), "from": clock("start"), "to": clock("end")},
    ),
    "visit.cancelled": SystemText(
        _("Visit of %(day)s %(from)s cancelled. Reason: %(reason)s"),
        {"day": day("start"), "from": clock("start")},
    ),
}


def ticket_page_context(ticket: Ticket) -> dict:
    """The ticket's field visits in order of time, for the visits card (one query), and whether
    the ticket may still get one (the card then loads the dispatch suggestions)."""
    # The technician and the station from the process's memo rather than joined (aftersales/table_memo.py).
    visits = (
        table_memo.attached(Visit.objects.filter(ticket=ticket).order_by("start", "id"), "technician", "station")
        if page_rows.may_have(ticket, "field_visits")
        else []
    )
    return {
        "field_visits": visits,
        "field_visit_bookable": ticket.status not in (Status.CLOSED, Status.CANCELLED, Status.MERGED),
    }


def cancel_visits_to_come(ticket: Ticket, *, by, reason: str, now) -> None:
    """A job taken from its provider or station keeps no visit of theirs (tickets/hooks.py)."""
    visits_cancel_for_withdrawn_ticket(ticket=ticket, by=by, reason=reason, now=now)


def register() -> None:
    """Register this part's ticket-page context, timeline texts and what a withdrawn job does to
    its visits."""
    hooks.register_ticket_page_context(ticket_page_context)
    page_rows.register("field_visits", Visit)
    hooks.register_timeline_texts(TEXTS)
    hooks.register_on_dispatch_withdrawn(cancel_visits_to_come)
