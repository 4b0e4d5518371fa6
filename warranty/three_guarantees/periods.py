"""Day counting and money arithmetic of the three guarantees. Pure functions.

docs/three-guarantees.md#periods-and-day-counting: the start day is not counted (``elapsed = claim_date −
start_date``) unless a brand counts it as day 1; month periods end on the same calendar date
(29 Feb + 12 months is 28 Feb); days in repair or waiting for parts extend a period; a period
whose last day is a statutory holiday ends on the day after the holiday (the Civil Code's
rule for every period, so it applies to the 7- and 15-day windows too).
"""

import datetime as dt
import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from customers.warranty_periods import add_months

ONE_DAY = dt.timedelta(days=1)
CENT = Decimal("0.01")
HOURS_PER_DAY = 24


def elapsed_days(start: dt.date, day: dt.date, *, count_start_day: bool) -> int:
    """Days from ``start`` to ``day``; with ``count_start_day`` the start day itself is day 1."""
    return (day - start).days + int(count_start_day)


def roll_over_holidays(last_day: dt.date, holidays: frozenset[dt.date]) -> dt.date:
    """A last day that is a statutory holiday moves to the day after the run of holidays."""
    while last_day in holidays:
        last_day += ONE_DAY
    return last_day


def window_end(start: dt.date, days: int, *, count_start_day: bool, holidays: frozenset[dt.date]) -> dt.date:
    """The last day of a ``days``-day window: the day on which ``elapsed_days`` reaches ``days``."""
    return roll_over_holidays(start + dt.timedelta(days=days - int(count_start_day)), holidays)


def period_end(
    start: dt.date,
    months: int,
    *,
    count_start_day: bool,
    extension_days: int = 0,
    holidays: frozenset[dt.date] = frozenset(),
) -> dt.date:
    """The last day of a ``months``-month period, extended by ``extension_days``, rolled past holidays."""
    last_day = add_months(start, months) - dt.timedelta(days=int(count_start_day))
    return roll_over_holidays(last_day + dt.timedelta(days=extension_days), holidays)


def repair_days_from_hours(hours_per_repair: Iterable[int | Decimal]) -> int:
    """Cumulative repair days of a car: each repair's 24 h is a day, a started day counts whole."""
    return sum(math.ceil(Decimal(hours) / HOURS_PER_DAY) for hours in hours_per_repair)


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def depreciated_refund(price: Decimal, rate_per_day: Decimal, days_used: int, days_off: int) -> Decimal:
    """``price − price × rate × (days used − days in repair or waiting)``, never below zero.

    Days in repair or waiting for parts are not days of use, so they are not charged.
    """
    charged_days = max(days_used - days_off, 0)
    return max(money(price - price * rate_per_day * charged_days), Decimal("0.00"))


def car_usage_fee(price: Decimal, km: int, rate_per_1000_km: Decimal) -> Decimal:
    """The 2021 car rules' reasonable-use fee: ``price × km / 1000 × n``."""
    return money(price * Decimal(km) / 1000 * rate_per_1000_km)


def percent(rate: Decimal) -> str:
    """A rate as a plain percentage figure: Decimal("0.005") is "0.5"."""
    return format((rate * 100).normalize(), "f")
