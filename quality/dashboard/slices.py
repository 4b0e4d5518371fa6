"""The slice a dashboard page or the metrics API reads: a period, for the whole organisation or
one value of one dimension; the period presets, the check of a value, and the values' names."""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from quality import snapshots
from quality.metrics import NO_VALUE, Dimensions, Period
from quality.models import Dimension, RateSnapshot

# The longest period a page or the API reads: a year, leap day included.
MAX_PERIOD_DAYS = 366
EARLIEST_DAY = dt.date(2000, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)
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
