"""The day-counting and money helpers of the three guarantees. No database."""

import datetime as dt
from decimal import Decimal

import pytest

from warranty.three_guarantees.periods import (
    car_usage_fee,
    depreciated_refund,
    elapsed_days,
    percent,
    period_end,
    repair_days_from_hours,
    roll_over_holidays,
    window_end,
)

from .builders import NATIONAL_DAY_2024, d

NO_HOLIDAYS: frozenset[dt.date] = frozenset()


@pytest.mark.parametrize(
    ("start", "day", "count_start_day", "expected"),
    [
        (d(2025, 3, 3), d(2025, 3, 3), False, 0),
        (d(2025, 3, 3), d(2025, 3, 3), True, 1),
        (d(2025, 3, 3), d(2025, 3, 10), False, 7),
        (d(2025, 3, 3), d(2025, 3, 10), True, 8),
        (d(2024, 2, 28), d(2024, 3, 1), False, 2),
    ],
)
def test_elapsed_days(start: dt.date, day: dt.date, count_start_day: bool, expected: int) -> None:
    assert elapsed_days(start, day, count_start_day=count_start_day) == expected


@pytest.mark.parametrize(
    ("last_day", "expected"),
    [
        (d(2024, 9, 30), d(2024, 9, 30)),
        (d(2024, 10, 1), d(2024, 10, 8)),
        (d(2024, 10, 7), d(2024, 10, 8)),
        (d(2024, 10, 8), d(2024, 10, 8)),
    ],
)
def test_a_last_day_on_a_holiday_moves_past_the_whole_run(last_day: dt.date, expected: dt.date) -> None:
    assert roll_over_holidays(last_day, NATIONAL_DAY_2024) == expected


@pytest.mark.parametrize(
    ("start", "days", "count_start_day", "holidays", "expected"),
    [
        (d(2025, 3, 3), 7, False, NO_HOLIDAYS, d(2025, 3, 10)),
        (d(2025, 3, 3), 7, True, NO_HOLIDAYS, d(2025, 3, 9)),
        (d(2025, 3, 3), 15, False, NO_HOLIDAYS, d(2025, 3, 18)),
        (d(2024, 9, 24), 7, False, NATIONAL_DAY_2024, d(2024, 10, 8)),
    ],
)
def test_window_end(
    start: dt.date, days: int, count_start_day: bool, holidays: frozenset[dt.date], expected: dt.date
) -> None:
    assert window_end(start, days, count_start_day=count_start_day, holidays=holidays) == expected


@pytest.mark.parametrize(
    ("start", "months", "count_start_day", "extension", "holidays", "expected"),
    [
        (d(2025, 3, 3), 12, False, 0, NO_HOLIDAYS, d(2026, 3, 3)),
        (d(2025, 3, 3), 12, True, 0, NO_HOLIDAYS, d(2026, 3, 2)),
        (d(2024, 2, 29), 12, False, 0, NO_HOLIDAYS, d(2025, 2, 28)),
        (d(2024, 2, 29), 48, False, 0, NO_HOLIDAYS, d(2028, 2, 29)),
        (d(2025, 8, 31), 6, False, 0, NO_HOLIDAYS, d(2026, 2, 28)),
        (d(2025, 3, 3), 12, False, 15, NO_HOLIDAYS, d(2026, 3, 18)),
        (d(2023, 10, 3), 12, False, 0, NATIONAL_DAY_2024, d(2024, 10, 8)),
        # The extended last day is the one that is rolled.
        (d(2023, 9, 25), 12, False, 6, NATIONAL_DAY_2024, d(2024, 10, 8)),
    ],
)
def test_period_end(
    start: dt.date,
    months: int,
    count_start_day: bool,
    extension: int,
    holidays: frozenset[dt.date],
    expected: dt.date,
) -> None:
    assert (
        period_end(start, months, count_start_day=count_start_day, extension_days=extension, holidays=holidays)
        == expected
    )


@pytest.mark.parametrize(
    ("hours", "days"),
    [
        ((), 0),
        ((0,), 0),
        ((1,), 1),
        ((24,), 1),
        ((25,), 2),
        ((30, 100, 500), 28),
        ((30, 100, 500, 60), 31),
        ((Decimal("23.5"),), 1),
    ],
)
def test_repair_days_round_each_repair_up(hours: tuple, days: int) -> None:
    assert repair_days_from_hours(hours) == days


@pytest.mark.parametrize(
    ("price", "rate", "days_used", "days_off", "expected"),
    [
        ("3000", "0.005", 10, 2, "2880.00"),
        ("3000", "0.005", 10, 0, "2850.00"),
        ("4999", "0.001", 12, 0, "4939.01"),
        ("1000.05", "0.001", 5, 0, "995.05"),
        ("3000", "0.005", 250, 0, "0.00"),
        ("3000", "0.005", 3, 5, "3000.00"),
    ],
)
def test_depreciated_refund(price: str, rate: str, days_used: int, days_off: int, expected: str) -> None:
    assert depreciated_refund(Decimal(price), Decimal(rate), days_used, days_off) == Decimal(expected)


@pytest.mark.parametrize(
    ("price", "km", "rate", "expected"),
    [
        ("200000", 20_000, "0.005", "20000.00"),
        ("158800", 12_345, "0.004", "7841.54"),
        ("99999.99", 1, "0.005", "0.50"),
        ("200000", 0, "0.005", "0.00"),
    ],
)
def test_car_usage_fee(price: str, km: int, rate: str, expected: str) -> None:
    assert car_usage_fee(Decimal(price), km, Decimal(rate)) == Decimal(expected)


@pytest.mark.parametrize(("rate", "expected"), [("0.005", "0.5"), ("0.001", "0.1"), ("0.1", "10"), ("0", "0")])
def test_percent(rate: str, expected: str) -> None:
    assert percent(Decimal(rate)) == expected
