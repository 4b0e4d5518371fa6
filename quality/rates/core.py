"""A rate: a numerator over a denominator, against a threshold in a direction.

docs/kpis.md#from-tickets-to-figures: "Each KPI stores its numerator and denominator (never only the ratio;
roll-ups sum both) [...] and has a configurable threshold and direction."
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum

# Fixed precision so a rate's value never depends on the caller's decimal context.
_CONTEXT = Context(prec=28)
_CENT = Decimal("0.01")


class Direction(StrEnum):
    LOWER_IS_BETTER = "lower_is_better"
    HIGHER_IS_BETTER = "higher_is_better"


class Status(StrEnum):
    OK = "ok"
    ALERT = "alert"
    NO_DATA = "no_data"


def check_count(name: str, count: object) -> None:
    if not isinstance(count, int) or isinstance(count, bool):
        raise TypeError(f"{name} must be an int, got {count!r}")
    if count < 0:
        raise ValueError(f"{name} cannot be negative, got {count}")


def check_at_most(part_name: str, part: int, whole_name: str, whole: int) -> None:
    if part > whole:
        raise ValueError(f"{part_name} ({part}) cannot exceed {whole_name} ({whole})")


@dataclass(frozen=True)
class Rate:
    """``numerator / denominator`` as a fraction (``Decimal("0.015")`` is 1.5 %) against a threshold.

    ``value`` is None and ``status`` is ``no_data`` when the denominator is 0. Otherwise the
    status is ``alert`` when the value is past the threshold in the bad direction (above it
    when lower is better, below it when higher is better); a value equal to it is ``ok``.
    """

    numerator: int
    denominator: int
    value: Decimal | None = field(init=False)
    threshold: Decimal
    direction: Direction
    status: Status = field(init=False)
    # A numerator drawn from the denominator's records cannot exceed it. The complaint rate's
    # is not: a complaint in March about a repair completed in February is in March's
    # numerator but not its denominator, so a thin slice can pass 100 %.
    bounded: bool = field(default=True, compare=False)

    def __post_init__(self) -> None:
        check_count("numerator", self.numerator)
        check_count("denominator", self.denominator)
        if self.bounded:
            check_at_most("numerator", self.numerator, "denominator", self.denominator)
        if not isinstance(self.threshold, Decimal) or not Decimal(0) <= self.threshold <= Decimal(1):
            raise ValueError(f"threshold must be a Decimal fraction between 0 and 1, got {self.threshold!r}")
        object.__setattr__(self, "direction", Direction(self.direction))
        if self.denominator == 0:
            value, status = None, Status.NO_DATA
        else:
            value = _CONTEXT.divide(Decimal(self.numerator), Decimal(self.denominator))
            if self.direction is Direction.LOWER_IS_BETTER:
                crossed = value > self.threshold
            else:
                crossed = value < self.threshold
            status = Status.ALERT if crossed else Status.OK
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "status", status)

    @property
    def percent(self) -> Decimal | None:
        """The value in per cent, rounded half up to 2 decimals (6/170 → ``Decimal("3.53")``)."""
        if self.value is None:
            return None
        return (self.value * 100).quantize(_CENT, rounding=ROUND_HALF_UP, context=_CONTEXT)

    def __add__(self, other: "Rate") -> "Rate":
        if not isinstance(other, Rate):
            return NotImplemented
        return combine([self, other])


def combine(rates: Iterable[Rate]) -> Rate:
    """Roll up rates of one KPI (days into a month, stations into a region).

    Numerators and denominators are summed, never the ratios averaged: 0/10 and 15/100 are
    15/110 = 13.6 %, not 7.5 %. All rates must share threshold and direction.
    """
    rates = list(rates)
    if not rates:
        raise ValueError("combine() needs at least one rate")
    first = rates[0]
    for rate in rates[1:]:
        if (rate.threshold, rate.direction) != (first.threshold, first.direction):
            raise ValueError(
                "cannot combine rates with different thresholds or directions: "
                f"{first.threshold} {first.direction} and {rate.threshold} {rate.direction}"
            )
    return Rate(
        numerator=sum(rate.numerator for rate in rates),
        denominator=sum(rate.denominator for rate in rates),
        threshold=first.threshold,
        direction=first.direction,
        bounded=all(rate.bounded for rate in rates),
    )
