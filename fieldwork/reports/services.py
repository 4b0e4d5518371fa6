"""The signed service report of a visit (the repair record), made when the technician checks out."""

from fieldwork.models import ServiceReport, Visit


def report_make(visit: Visit) -> ServiceReport | None:
    """Make and store the PDF service report of a checked-out ``visit`` in the customer's language,
    and send the customer its link. Returns the report."""
    return None
