"""The CSI index: the mean of the survey responses' CSI per station, provider, model and month,
SQL-side (docs/csi.md#the-index).

Each response stored its CSI when it was recorded (followups.csi.rules.response_csi); the index
of a group is the plain mean of those, ``SUM(csi) ÷ COUNT(*)`` (summed in the database, divided exactly in Decimal, so no
database's floating average rounds a half the wrong way), over the responses given in the period (put
on the day they were given, in the business time zone), of the tickets every KPI counts. A
response whose answers scored nothing has no CSI and is in no group. A provider's staff read
their own provider's responses only (``provider``).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from customers.models import Language
from followups.csi.rules import index_of_sum
from followups.csi_models import SurveyResponse
from quality.metrics.dimensions import counted_tickets_q
from quality.metrics.period import Period, business_zone

# What an index may be broken down by, and the ticket's field holding it.
GROUPS = {"station": "ticket__station", "provider": "ticket__provider", "model": "ticket__unit__model"}


@dataclass(frozen=True)
class CsiRow:
    """The index of one group (``key`` None: the whole slice) in one month (None: the whole period)."""

    key: int | None
    label: str
    month: dt.date | None
    index: Decimal
    responses: int


def _label(row: dict, field: str | None) -> str:
    if field is None:
        return ""
    name, name_zh = row.get(f"{field}__name") or "", row.get(f"{field}__name_zh") or ""
    return name_zh if name_zh and Language.active() == Language.CHINESE else name


def csi_index(
    period: Period, *, group_by: str | None = None, by_month: bool = False, provider: int | None = None
) -> list[CsiRow]:
    """The index over ``period``, for the whole slice or each value of ``group_by`` (station,
    provider, model), each month apart when ``by_month``: one query. Rows by month, then label."""
    if group_by is not None and group_by not in GROUPS:
        raise ValueError(f"no CSI breakdown by {group_by!r}")
    rows = SurveyResponse.objects.filter(period.q("created_at"), counted_tickets_q("ticket__"), csi__isnull=False)
    if provider is not None:
        rows = rows.filter(ticket__provider=provider)
    field = GROUPS.get(group_by) if group_by else None
    names: list[str] = []
    if field is not None:
        names = [field, f"{field}__name", f"{field}__name_zh"]
    if by_month:
        rows = rows.annotate(month=TruncMonth("created_at", tzinfo=business_zone()))
        names.append("month")
    if names:
        found = list(rows.order_by().values(*names).annotate(total=Sum("csi"), responses=Count("pk")))
    else:
        whole = rows.aggregate(total=Sum("csi"), responses=Count("pk"))
        found = [whole] if whole["responses"] else []
    result = [
        CsiRow(
            key=row.get(field) if field else None,
            label=_label(row, field),
            month=_month_of(row.get("month")),
            index=index_of_sum(row["total"], row["responses"]),
            responses=row["responses"],
        )
        for row in found
        if not (field and row.get(field) is None)
    ]
    return sorted(result, key=lambda r: (r.month or dt.date.min, r.label, r.key or 0))


def _month_of(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(business_zone()).date().replace(day=1)
    return value.replace(day=1)
