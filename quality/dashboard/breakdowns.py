"""A breakdown of the dashboard and the metrics API: every value of one dimension with its rates,
sorted, read from the snapshots in two queries (the sums by value and the names). The service
providers' breakdown ranks each provider on every column (:func:`provider_ranks`)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from quality import alerts, snapshots
from quality.dashboard.figures import BREAKDOWN_KPIS, judged_status
from quality.metrics import NO_VALUE, Period, Totals, rates_of
from quality.models import Dimension
from quality.rates import Rate
from quality.rates.ranking import Rank, rank

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
    # A provider's place in the network on each column (None: not ranked); empty for other rows.
    ranks: Mapping[str, Rank | None] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def rates(self) -> dict[str, Rate]:
        return rates_of(self.totals, self.chosen, BREAKDOWN_KPIS)

    def of(self, keys: Iterable[str]) -> list[Rate]:
        return [self.rates[key] for key in keys]

    @property
    def cells(self) -> list["Cell"]:
        """The rates a breakdown table shows, in its column order, ready to print."""
        return [
            Cell.of(rate, self.minimum, rank=self.ranks.get(key))
            for key, rate in zip(BREAKDOWN_KPIS, self.of(BREAKDOWN_KPIS), strict=True)
        ]


@dataclass(frozen=True)
class Cell:
    """A rate as a table cell prints it. Plain strings: a long table renders several times
    faster from these than from the rates themselves."""

    status: str
    percent: str
    fraction: str
    # The records behind the cell (its drill-down), when it has one.
    url: str = ""
    # A provider's place among the providers on this rate, when it is ranked.
    rank: Rank | None = None

    @classmethod
    def of(cls, rate: Rate, minimum: int = 1, url: str = "", rank: Rank | None = None) -> "Cell":
        percent = "—" if rate.percent is None else f"{rate.percent} %"
        return cls(
            status=judged_status(rate, minimum),
            percent=percent,
            fraction=f"{rate.numerator}/{rate.denominator}",
            url=url,
            rank=rank,
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


def provider_ranks(
    by_value: Mapping[str, Totals], chosen: Mapping[str, Decimal], minimum: int
) -> dict[str, dict[str, Rank | None]]:
    """Each provider's place among the providers on every breakdown column
    (:func:`quality.rates.ranking.rank`: the best first, ties sharing a place, a rate with too
    few records to judge not ranked). Headquarters' own work (the :data:`NO_VALUE` row) is not a
    provider and is neither ranked nor counted."""
    providers = {
        value: rates_of(counts, chosen, BREAKDOWN_KPIS) for value, counts in by_value.items() if value != NO_VALUE
    }
    result: dict[str, dict[str, Rank | None]] = {value: {} for value in providers}
    for key in BREAKDOWN_KPIS:
        for value, place in rank({value: rates[key] for value, rates in providers.items()}, minimum).items():
            result[value][key] = place
    return result


def breakdown(
    period: Period,
    dimension: str,
    chosen: Mapping[str, Decimal],
    sort: str = DEFAULT_SORT,
    minimum: int | None = None,
    *,
    only: str | None = None,
) -> list[BreakdownRow]:
    """Every value of ``dimension`` with records in the period, its name and its rates, sorted
    (two queries: the sums by value and the names). A rate over fewer records than the minimum
    is too few to judge. A provider's row carries its rank among every provider.

    ``only`` keeps one value's row (a provider's staff see their own): the others are read to
    rank it, and neither named nor returned."""
    minimum = alerts.minimum_records() if minimum is None else minimum
    by_value = snapshots.totals_by_value(period, dimension)
    ranks = provider_ranks(by_value, chosen, minimum) if dimension == Dimension.PROVIDER else {}
    if only is not None:
        by_value = {only: by_value.get(only, Totals())}
    names = snapshots.labels(dimension, by_value)
    rows = [
        BreakdownRow(
            value=value,
            label=str(names.get(value) or value),
            totals=counts,
            chosen=chosen,
            minimum=minimum,
            ranks=ranks.get(value, {}),
        )
        for value, counts in by_value.items()
    ]
    return sort_rows(rows, sort)
