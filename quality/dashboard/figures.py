"""What the manager dashboard, its exports and the metrics API show, read from the daily
snapshots (docs/kpis.md: "the dashboard reads snapshots, not raw rows"): every KPI of a
slice, its trends, and the alerts.

Every function here and in quality.dashboard.slices and quality.dashboard.breakdowns costs a
fixed number of queries, whatever the number of days, stations or batches: one for a slice's
totals, one for its daily trend, one (plus one for the names) for a breakdown. Only the
drill-down lists of :mod:`quality.metrics` read tickets.

Snapshots are kept per single dimension (a day's figures for station 5, for model 12…), not
per pair, so a breakdown is always of the whole organisation: a slice is the whole
organisation or one value of one dimension.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from quality import alerts, charts, snapshots
from quality.charts import DayValue, LineChart, line_chart
from quality.dashboard.drilldowns import DRILLDOWNS, OF_FIGURE
from quality.dashboard.slices import Slice
from quality.metrics import Period, Totals, rates_of
from quality.models import AlertKind, Dimension, QualityAlert
from quality.rates import KPIS, Kpi, Rate
from quality.rates import Status as RateStatus

# The three controlled rates of the 1234 model: the big figures, with trend charts.
HEADLINE_KPIS = ("complaint_rate", "omission_rate", "dissatisfaction_rate")
# The omission rate's four sub-rates, one per no-leak.
NO_LEAK_KPIS = ("omission_unrecorded", "omission_late", "omission_no_callback", "omission_no_feedback")
SERVICE_KPIS = (
    "contact_timeliness",
    "arrival_timeliness",
    "completion_timeliness",
    "first_time_fix_rate",
    "callback_coverage",
    "callback_reach",
    "complaints_closed_within_7_days",
    "satisfaction_top2",
)
# The columns of a breakdown table: the three controlled rates, first-time fix, timeliness and
# satisfaction (CSI, the top-2 box). A provider is ranked on each of them.
BREAKDOWN_KPIS = (
    "complaint_rate",
    "omission_rate",
    "dissatisfaction_rate",
    "first_time_fix_rate",
    "contact_timeliness",
    "arrival_timeliness",
    "completion_timeliness",
    "satisfaction_top2",
)
# The records behind each figure: its drill-down list (quality.dashboard.drilldowns).
DRILLDOWN_OF = {figure: drilldown.kind for figure, drilldown in OF_FIGURE.items()}
# The trend charts: the rolling 7-day rate on each of the last 30 days, and the rate of each of
# the last 13 calendar weeks (a quarter). Never a daily ratio: see quality.charts.
ROLLING_WINDOW_DAYS = 7
ROLLING_POINTS = 30
TREND_WEEKS = 13
TREND_VIEWS = ("rolling", "weekly")
# A figure's state on the dashboard: the rate's status, or "too few to judge".
TOO_FEW = "too_few"


def percent_of(fraction: Decimal) -> Decimal:
    """A threshold in per cent as people write it: 0.1 → 10, 0.0525 → 5.25."""
    percent = (fraction * 100).quantize(Decimal("0.01"))
    return percent.quantize(Decimal(1)) if percent == percent.to_integral_value() else percent.normalize()


def judged_status(rate: Rate, minimum: int) -> str:
    """What the dashboard says of a rate: ``no_data`` when nothing was counted, ``too_few`` when
    fewer records than the minimum were (neutral, never an alert: the rule alerts use,
    :func:`quality.alerts.has_enough_records`), else the rate's ``ok`` or ``alert``."""
    if rate.status == RateStatus.NO_DATA:
        return str(RateStatus.NO_DATA)
    if not alerts.has_enough_records(rate.denominator, minimum):
        return TOO_FEW
    return str(rate.status)


@dataclass(frozen=True)
class Figure:
    key: str
    kpi: Kpi
    rate: Rate
    drilldown: str | None
    # ok, alert, no_data or too_few (judged_status).
    status: str = ""

    @property
    def drilldown_label(self):
        return DRILLDOWNS.get(self.drilldown or "", "")

    @property
    def records(self) -> int | None:
        """How many records the figure's drill-down list holds: the numerator, or for a rate
        where higher is better the denominator less it (the repairs not fixed first time)."""
        if self.key not in OF_FIGURE:
            return None
        if OF_FIGURE[self.key].complement:
            return self.rate.denominator - self.rate.numerator
        return self.rate.numerator

    @property
    def threshold_percent(self) -> Decimal:
        return percent_of(self.rate.threshold)


@dataclass(frozen=True)
class Overview:
    """Every KPI of one slice, and the product-quality complaints reported beside the complaint rate."""

    figures: dict[str, Figure]
    totals: Totals

    def of(self, keys: Iterable[str]) -> list[Figure]:
        return [self.figures[key] for key in keys]


def figures_of(totals: Totals, chosen: Mapping[str, Decimal], minimum: int | None = None) -> dict[str, Figure]:
    minimum = alerts.minimum_records() if minimum is None else minimum
    return {
        key: Figure(
            key=key, kpi=KPIS[key], rate=rate, drilldown=DRILLDOWN_OF.get(key), status=judged_status(rate, minimum)
        )
        for key, rate in rates_of(totals, chosen).items()
    }


def overview(scope: Slice, chosen: Mapping[str, Decimal], minimum: int | None = None) -> Overview:
    """Every KPI of the slice over its period (one query)."""
    totals = snapshots.totals(scope.period, scope.dimension, scope.snapshot_value)
    return Overview(figures=figures_of(totals, chosen, minimum), totals=totals)


@dataclass(frozen=True)
class Trend:
    key: str
    kpi: Kpi
    # "rolling" and "weekly" (TREND_VIEWS).
    charts: dict[str, LineChart]


def trend_period(end: dt.date) -> Period:
    """The days the trend charts of a period ending on ``end`` read: the 13 calendar weeks up to
    ``end``'s, and the 6 days before the first rolling point."""
    weeks_start = end - dt.timedelta(days=end.weekday()) - dt.timedelta(weeks=TREND_WEEKS - 1)
    rolling_start = end - dt.timedelta(days=ROLLING_POINTS + ROLLING_WINDOW_DAYS - 2)
    return Period(min(weeks_start, rolling_start), end)


def trends(
    scope: Slice, chosen: Mapping[str, Decimal], keys: Iterable[str] = HEADLINE_KPIS, minimum: int | None = None
) -> list[Trend]:
    """Each rate of the slice up to the end of its period, as the rolling 7-day rate of each of
    the last 30 days and the rate of each of the last 13 weeks, numerators and denominators
    summed over the window before dividing, the volume beside it; windows with fewer records
    than the minimum are too few to judge (one query for the days)."""
    minimum = alerts.minimum_records() if minimum is None else minimum
    end = scope.period.end
    days = snapshots.daily(trend_period(end), scope.dimension, scope.snapshot_value)
    keys = tuple(keys)
    nothing = rates_of(Totals(), chosen, keys)
    # A day with no records has no rates: skip working them out again for each empty day.
    daily_rates = [
        (day, rates_of(counts, chosen, keys) if counts != Totals() else nothing) for day, counts in sorted(days.items())
    ]
    result = []
    for key in keys:
        kpi = KPIS[key]
        series = [DayValue(day, rates[key].numerator, rates[key].denominator) for day, rates in daily_rates]
        windows = {
            "rolling": charts.rolling(series, ROLLING_WINDOW_DAYS, end, ROLLING_POINTS),
            "weekly": charts.weekly(series, end, TREND_WEEKS),
        }
        drawn = {view: line_chart(windows[view], chosen[key], kpi.direction, minimum) for view in TREND_VIEWS}
        result.append(Trend(key=key, kpi=kpi, charts=drawn))
    return result


# --- Alerts ------------------------------------------------------------------------------

BANNER_ALERTS = 20
RECENTLY_CLEARED_DAYS = 30


def banner_alerts(provider: int | None = None) -> tuple[list[QualityAlert], int]:
    """The open alerts the banner lists (newest first, at most 20) and how many are open. A
    provider's staff (``provider``) see only the alerts about their provider."""
    open_alerts = QualityAlert.objects.filter(cleared_at__isnull=True)
    if provider is not None:
        open_alerts = open_alerts.filter(dimension=Dimension.PROVIDER, value=str(provider))
    rows = list(open_alerts.select_related("model").order_by("-raised_at", "-id")[: BANNER_ALERTS + 1])
    return rows[:BANNER_ALERTS], len(rows)


def alert_log(now: dt.datetime, limit: int = 200) -> tuple[list[QualityAlert], list[QualityAlert]]:
    """Open alerts, and those cleared in the last 30 days (two queries)."""
    base = QualityAlert.objects.select_related("model")
    open_rows = list(base.filter(cleared_at__isnull=True).order_by("-raised_at", "-id")[:limit])
    cleared = list(
        base.filter(cleared_at__gte=now - dt.timedelta(days=RECENTLY_CLEARED_DAYS)).order_by("-cleared_at", "-id")[
            :limit
        ]
    )
    return open_rows, cleared


def is_batch_alert(alert: QualityAlert) -> bool:
    return alert.kind == AlertKind.BATCH
