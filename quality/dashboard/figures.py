"""What the manager dashboard, its exports and the metrics API show, read from the daily
snapshots (DESIGN.md section 6: "the dashboard reads snapshots, not raw rows").

Every function here costs a fixed number of queries, whatever the number of days, stations or
batches: one for a slice's totals, one for its daily trend, one (plus one for the names) for a
breakdown. Only the drill-down lists of :mod:`quality.metrics` read tickets.

Snapshots are kept per single dimension (a day's figures for station 5, for model 12…), not
per pair, so a breakdown is always of the whole organisation: a slice is the whole
organisation or one value of one dimension.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy as _

from quality import alerts, charts, snapshots
from quality.charts import DayValue, LineChart, line_chart
from quality.dashboard.drilldowns import DRILLDOWNS, OF_FIGURE
from quality.metrics import NO_VALUE, Dimensions, Period, Totals, rates_of
from quality.models import AlertKind, Dimension, QualityAlert, RateSnapshot
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
# The columns of a breakdown table.
BREAKDOWN_KPIS = ("complaint_rate", "omission_rate", "dissatisfaction_rate", "first_time_fix_rate", "satisfaction_top2")
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
# The longest period a page or the API reads: a year, leap day included.
MAX_PERIOD_DAYS = 366
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)
BREAKDOWN_DIMENSIONS = tuple(value for value in Dimension.values if value != Dimension.ALL)
# Values of an id dimension are primary keys; bigger numbers are not ids.
MAX_ID = 2**63 - 1


class Preset(models.TextChoices):
    LAST_7_DAYS = "7d", _("Last 7 days")
    LAST_30_DAYS = "30d", _("Last 30 days")
    LAST_90_DAYS = "90d", _("Last 90 days")
    THIS_MONTH = "this_month", _("This month")
    LAST_MONTH = "last_month", _("Last month")
    CUSTOM = "custom", _("Custom dates")


DEFAULT_PRESET = Preset.LAST_30_DAYS


def percent_of(fraction: Decimal) -> Decimal:
    """A threshold in per cent as people write it: 0.1 → 10, 0.0525 → 5.25."""
    percent = (fraction * 100).quantize(Decimal("0.01"))
    return percent.quantize(Decimal(1)) if percent == percent.to_integral_value() else percent.normalize()


def preset_period(preset: str, today: dt.date) -> Period:
    """The days a preset covers, ending today (the last month ends on its last day)."""
    if preset == Preset.LAST_7_DAYS:
        return Period.last_days(7, today)
    if preset == Preset.LAST_90_DAYS:
        return Period.last_days(90, today)
    if preset == Preset.THIS_MONTH:
        return Period(today.replace(day=1), today)
    if preset == Preset.LAST_MONTH:
        last_day = today.replace(day=1) - dt.timedelta(days=1)
        return Period.month(last_day.year, last_day.month)
    if preset == Preset.LAST_30_DAYS:
        return Period.last_days(30, today)
    raise ValueError(f"no period for preset {preset!r}")


def value_error(dimension: str, value: str) -> str | None:
    """Why ``value`` cannot be a value of ``dimension`` (None when it can): a primary key for a
    category, model, station, agent or technician, ``<model id>:<batch>`` for a batch, a name
    for a region, or ``none`` for the records without a value."""
    if dimension == Dimension.ALL:
        return None
    if not value:
        return str(_("Choose a value for this dimension."))
    if dimension == Dimension.REGION or value == NO_VALUE:
        return None
    if dimension == Dimension.BATCH:
        model, separator, batch = value.partition(":")
        if separator and model.isdigit() and int(model) <= MAX_ID and batch:
            return None
        return str(_("A batch is written as <model id>:<batch>, for example 12:B2026-01."))
    if value.isdigit() and 0 < int(value) <= MAX_ID:
        return None
    return str(_("Choose one of the listed values."))


@dataclass(frozen=True)
class Slice:
    """A period, for the whole organisation or for one value of one dimension."""

    period: Period
    dimension: str = Dimension.ALL
    value: str = ""

    @property
    def is_narrowed(self) -> bool:
        return self.dimension != Dimension.ALL

    def dimensions(self) -> Dimensions:
        """The same slice as a filter on tickets, for the drill-down lists."""
        return Dimensions.for_value(self.dimension, self.value)

    @property
    def dimension_label(self):
        return Dimension(self.dimension).label

    @property
    def snapshot_value(self) -> str:
        return self.value if self.is_narrowed else ""


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


@dataclass(frozen=True)
class BreakdownRow:
    """One value of a breakdown. Its rates are worked out when first read: a page of a long
    breakdown sorted by name only works out the rows it shows."""

    value: str
    label: str
    totals: Totals
    chosen: Mapping[str, Decimal] = field(compare=False, repr=False)
    minimum: int = field(default=1, compare=False, repr=False)

    @cached_property
    def rates(self) -> dict[str, Rate]:
        return rates_of(self.totals, self.chosen, BREAKDOWN_KPIS)

    def of(self, keys: Iterable[str]) -> list[Rate]:
        return [self.rates[key] for key in keys]

    @property
    def cells(self) -> list["Cell"]:
        """The rates a breakdown table shows, in its column order, ready to print."""
        return [Cell.of(rate, self.minimum) for rate in self.of(BREAKDOWN_KPIS)]


@dataclass(frozen=True)
class Cell:
    """A rate as a table cell prints it. Plain strings: a long table renders several times
    faster from these than from the rates themselves."""

    status: str
    percent: str
    fraction: str
    # The records behind the cell (its drill-down), when it has one.
    url: str = ""

    @classmethod
    def of(cls, rate: Rate, minimum: int = 1, url: str = "") -> "Cell":
        percent = "—" if rate.percent is None else f"{rate.percent} %"
        return cls(
            status=judged_status(rate, minimum),
            percent=percent,
            fraction=f"{rate.numerator}/{rate.denominator}",
            url=url,
        )


# What a breakdown can be sorted by: the name, the completed service tickets, each rate.
SORT_KEYS = ("label", "completed", *BREAKDOWN_KPIS)
DEFAULT_SORT = "label"


def sort_choices() -> list[tuple[str, str]]:
    keys = [*SORT_KEYS, *(f"-{key}" for key in SORT_KEYS)]
    return [(key, key) for key in keys]


def _sort_value(row: BreakdownRow, key: str):
    if key == "label":
        return row.label.casefold()
    if key == "completed":
        return row.totals.service_completed
    return row.rates[key].value


def sort_rows(rows: Iterable[BreakdownRow], sort: str) -> list[BreakdownRow]:
    """Rows ordered by ``sort`` (``"dissatisfaction_rate"`` ascending, ``"-…"`` descending).

    Stable: equal rows keep the order of their names, then their values. A rate with no data
    (nothing counted) sorts last in both directions: it is neither good nor bad.
    """
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    if key not in SORT_KEYS:
        raise ValueError(f"cannot sort a breakdown by {sort!r}")
    ordered = sorted(rows, key=lambda row: (row.label.casefold(), row.value))
    with_value = [row for row in ordered if _sort_value(row, key) is not None]
    without_value = [row for row in ordered if _sort_value(row, key) is None]
    with_value.sort(key=lambda row: _sort_value(row, key), reverse=descending)
    return with_value + without_value


def breakdown(
    period: Period, dimension: str, chosen: Mapping[str, Decimal], sort: str = DEFAULT_SORT, minimum: int | None = None
) -> list[BreakdownRow]:
    """Every value of ``dimension`` with records in the period, its name and its rates, sorted
    (two queries: the sums by value and the names). A rate over fewer records than the minimum
    is too few to judge."""
    minimum = alerts.minimum_records() if minimum is None else minimum
    by_value = snapshots.totals_by_value(period, dimension)
    names = snapshots.labels(dimension, by_value)
    rows = [
        BreakdownRow(value=value, label=str(names.get(value) or value), totals=counts, chosen=chosen, minimum=minimum)
        for value, counts in by_value.items()
    ]
    return sort_rows(rows, sort)


def filter_values(period: Period, dimension: str, current: str = "") -> list[tuple[str, str]]:
    """The values a dimension filter offers: those with figures in the period, by name, and
    the current one even when it has none (two queries)."""
    if dimension == Dimension.ALL:
        return []
    values = set(
        RateSnapshot.objects.filter(dimension=dimension, day__gte=period.start, day__lte=period.end)
        .order_by()
        .values_list("value", flat=True)
        .distinct()
    )
    if current:
        values.add(current)
    names = snapshots.labels(dimension, values)
    return sorted(((value, str(names.get(value) or value)) for value in values), key=lambda pair: pair[1].casefold())


def label_of(dimension: str, value: str) -> str:
    if dimension == Dimension.ALL:
        return str(Dimension.ALL.label)
    return str(snapshots.labels(dimension, [value]).get(value) or value)


# --- Alerts ------------------------------------------------------------------------------

BANNER_ALERTS = 20
RECENTLY_CLEARED_DAYS = 30


def banner_alerts() -> tuple[list[QualityAlert], int]:
    """The open alerts the banner lists (newest first, at most 20) and how many are open."""
    rows = list(
        QualityAlert.objects.filter(cleared_at__isnull=True)
        .select_related("model")
        .order_by("-raised_at", "-id")[: BANNER_ALERTS + 1]
    )
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
