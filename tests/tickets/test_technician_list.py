"""A technician's own list shows when each visit is booked, not the stage's deadline."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.choices import Status

pytestmark = pytest.mark.django_db


def _row(html: str, reference: str) -> str:
    start = html.index(f'class="ref">{reference}</a>')
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


@pytest.fixture
def jobs(technician, business_tz):
    overdue = timezone.now() - dt.timedelta(hours=3)
    start = dt.datetime(2026, 12, 9, 9, 0, tzinfo=business_tz)
    booked = factories.TicketFactory(
        status=Status.DISPATCHED,
        assignee=technician,
        next_due=overdue,
        appointment_start=start,
        appointment_end=start + dt.timedelta(hours=2),
    )
    later = factories.TicketFactory(
        status=Status.DISPATCHED,
        assignee=technician,
        appointment_start=start + dt.timedelta(days=1, hours=5),
        appointment_end=start + dt.timedelta(days=1, hours=9),
    )
    unbooked = factories.TicketFactory(status=Status.ACKNOWLEDGED, assignee=technician, next_due=overdue)
    return booked, later, unbooked


def test_the_technicians_list_shows_visit_times_not_deadlines(client, technician, jobs, django_assert_num_queries):
    booked, later, unbooked = jobs
    client.force_login(technician)
    # The stations and staff a page shows come from the process's memo (aftersales/table_memo.py),
    # filled by the first page as on any running server.
    client.get(reverse("desk:queue"))
    # count, page ids, rows (the session from the cache, the user and roles from the memo): the
    # visit times add no query
    with django_assert_num_queries(3):
        html = client.get(reverse("desk:queue")).content.decode()
    assert "<th>Visit time</th>" in html and "Next deadline" not in html
    assert '<td class="visit-time">9 Dec 2026 09:00–11:00</td>' in _row(html, booked.reference)
    assert '<td class="visit-time">10 Dec 2026 14:00–18:00</td>' in _row(html, later.reference)
    assert '<td class="visit-time">—</td>' in _row(html, unbooked.reference)
    assert "overdue-badge" not in html


def test_the_technicians_list_in_chinese(client, technician, jobs):
    booked, _later, _unbooked = jobs
    client.force_login(technician)
    client.cookies.load({"django_language": "zh-hans"})
    html = client.get(reverse("desk:queue")).content.decode()
    assert '<td class="visit-time">2026年12月9日 09:00–11:00</td>' in _row(html, booked.reference)


def test_the_desk_queue_keeps_the_deadline(client, agent, jobs):
    booked, _later, _unbooked = jobs
    client.force_login(agent)
    html = client.get(reverse("desk:queue")).content.decode()
    assert "<th>Next deadline</th>" in html
    row = _row(html, booked.reference)
    assert "visit-time" not in row and '<span class="badge overdue-badge">Overdue</span>' in row


def test_the_list_sorts_by_the_visit_soonest_first(client, technician, jobs):
    booked, later, unbooked = jobs
    client.force_login(technician)
    html = client.get(reverse("desk:queue"), {"sort": "visit"}).content.decode()
    order = re.findall(r'class="ref">(AS-[\d-]+)</a>', html)
    assert order == [booked.reference, later.reference, unbooked.reference]
