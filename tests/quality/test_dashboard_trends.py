"""Trend charts over meaningful windows, and slices too thin to judge.

A day's ratio jumps between 0 % and 100 %: the charts show the rolling 7-day rate and the
weekly rate, numerators and denominators summed over the window before dividing, with the
volume beside them. A rate over fewer records than ``QUALITY_MIN_RECORDS`` — a figure, a
breakdown cell, a chart point — is "too few to judge": neutral, never red, and no alert."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from quality import charts, snapshots
from quality.charts import DayValue, Window, line_chart
from quality.models import Dimension, QualityAlert, RateSnapshot
from quality.rates import Direction
from tests import factories
from tests.quality.test_dashboard import article, text

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOME = "/dashboard/"
MARCH = {"range": "custom", "start": "2026-03-01", "end": "2026-03-31"}
COMPUTED = dt.datetime(2026, 4, 1, 2, 0, tzinfo=SHANGHAI)
LOWER = Direction.LOWER_IS_BETTER

# Three weeks of daily noise, Monday 2 March 2026 onwards: (dissatisfied, ratings) a day.
NOISY_DAYS = [
    (1, 1), (0, 3), (2, 2), (0, 4), (1, 5), (0, 0), (0, 5),  # week 1: 4/20
    (0, 6), (1, 4), (0, 0), (0, 5), (1, 5), (0, 0), (0, 0),  # week 2: 2/20
    (3, 3), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0),  # week 3: 3/3, too few
]  # fmt: skip
MONDAY = dt.date(2026, 3, 2)


def noisy() -> list[DayValue]:
    return [DayValue(MONDAY + dt.timedelta(days=n), num, den) for n, (num, den) in enumerate(NOISY_DAYS)]


def snapshot(day: dt.date, dimension: str = Dimension.ALL, value: str = "", **counts) -> RateSnapshot:
    return RateSnapshot.objects.create(day=day, dimension=dimension, value=value, computed_at=COMPUTED, **counts)


# --- The windows, pure ---------------------------------------------------------------------


def test_weekly_rates_sum_the_week_before_dividing():
    weeks = charts.weekly(noisy(), dt.date(2026, 3, 22), 3)

    assert [(w.first_day.day, w.last_day.day, w.numerator, w.denominator) for w in weeks] == [
        (2, 8, 4, 20),
        (9, 15, 2, 20),
        (16, 22, 3, 3),
    ]
    # 4/20 = 20 %, not the 36.67 % an average of week 1's six daily ratios would say.
    assert [w.value for w in weeks] == [Decimal("0.2"), Decimal("0.1"), Decimal(1)]


def test_the_current_week_runs_only_to_the_last_day():
    weeks = charts.weekly(noisy(), dt.date(2026, 3, 10), 2)  # a Tuesday

    assert [(w.first_day, w.last_day, w.numerator, w.denominator) for w in weeks] == [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 8), 4, 20),
        (dt.date(2026, 3, 9), dt.date(2026, 3, 10), 1, 10),
    ]


def test_rolling_rates_sum_the_7_days_to_each_day():
    points = charts.rolling(noisy(), 7, dt.date(2026, 3, 10), 3)

    assert [(w.first_day.day, w.last_day.day, w.numerator, w.denominator) for w in points] == [
        (2, 8, 4, 20),  # 20.00 %
        (3, 9, 3, 25),  # 1/1 leaves, 0/6 comes: 12.00 %
        (4, 10, 4, 26),  # 0/3 leaves, 1/4 comes: 15.38 %
    ]
    assert [round(w.value * 100, 2) for w in points] == [Decimal("20.00"), Decimal("12.00"), Decimal("15.38")]


def test_a_window_with_too_few_records_is_neutral_off_the_line_and_off_the_axis():
    chart = line_chart(charts.weekly(noisy(), dt.date(2026, 3, 22), 3), Decimal("0.10"), LOWER, 20)

    first, second, third = chart.points
    assert [(p.percent, p.too_few, p.crossed) for p in chart.points] == [
        (Decimal("20.00"), False, True),
        (Decimal("10.00"), False, False),  # on the threshold is within it
        (Decimal("100.00"), True, False),  # 3 of 3: too few to judge, never past the threshold
    ]
    assert chart.segments == (f"{first.x},{first.y} {second.x},{second.y}",)
    assert chart.windows_too_few == 1 and chart.ticks[-1].percent == 25  # the axis holds 20 %, not 100 %
    assert third.y == charts.TOP
    # The volume beside the rate: bars as tall as the records, the biggest filling the band.
    assert [(bar.denominator, bar.height, bar.too_few) for bar in chart.bars] == [
        (20, charts.VOLUME_HEIGHT, False),
        (20, charts.VOLUME_HEIGHT, False),
        (3, 3.6, True),
    ]
    assert all(bar.y + bar.height == charts.VOLUME_BASELINE for bar in chart.bars)
    assert chart.volume_maximum == 20


def test_a_single_record_window_is_not_judged_with_a_minimum_of_one_it_is():
    window = [Window.of_day(MONDAY, 1, 1)]
    assert line_chart(window, Decimal("0.10"), LOWER, 2).points[0].crossed is False
    assert line_chart(window, Decimal("0.10"), LOWER, 1).points[0].crossed is True


# --- On the dashboard --------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def test_the_dashboard_draws_rolling_and_weekly_rates_with_their_volume(signed_in):
    for day in (29, 30, 31):
        snapshot(dt.date(2026, 3, day), ratings=10, low_ratings=day - 28)
    snapshot(dt.date(2026, 3, 20), ratings=4, low_ratings=2)  # a thin day between gaps
    snapshot(dt.date(2026, 1, 15), ratings=5, low_ratings=0)  # only in the weekly chart

    response = signed_in.get(HOME, MARCH)

    item = next(item for item in response.context["headline"] if item["figure"].key == "dissatisfaction_rate")
    rolling, weekly = (view["chart"] for view in item["charts"])
    # Rolling 7 days on each of 2–31 March: 20 March's 2/4 is in the windows to 20–26 March.
    assert (rolling.windows, rolling.first_day, rolling.last_day) == (30, dt.date(2026, 2, 24), dt.date(2026, 3, 31))
    assert [(p.last_day.day, p.numerator, p.denominator, p.too_few, p.crossed) for p in rolling.points] == [
        *[(day, 2, 4, True, False) for day in range(20, 27)],
        (29, 1, 10, True, False),
        (30, 3, 20, False, True),  # 15.00 %
        (31, 6, 30, False, True),  # 20.00 %
    ]
    assert rolling.windows_without_data == 20 and len(rolling.segments) == 1
    # Week by week: 13 weeks from Monday 5 January; the last runs Monday 30 to Tuesday 31 March.
    assert (weekly.windows, weekly.first_day, weekly.last_day) == (13, dt.date(2026, 1, 5), dt.date(2026, 3, 31))
    assert [(p.first_day, p.numerator, p.denominator, p.too_few) for p in weekly.points] == [
        (dt.date(2026, 1, 12), 0, 5, True),
        (dt.date(2026, 3, 16), 2, 4, True),
        (dt.date(2026, 3, 23), 1, 10, True),
        (dt.date(2026, 3, 30), 5, 20, False),
    ]
    assert weekly.points[-1].percent == Decimal("25.00") and weekly.points[-1].crossed
    html = response.content.decode()
    assert html.count('<svg class="trend"') == 6
    assert "<title>16 Mar 2026 – 22 Mar 2026: 50.00 % (2/4) · too few to judge</title>" in html
    assert "<title>30 Mar 2026 – 31 Mar 2026: 25.00 % (5/20)</title>" in html
    assert 'class="bar few"' in html and 'class="dot few"' in html and 'class="dot crossed"' in html
    assert "Rolling 7 days, last 30 days" in html and "Week by week, last 13 weeks" in html


def test_thin_slices_are_too_few_to_judge_and_raise_no_alert(signed_in, manager):
    station = factories.ServiceStationFactory(code="thin", name="Thin station")
    big = factories.ServiceStationFactory(code="big", name="Big station")
    today = dt.date(2026, 3, 31)
    snapshot(today, ratings=12, low_ratings=6)  # the whole organisation: 50 % of 12
    snapshot(today, Dimension.STATION, str(station.pk), ratings=5, low_ratings=5)
    snapshot(today, Dimension.STATION, str(big.pk), ratings=7, low_ratings=1)

    html = signed_in.get(HOME, {**MARCH, "by": "station"}).content.decode()

    figure = article(html, "figure-dissatisfaction_rate")
    assert "figure-too_few" in figure and "figure-alert" not in figure
    assert "Dissatisfaction rate Too few to judge 50.00 % 6 of 12" in text(figure)
    assert "Too few to judge: fewer than 20 records." in text(figure)
    thin_row = article(html.replace(f'data-value="{station.pk}"', 'id="thin-row"', 1), "thin-row")
    assert "cell-too_few" in thin_row and "cell-alert" not in thin_row
    assert "100.00 % 5/5 · too few to judge" in text(thin_row)
    assert "too few to judge: it is shown in grey and raises no alert" in html

    now = dt.datetime(2026, 3, 31, 20, 0, tzinfo=SHANGHAI)
    assert snapshots.check_rate_alerts(now=now) == (0, 0)
    assert not QualityAlert.objects.exists()

    # With 20 records the same rate is judged: an alert on the page and in the log.
    RateSnapshot.objects.filter(dimension=Dimension.ALL).delete()
    snapshot(today, ratings=20, low_ratings=10)
    assert snapshots.check_rate_alerts(now=now) == (1, 0)
    assert QualityAlert.objects.get().dimension == Dimension.ALL
    figure = article(signed_in.get(HOME, MARCH).content.decode(), "figure-dissatisfaction_rate")
    assert "figure-alert" in figure and "Alert 50.00 % 10 of 20" in text(figure)


def test_the_minimum_is_a_setting_and_the_cached_page_follows_it(signed_in):
    snapshot(dt.date(2026, 3, 31), ratings=12, low_ratings=6)
    assert "figure-too_few" in article(signed_in.get(HOME, MARCH).content.decode(), "figure-dissatisfaction_rate")

    with override_settings(QUALITY_MIN_RECORDS=10):
        page = signed_in.get(HOME, MARCH).content.decode()
        assert "figure-alert" in article(page, "figure-dissatisfaction_rate")
        assert snapshots.check_rate_alerts(now=dt.datetime(2026, 3, 31, 20, 0, tzinfo=SHANGHAI)) == (1, 0)


def test_the_trends_render_in_chinese(signed_in):
    snapshot(dt.date(2026, 3, 30), ratings=20, low_ratings=5)
    snapshot(dt.date(2026, 3, 20), ratings=3, low_ratings=3)

    chinese = signed_in.get(HOME, MARCH, headers={"accept-language": "zh-hans"}).content.decode()

    assert "不满意率" in chinese and "Dissatisfaction rate" not in chinese
    assert chinese.count('<svg class="trend"') == 6
    assert 'class="dot few"' in chinese and 'class="dot crossed"' in chinese
    assert "2026年3月30日" in chinese  # the weeks' days in Chinese dates
