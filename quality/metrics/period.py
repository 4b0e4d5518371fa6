"""Periods of days in the business time zone, the unit every figure is counted over."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """The days ``start`` to ``end``, both included, in the business time zone.

    A ticket resolved on 31 March at 23:30 in Shanghai (15:30 UTC) is in March, not April.
    """

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    @classmethod
    def day(cls, day: dt.date) -> "Period":
        return cls(day, day)

    @classmethod
    def week(cls, day: dt.date) -> "Period":
        """The ISO week (Monday to Sunday) holding ``day``."""
        monday = day - dt.timedelta(days=day.weekday())
        return cls(monday, monday + dt.timedelta(days=6))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = dt.date(year, month, 1)
        next_first = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(first, next_first - dt.timedelta(days=1))

    @classmethod
    def last_days(cls, days: int, end: dt.date) -> "Period":
        """The ``days`` days ending on ``end`` (30 days to 23 Nov: 25 Oct – 23 Nov)."""
        return cls(end - dt.timedelta(days=days - 1), end)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware datetimes: the first instant of ``start`` and the first instant after ``end``."""
        zone = business_zone()
        since = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        until = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return since, until

    def q(self, field: str) -> Q:
        """``field`` falls in the period (half-open, so no instant is in two adjacent periods)."""
        since, until = self.bounds
        return Q(**{f"{field}__gte": since, f"{field}__lt": until})


def business_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def business_today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), business_zone()).date()
