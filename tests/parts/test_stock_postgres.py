"""Two technicians taking the last unit at once, on PostgreSQL: the stock level's row lock
serves them one after the other, so one succeeds and the other is told there is none left."""

import pytest
from django.core.exceptions import ValidationError

from parts.ledger import stock_move
from parts.models import MovementKind, PartUsage, StockLevel, StockMovement
from parts.usage import part_use
from tests import factories
from tests.concurrency import run_at_once
from tests.parts.stock_helpers import PartFactory, station, stocked, technician_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_two_technicians_using_the_last_unit_one_succeeds_the_other_is_told(technician, other_technician, manager):
    here = station("qd", name="Qingdao East")
    part = PartFactory(number="PUMP-1")
    technician_at(technician, here)
    technician_at(other_technician, here)
    stocked(here, part, 1, manager)
    tickets = [factories.TicketFactory(), factories.TicketFactory()]

    def use(user, ticket):
        return lambda: part_use(ticket=ticket, station=here, part=part, quantity=1, by=user, under_warranty=True)

    results = run_at_once(use(technician, tickets[0]), use(other_technician, tickets[1]))

    used = [r for r in results if isinstance(r, PartUsage)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert (len(used), len(refused)) == (1, 1), results
    assert refused[0].message_dict == {"part": ["Not enough PUMP-1 in stock at Qingdao East: 0 free."]}
    level = StockLevel.objects.get(station=here, part=part)
    assert (level.on_hand, level.reserved) == (0, 0)
    assert StockMovement.objects.filter(station=here, part=part, kind=MovementKind.CONSUME).count() == 1
    assert PartUsage.objects.count() == 1


def test_many_moves_at_once_keep_the_ledger_equal_to_the_level(manager):
    here, part = station("qd"), PartFactory()
    stocked(here, part, 5, manager)

    def take():
        return stock_move(station=here, part=part, kind=MovementKind.ADJUSTMENT, by=manager, quantity=-1, reason="x")

    results = run_at_once(*[take for _ in range(8)])
    assert sum(isinstance(r, StockMovement) for r in results) == 5
    assert sum(isinstance(r, ValidationError) for r in results) == 3
    level = StockLevel.objects.get(station=here, part=part)
    assert level.on_hand == 0
    rows = StockMovement.objects.filter(station=here, part=part).order_by("id")
    assert sum(rows.values_list("quantity", flat=True)) == 0
    assert sorted(rows.values_list("on_hand_after", flat=True)) == [0, 1, 2, 3, 4, 5]
