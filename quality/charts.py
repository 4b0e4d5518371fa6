"""Trend charts as plain geometry for an inline SVG. Pure: no ORM, no clock, no settings.

docs/kpis.md#trends: "Charts are real charts, rendered without internet". The dashboard draws
them server-side as SVG (no script, no CDN): this module turns the day-by-day counts of a rate
into windows, and the windows into coordinates in a fixed view box; the template only writes
them out.

A daily ratio jumps between 0 % and 100 % on a slow day, so a chart never plots one. Each point
is a window of days — a calendar week (Monday to Sunday) or the 7 days ending on a day — whose
numerators and denominators are summed before dividing (1/1 and 0/3 are 1/4 = 25 %, not the
50 % an average of the two ratios would say). The volume (the window's denominator) is drawn as
bars under the line. A window with fewer records than the minimum is "too few to judge": drawn
as a hollow neutral dot, off the line, never past the threshold, and left out of the axis. A
window with no records at all has no value: the line breaks there.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from quality.rates import Direction

WIDTH = 320
HEIGHT = 150
LEFT = 34  # room for the percent labels
RIGHT = 6
TOP = 8
BOTTOM = 18  # room for the first and last day
VOLUME_HEIGHT = 24  # the volume bars' band, under the line's plot
GAP = 10  # between the line's plot and the volume band, room for both labels
BASELINE = HEIGHT - BOTTOM - VOLUME_HEIGHT - GAP  # the line's 0 %
VOLUME_BASELINE = HEIGHT - BOTTOM
# Upper ends of the y axis, in per cent: the smallest one holding every value and the threshold.
NICE_MAXIMA = (1, 2, 5, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100)


@dataclass(frozen=True)
class DayValue:
    """One day of a rate: its numerator and denominator as the day's snapshot counts them."""

    day: dt.date
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Window:
    """The days ``first_day`` to ``last_day`` (both included) of a rate, numerators and
    denominators summed; no value when nothing was counted."""

    first_day: dt.date
    last_day: dt.date
    numerator: int
    denominator: int

    @classmethod
    def of_day(cls, day: dt.date, numerator: int, denominator: int) -> "Window":
        return cls(day, day, numerator, denominator)

    @property
    def value(self) -> Decimal | None:
        if self.denominator == 0:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)


def _summed(days: Sequence[DayValue], first: dt.date, last: dt.date) -> Window:
    inside = [day for day in days if first <= day.day <= last]
    return Window(first, last, sum(day.numerator for day in inside), sum(day.denominator for day in inside))


def rolling(days: Sequence[DayValue], window: int, end: dt.date, points: int) -> list[Window]:
    """One point a day for the ``points`` days ending on ``end``: the sums of the ``window`` days
    ending on that day (a rolling 7-day rate). ``days`` must hold the ``window - 1`` days before
    the first point too, or the first points cover fewer days than they say."""
    if window < 1 or points < 1:
        raise ValueError("a rolling chart needs a window and points of at least one day")
    ordered = sorted(days, key=lambda day: day.day)
    result = []
    for back in range(points - 1, -1, -1):
        last = end - dt.timedelta(days=back)
        result.append(_summed(ordered, last - dt.timedelta(days=window - 1), last))
    return result


def weekly(days: Sequence[DayValue], end: dt.date, weeks: int) -> list[Window]:
    """One point a calendar week (Monday to Sunday) for the ``weeks`` weeks up to the one holding
    ``end``; that last week runs only to ``end``, the days after it have not happened."""
    if weeks < 1:
        raise ValueError("a weekly chart needs at least one week")
    monday = end - dt.timedelta(days=end.weekday())
    result = []
    for back in range(weeks - 1, -1, -1):
        first = monday - dt.timedelta(weeks=back)
        result.append(_summed(days, first, min(first + dt.timedelta(days=6), end)))
    return result


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    first_day: dt.date
    last_day: dt.date
    percent: Decimal
    numerator: int
    denominator: int
    # Fewer records than the minimum: shown neutral, never past the threshold.
    too_few: bool
    # Past the threshold in the bad direction, with enough records to judge.
    crossed: bool

    @property
    def day(self) -> dt.date:
        return self.last_day


@dataclass(frozen=True)
class Bar:
    """The volume of one window: its denominator as a bar under the line."""

    x: float
    y: float
    width: float
    height: float
    denominator: int
    too_few: bool


@dataclass(frozen=True)
class Tick:
    y: float
    percent: Decimal


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    baseline: int
    volume_top: int
    volume_baseline: int
    # One SVG ``points`` list per run of consecutive windows with a value judged.
    segments: tuple[str, ...]
    points: tuple[ChartPoint, ...]
    bars: tuple[Bar, ...]
    # The biggest volume, written at the top of the volume band.
    volume_maximum: int
    threshold_y: float
    threshold_percent: Decimal
    ticks: tuple[Tick, ...]
    first_day: dt.date
    last_day: dt.date
    # How many windows (points on the x axis) the chart has.
    windows: int
    minimum_records: int

    @property
    def days(self) -> int:
        """The calendar days the chart covers, first to last window."""
        return (self.last_day - self.first_day).days + 1

    @property
    def windows_without_data(self) -> int:
        return self.windows - len(self.points)

    @property
    def windows_too_few(self) -> int:
        return sum(point.too_few for point in self.points)

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


def line_chart(
    windows: Sequence[Window], threshold: Decimal, direction: Direction, minimum_records: int = 1
) -> LineChart:
    """The geometry of one rate's windows against its threshold (a fraction, 0.1 is 10 %), with
    each window's volume as a bar. A window with fewer than ``minimum_records`` records is too
    few to judge: off the line and the axis, never crossed."""
    if not windows:
        raise ValueError("a chart needs at least one window")
    right_edge = WIDTH - RIGHT
    plot_width = right_edge - LEFT
    plot_height = BASELINE - TOP

    def judged(window: Window) -> bool:
        return window.value is not None and window.denominator >= minimum_records

    maximum = axis_maximum([window.value for window in windows if judged(window)], threshold)
    volume_maximum = max(window.denominator for window in windows)
    slot = plot_width / len(windows)
    bar_width = round(max(1.0, min(slot * 0.7, 14.0)), 1)

    def y_of(fraction: Decimal) -> float:
        # A complaint rate can pass 100 %, an unjudged window pass the axis: drawn on the top edge.
        return round(BASELINE - min(float(fraction * 100), maximum) / maximum * plot_height, 1)

    def x_of(index: int) -> float:
        if len(windows) == 1:
            return round(LEFT + plot_width / 2, 1)
        return round(LEFT + index * plot_width / (len(windows) - 1), 1)

    points: list[ChartPoint] = []
    bars: list[Bar] = []
    segments: list[str] = []
    run: list[str] = []
    for index, window in enumerate(windows):
        value = window.value
        if value is None:
            if run:
                segments.append(" ".join(run))
                run = []
            continue
        too_few = not judged(window)
        if too_few:
            crossed = False
        elif direction == Direction.LOWER_IS_BETTER:
            crossed = value > threshold
        else:
            crossed = value < threshold
        point = ChartPoint(
            x=x_of(index),
            y=y_of(value),
            first_day=window.first_day,
            last_day=window.last_day,
            percent=_percent(value),
            numerator=window.numerator,
            denominator=window.denominator,
            too_few=too_few,
            crossed=crossed,
        )
        points.append(point)
        height = round(window.denominator / volume_maximum * VOLUME_HEIGHT, 1)
        bars.append(
            Bar(
                x=round(min(max(point.x - bar_width / 2, LEFT), right_edge - bar_width), 1),
                y=round(VOLUME_BASELINE - height, 1),
                width=bar_width,
                height=height,
                denominator=window.denominator,
                too_few=too_few,
            )
        )
        if too_few:
            if run:
                segments.append(" ".join(run))
                run = []
            continue
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
        baseline=BASELINE,
        volume_top=VOLUME_BASELINE - VOLUME_HEIGHT,
        volume_baseline=VOLUME_BASELINE,
        # A lone window between gaps is drawn as its dot alone.
        segments=tuple(segment for segment in segments if " " in segment),
        points=tuple(points),
        bars=tuple(bars),
        volume_maximum=volume_maximum,
        threshold_y=y_of(threshold),
        threshold_percent=_percent(threshold),
        ticks=ticks,
        first_day=windows[0].first_day,
        last_day=windows[-1].last_day,
        windows=len(windows),
        minimum_records=minimum_records,
    )
