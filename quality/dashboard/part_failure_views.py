"""The managers' page of part failures by part number and batch (quality/part_failures.py)."""

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aftersales.access import manager_required
from aftersales.replicas.marks import replica_reads
from quality.part_failures import part_failures


@replica_reads
@manager_required
def part_failure_list(request: HttpRequest) -> HttpResponse:
    """Warranty replacements of the batch window (``BATCH_WARNING_WINDOW_DAYS``), by part and batch."""
    now = timezone.now()
    days = settings.BATCH_WARNING_WINDOW_DAYS
    rows = part_failures(since=now - dt.timedelta(days=days), until=now)
    return render(request, "dashboard/part_failures.html", {"nav": "dashboard", "rows": rows, "days": days})
