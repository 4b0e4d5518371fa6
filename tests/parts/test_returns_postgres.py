"""RMA numbers stay unique when parts are used under warranty at the same moment (PostgreSQL)."""

import pytest

from parts.models import PartReturn, PartUsage
from parts.usage import part_use
from tests.concurrency import run_at_once
from tests.parts.demand_helpers import PartFactory, repair_in_progress, station, stocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_rma_numbers_stay_unique_when_parts_are_used_at_once(technician):
    north = station()
    pump = PartFactory(number="WM-PUMP-01")
    stocked(north, pump, 4)
    tickets = [repair_in_progress(technician, north) for _ in range(4)]

    def use(ticket):
        return lambda: part_use(ticket=ticket, station=north, part=pump, quantity=1, by=technician, under_warranty=True)

    results = run_at_once(*[use(ticket) for ticket in tickets])

    assert all(isinstance(result, PartUsage) for result in results), results
    numbers = sorted(PartReturn.objects.values_list("rma_number", flat=True))
    assert len(numbers) == 4
    assert [number.rsplit("-", 1)[1] for number in numbers] == ["0001", "0002", "0003", "0004"]
