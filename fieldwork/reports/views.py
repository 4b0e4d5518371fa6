"""The service report's PDF: to the customer through the link they were sent, to staff from the
desk (docs/service-report.md#who-can-open-it).

The customer's link carries the report's unguessable key and nothing else: a key no report has
is a plain 404, like any page that does not exist. Staff open a report they may see (agents,
managers and administrators every one; a technician those of their own tickets and visits); any
other is a 404 too, whether it exists or not.
"""

import re
import uuid

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from aftersales.access import desk_required
from fieldwork.models import ServiceReport
from fieldwork.reports import selectors

# Keys no report has, per client address: a customer who mistypes one stays far below this;
# anyone trying keys in bulk is stopped, for every key, until the hour has passed. Opening a
# real report does not count: many customers may share one address (a carrier's NAT).
MISSES_RATE = "30/h"
MISSES_GROUP = "report-link-misses"


def _too_many_misses(request: HttpRequest, *, count: bool) -> bool:
    return is_ratelimited(request, group=MISSES_GROUP, key="ip", rate=MISSES_RATE, method=ALL, increment=count)


def pdf_response(report: ServiceReport) -> FileResponse:
    """The stored PDF, shown in the browser (to read or print), never cached on the way."""
    try:
        handle = report.file.open("rb")
    except OSError as exc:  # the row outlived its file: nothing to show
        raise Http404 from exc
    response = FileResponse(handle, content_type="application/pdf")
    name = re.sub(r"[^A-Za-z0-9-]", "", report.ticket.reference) or "report"
    response["Content-Disposition"] = f'inline; filename="service-report-{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def public_report(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """The customer's link: the report whose key it carries."""
    if _too_many_misses(request, count=False):
        return HttpResponse(
            _("Too many attempts. Please wait a while and try again."), status=429, content_type="text/plain"
        )
    report = selectors.report_for_token(token)
    if report is None:
        _too_many_misses(request, count=True)
        raise Http404
    return pdf_response(report)


@desk_required
@require_GET
def desk_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A report from the desk, to staff who may see it."""
    report = selectors.reports_visible_to(request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return pdf_response(report)
