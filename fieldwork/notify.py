"""Telling the customer and the technician about a visit: booked, confirmed, moved.

Called by the booking services after their transaction commits (fieldwork/booking/services.py).
"""

from fieldwork.models import Visit


def visit_booked(visit: Visit) -> None:
    """The customer hears of a visit booked or re-booked by the desk, with the link to confirm or move it."""


def visit_changed_by_customer(visit: Visit, *, previous_start=None) -> None:
    """The technician hears that the customer confirmed or moved their visit."""
