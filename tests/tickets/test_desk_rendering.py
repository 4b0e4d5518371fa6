"""The desk queue and ticket page show what their rows and forms hold, with the work for each row
done once per page: labels, dates, selects and pagination queries."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from aftersales.pagination import CappedPaginator
from tests import factories
from tickets.choices import EventKind, Priority, Status
from tickets.desk_rendering import select_tag
from tickets.filters import TicketQueueFilter
from tickets.forms import AssignForm
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _row(html: str, reference: str) -> str:
    """The queue's table row of one ticket."""
    start = html.index(f'class="ref">{reference}</a>')
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


# --- queue rows -----------------------------------------------------------------------------


def test_queue_row_shows_labels_contact_product_assignment_and_dates(client, agent):
    station = factories.ServiceStationFactory(name="Qingdao Laoshan", name_zh="青岛崂山")
    tech = factories.UserFactory(username="tech-li", first_name="Li", last_name="Wei", roles=["technician"])
    ticket = factories.TicketFactory(
        status=Status.DISPATCHED,
        priority=Priority.URGENT,
        station=station,
        assignee=tech,
        customer=factories.CustomerFactory(name="Zhang San", phone="+8613711112222"),
        next_due=timezone.now() - dt.timedelta(hours=1),
    )
    Ticket.objects.filter(pk=ticket.pk).update(created_at=dt.datetime(2026, 3, 1, 1, 30, tzinfo=dt.UTC))
    _login(client, agent)
    row = _row(client.get(reverse("desk:queue")).content.decode(), ticket.reference)

    assert '<tr class="overdue">' in row
    assert f'href="{reverse("desk:ticket", args=[ticket.reference])}"' in row
    assert '<span class="badge status-dispatched">Dispatched</span>' in row
    assert "<td>Repair</td>" in row
    assert '<span class="prio prio-urgent">Urgent</span>' in row
    assert 'Zhang San<br><small class="muted">137 1111 2222</small>' in row
    assert f'{ticket.unit.model.code}<br><small class="muted">{ticket.unit.serial}</small>' in row
    assert 'Qingdao Laoshan<br><small class="muted">Li Wei</small>' in row
    assert '<span class="badge overdue-badge">Overdue</span>' in row
    assert "<td>1 Mar 2026 09:30</td>" in row  # in the desk's time zone (Asia/Shanghai)


def test_queue_row_without_unit_station_or_deadline_shows_dashes(client, agent):
    ticket = factories.TicketFactory(unit=None, status=Status.NEW)
    _login(client, agent)
    row = _row(client.get(reverse("desk:queue")).content.decode(), ticket.reference)

    assert '<tr class="">' in row
    assert row.count("<td>—</td>") == 2  # product, next deadline
    assert '<td>—<br><small class="muted"></small></td>' in row  # no station, no technician


def test_queue_rows_in_chinese(client, agent):
    station = factories.ServiceStationFactory(name="Qingdao Laoshan", name_zh="青岛崂山")
    ticket = factories.TicketFactory(status=Status.NEW, station=station)
    _login(client, agent)
    client.cookies.load({"django_language": "zh-hans"})
    row = _row(client.get(reverse("desk:queue")).content.decode(), ticket.reference)
    with translation.override("zh-hans"):
        assert f'<span class="badge status-new">{Status.NEW.label}</span>' in row
    assert "青岛崂山" in row


# --- selects --------------------------------------------------------------------------------


def _as_template_writes_it(select: dict) -> str:
    from django.template.loader import render_to_string

    return render_to_string("tickets/partials/select.html", {"select": select})


@pytest.mark.parametrize(
    "data",
    [None, "kind=complaint&priority=urgent&sort=due", "kind=bogus&priority=&sort=priority", "station=abc&assignee=0"],
)
def test_queue_selects_are_written_as_the_widgets_would_write_them(data, technician):
    station = factories.ServiceStationFactory()
    filterset = TicketQueueFilter(QueryDict(data) if data else None, queryset=Ticket.objects.all())
    filterset.is_valid()
    form = filterset.form
    for name in ["kind", "priority", "sort", "station", "assignee"]:
        assert _as_template_writes_it(select_tag(form[name])) == str(form[name]), name
    if data is None:
        assert f'<option value="{station.pk}">{station.display_name}</option>' in str(form["station"])


@pytest.mark.parametrize(
    "data", [None, {"station": "", "assignee": "", "appointment_slot": "morning"}, {"station": "999999"}]
)
def test_assignment_selects_are_written_as_the_widgets_would_write_them(data, technician):
    factories.ServiceStationFactory()
    form = AssignForm(data) if data else AssignForm(initial={"assignee": technician.pk})
    if data:
        form.is_valid()
    for name in ["station", "assignee", "appointment_slot"]:
        assert _as_template_writes_it(select_tag(form[name])) == str(form[name]), name


def test_a_technician_gets_no_station_or_technician_filter_and_no_queries_for_them(
    client, technician, django_assert_num_queries
):
    factories.TicketFactory(assignee=technician)
    _login(client, technician)
    # The stations and staff a page shows come from the process's memo (aftersales/table_memo.py),
    # filled by the first page as on any running server.
    client.get(reverse("desk:queue"))
    # count, page ids, rows (the session from the cache, the user and roles from the memo)
    with django_assert_num_queries(3):
        html = client.get(reverse("desk:queue")).content.decode()
    assert 'name="station"' not in html
    assert 'name="assignee"' not in html
    assert 'name="kind"' in html


# --- ticket page ------------------------------------------------------------------------------


def test_ticket_page_links_the_duplicate_and_the_merge_target_with_one_query_for_their_references(
    client, agent, django_assert_num_queries
):
    original = factories.TicketFactory()
    duplicate = factories.TicketFactory(suspected_duplicate_of=original)
    merged = factories.TicketFactory(status=Status.MERGED, suspected_duplicate_of=original, merged_into=original)
    _login(client, agent)
    # The stations and staff a page shows come from the process's memo (aftersales/table_memo.py),
    # filled by the first page as on any running server.
    client.get(reverse("desk:ticket", args=[original.reference]))
    # ticket, the linked tickets' references, which cards have rows (tickets/page_rows.py: none
    # here, so no card reads its table, nor the unit's contracts), events; who pays for the job
    # (warranty/entitlement.py): with no claim yet, the engine's evaluation of the facts on record
    # (the unit's repairs). The session comes from the cache; the user, roles, stations, staff,
    # pickers, fault codes, policy versions and holidays from the memo.
    with django_assert_num_queries(5):
        page = client.get(reverse("desk:ticket", args=[duplicate.reference])).content.decode()
    assert f"Likely a duplicate of {original.reference}" in page
    assert f'<a href="{reverse("desk:ticket", args=[original.reference])}">Open it</a>' in page

    page = client.get(reverse("desk:ticket", args=[merged.reference])).content.decode()
    assert "Likely a duplicate" not in page  # a merged ticket no longer warns
    link = reverse("desk:ticket", args=[original.reference])
    assert f'Merged into <a href="{link}">{original.reference}</a>' in page

    page = client.get(reverse("desk:ticket", args=[original.reference])).content.decode()
    assert "Likely a duplicate" not in page
    assert "Merged into" not in page


def test_timeline_labels_kinds_and_statuses_in_the_visitors_language(client, agent):
    ticket = factories.TicketFactory(status=Status.ACKNOWLEDGED)
    TicketEvent.objects.create(
        ticket=ticket, kind=EventKind.STATUS, actor=agent, from_status=Status.NEW, to_status=Status.ACKNOWLEDGED
    )
    TicketEvent.objects.create(ticket=ticket, kind=EventKind.NOTE, actor=agent, note="Called back")
    _login(client, agent)
    page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    assert f"<strong>{EventKind.STATUS.label}</strong>" in page
    assert '<span class="muted">New → Acknowledged</span>' in page
    assert f"<strong>{EventKind.NOTE.label}</strong>" in page

    client.cookies.load({"django_language": "zh-hans"})
    page = client.get(reverse("desk:ticket", args=[ticket.reference])).content.decode()
    with translation.override("zh-hans"):
        assert f'<span class="muted">{Status.NEW.label} → {Status.ACKNOWLEDGED.label}</span>' in page
        assert f"<strong>{EventKind.NOTE.label}</strong>" in page


# --- pagination -----------------------------------------------------------------------------


def test_capped_count_leaves_the_order_out_and_the_page_keeps_it():
    tickets = [factories.TicketFactory() for _ in range(7)]
    for n, ticket in enumerate(tickets):
        Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - dt.timedelta(minutes=n))
    rows = Ticket.objects.select_related("customer").order_by("-created_at", "-id")
    paginator = CappedPaginator(rows, 3, cap=5)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(2)
    count, ids, page_rows = (q["sql"] for q in queries.captured_queries)
    assert "ORDER BY" not in count
    assert "JOIN" not in count
    assert "ORDER BY" in ids
    assert "ORDER BY" not in page_rows  # put in the ids' order in Python
    assert (paginator.count, paginator.is_capped) == (5, True)
    assert [t.pk for t in page.object_list] == [tickets[3].pk, tickets[4].pk]


def test_capped_count_of_a_distinct_list_keeps_its_order():
    """DISTINCT with an order on another table's column is distinct over that column too."""
    customer = factories.CustomerFactory()
    for _ in range(3):
        factories.TicketFactory(customer=customer)
    rows = Ticket.objects.filter(customer=customer).distinct().order_by(F("customer__name").asc(), "-id")
    paginator = CappedPaginator(rows, 2, cap=10)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 3
    assert "ORDER BY" in queries.captured_queries[0]["sql"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_station_and_technician_filter_is_counted_and_paged_from_its_index(technician, other_technician):
    stations = [factories.ServiceStationFactory(), factories.ServiceStationFactory()]
    customer = factories.CustomerFactory()
    Ticket.objects.bulk_create(
        Ticket(
            reference=f"AS-2030-{n:06d}",
            kind="repair",
            channel="phone",
            customer=customer,
            description="-",
            station=stations[n % 2],
            assignee=[technician, other_technician, None][n % 3],
        )
        for n in range(3000)
    )
    filterset = TicketQueueFilter(
        QueryDict(f"station={stations[0].pk}&assignee={technician.pk}"), queryset=Ticket.objects.all()
    )
    assert filterset.is_valid()
    rows = filterset.qs
    count_sql, count_params = rows.order_by()[:10001].values("pk").query.sql_with_params()
    ids_sql, ids_params = rows.values_list("pk", flat=True)[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        # As on a live table: the visibility map set, so the index alone answers.
        cursor.execute("VACUUM ANALYZE tickets_ticket")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN SELECT COUNT(*) FROM ({count_sql}) counted", count_params)
        count_plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN " + ids_sql, ids_params)
        ids_plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using ticket_station_assignee on" in count_plan, count_plan
    assert "Index Only Scan using ticket_station_assignee on" in ids_plan, ids_plan
    assert "Sort" not in ids_plan, ids_plan  # the index holds the queue's order
