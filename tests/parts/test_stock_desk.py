"""The desk's stock pages: who sees which station, the forms and their field errors, transfers,
and the XLSX stock report with values worked out by hand."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parts.models import MovementKind, StockLevel, StockMovement, StockTransfer, TransferStatus
from parts.stock import transfer_ship
from parts.usage import part_use
from tests import factories
from tests.parts.stock_helpers import PartFactory, station, stocked, technician_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_stations(manager, technician):
    mine, theirs = station("qd", name="Qingdao East"), station("jn", name="Jinan West")
    technician_at(technician, mine)
    pump, belt = PartFactory(number="PUMP-1", name="Drain pump"), PartFactory(number="BELT-7", name="Drive belt")
    stocked(mine, pump, 4, manager)
    stocked(theirs, belt, 9, manager)
    return mine, theirs, pump, belt


def test_a_technician_sees_only_their_stations_stock(client, technician, two_stations):
    mine, theirs, pump, belt = two_stations
    client.force_login(technician)
    page = client.get(reverse("parts:stock")).content.decode()
    assert "PUMP-1" in page and "BELT-7" not in page
    filtered = client.get(reverse("parts:stock"), {"station": theirs.pk}).content.decode()
    assert "BELT-7" not in filtered
    assert client.get(reverse("parts:ledger", args=[theirs.pk, belt.pk])).status_code == 404
    assert client.get(reverse("parts:stock_report"), {"station": theirs.pk}).status_code == 404
    assert client.get(reverse("parts:ledger", args=[mine.pk, pump.pk])).status_code == 200


def test_an_agent_sees_every_station_and_can_search(client, agent, two_stations):
    client.force_login(agent)
    page = client.get(reverse("parts:stock")).content.decode()
    assert "PUMP-1" in page and "BELT-7" in page
    found = client.get(reverse("parts:stock"), {"q": "belt"}).content.decode()
    assert "BELT-7" in found and "PUMP-1" not in found


def test_the_stock_list_marks_parts_below_their_reorder_point(client, agent, two_stations, django_assert_num_queries):
    mine, theirs, pump, belt = two_stations
    StockLevel.objects.filter(part=pump).update(reorder_point=4)
    for n in range(5):
        stocked(mine, PartFactory(number=f"X-{n}"), 1, agent)
    client.force_login(agent)
    client.get(reverse("parts:stock"))  # the user and roles in the memo
    with django_assert_num_queries(5):
        page = client.get(reverse("parts:stock")).content.decode()
    assert page.count('class="badge warn"') == 1
    below = client.get(reverse("parts:stock"), {"below": "1"}).content.decode()
    assert "PUMP-1" in below and "BELT-7" not in below


def test_department_users_and_strangers_have_no_stock_pages(client, department_user):
    assert client.get(reverse("parts:stock")).status_code == 302
    client.force_login(department_user)
    assert client.get(reverse("parts:stock")).status_code == 403
    assert client.get(reverse("parts:receive")).status_code == 403


def test_the_ledger_shows_who_when_why_and_the_ticket(client, technician, two_stations):
    mine, _theirs, pump, _belt = two_stations
    ticket = factories.TicketFactory(reference="AS-2026-000123")
    part_use(ticket=ticket, station=mine, part=pump, quantity=1, by=technician, under_warranty=True)
    client.force_login(technician)
    page = client.get(reverse("parts:ledger", args=[mine.pk, pump.pk])).content.decode()
    assert "AS-2026-000123" in page and "Used on AS-2026-000123" in page
    assert "opening stock" in page and "Used on a job" in page


def test_goods_received_through_the_form(client, technician, two_stations):
    mine, _theirs, pump, _belt = two_stations
    client.force_login(technician)
    response = client.post(
        reverse("parts:receive"),
        {"station": mine.pk, "part": "pump-1", "quantity": "3", "unit_cost": "", "batch": "B9", "reason": "DN-42"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("parts:ledger", args=[mine.pk, pump.pk])
    assert StockLevel.objects.get(station=mine, part=pump).on_hand == 7
    row = StockMovement.objects.latest("id")
    assert (row.kind, row.quantity, row.reason, row.batch, row.by) == ("receipt", 3, "DN-42", "B9", technician)


def test_a_technician_cannot_receive_into_another_station(client, technician, two_stations):
    _mine, theirs, _pump, belt = two_stations
    client.force_login(technician)
    before = StockMovement.objects.count()
    response = client.post(reverse("parts:receive"), {"station": theirs.pk, "part": "BELT-7", "quantity": "3"})
    assert response.status_code == 400
    assert "station" in response.context["form"].errors
    assert StockMovement.objects.count() == before


def test_bad_form_input_gives_field_errors_and_writes_nothing(client, technician, two_stations):
    mine, _theirs, pump, _belt = two_stations
    client.force_login(technician)
    before = StockMovement.objects.count()
    response = client.post(reverse("parts:receive"), {"station": mine.pk, "part": "NOPE", "quantity": "0"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"part", "quantity"}
    response = client.post(reverse("parts:count"), {"station": mine.pk, "part": "PUMP-1", "counted": "2", "reason": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"reason"}
    response = client.post(
        reverse("parts:transfer_new"), {"station": mine.pk, "to_station": mine.pk, "part": "PUMP-1", "quantity": "9"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"to_station"}
    assert StockMovement.objects.count() == before
    assert StockLevel.objects.get(station=mine, part=pump).on_hand == 4


def test_a_count_through_the_form(client, technician, two_stations):
    mine, _theirs, pump, _belt = two_stations
    client.force_login(technician)
    response = client.post(
        reverse("parts:count"), {"station": mine.pk, "part": "PUMP-1", "counted": "1", "reason": "dropped three"}
    )
    assert response.status_code == 302
    row = StockMovement.objects.latest("id")
    assert (row.kind, row.quantity, row.on_hand_after, row.reason) == ("count", -3, 1, "dropped three")


def test_transfer_shipped_and_received_at_the_desk(client, manager, technician, other_technician, two_stations):
    mine, theirs, pump, _belt = two_stations
    technician_at(other_technician, theirs)
    client.force_login(technician)
    response = client.post(
        reverse("parts:transfer_new"), {"station": mine.pk, "to_station": theirs.pk, "part": "PUMP-1", "quantity": "3"}
    )
    assert response.status_code == 302
    transfer = StockTransfer.objects.get()
    assert transfer.status == TransferStatus.IN_TRANSIT
    # The sender cannot receive its own transfer.
    client.post(reverse("parts:transfer_receive", args=[transfer.pk]))
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.IN_TRANSIT
    assert not StockLevel.objects.filter(station=theirs, part=pump).exists()

    client.force_login(other_technician)
    listing = client.get(reverse("parts:transfers")).content.decode()
    assert reverse("parts:transfer_receive", args=[transfer.pk]) in listing
    assert client.post(reverse("parts:transfer_receive", args=[transfer.pk])).status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.received_by) == (TransferStatus.RECEIVED, other_technician)
    assert StockLevel.objects.get(station=theirs, part=pump).on_hand == 3


def test_another_stations_transfer_is_a_404(client, manager, technician, two_stations):
    _mine, theirs, _pump, belt = two_stations
    elsewhere = station("yt")
    transfer = transfer_ship(from_station=theirs, to_station=elsewhere, part=belt, quantity=1, by=manager)
    client.force_login(technician)
    assert client.post(reverse("parts:transfer_receive", args=[transfer.pk])).status_code == 404
    assert client.post(reverse("parts:transfer_cancel", args=[transfer.pk]), {"reason": "x"}).status_code == 404
    assert "BELT-7" not in client.get(reverse("parts:transfers")).content.decode()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.IN_TRANSIT


def test_the_stock_report_values_stock_at_standard_cost_and_lists_slow_movers(client, manager, technician):
    here = station("qd", name="Qingdao East")
    technician_at(technician, here)
    pump = PartFactory(number="A-PUMP", name="Drain pump", standard_cost=Decimal("12.35"))
    belt = PartFactory(number="B-BELT", name="Drive belt", standard_cost=Decimal("0.99"))
    board = PartFactory(number="C-BOARD", name="Control board", standard_cost=Decimal("310.10"))
    empty = PartFactory(number="D-EMPTY", standard_cost=Decimal("5.00"))
    stocked(here, pump, 7, manager)
    stocked(here, belt, 13, manager)
    stocked(here, board, 2, manager)
    stocked(here, empty, 1, manager)
    ticket = factories.TicketFactory()
    part_use(ticket=ticket, station=here, part=pump, quantity=1, by=technician, under_warranty=False)  # 6 left
    part_use(ticket=ticket, station=here, part=empty, quantity=1, by=technician, under_warranty=False)  # none left
    old = part_use(ticket=ticket, station=here, part=belt, quantity=1, by=technician, under_warranty=False)  # 12 left
    long_ago = timezone.now() - dt.timedelta(days=120)
    StockMovement.objects.filter(kind=MovementKind.CONSUME, part=belt).update(created_at=long_ago)
    assert old.pk

    client.force_login(technician)
    response = client.get(reverse("parts:stock_report"), {"station": here.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="stock-qd-' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    value, slow = book.worksheets
    lines = [[cell.value for cell in row] for row in value.iter_rows(min_row=5)]
    # By hand: 6 × 12.35 = 74.10; 12 × 0.99 = 11.88; 2 × 310.10 = 620.20; total 706.18.
    assert lines == [
        ["A-PUMP", "Drain pump", 6, 0, 12.35, 74.1],
        ["B-BELT", "Drive belt", 12, 0, 0.99, 11.88],
        ["C-BOARD", "Control board", 2, 0, 310.1, 620.2],
        ["Total", None, None, None, None, 706.18],
    ]
    assert value["F8"].number_format == "0.00"
    movers = [[cell.value for cell in row] for row in slow.iter_rows(min_row=4)]
    assert movers == [
        ["B-BELT", "Drive belt", 12, 11.88, timezone.localtime(long_ago).strftime("%Y-%m-%d")],
        ["C-BOARD", "Control board", 2, 620.2, "never"],
    ]
    # A shorter window: the belt used 120 days ago is no slow mover over 200 days.
    response = client.get(reverse("parts:stock_report"), {"station": here.pk, "days": "200"})
    slow = load_workbook(io.BytesIO(response.content)).worksheets[1]
    assert [row[0].value for row in slow.iter_rows(min_row=4)] == ["C-BOARD"]


def test_the_report_selector_totals_in_decimal(manager):
    from parts.stock_selectors import stock_report

    here = station("qd")
    stocked(here, PartFactory(number="A", standard_cost=Decimal("0.10")), 3, manager)
    stocked(here, PartFactory(number="B", standard_cost=Decimal("0.20")), 1, manager)
    report = stock_report(here)
    assert [row.value for row in report.rows] == [Decimal("0.30"), Decimal("0.20")]
    assert report.total == Decimal("0.50")


def test_the_report_needs_a_station(client, agent):
    client.force_login(agent)
    assert client.get(reverse("parts:stock_report")).status_code == 404
    assert client.get(reverse("parts:stock_report"), {"station": "abc"}).status_code == 404


def test_the_stock_page_in_chinese_shows_chinese_names(client, technician, two_stations):
    client.force_login(technician)
    page = client.get(reverse("parts:stock"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "排水泵" in page


@pytest.mark.parametrize("rows", [1, 6])
def test_the_ledger_and_transfers_pages_query_the_same_however_many_rows(
    client, manager, technician, two_stations, django_assert_num_queries, rows
):
    mine, theirs, pump, _belt = two_stations
    for _ in range(rows):
        stocked(mine, pump, 1, manager)
        transfer_ship(from_station=mine, to_station=theirs, part=pump, quantity=1, by=manager)
    client.force_login(manager)
    client.get(reverse("parts:transfers"))
    with django_assert_num_queries(6):
        client.get(reverse("parts:ledger", args=[mine.pk, pump.pk]))
    with django_assert_num_queries(3):
        client.get(reverse("parts:transfers"))
