"""The signed service report of a visit (the repair record), made when the technician checks out.

docs/service-report.md. The job's check-out (fieldwork/jobs/services.py) calls ``report_make``
after its transaction commits; calling it again for the same visit (a retried check-out, a
repeated task) returns the report already made and sends nothing again.
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction

from fieldwork.models import ServiceReport, Visit, VisitStatus
from fieldwork.reports.content import report_content
from fieldwork.reports.messages import notify_report_made
from fieldwork.reports.pdf import render_report
from tickets.choices import EventKind
from tickets.services import append_event

logger = logging.getLogger(__name__)


@transaction.atomic
def report_make(visit: Visit) -> ServiceReport | None:
    """Make and store the PDF service report of a checked-out ``visit`` in the customer's language,
    and send the customer its link. Returns the report.

    One report per visit: the visit's row is locked while the report is made, so two calls at
    once make one report and the second returns it. A visit not checked out yet (or cancelled)
    has nothing to report: None, and nothing is written.
    """
    # Only the visit's row is locked (not the ticket, customer or user joined in).
    visit = (
        Visit.objects.select_for_update(of=("self",)).select_related("ticket__customer", "technician").get(pk=visit.pk)
    )
    existing = ServiceReport.objects.filter(visit=visit).first()
    if existing is not None:
        return existing
    if visit.status != VisitStatus.DONE or visit.checked_out_at is None:
        logger.info("Visit %s is not checked out: no service report yet", visit.pk)
        return None
    content = report_content(visit)
    report = ServiceReport(ticket=visit.ticket, visit=visit, language=content.language)
    report.file.save(f"{visit.ticket.reference}.pdf", ContentFile(render_report(content)), save=False)
    try:
        report.save()
        _tell(report, visit)
    except Exception:
        # A file with no row would never be found again.
        report.file.delete(save=False)
        raise
    return report


def _tell(report: ServiceReport, visit: Visit) -> None:
    """The report on the ticket's timeline, and its link to the customer."""
    technician = visit.technician
    append_event(
        visit.ticket,
        EventKind.NOTE,
        None,
        message=(
            "report.made",
            {
                "checked_out_at": visit.checked_out_at.isoformat(),
                "technician": technician.get_full_name() or technician.get_username(),
            },
        ),
        is_public=True,
        data={"report": report.pk, "visit": visit.pk},
    )
    notify_report_made(report)
