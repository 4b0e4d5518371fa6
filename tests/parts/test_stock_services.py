"""The stock services: goods received, transfers, counts — the exact ledger rows and levels,
and refusals that write nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from notifications.models import OutboundMessage
from parts.ledger import stock_move
from parts.models import MovementKind, StockLevel, StockMovement, StockTransfer, TransferStatus
from parts.stock import stock_count, stock_receive, transfer_cancel, transfer_receive, transfer_ship
from parts.usage import part_use
from tests import factories
from tests.parts.stock_helpers import PartFactory, station, stocked, technician_at

pytestmark = pytest.mark.django_db


def rows(station_, part):
    return list(
        StockMovement.objects.filter(station=station_, part=part)
        .order_by("id")
        .values_list("kind", "quantity", "reserved_change", "on_hand_after", "unit_cost", "reason")
    )


def level(station_, part):
    found = StockLevel.objects.get(station=station_, part=part)
    return found.on_hand, found.reserved


def test_goods_received_add_one_row_and_the_level(manager):
    here, part = station("qd"), PartFactory(standard_cost=Decimal("12.50"))
    stock_receive(station=here, part=part, quantity=5, by=manager, reason="DN-001", batch="B7")
    stock_receive(station=here, part=part, quantity=3, by=manager, unit_cost=Decimal("11.00"))
    assert rows(here, part) == [
        ("receipt", 5, 0, 5, Decimal("12.50"), "DN-001"),
        ("receipt", 3, 0, 8, Decimal("11.00"), "Goods received"),
    ]
    assert level(here, part) == (8, 0)
    assert StockMovement.objects.filter(batch="B7", by=manager).count() == 1


@pytest.mark.parametrize(
    ("quantity", "unit_cost", "field"),
    [(0, None, "quantity"), (-2, None, "quantity"), (100_001, None, "quantity"), (1, Decimal("-1"), "unit_cost")],
)
def test_bad_receipts_are_field_errors_and_write_nothing(manager, quantity, unit_cost, field):
    here, part = station("qd"), PartFactory()
    with pytest.raises(ValidationError) as caught:
        stock_receive(station=here, part=part, quantity=quantity, by=manager, unit_cost=unit_cost)
    assert list(caught.value.error_dict) == [field]
    assert not StockMovement.objects.exists() and not StockLevel.objects.exists()


def test_an_inactive_part_cannot_be_received(manager):
    part = PartFactory(is_active=False)
    with pytest.raises(ValidationError) as caught:
        stock_receive(station=station("qd"), part=part, quantity=1, by=manager)
    assert list(caught.value.error_dict) == ["part"]


def test_a_transfer_is_out_of_the_sender_in_transit_then_into_the_receiver(manager, technician):
    sender, receiver, part = station("qd"), station("jn"), PartFactory(standard_cost=Decimal("12.50"))
    stocked(sender, part, 5, manager)
    technician_at(technician, receiver)
    transfer = transfer_ship(from_station=sender, to_station=receiver, part=part, quantity=2, by=manager)
    assert transfer.status == TransferStatus.IN_TRANSIT
    assert level(sender, part) == (3, 0)
    assert not StockLevel.objects.filter(station=receiver).exists()
    assert rows(sender, part)[-1] == ("transfer_out", -2, 0, 3, Decimal("12.50"), f"Sent to {receiver.name}")

    transfer_receive(transfer=transfer, by=technician)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.received_by) == (TransferStatus.RECEIVED, technician)
    assert transfer.received_at is not None
    assert level(receiver, part) == (2, 0)
    assert rows(receiver, part) == [("transfer_in", 2, 0, 2, Decimal("12.50"), f"Received from {sender.name}")]
    assert transfer.movements.count() == 2


def test_only_the_receiving_station_receives_and_only_once(manager, technician, other_technician):
    sender, receiver, part = station("qd"), station("jn"), PartFactory()
    stocked(sender, part, 5, manager)
    technician_at(technician, receiver)
    technician_at(other_technician, sender)
    transfer = transfer_ship(from_station=sender, to_station=receiver, part=part, quantity=2, by=manager)
    with pytest.raises(ValidationError) as caught:
        transfer_receive(transfer=transfer, by=other_technician)
    assert caught.value.message_dict == {"transfer": ["Only the receiving station can receive this transfer."]}
    assert not StockLevel.objects.filter(station=receiver).exists()
    transfer_receive(transfer=transfer, by=technician)
    with pytest.raises(ValidationError) as caught:
        transfer_receive(transfer=transfer, by=technician)
    assert caught.value.message_dict == {"transfer": ["This transfer is no longer in transit."]}
    assert level(receiver, part) == (2, 0)


def test_a_transfer_needs_free_stock_and_another_station(manager):
    sender, receiver, part = station("qd"), station("jn"), PartFactory(number="PUMP-1")
    stocked(sender, part, 2, manager)
    with pytest.raises(ValidationError) as caught:
        transfer_ship(from_station=sender, to_station=receiver, part=part, quantity=3, by=manager)
    assert caught.value.message_dict == {"quantity": [f"Not enough PUMP-1 in stock at {sender.name}: 2 free."]}
    with pytest.raises(ValidationError) as caught:
        transfer_ship(from_station=sender, to_station=sender, part=part, quantity=1, by=manager)
    assert list(caught.value.error_dict) == ["to_station"]
    assert not StockTransfer.objects.exists()
    assert level(sender, part) == (2, 0)


def test_a_cancelled_transfer_goes_back_to_the_sender(manager):
    sender, receiver, part = station("qd"), station("jn"), PartFactory()
    stocked(sender, part, 5, manager)
    transfer = transfer_ship(from_station=sender, to_station=receiver, part=part, quantity=2, by=manager)
    with pytest.raises(ValidationError) as caught:
        transfer_cancel(transfer=transfer, by=manager, reason=" ")
    assert list(caught.value.error_dict) == ["reason"]
    transfer_cancel(transfer=transfer, by=manager, reason="lost by the courier")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    assert level(sender, part) == (5, 0)
    assert rows(sender, part)[-1][:4] == ("transfer_in", 2, 0, 5)
    assert rows(sender, part)[-1][5] == "Transfer cancelled: lost by the courier"


def test_a_count_adjusts_to_the_counted_figure_with_its_reason(manager):
    here, part = station("qd"), PartFactory()
    stocked(here, part, 5, manager)
    row = stock_count(station=here, part=part, counted=3, by=manager, reason="two broken in the van")
    assert (row.kind, row.quantity, row.on_hand_after, row.reason) == ("count", -2, 3, "two broken in the van")
    stock_count(station=here, part=part, counted=3, by=manager, reason="monthly count")
    assert rows(here, part)[-1][:4] == ("count", 0, 0, 3)
    stock_count(station=here, part=part, counted=7, by=manager, reason="found a box")
    assert level(here, part) == (7, 0)


@pytest.mark.parametrize(
    ("counted", "reason", "errors"),
    [
        (3, "", {"reason": ["Say why the stock differs (a count needs a reason)."]}),
        (-1, "x", {"counted": ["A count cannot be negative."]}),
        (
            -1,
            "",
            {
                "counted": ["A count cannot be negative."],
                "reason": ["Say why the stock differs (a count needs a reason)."],
            },
        ),
    ],
)
def test_a_count_needs_a_reason_and_a_figure(manager, counted, reason, errors):
    here, part = station("qd"), PartFactory()
    stocked(here, part, 5, manager)
    with pytest.raises(ValidationError) as caught:
        stock_count(station=here, part=part, counted=counted, by=manager, reason=reason)
    assert caught.value.message_dict == errors
    assert StockMovement.objects.count() == 1
    assert level(here, part) == (5, 0)


def test_a_count_cannot_go_below_what_is_reserved(manager):
    here, part = station("qd"), PartFactory()
    stocked(here, part, 5, manager)
    stock_move(station=here, part=part, kind=MovementKind.RESERVE, by=manager, reserved_change=3)
    with pytest.raises(ValidationError) as caught:
        stock_count(station=here, part=part, counted=2, by=manager, reason="count")
    assert caught.value.message_dict == {"counted": ["3 are reserved for tickets: release them before counting fewer."]}
    assert level(here, part) == (5, 3)


def test_the_ledger_adds_up_to_the_level(manager, technician):
    here, there, part = station("qd"), station("jn"), PartFactory()
    technician_at(technician, here)
    stocked(here, part, 10, manager)
    transfer_ship(from_station=here, to_station=there, part=part, quantity=3, by=manager)
    stock_count(station=here, part=part, counted=6, by=manager, reason="count")
    part_use(ticket=factories.TicketFactory(), station=here, part=part, quantity=2, by=technician, under_warranty=True)
    total = sum(StockMovement.objects.filter(station=here, part=part).values_list("quantity", flat=True))
    assert total == level(here, part)[0] == 4
    assert rows(here, part)[-1][:4] == ("consume", -2, 0, 4)


# --- reorder alerts ---------------------------------------------------------------------------


def test_falling_to_the_reorder_point_alerts_the_station_once(manager, technician, other_technician):
    lead = factories.UserFactory(username="lead1")
    here, part = station("qd", lead=lead), PartFactory(number="PUMP-9")
    technician_at(technician, here)
    technician_at(other_technician, station("jn"))
    stocked(here, part, 5, manager)
    StockLevel.objects.filter(station=here, part=part).update(reorder_point=2, reorder_quantity=10)
    ticket = factories.TicketFactory()

    part_use(ticket=ticket, station=here, part=part, quantity=2, by=technician, under_warranty=False)
    assert not OutboundMessage.objects.filter(template="parts_reorder").exists()
    part_use(ticket=ticket, station=here, part=part, quantity=1, by=technician, under_warranty=False)
    sent = OutboundMessage.objects.filter(template="parts_reorder")
    assert sorted(sent.values_list("recipient", flat=True)) == ["lead1@example.com", "tech1@example.com"]
    assert sent.first().context["free"] == 2
    assert sent.first().context["part_number"] == "PUMP-9"
    alerted = StockLevel.objects.get(station=here, part=part).reorder_alerted_at
    assert alerted is not None

    part_use(ticket=ticket, station=here, part=part, quantity=1, by=technician, under_warranty=False)
    assert sent.count() == 2  # still below: no second alert
    assert StockLevel.objects.get(station=here, part=part).reorder_alerted_at == alerted

    stocked(here, part, 10, manager)
    assert StockLevel.objects.get(station=here, part=part).reorder_alerted_at is None
    stock_count(station=here, part=part, counted=1, by=manager, reason="count")
    assert sent.count() == 4  # a new shortfall, a new alert


def test_reserving_counts_against_free_stock_and_no_point_means_no_alert(manager):
    here, part = station("qd"), PartFactory()
    stocked(here, part, 5, manager)
    stock_move(station=here, part=part, kind=MovementKind.RESERVE, by=manager, reserved_change=5)
    assert not OutboundMessage.objects.filter(template="parts_reorder").exists()  # reorder point 0
    StockLevel.objects.filter(station=here, part=part).update(reorder_point=1)
    stock_move(station=here, part=part, kind=MovementKind.RELEASE, by=manager, reserved_change=-4)
    assert not OutboundMessage.objects.filter(template="parts_reorder").exists()  # free 4 > 1
    stock_move(station=here, part=part, kind=MovementKind.RESERVE, by=manager, reserved_change=3)
    # Nobody at the station: the managers are told.
    assert list(OutboundMessage.objects.filter(template="parts_reorder").values_list("recipient", flat=True)) == [
        "manager1@example.com"
    ]


def test_the_reorder_email_says_what_is_left_and_links_to_the_ledger(manager):
    from notifications.rendering import render_email

    here, part = station("qd", name="Qingdao East"), PartFactory(number="PUMP-9", name="Drain pump")
    stocked(here, part, 3, manager)
    StockLevel.objects.filter(station=here, part=part).update(reorder_point=2, reorder_quantity=10)
    stock_count(station=here, part=part, counted=2, by=manager, reason="count")
    subject, text, html = render_email(OutboundMessage.objects.get(template="parts_reorder"))
    assert subject == "Reorder PUMP-9 at Qingdao East: 2 free"
    assert "Free stock of PUMP-9 Drain pump at Qingdao East has fallen to its reorder point." in text
    assert "Reorder quantity: 10" in text
    assert f"/desk/parts/stations/{here.pk}/parts/{part.pk}/" in html
