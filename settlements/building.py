"""Building a month's statements for every provider (docs/settlement.md#the-daily-build).

Every day the month's claims are caught up and checked: a verified warranty job of the month
without its line (verified while the hook was not there, or a failure that rolled back) gets it,
and every draft statement's lines are checked again, since the facts behind the flags change (a
callback is done, an old part arrives). Set-based: a fixed number of queries per chunk of
tickets or lines, never one per line, so 500 providers' month is built in well under a minute.
"""

import datetime as dt

from django.utils import timezone

from settlements import checks, lines
from settlements.choices import StatementStatus
from settlements.models import Statement
from tickets.models import Ticket

CHUNK = 2000


def _month_range(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    first = month.replace(day=1)
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=zone),
        dt.datetime.combine(lines.next_month(first), dt.time(), tzinfo=zone),
    )


def build_month(month: dt.date) -> dict:
    """Catch up the month's lines (jobs resolved in ``month``, business time), then check every
    draft statement's lines again. Idempotent. Answers what it did: the month, the lines made, the
    draft statements and lines checked, and how many of those are flagged."""
    start, end = _month_range(month)
    missing = list(
        Ticket._base_manager.filter(lines.warranty_job_q(), resolved_at__gte=start, resolved_at__lt=end)
        .filter(settlement_line__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    made = 0
    for first in range(0, len(missing), CHUNK):
        made += len(lines.lines_create(missing[first : first + CHUNK]))
    drafts = list(Statement._base_manager.filter(status=StatementStatus.DRAFT).values_list("pk", "month"))
    high_repeat = checks.high_repeat_by_month(month for _pk, month in drafts)
    checked = flagged = 0
    ids = [pk for pk, _month in drafts]
    last = 0
    while True:
        chunk = list(checks.lines_of(ids).filter(pk__gt=last)[:CHUNK])
        if not chunk:
            break
        checked += len(chunk)
        flagged += checks.check_lines(chunk, high_repeat=high_repeat)
        last = chunk[-1].pk
    return {
        "month": month.replace(day=1).isoformat(),
        "lines_created": made,
        "statements_checked": len(drafts),
        "lines_checked": checked,
        "lines_flagged": flagged,
    }
