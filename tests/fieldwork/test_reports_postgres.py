"""Two check-outs of the same visit at once (a retried submission, a repeated task) make one
report: the visit's row is locked while it is made (PostgreSQL)."""

import pytest
from django.core.files.storage import default_storage

from fieldwork.models import ServiceReport, Visit
from fieldwork.reports.services import report_make
from notifications.models import OutboundMessage
from tests.concurrency import run_at_once
from tests.fieldwork.reports_helpers import checked_out_job
from tickets.models import TicketEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_reports_made_at_once_for_one_visit_are_one_report():
    job = checked_out_job(language="en")
    folder = f"reports/{job.visit.ticket_id}"
    before = set(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else set()

    results = run_at_once(*[lambda: report_make(Visit(pk=job.visit.pk)) for _ in range(4)])

    assert all(isinstance(result, ServiceReport) for result in results), results
    assert len({result.pk for result in results}) == 1
    assert ServiceReport.objects.count() == 1
    assert TicketEvent.objects.filter(message_code="report.made").count() == 1
    assert OutboundMessage.objects.filter(template="service_report").count() == 1
    assert set(default_storage.listdir(folder)[1]) - before == {results[0].file.name.rsplit("/", 1)[1]}
