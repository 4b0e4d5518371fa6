"""Days a ticket waited for parts: pure, no ORM, no clock.

Each parts order is a stretch of calendar days in the business time zone, from the day it was
ordered to the day it was received (or cancelled, or today while it is still open). Days on
which several orders were open at once are counted once: the waiting days are the length of the
union of the stretches (docs/parts-orders-returns.md#waiting-days). A stretch from 1 March to
11 March is 10 days, like a repair's days: the day the part arrives is not a day of waiting.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Stretch:
    """Days ``start`` (included) to ``end`` (excluded) on which at least one order was open."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def merged(stretches: Iterable[tuple[dt.date, dt.date]]) -> tuple[Stretch, ...]:
    """The stretches with those that overlap or touch joined, in date order; empty ones dropped."""
    result: list[Stretch] = []
    for start, end in sorted(stretches):
        if end <= start:
            continue
        if result and start <= result[-1].end:
            if end > result[-1].end:
                result[-1] = Stretch(result[-1].start, end)
            continue
        result.append(Stretch(start, end))
    return tuple(result)


def union_days(stretches: Iterable[tuple[dt.date, dt.date]]) -> int:
    """The number of calendar days covered by at least one stretch."""
    return sum(stretch.days for stretch in merged(stretches))
