"""Where each service provider stands in the network on one rate (docs/kpis.md#by-service-provider).

Pure: rates in, positions out. The ranked are the rows whose rate has enough records to be
judged (a denominator of at least ``minimum``, the same rule as "too few to judge"); the rest
(no data, too few) have no place. The best comes first — the lowest rate where lower is better
(complaints, omissions, dissatisfaction), the highest where higher is better (first-time fix,
timeliness, satisfaction). Rates are compared as exact fractions (2/100 and 1/50 are equal), and
equal rates share the best of their places, the next one skipping as many as shared it
("1, 2, 2, 4": standard competition ranking).
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from .core import Direction, Rate


@dataclass(frozen=True)
class Rank:
    """``position`` of ``of``: 3 of 12 is the third best of twelve ranked providers."""

    position: int
    of: int


def rank(rates: Mapping[Hashable, Rate], minimum: int = 1) -> dict[Hashable, Rank | None]:
    """Each row's place among the rows of ``rates`` (all of one KPI, hence one direction); None
    for a row whose rate has fewer than ``minimum`` records (or none)."""
    minimum = max(1, minimum)
    judged = {
        key: Fraction(rate.numerator, rate.denominator) for key, rate in rates.items() if rate.denominator >= minimum
    }
    directions = {rate.direction for rate in rates.values()}
    if len(directions) > 1:
        raise ValueError("cannot rank rates of different directions together")
    lower_is_better = not directions or directions.pop() is Direction.LOWER_IS_BETTER
    # A row's place is one more than the number of rows strictly better than it.
    ordered = sorted(judged.values(), reverse=not lower_is_better)
    first_place: dict[Fraction, int] = {}
    for index, value in enumerate(ordered, start=1):
        first_place.setdefault(value, index)
    total = len(judged)
    return {key: (Rank(first_place[judged[key]], total) if key in judged else None) for key in rates}
