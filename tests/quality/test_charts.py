"""The trend chart geometry: pure, no database. Gaps for days without data, the threshold line,
a round y axis, points past the threshold marked."""

import datetime as dt
from decimal import Decimal

import pytest

from quality.charts import BASELINE, LEFT, RIGHT, TOP, WIDTH, Window, axis_maximum, line_chart
from quality.rates import Direction

LOWER, HIGHER = Direction.LOWER_IS_BETTER, Direction.HIGHER_IS_BETTER
MARCH_1 = dt.date(2026, 3, 1)


def series(*counts: tuple[int, int]) -> list[Window]:
    return [Window.of_day(MARCH_1 + dt.timedelta(days=n), num, den) for n, (num, den) in enumerate(counts)]


@pytest.mark.parametrize(
    ("values", "threshold", "maximum"),
    [
        ([], Decimal("0.10"), 15),
        ([Decimal("0.02")], Decimal("0.01"), 5),
        ([Decimal("0.20")], Decimal("0.10"), 25),
        ([Decimal("0.19")], Decimal("0.10"), 20),
        ([Decimal("0.5")], Decimal("0.50"), 60),
        ([Decimal("0.5")], Decimal("0.90"), 100),
        ([Decimal("1")], Decimal("0.10"), 100),
        ([Decimal("3")], Decimal("0.10"), 100),  # a complaint rate past 100 % on a thin slice
        ([Decimal(0)], Decimal(0), 1),
    ],
)
def test_the_axis_is_round_and_holds_every_value_and_the_threshold(values, threshold, maximum):
    assert axis_maximum(values, threshold) == maximum


def test_days_without_data_break_the_line():
    chart = line_chart(series((1, 10), (2, 10), (0, 0), (1, 4), (0, 0), (0, 5), (1, 5)), Decimal("0.10"), LOWER)

    assert chart.windows == chart.days == 7 and chart.windows_without_data == 2
    assert [point.day.day for point in chart.points] == [1, 2, 4, 6, 7]
    # Days 1–2 and 6–7 are lines; day 4 stands alone, drawn as its dot only.
    assert len(chart.segments) == 2
    assert [len(segment.split()) for segment in chart.segments] == [2, 2]
    assert [point.crossed for point in chart.points] == [False, True, True, False, True]
    assert chart.latest.percent == Decimal("20.00")


def test_coordinates_fill_the_plot_from_left_to_right_and_bottom_to_top():
    chart = line_chart(series((0, 10), (1, 10), (2, 10)), Decimal("0.10"), LOWER)

    first, middle, last = chart.points
    assert (first.x, last.x) == (LEFT, WIDTH - RIGHT)
    assert middle.x == pytest.approx((LEFT + WIDTH - RIGHT) / 2, abs=0.1)
    assert first.y == BASELINE  # 0 % on the baseline
    maximum = axis_maximum([Decimal("0.2")], Decimal("0.10"))  # 25 %
    assert last.y == pytest.approx(BASELINE - 20 / maximum * (BASELINE - TOP), abs=0.1)
    assert chart.threshold_y == pytest.approx(BASELINE - 10 / maximum * (BASELINE - TOP), abs=0.1)
    assert [tick.percent for tick in chart.ticks] == [0, Decimal("12.5"), 25]
    assert chart.segments == (f"{first.x},{first.y} {middle.x},{middle.y} {last.x},{last.y}",)


def test_a_value_past_the_top_is_drawn_on_the_top():
    chart = line_chart(series((3, 2), (1, 10)), Decimal("0.10"), LOWER)
    assert chart.points[0].y == TOP
    assert chart.points[0].percent == Decimal("150.00")


def test_higher_is_better_marks_points_below_the_threshold():
    chart = line_chart(series((9, 10), (7, 10)), Decimal("0.80"), HIGHER)
    assert [point.crossed for point in chart.points] == [False, True]


def test_a_series_with_no_data_at_all_has_no_line():
    chart = line_chart(series((0, 0), (0, 0)), Decimal("0.10"), LOWER)
    assert (chart.points, chart.segments, chart.bars, chart.latest, chart.windows_without_data) == ((), (), (), None, 2)


def test_a_single_day_sits_in_the_middle():
    chart = line_chart(series((1, 2)), Decimal("0.10"), LOWER)
    assert chart.points[0].x == pytest.approx((LEFT + WIDTH - RIGHT) / 2, abs=0.1)
    assert chart.segments == ()


def test_an_empty_series_is_a_mistake():
    with pytest.raises(ValueError, match="at least one window"):
        line_chart([], Decimal("0.10"), LOWER)
