"""quality/part_failures.py: parts replaced under warranty, by part number and the batch taken
out, and how many the maker found faulty; and the managers' page that shows them."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from parts import returns
from parts.models import PartReturn
from parts.usage import part_use
from quality.part_failures import PartFailures, part_failures
from tests.parts.demand_helpers import PartFactory, repair_in_progress, station, stocked

pytestmark = pytest.mark.django_db
USED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def replace(technician, north, part, batch, *, under_warranty=True, quantity=1):
    ticket = repair_in_progress(technician, north)
    with time_machine.travel(USED, tick=False):
        usage = part_use(
            ticket=ticket,
            station=north,
            part=part,
            quantity=quantity,
            by=technician,
            under_warranty=under_warranty,
            failed_batch=batch,
        )
    return getattr(usage, "old_part_return", None) if under_warranty else None


def inspect(part_return: PartReturn, finding: str, by) -> None:
    returns.return_ship(part_return=part_return, tracking="SF1", by=by)
    returns.return_receive(part_return=part_return, by=by)
    returns.return_inspect(part_return=part_return, finding=finding, by=by)


def test_failures_are_counted_by_part_number_and_batch(technician, agent, django_assert_num_queries):
    north = station()
    pump, board = PartFactory(number="PUMP", name="Pump", name_zh="泵"), PartFactory(number="BOARD", name="Board")
    stocked(north, pump, 10)
    stocked(north, board, 10)
    inspect(replace(technician, north, pump, "B1"), "confirmed", agent)
    inspect(replace(technician, north, pump, "B1"), "confirmed", agent)
    inspect(replace(technician, north, pump, "B1"), "no_fault", agent)
    replace(technician, north, pump, "B2")
    inspect(replace(technician, north, board, "B9"), "misuse", agent)
    # A paid replacement is no warranty failure.
    replace(technician, north, pump, "B1", under_warranty=False)

    with django_assert_num_queries(1):
        rows = part_failures(since=USED - dt.timedelta(days=1), until=USED + dt.timedelta(days=1))

    assert rows == [
        PartFailures("PUMP", "Pump", "泵", "B1", replaced=3, inspected=3, confirmed=2),
        # Then by replacements, then part number: a return not inspected yet is no known failure.
        PartFailures("BOARD", "Board", "排水泵", "B9", replaced=1, inspected=1, confirmed=0),
        PartFailures("PUMP", "Pump", "泵", "B2", replaced=1, inspected=0, confirmed=0),
    ]
    # Replacements outside the window are not counted.
    assert part_failures(since=USED + dt.timedelta(days=1), until=USED + dt.timedelta(days=2)) == []


def test_the_managers_page_lists_them(client, manager, agent, technician):
    north = station()
    pump = PartFactory(number="PUMP", name="Pump")
    stocked(north, pump, 1)
    replace(technician, north, pump, "B1")
    client.force_login(manager)
    with time_machine.travel(USED + dt.timedelta(days=1), tick=False):
        page = client.get(reverse("dashboard:part_failures")).content.decode()
    assert "<td>PUMP</td><td>Pump</td><td>B1</td><td>1</td><td>0</td><td>0</td>" in page
    client.force_login(agent)
    assert client.get(reverse("dashboard:part_failures")).status_code == 403
