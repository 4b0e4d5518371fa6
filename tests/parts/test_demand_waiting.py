"""Days a ticket waited for parts: the pure union of stretches (parts/waiting.py, no database) and
the selector that reads a ticket's orders (parts/selectors.py) with the clock held still."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from parts import demand, selectors
from parts.models import OrderSource
from parts.waiting import Stretch, merged, union_days
from tests.parts.demand_helpers import PartFactory, repair_in_progress, station

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("stretches", "days"),
    [
        pytest.param([], 0, id="no order"),
        pytest.param([(D(2026, 3, 1), D(2026, 3, 1))], 0, id="received the day it was ordered"),
        pytest.param([(D(2026, 3, 1), D(2026, 3, 11))], 10, id="one order, ten days"),
        # 1–11 and 6–16 overlap on 6–11: 1 to 16 is 15 days, not 10 + 10.
        pytest.param([(D(2026, 3, 1), D(2026, 3, 11)), (D(2026, 3, 6), D(2026, 3, 16))], 15, id="overlapping"),
        pytest.param([(D(2026, 3, 6), D(2026, 3, 16)), (D(2026, 3, 1), D(2026, 3, 11))], 15, id="in any order"),
        pytest.param([(D(2026, 3, 1), D(2026, 3, 20)), (D(2026, 3, 5), D(2026, 3, 8))], 19, id="one inside another"),
        # Received on the 11th, the next ordered on the 11th: no day counted twice, none lost.
        pytest.param([(D(2026, 3, 1), D(2026, 3, 11)), (D(2026, 3, 11), D(2026, 3, 13))], 12, id="touching"),
        pytest.param([(D(2026, 3, 1), D(2026, 3, 11)), (D(2026, 3, 20), D(2026, 3, 25))], 15, id="apart"),
        pytest.param([(D(2026, 2, 27), D(2026, 3, 2))], 3, id="across the end of February"),
        pytest.param([(D(2024, 2, 27), D(2024, 3, 2))], 4, id="across a leap day"),
    ],
)
def test_days_waited_count_each_calendar_day_once(stretches, days):
    assert union_days(stretches) == days


def test_merged_stretches_are_in_date_order():
    assert merged(
        [(D(2026, 3, 20), D(2026, 3, 25)), (D(2026, 3, 1), D(2026, 3, 11)), (D(2026, 3, 5), D(2026, 3, 12))]
    ) == (
        Stretch(D(2026, 3, 1), D(2026, 3, 12)),
        Stretch(D(2026, 3, 20), D(2026, 3, 25)),
    )


# --- from a ticket's orders ------------------------------------------------------------------------


def at(day: int, hour: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


@pytest.mark.django_db
def test_a_tickets_waiting_days_are_its_orders_stretches_joined(technician, agent):
    north = station()
    ticket = repair_in_progress(technician, north)
    pump, fan, board = PartFactory(number="PUMP"), PartFactory(number="FAN"), PartFactory(number="BOARD")

    def order(part, when):
        with time_machine.travel(when, tick=False):
            return demand.parts_order(
                ticket=ticket, station=north, part=part, quantity=1, source=OrderSource.SUPPLIER, by=agent
            )

    # 00:30 on 2 March in Shanghai is still 1 March in UTC: the business day is the 2nd.
    first = order(pump, at(2, 0) + dt.timedelta(minutes=30))
    second = order(fan, at(6, 17))
    with time_machine.travel(at(12, 9), tick=False):
        demand.order_receive(order=first, by=agent)
    with time_machine.travel(at(16, 23), tick=False):
        demand.order_cancel(order=second, by=agent)
    third = order(board, at(25, 8))

    # By hand: pump 2–12 March and fan 6–16 March overlap: 2 to 16 March is 14 days. The board,
    # ordered on the 25th and still awaited on 31 March: 6 days. 14 + 6 = 20.
    waiting = selectors.waiting_for_parts(ticket, today=D(2026, 3, 31))
    assert waiting.days == 20
    assert waiting.stretches == (Stretch(D(2026, 3, 2), D(2026, 3, 16)), Stretch(D(2026, 3, 25), D(2026, 3, 31)))
    assert (waiting.orders, waiting.still_waiting) == (3, True)
    assert selectors.waiting_days(ticket, today=D(2026, 3, 31)) == 20
    # Asked about an earlier day, only what had been waited by then: 2 to 10 March.
    assert selectors.waiting_days(ticket, today=D(2026, 3, 10)) == 8
    assert selectors.order_waiting_days(third, D(2026, 3, 31)) == 6

    with time_machine.travel(at(31, 10), tick=False):
        demand.order_receive(order=third, by=agent)
    # Received: the board's stretch ends on the 31st whatever day is asked about later.
    assert selectors.waiting_for_parts(ticket, today=D(2026, 5, 1)).days == 20
    assert selectors.waiting_for_parts(ticket, today=D(2026, 5, 1)).still_waiting is False


@pytest.mark.django_db
def test_a_ticket_that_never_waited(technician):
    ticket = repair_in_progress(technician, station())
    assert selectors.waiting_for_parts(ticket, today=D(2026, 3, 31)) == selectors.Waiting(0, (), 0, False)
