"""Trend charts as plain geometry for an inline SVG. Pure: no ORM, no clock, no settings.

DESIGN.md section 3: "Charts are real charts, rendered without internet". The dashboard draws
them server-side as SVG (no script, no CDN): this module turns a day-by-day series of rates
into coordinates in a fixed view box; the template only writes them out.

A day with no records (denominator 0) has no value: the line breaks there rather than
pretending the rate was 0 %.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from followups.rates import Direction

WIDTH = 320
HEIGHT = 120
LEFT = 34  # room for the percent labels
RIGHT = 6
TOP = 8
BOTTOM = 18  # room for the first and last day
# Upper ends of the y axis, in per cent: the smallest one holding every value and the threshold.
NICE_MAXIMA = (1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100)


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: dt.date
    percent: Decimal
    numerator: int
    denominator: int
    # Past the threshold in the bad direction.
    crossed: bool


@dataclass(frozen=True)
class Tick:
    y: float
    percent: Decimal


@dataclass(frozen=True)
class DayValue:
    """One day of a series: the rate's numerator and denominator (no value when nothing was counted)."""

    day: dt.date
    numerator: int
    denominator: int

    @property
    def value(self) -> Decimal | None:
        if self.denominator == 0:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    baseline: int
    # One SVG ``points`` list per run of consecutive days with a value.
    segments: tuple[str, ...]
    points: tuple[ChartPoint, ...]
    threshold_y: float
    threshold_percent: Decimal
    ticks: tuple[Tick, ...]
    first_day: dt.date
    last_day: dt.date
    days: int

    @property
    def days_without_data(self) -> int:
        return self.days - len(self.points)

    @property
    def latest(self) -> ChartPoint | None:
        return self.points[-1] if self.points else None


def _percent(value: Decimal) -> Decimal:
    return (value * 100).quantize(Decimal("0.01"))


def axis_maximum(values: Sequence[Decimal], threshold: Decimal) -> int:
    """The top of the y axis in per cent: a round number above every value and the threshold,
    with a little headroom so neither sits on the frame."""
    highest = max([value * Decimal("1.05") for value in values] + [threshold * Decimal("1.15")]) * 100
    for maximum in NICE_MAXIMA:
        if highest <= maximum:
            return maximum
    return 100


def line_chart(series: Sequence[DayValue], threshold: Decimal, direction: Direction) -> LineChart:
    """The geometry of one rate's daily line against its threshold (a fraction, 0.1 is 10 %)."""
    if not series:
        raise ValueError("a chart needs at least one day")
    right_edge = WIDTH - RIGHT
    baseline = HEIGHT - BOTTOM
    plot_width = right_edge - LEFT
    plot_height = baseline - TOP
    values = [day.value for day in series if day.value is not None]
    maximum = axis_maximum(values, threshold)

    def y_of(fraction: Decimal) -> float:
        # A complaint rate can pass 100 % on a thin slice: it is drawn on the top edge.
        return round(baseline - min(float(fraction * 100), maximum) / maximum * plot_height, 1)

    def x_of(index: int) -> float:
        if len(series) == 1:
            return round(LEFT + plot_width / 2, 1)
        return round(LEFT + index * plot_width / (len(series) - 1), 1)

    points: list[ChartPoint] = []
    segments: list[str] = []
    run: list[str] = []
    for index, day in enumerate(series):
        value = day.value
        if value is None:
            if run:
                segments.append(" ".join(run))
                run = []
            continue
        if direction == Direction.LOWER_IS_BETTER:
            crossed = value > threshold
        else:
            crossed = value < threshold
        point = ChartPoint(
            x=x_of(index),
            y=y_of(value),
            day=day.day,
            percent=_percent(value),
            numerator=day.numerator,
            denominator=day.denominator,
            crossed=crossed,
        )
        points.append(point)
        run.append(f"{point.x},{point.y}")
    if run:
        segments.append(" ".join(run))
    ticks = tuple(
        Tick(y=y_of(percent / 100), percent=percent) for percent in (Decimal(0), Decimal(maximum) / 2, Decimal(maximum))
    )
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right_edge,
        top=TOP,
        baseline=baseline,
        # A lone day between gaps is drawn as its dot alone.
        segments=tuple(segment for segment in segments if " " in segment),
        points=tuple(points),
        threshold_y=y_of(threshold),
        threshold_percent=_percent(threshold),
        ticks=ticks,
        first_day=series[0].day,
        last_day=series[-1].day,
        days=len(series),
    )
