"""The revenue page's and API's period: a range of whole calendar months (docs/revenue.md).

Pure: the caller hands in the current month. ``from`` and ``to`` are ``YYYY-MM``; both optional
(``to`` defaults to the current month, ``from`` to five months before ``to``: half a year).
"""

import datetime as dt
import re

from django.utils.translation import gettext as _

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTHS = 36
DEFAULT_MONTHS = 6
EARLIEST_YEAR, LATEST_YEAR = 2000, 2999


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after (or before) ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def last_day(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months ``first`` to ``last``, both included."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, n) for n in range(max(count, 0))]


def parse_month(text: str) -> tuple[dt.date | None, str | None]:
    """``YYYY-MM`` as the first day of that month, or the error to show beside the field."""
    match = MONTH_PATTERN.match(text.strip())
    if not match:
        return None, _("Give a month as YYYY-MM, such as 2026-03.")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        return None, _("Give a month from 01 to 12.")
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None, _("Give a year from 2000 to 2999.")
    return dt.date(year, month, 1), None


def month_range(start: str, end: str, *, this_month: dt.date) -> tuple[tuple[dt.date, dt.date] | None, dict[str, str]]:
    """The first days of the first and last months asked for, or the errors by field
    (``from``, ``to``): the last month cannot be before the first, and a range covers at most
    ``MAX_MONTHS`` months."""
    errors: dict[str, str] = {}
    last = this_month.replace(day=1)
    first = None
    if end.strip():
        last, problem = parse_month(end)
        if problem:
            errors["to"] = problem
    if start.strip():
        first, problem = parse_month(start)
        if problem:
            errors["from"] = problem
    if errors:
        return None, errors
    first = first or add_months(last, 1 - DEFAULT_MONTHS)
    if last < first:
        return None, {"to": _("The last month cannot be before the first month.")}
    if len(months_between(first, last)) > MAX_MONTHS:
        return None, {"to": _("A range covers at most %(months)s months.") % {"months": MAX_MONTHS}}
    return (first, last), {}
