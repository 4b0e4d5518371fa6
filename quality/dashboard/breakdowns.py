"""A breakdown of the dashboard and the metrics API: every value of one dimension with its rates,
sorted, read from the snapshots in two queries (the sums by value and the names)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from quality import alerts, snapshots
from quality.dashboard.figures import BREAKDOWN_KPIS, judged_status
from quality.metrics import Period, Totals, rates_of
from quality.models import Dimension
from quality.rates import Rate

BREAKDOWN_DIMENSIONS = tuple(value for value in Dimension.values if value != Dimension.ALL)


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
