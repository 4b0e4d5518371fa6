"""The dashboard's CSI section (``/dashboard/csi/``): the CSI index month by month over the last 6
or 12 months, as a trend chart, and broken down by station, provider or model (docs/csi.md).

A provider's managers see their own provider's responses only, whatever they ask
(quality/access.py). Four aggregate queries, whatever the number of responses.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from aftersales.access import manager_required
from aftersales.replicas.marks import replica_reads
from aftersales.roles import provider_of
from quality import charts
from quality.metrics import business_today
from quality.metrics.csi import CsiRow, csi_index
from quality.metrics.period import Period
from quality.rates import Direction

# The reference line drawn on the trend: the index the network aims at (docs/csi.md#the-index).
CSI_TARGET = Decimal(80)
GROUP_CHOICES = [("station", _("Service station")), ("provider", _("Service provider")), ("model", _("Model"))]
# The last twelve months first: the page shows them when nothing was chosen.
MONTH_CHOICES = [(12, _("Last 12 months")), (6, _("Last 6 months"))]


class CsiFilterForm(forms.Form):
    group_by = forms.ChoiceField(label=_("Break down by"), choices=GROUP_CHOICES, required=False)
    months = forms.TypedChoiceField(label=_("Months"), choices=MONTH_CHOICES, coerce=int, required=False)


def months_back(today: dt.date, count: int) -> list[Period]:
    """The ``count`` calendar months up to the one holding ``today`` (which runs only to today)."""
    periods = []
    year, month = today.year, today.month
    for _index in range(count):
        whole = Period.month(year, month)
        periods.append(Period(whole.start, min(whole.end, today)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return periods[::-1]


def _window(period: Period, row: CsiRow | None) -> charts.Window:
    # The chart plots numerator ÷ denominator as a share: the index ÷ 100, over the month's responses.
    if row is None:
        return charts.Window(period.start, period.end, 0, 0)
    return charts.Window(period.start, period.end, row.index * row.responses / 100, row.responses)


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    total: CsiRow
    months: list[CsiRow | None]


def csi_section(*, provider: int | None, group_by: str, months: int, today: dt.date) -> dict:
    """Everything the CSI section shows, for ``provider``'s responses (None: the whole network)."""
    periods = months_back(today, months)
    whole = Period(periods[0].start, periods[-1].end)
    by_month = {row.month: row for row in csi_index(whole, by_month=True, provider=provider)}
    total = csi_index(whole, provider=provider)
    monthly = csi_index(whole, group_by=group_by, by_month=True, provider=provider)
    cells = {(row.key, row.month): row for row in monthly}
    breakdown = [
        BreakdownRow(label=row.label, total=row, months=[cells.get((row.key, p.start)) for p in periods])
        for row in csi_index(whole, group_by=group_by, provider=provider)
    ]
    trend = [by_month.get(p.start) for p in periods]
    return {
        "periods": periods,
        "trend": list(zip(periods, trend, strict=True)),
        "chart": charts.line_chart(
            [_window(p, row) for p, row in zip(periods, trend, strict=True)],
            CSI_TARGET / 100,
            Direction.HIGHER_IS_BETTER,
        ),
        "total": total[0] if total else None,
        "breakdown": breakdown,
        "target": CSI_TARGET,
    }


@replica_reads
@manager_required
@require_GET
def csi(request: HttpRequest) -> HttpResponse:
    form = CsiFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    group_by = data.get("group_by") or "station"
    months = data.get("months") or 12
    provider = provider_of(request.user)
    context = csi_section(provider=provider, group_by=group_by, months=months, today=business_today(timezone.now()))
    context |= {
        "nav": "dashboard",
        "form": form,
        "group_by": group_by,
        "group_label": dict(GROUP_CHOICES)[group_by],
        "provider_view": provider is not None,
    }
    return render(request, "dashboard/csi.html", context, status=200 if valid else 400)
