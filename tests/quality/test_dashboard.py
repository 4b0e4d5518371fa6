"""The manager dashboard (issue 6, item 4): figures from the snapshots, trend charts, no-leak
counters, breakdowns and their sorting, filters and their errors, drill-downs, exports,
thresholds, alerts, who may see it, and a query count that does not grow with the rows."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from followups.choices import RatingSource
from followups.models import SatisfactionRating
from quality import snapshots
from quality.dashboard import rendering
from quality.dashboard.breakdowns import BREAKDOWN_DIMENSIONS, BreakdownRow, sort_rows
from quality.dashboard.slices import Preset, preset_period
from quality.metrics import Period, Totals, business_today
from quality.models import AlertKind, Dimension, KpiThreshold, QualityAlert, RateSnapshot
from tests import factories
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOME = "/dashboard/"
MARCH = {"range": "custom", "start": "2026-03-01", "end": "2026-03-31"}
COMPUTED = dt.datetime(2026, 4, 1, 2, 0, tzinfo=SHANGHAI)

# docs/kpis.md#a-worked-month's worked month, split over two days (the sums are what count).
WORKED_MONTH = [
    {
        "service_completed": 120,
        "service_complaints": 2,
        "product_complaints": 1,
        "cases_due": 110,
        "cases_with_omission": 4,
        "omission_no_callback": 3,
        "omission_late": 1,
        "ratings": 100,
        "low_ratings": 3,
        "top2_ratings": 90,
        "callback_complaints": 1,
        "callback_attempted": 118,
        "callback_reached": 108,
        "repairs": 90,
        "fixed_first_time": 70,
        "contact_due": 50,
        "contact_on_time": 48,
    },
    {
        "service_completed": 80,
        "service_complaints": 1,
        "product_complaints": 1,
        "cases_due": 100,
        "cases_with_omission": 2,
        "omission_no_callback": 1,
        "omission_late": 1,
        "omission_no_feedback": 1,
        "ratings": 70,
        "low_ratings": 2,
        "top2_ratings": 60,
        "callback_attempted": 78,
        "callback_reached": 72,
        "repairs": 60,
        "fixed_first_time": 50,
        "contact_due": 50,
        "contact_on_time": 40,
    },
]


def snapshot(day: dt.date, dimension: str = Dimension.ALL, value: str = "", **counts) -> RateSnapshot:
    return RateSnapshot.objects.create(day=day, dimension=dimension, value=value, computed_at=COMPUTED, **counts)


def worked_month(dimension: str = Dimension.ALL, value: str = "") -> None:
    snapshot(dt.date(2026, 3, 10), dimension, value, **WORKED_MONTH[0])
    snapshot(dt.date(2026, 3, 20), dimension, value, **WORKED_MONTH[1])


def article(html: str, element_id: str) -> str:
    """The HTML of one element, from its id to the end of its tag's block."""
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)
    return html[tag : html.index(f"</{name}>", start)]


def text(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)).strip()


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


# --- The figures ------------------------------------------------------------------------------


def test_the_three_rates_show_numerator_denominator_threshold_and_status(signed_in):
    worked_month()
    snapshot(dt.date(2026, 2, 28), ratings=50, low_ratings=50)  # outside the period
    snapshot(dt.date(2026, 3, 10), Dimension.STATION, "1", ratings=9, low_ratings=9)  # a breakdown row

    response = signed_in.get(HOME, MARCH)

    assert response.status_code == 200
    html = response.content.decode()
    dissatisfaction = text(article(html, "figure-dissatisfaction_rate"))
    assert "Dissatisfaction rate OK 3.53 % 6 of 170 · threshold 10 %" in dissatisfaction
    complaint = text(article(html, "figure-complaint_rate"))
    assert "Complaint rate OK 1.50 % 3 of 200 · threshold 10 %" in complaint
    assert "2 product-quality complaints, reported beside it" in complaint
    assert "Omission rate OK 2.86 % 6 of 210" in text(article(html, "figure-omission_rate"))
    assert "Figures as of" in html
    assert "provisional" not in html  # March is over


def test_a_rate_over_its_threshold_is_an_alert(signed_in, manager):
    worked_month()
    KpiThreshold.objects.create(kpi="dissatisfaction_rate", threshold=Decimal("0.03"), updated_by=manager)

    html = signed_in.get(HOME, MARCH).content.decode()

    figure = article(html, "figure-dissatisfaction_rate")
    assert "figure-alert" in figure
    assert "Dissatisfaction rate Alert 3.53 % 6 of 170 · over the 3 % threshold" in text(figure)
    assert "figure-ok" in article(html, "figure-complaint_rate")


def test_no_leak_counters_and_service_kpis(signed_in):
    worked_month()

    response = signed_in.get(HOME, MARCH)

    html = response.content.decode()
    assert text(article(html, "counter-omission_no_callback")) == "No callback attempt 4 of 210 cases due · 1.90 %"
    assert text(article(html, "counter-omission_late")) == "Handled late 2 of 210 cases due · 0.95 %"
    assert text(article(html, "counter-omission_no_feedback")) == "No feedback 1 of 210 cases due · 0.48 %"
    assert text(article(html, "counter-omission_unrecorded")) == "Not recorded 0 of 210 cases due · 0.00 %"
    link = re.search(r'href="([^"]+)"', article(html, "counter-omission_no_callback")).group(1)
    assert link.startswith("/dashboard/tickets/no_callback_attempt/?")
    assert "start=2026-03-01" in link and "end=2026-03-31" in link
    assert (
        text(article(html, "kpi-first_time_fix_rate"))
        == "First-time fix rate 30 records 120 150 80.00 % 120/150 ≥ 80 % OK"
    )
    assert (
        text(article(html, "kpi-contact_timeliness")) == "Contact on time 12 records 88 100 88.00 % 88/100 ≥ 90 % Alert"
    )
    assert (
        text(article(html, "kpi-callback_coverage")) == "Callback coverage 4 records 196 200 98.00 % 196/200 ≥ 95 % OK"
    )
    assert text(article(html, "kpi-callback_reach")) == "Callback reach 20 records 180 200 90.00 % 180/200 ≥ 85 % OK"
    assert text(article(html, "kpi-arrival_timeliness")) == "Arrival on time 0 records 0 0 — 0/0 ≥ 90 % No data"


def test_narrowing_to_a_station_narrows_every_figure(signed_in):
    station = factories.ServiceStationFactory(code="qd-licang", name="Qingdao Licang")
    worked_month()
    snapshot(dt.date(2026, 3, 10), Dimension.STATION, str(station.pk), ratings=20, low_ratings=5, service_completed=40)

    response = signed_in.get(HOME, {**MARCH, "dimension": "station", "value": station.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dissatisfaction rate Alert 25.00 % 5 of 20" in text(article(html, "figure-dissatisfaction_rate"))
    assert "Complaint rate OK 0.00 % 0 of 40" in text(article(html, "figure-complaint_rate"))
    assert "Service station: Qingdao Licang" in html
    assert f'<option value="{station.pk}" selected>Qingdao Licang</option>' in html
    link = re.search(r'href="([^"]+)"', article(html, "figure-dissatisfaction_rate").split('class="drill"')[1])
    assert f"value={station.pk}" in link.group(1) and "dimension=station" in link.group(1)


def test_a_dimension_without_a_value_offers_its_values_and_narrows_nothing(signed_in):
    first = factories.ServiceStationFactory(code="b", name="Beta station")
    second = factories.ServiceStationFactory(code="a", name="Alpha station")
    worked_month()
    snapshot(dt.date(2026, 3, 3), Dimension.STATION, str(first.pk), ratings=1)
    snapshot(dt.date(2026, 3, 3), Dimension.STATION, str(second.pk), ratings=1)

    response = signed_in.get(HOME, {**MARCH, "dimension": "station"})

    assert response.status_code == 200
    assert response.context["value_options"] == [(str(second.pk), "Alpha station"), (str(first.pk), "Beta station")]
    assert "6 of 170" in text(article(response.content.decode(), "figure-dissatisfaction_rate"))


def test_presets_cover_the_days_they_say():
    today = dt.date(2026, 3, 15)
    assert preset_period(Preset.LAST_7_DAYS, today) == Period(dt.date(2026, 3, 9), today)
    assert preset_period(Preset.LAST_30_DAYS, today) == Period(dt.date(2026, 2, 14), today)
    assert preset_period(Preset.LAST_90_DAYS, today) == Period(dt.date(2025, 12, 16), today)
    assert preset_period(Preset.THIS_MONTH, today) == Period(dt.date(2026, 3, 1), today)
    assert preset_period(Preset.LAST_MONTH, today) == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert preset_period(Preset.LAST_MONTH, dt.date(2026, 1, 5)) == Period.month(2025, 12)


def test_the_default_is_the_last_30_days_and_today_is_provisional(signed_in):
    today = business_today()
    snapshot(today, ratings=4, low_ratings=1)
    snapshot(today - dt.timedelta(days=29), ratings=4, low_ratings=1)
    snapshot(today - dt.timedelta(days=30), ratings=100, low_ratings=100)

    response = signed_in.get(HOME)

    assert response.context["scope"].period == Period.last_days(30, today)
    html = response.content.decode()
    assert "2 of 8" in text(article(html, "figure-dissatisfaction_rate"))
    assert "figures are provisional" in html


# --- Filters: errors next to the field, never a 500 -------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"range": "custom", "start": "2026-03-31", "end": "2026-03-01"}, "end", "cannot be before the first day"),
        ({"range": "custom", "start": "2025-01-01", "end": "2026-03-01"}, "end", "at most 366 days"),
        ({"range": "custom", "start": "2026-13-01", "end": "2026-03-01"}, "start", "Enter a valid date"),
        ({"range": "custom", "end": "2026-03-01"}, "start", "Enter the first day"),
        ({"start": "2026-03-01"}, "end", "Enter the last day"),
        ({"range": "custom", "start": "9999-12-31", "end": "9999-12-31"}, "start", "up to 2999-12-31"),
        ({"range": "fortnight"}, "range", "Select a valid choice"),
        ({"dimension": "planet"}, "dimension", "Select a valid choice"),
        ({"dimension": "station", "value": "abc"}, "value", "Choose one of the listed values"),
        ({"dimension": "station", "value": "99999999999999999999"}, "value", "Choose one of the listed values"),
        ({"dimension": "batch", "value": "B2026"}, "value", "<model id>:<batch>"),
        ({"by": "all"}, "by", "Select a valid choice"),
        ({"sort": "price"}, "sort", "Select a valid choice"),
    ],
)
def test_bad_filters_are_field_errors(signed_in, params, field, message):
    response = signed_in.get(HOME, params)

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors[field]), errors
    assert message.replace("<", "&lt;").replace(">", "&gt;") in response.content.decode()
    assert response.context["scope"].period == Period.last_days(30, business_today())


def test_a_period_of_exactly_366_days_is_allowed(signed_in):
    response = signed_in.get(HOME, {"range": "custom", "start": "2024-01-01", "end": "2024-12-31"})
    assert response.status_code == 200


def test_dates_alone_are_a_custom_period(signed_in):
    response = signed_in.get(HOME, {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.context["scope"].period == Period.month(2026, 3)


# --- Breakdowns -----------------------------------------------------------------------------


def _stations(*names: str):
    return [factories.ServiceStationFactory(code=f"s{index}", name=name) for index, name in enumerate(names)]


def _breakdown_order(response) -> list[str]:
    return re.findall(r'<tr data-value="([^"]+)"', article(response.content.decode(), "breakdown"))


def test_the_breakdown_lists_every_value_with_its_rates(signed_in):
    north, south = _stations("North", "South")
    snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(north.pk), ratings=10, low_ratings=1, service_completed=7)
    snapshot(dt.date(2026, 3, 6), Dimension.STATION, str(north.pk), ratings=10, low_ratings=3, service_completed=3)
    snapshot(dt.date(2026, 3, 6), Dimension.STATION, str(south.pk), ratings=5, low_ratings=0, service_completed=2)

    response = signed_in.get(HOME, MARCH)

    html = response.content.decode()
    row = article(html, "breakdown").split(f'data-value="{north.pk}"')[1].split("</tr>")[0]
    assert text(row).startswith("> North 10")
    assert "20.00 % 4/20" in text(row)
    assert "cell-alert" in row  # 20 % dissatisfied is over 10 %
    assert _breakdown_order(response) == [str(north.pk), str(south.pk)]


def test_breakdown_sorting_is_server_side_stable_and_puts_no_data_last(signed_in):
    a, b, c, d = _stations("Delta", "alpha", "Charlie", "Bravo")
    snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(a.pk), ratings=10, low_ratings=2)  # 20 %
    snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(b.pk), ratings=10, low_ratings=1)  # 10 %
    snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(c.pk), ratings=20, low_ratings=2)  # 10 %
    snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(d.pk), service_completed=4)  # no ratings

    def order(sort: str) -> list[str]:
        response = signed_in.get(HOME, {**MARCH, "by": "station", "sort": sort})
        assert response.status_code == 200
        names = {str(s.pk): s.name for s in (a, b, c, d)}
        return [names[value] for value in _breakdown_order(response)]

    assert order("label") == ["alpha", "Bravo", "Charlie", "Delta"]
    assert order("-label") == ["Delta", "Charlie", "Bravo", "alpha"]
    assert order("dissatisfaction_rate") == ["alpha", "Charlie", "Delta", "Bravo"]
    assert order("-dissatisfaction_rate") == ["Delta", "alpha", "Charlie", "Bravo"]
    assert order("-completed") == ["Bravo", "alpha", "Charlie", "Delta"]


def test_sort_links_toggle_the_direction_and_keep_the_filters(signed_in):
    response = signed_in.get(HOME, {**MARCH, "by": "model", "sort": "dissatisfaction_rate"})

    links = {link.key: link for link in response.context["sort_links"]}
    assert links["dissatisfaction_rate"].state == "ascending"
    assert "sort=-dissatisfaction_rate" in links["dissatisfaction_rate"].url
    assert "by=model" in links["dissatisfaction_rate"].url and "start=2026-03-01" in links["label"].url
    assert links["label"].state == "none"
    assert 'aria-sort="ascending"' in response.content.decode()


def test_sort_rows_directly():
    def row(value: str, label: str, low: int, ratings: int) -> BreakdownRow:
        totals = Totals(ratings=ratings, low_ratings=low)
        return BreakdownRow(value=value, label=label, totals=totals, chosen=snapshots.thresholds())

    rows = [row("3", "b", 1, 10), row("1", "a", 1, 10), row("2", "a", 0, 0), row("4", "c", 5, 10)]
    assert [r.value for r in sort_rows(rows, "dissatisfaction_rate")] == ["1", "3", "4", "2"]
    assert [r.value for r in sort_rows(rows, "-dissatisfaction_rate")] == ["4", "1", "3", "2"]
    assert [r.value for r in sort_rows(rows, "label")] == ["1", "2", "3", "4"]
    with pytest.raises(ValueError, match="cannot sort"):
        sort_rows(rows, "price")


def test_a_breakdown_by_the_narrowed_dimension_highlights_its_row(signed_in):
    north, south = _stations("North", "South")
    for station in (north, south):
        snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(station.pk), ratings=2)

    response = signed_in.get(HOME, {**MARCH, "dimension": "station", "value": south.pk})

    assert response.context["by"] == "station"
    assert f'<tr data-value="{south.pk}" class="highlight">' in response.content.decode()
    other = signed_in.get(HOME, {**MARCH, "dimension": "station", "value": south.pk, "by": "model"})
    assert "Breakdowns always cover the whole organisation" in other.content.decode()


def test_batch_and_region_labels(signed_in):
    model = factories.ProductModelFactory(code="XQG70")
    snapshot(dt.date(2026, 3, 5), Dimension.BATCH, f"{model.pk}:B2026-01", ratings=2)
    snapshot(dt.date(2026, 3, 5), Dimension.REGION, "Qingdao", ratings=2)

    by_batch = signed_in.get(HOME, {**MARCH, "by": "batch"})
    by_region = signed_in.get(HOME, {**MARCH, "by": "region"})

    assert [row.label for row in by_batch.context["breakdown_page"].object_list] == ["XQG70 · B2026-01"]
    assert [row.label for row in by_region.context["breakdown_page"].object_list] == ["Qingdao"]


def test_the_dashboard_query_count_does_not_grow_with_the_breakdown(client, manager, django_assert_num_queries):
    stations = _stations(*(f"Station {n}" for n in range(40)))
    worked_month()
    open_alert(dimension=Dimension.ALL)
    for station in stations[:2]:
        snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(station.pk), ratings=3, low_ratings=1)
    client.force_login(manager)
    params = {**MARCH, "dimension": "station", "value": stations[0].pk}
    client.get(HOME, params)  # the session is warm
    caches["fragments"].clear()

    # thresholds, the snapshots' generation, totals, daily trend, breakdown sums, breakdown names,
    # filter values, their names, open alerts, the slice's label, the years the national calendar
    # holds; the session from the cache, the user and roles from the memo.
    with django_assert_num_queries(11):
        assert client.get(HOME, params).status_code == 200
    for station in stations[2:]:
        snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(station.pk), ratings=3, low_ratings=1)
    with django_assert_num_queries(11):
        response = client.get(HOME, params)
    assert len(response.context["breakdown_page"].object_list) == 40


def test_the_figures_are_served_from_the_cache_until_the_snapshots_change(client, manager, django_assert_num_queries):
    worked_month()
    client.force_login(manager)
    first = client.get(HOME, MARCH).content.decode()

    # thresholds, the snapshots' generation, open alerts, the calendar's years; the session from
    # the cache, the user and roles from the memo.
    with django_assert_num_queries(4):
        again = client.get(HOME, MARCH).content.decode()
    assert text(article(again, "figure-dissatisfaction_rate")) == text(article(first, "figure-dissatisfaction_rate"))
    assert "6 of 170" in text(article(again, "figure-dissatisfaction_rate"))

    # The nightly run replaces the days with new figures: the page shows them at once.
    snapshots.refresh(Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), now=COMPUTED)
    snapshot(dt.date(2026, 3, 10), ratings=10, low_ratings=4)
    after = client.get(HOME, MARCH).content.decode()
    assert "4 of 10" in text(article(after, "figure-dissatisfaction_rate"))


def test_a_snapshot_run_renders_the_common_views_before_anyone_asks(client, manager, django_assert_num_queries):
    today = business_today()
    snapshot(today - dt.timedelta(days=3), ratings=10, low_ratings=2)
    client.force_login(manager)

    assert rendering.prerender_figures() == 2 * (1 + 2 * len(BREAKDOWN_DIMENSIONS))

    # user, roles, thresholds, the snapshots' generation, open alerts, the calendar's
    # years: no figure is worked out.
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(6):
        opened = client.get(HOME)
    # the same, the user and roles now from the memo
    with django_assert_num_queries(4):
        tab = client.get(HOME, {"range": "90d", "by": "batch"})
    with django_assert_num_queries(4):
        chinese = client.get(HOME, headers={"accept-language": "zh-hans"})
    assert "2 of 10" in text(article(opened.content.decode(), "figure-dissatisfaction_rate"))
    assert re.search(r'by=batch[^"]*" class="active" aria-current="page"', tab.content.decode())
    assert "不满意率" in chinese.content.decode()


def test_a_run_that_only_removes_days_changes_the_figures():
    worked_month()
    before = snapshots.generation()
    RateSnapshot.objects.filter(day=dt.date(2026, 3, 20)).delete()

    assert snapshots.generation() != before


def test_a_new_threshold_a_new_day_and_another_language_are_not_served_stale(signed_in, manager):
    worked_month()
    assert (
        'class="card figure figure-ok" id="figure-dissatisfaction_rate"' in signed_in.get(HOME, MARCH).content.decode()
    )

    snapshots.set_threshold("dissatisfaction_rate", Decimal("0.02"), by=manager)
    page = signed_in.get(HOME, MARCH).content.decode()
    assert 'class="card figure figure-alert" id="figure-dissatisfaction_rate"' in page

    chinese = signed_in.get(HOME, MARCH, headers={"accept-language": "zh-hans"}).content.decode()
    assert "不满意率" in chinese and "Dissatisfaction rate" not in chinese


def test_a_breakdown_picked_on_purpose_is_kept_by_the_filters_also_from_the_cache(signed_in):
    worked_month()
    hidden = '<input type="hidden" name="by" value="station">'
    assert hidden not in signed_in.get(HOME, MARCH).content.decode()

    assert hidden in signed_in.get(HOME, {**MARCH, "by": "station"}).content.decode()
    assert hidden not in signed_in.get(HOME, MARCH).content.decode()


def test_bad_filters_are_never_cached(signed_in):
    worked_month()
    signed_in.get(HOME, {**MARCH, "end": "2026-02-01"})

    assert signed_in.get(HOME, {**MARCH, "end": "2026-02-01"}).status_code == 400
    assert caches["fragments"]._cache == {}


# --- Drill-down -----------------------------------------------------------------------------


def rated(score: int, when: dt.datetime, **ticket_fields) -> Ticket:
    ticket = factories.TicketFactory(**ticket_fields)
    rating = SatisfactionRating.objects.create(ticket=ticket, source=RatingSource.CALLBACK, score=score)
    SatisfactionRating.objects.filter(pk=rating.pk).update(created_at=when)
    return ticket


def test_the_drilldown_lists_the_tickets_behind_a_figure(signed_in):
    station = factories.ServiceStationFactory(code="qd", name="Qingdao station")
    when = dt.datetime(2026, 3, 12, 10, tzinfo=SHANGHAI)
    low = [rated(1, when, station=station), rated(2, when + dt.timedelta(hours=1))]
    rated(5, when)
    rated(1, dt.datetime(2026, 4, 1, 0, 30, tzinfo=SHANGHAI))  # April in Shanghai

    response = signed_in.get(reverse("dashboard:tickets", args=["dissatisfied"]), MARCH)

    assert response.status_code == 200
    html = response.content.decode()
    listed = re.findall(r'class="ref">([^<]+)<', html)
    assert sorted(listed) == sorted(ticket.reference for ticket in low)
    assert f'href="/desk/tickets/{low[0].reference}/"' in html
    assert "Qingdao station" in html and "Dissatisfied customers" in html
    assert "Tickets 1 to 2" in html and "next page" not in html


def test_the_drilldown_follows_the_dimension_filter(signed_in):
    north, south = _stations("North", "South")
    when = dt.datetime(2026, 3, 12, 10, tzinfo=SHANGHAI)
    kept = rated(1, when, station=north)
    rated(1, when, station=south)

    response = signed_in.get(
        reverse("dashboard:tickets", args=["dissatisfied"]), {**MARCH, "dimension": "station", "value": north.pk}
    )

    assert re.findall(r'class="ref">([^<]+)<', response.content.decode()) == [kept.reference]


def test_an_unknown_drilldown_is_404(signed_in):
    assert signed_in.get("/dashboard/tickets/everything/").status_code == 404


def test_the_drilldown_query_count_does_not_grow_with_the_page_size(client, manager, django_assert_num_queries):
    when = dt.datetime(2026, 3, 12, 10, tzinfo=SHANGHAI)
    station = factories.ServiceStationFactory(code="qd", name="Qingdao station")
    for _n in range(50):
        rated(1, when, station=station)
    client.force_login(manager)
    url = reverse("dashboard:tickets", args=["dissatisfied"])
    client.get(url, MARCH)

    # the rated tickets' ids, page ids, page rows, the list's count, thresholds, totals, last
    # computed, filter values (none: no dimension); the session from the cache, the user and roles
    # from the memo.
    with django_assert_num_queries(7):
        small = client.get(url, {**MARCH, "page_size": 25})
    with django_assert_num_queries(7):
        large = client.get(url, {**MARCH, "page_size": 50})
    assert (len(small.context["page"].object_list), len(large.context["page"].object_list)) == (25, 50)
    assert (small.context["page"].has_next(), large.context["page"].has_next()) == (True, False)


def test_the_drilldown_pages_forward_and_back_without_a_count(signed_in):
    when = dt.datetime(2026, 3, 12, 10, tzinfo=SHANGHAI)
    tickets = [rated(1, when + dt.timedelta(minutes=n)) for n in range(30)]
    url = reverse("dashboard:tickets", args=["dissatisfied"])

    first = signed_in.get(url, {**MARCH, "page_size": 25}).content.decode()
    second = signed_in.get(url, {**MARCH, "page_size": 25, "page": 2}).content.decode()
    beyond = signed_in.get(url, {**MARCH, "page_size": 25, "page": "nine"}).content.decode()

    newest_first = [ticket.reference for ticket in sorted(tickets, key=lambda t: (t.created_at, t.pk), reverse=True)]
    assert re.findall(r'class="ref">([^<]+)<', first) == newest_first[:25]
    assert re.findall(r'class="ref">([^<]+)<', second) == newest_first[25:]
    assert "Tickets 1 to 25 · more on the next page" in text(first) and "page=2" in first
    assert "Tickets 26 to 30" in text(second) and "Page 2" in text(second) and "page=1" in second
    assert re.findall(r'class="ref">([^<]+)<', beyond) == newest_first[:25]


# --- Exports --------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def test_the_rates_summary_exports_as_csv_and_xlsx(signed_in):
    worked_month()

    as_csv = signed_in.get("/dashboard/export/rates.csv", MARCH)
    as_xlsx = signed_in.get("/dashboard/export/rates.xlsx", MARCH)

    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    assert as_csv["Content-Disposition"] == 'attachment; filename="rates_2026-03-01_2026-03-31.csv"'
    rows = read_csv(as_csv)
    assert rows[0] == [
        "Rate",
        "Key",
        "Scope",
        "Numerator",
        "Denominator",
        "Value (%)",
        "Threshold (%)",
        "Direction",
        "Status",
    ]
    by_key = {row[1]: row for row in rows[1:]}
    assert len(by_key) == 15
    assert by_key["dissatisfaction_rate"] == [
        "Dissatisfaction rate",
        "dissatisfaction_rate",
        "Whole organisation",
        "6",
        "170",
        "3.53",
        "10.00",
        "lower is better",
        "ok",
    ]
    assert by_key["arrival_timeliness"][3:7] == ["0", "0", "", "90.00"]

    assert as_xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert as_xlsx["Content-Disposition"] == 'attachment; filename="rates_2026-03-01_2026-03-31.xlsx"'
    sheet = read_xlsx(as_xlsx)
    row = next(row for row in sheet if row[1] == "dissatisfaction_rate")
    assert row[3:7] == (6, 170, 3.53, 10)
    assert isinstance(row[3], int) and isinstance(row[5], float)


def test_the_breakdown_exports_every_row_in_the_page_order(signed_in):
    stations = _stations(*(f"Station {n:02d}" for n in range(60)))
    for index, station in enumerate(stations):
        snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(station.pk), ratings=100, low_ratings=index)

    response = signed_in.get(
        "/dashboard/export/breakdown.csv", {**MARCH, "by": "station", "sort": "-dissatisfaction_rate"}
    )

    assert response["Content-Disposition"] == 'attachment; filename="breakdown-station_2026-03-01_2026-03-31.csv"'
    rows = read_csv(response)
    assert rows[0][:6] == [
        "Service station",
        "Key",
        "Service tickets completed",
        "Complaint rate: numerator",
        "Complaint rate: denominator",
        "Complaint rate (%)",
    ]
    assert len(rows) == 61
    assert rows[1][0] == "Station 59" and rows[-1][0] == "Station 00"
    dissatisfaction = rows[0].index("Dissatisfaction rate (%)")
    assert rows[1][dissatisfaction - 2 : dissatisfaction + 1] == ["59", "100", "59.00"]
    sheet = read_xlsx(signed_in.get("/dashboard/export/breakdown.xlsx", {**MARCH, "by": "station"}))
    assert len(sheet) == 61 and sheet[1][0] == "Station 00" and sheet[1][dissatisfaction] == 0


def test_exports_escape_formulas(signed_in):
    when = dt.datetime(2026, 3, 12, 10, tzinfo=SHANGHAI)
    customer = factories.CustomerFactory(name='=HYPERLINK("http://evil.example","x")', region="+Qingdao")
    ticket = rated(1, when, customer=customer)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=dt.datetime(2026, 3, 11, 9, 30, tzinfo=SHANGHAI))
    evil_station = factories.ServiceStationFactory(code="evil", name="@SUM(A1:A2)")
    snapshot(dt.date(2026, 3, 5), Dimension.STATION, str(evil_station.pk), ratings=1)

    rows = read_csv(signed_in.get("/dashboard/tickets/dissatisfied/export.csv", MARCH))
    assert rows[1][:5] == [
        ticket.reference,
        "Repair",
        "New",
        '\'=HYPERLINK("http://evil.example","x")',
        "'+Qingdao",
    ]
    assert rows[1][5] == "2026-03-11 09:30"
    breakdown = read_csv(signed_in.get("/dashboard/export/breakdown.csv", {**MARCH, "by": "station"}))
    assert breakdown[1][0] == "'@SUM(A1:A2)"

    workbook = load_workbook(io.BytesIO(signed_in.get("/dashboard/tickets/dissatisfied/export.xlsx", MARCH).content))
    cell = workbook.active["D2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil.example","x")', "s")
    assert workbook.active["F2"].value == dt.datetime(2026, 3, 11, 9, 30)


def test_bad_exports(signed_in):
    assert signed_in.get("/dashboard/export/rates.pdf").status_code == 404
    assert signed_in.get("/dashboard/export/everything.csv").status_code == 404
    assert signed_in.get("/dashboard/tickets/everything/export.csv").status_code == 404
    response = signed_in.get(
        "/dashboard/export/rates.csv", {"range": "custom", "start": "2026-03-31", "end": "2026-03-01"}
    )
    assert response.status_code == 400
    assert "cannot be before the first day" in response.content.decode()


def test_the_page_links_its_exports_with_its_filters(signed_in):
    response = signed_in.get(HOME, {**MARCH, "by": "model"})
    exports = response.context["exports"]
    assert exports["rates"]["csv"] == "/dashboard/export/rates.csv?range=custom&start=2026-03-01&end=2026-03-31"
    assert exports["breakdown"]["xlsx"].startswith("/dashboard/export/breakdown.xlsx?")
    assert "by=model" in exports["breakdown"]["xlsx"]


# --- Thresholds -----------------------------------------------------------------------------


def test_the_thresholds_page_shows_every_kpi_with_its_default(signed_in):
    response = signed_in.get("/dashboard/thresholds/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="dissatisfaction_rate" value="10"' in html
    assert 'name="first_time_fix_rate" value="80"' in html
    assert "Alert above this. Default 10 %." in html and "Alert below this. Default 80 %." in html


def test_a_manager_changes_a_threshold(signed_in, manager):
    form = signed_in.get("/dashboard/thresholds/").context["form"]
    data = {name: str(form[name].value()) for name in form.fields}
    data["dissatisfaction_rate"] = "5.5"

    response = signed_in.post("/dashboard/thresholds/", data)

    assert response.status_code == 302 and response["Location"] == "/dashboard/thresholds/"
    assert list(KpiThreshold.objects.values_list("kpi", "threshold", "updated_by")) == [
        ("dissatisfaction_rate", Decimal("0.0550"), manager.pk)
    ]
    page = signed_in.get("/dashboard/thresholds/").content.decode()
    assert 'name="dissatisfaction_rate" value="5.5"' in page
    assert "Thresholds saved: 1 changed." in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("150", "between 0 % and 100 %"),
        ("-1", "between 0 % and 100 %"),
        ("", "between 0 % and 100 %"),
        ("abc", "Enter a number"),
        ("5.555", "at most 2 decimal places"),
    ],
)
def test_a_bad_threshold_is_a_field_error_and_saves_nothing(signed_in, value, message):
    form = signed_in.get("/dashboard/thresholds/").context["form"]
    data = {name: str(form[name].value()) for name in form.fields}
    data["complaint_rate"] = "4"
    data["dissatisfaction_rate"] = value

    response = signed_in.post("/dashboard/thresholds/", data)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["dissatisfaction_rate"])
    assert 'id="id_dissatisfaction_rate-error"' in response.content.decode()
    assert not KpiThreshold.objects.exists()


# --- Alerts ---------------------------------------------------------------------------------


def open_alert(**fields) -> QualityAlert:
    defaults = {
        "kind": AlertKind.RATE,
        "kpi": "dissatisfaction_rate",
        "dimension": Dimension.ALL,
        "value": "",
        "numerator": 12,
        "denominator": 80,
        "rate": Decimal("0.15"),
        "threshold": Decimal("0.10"),
        "window_start": dt.date(2026, 3, 1),
        "window_end": dt.date(2026, 3, 30),
    }
    return QualityAlert.objects.create(**(defaults | fields))


def test_open_alerts_show_as_a_banner(signed_in):
    station = factories.ServiceStationFactory(code="qd", name="Qingdao")
    model = factories.ProductModelFactory(code="XQG70")
    open_alert()
    open_alert(dimension=Dimension.STATION, value=str(station.pk), label="Qingdao", kpi="complaint_rate")
    open_alert(
        kind=AlertKind.BATCH,
        kpi="",
        dimension=Dimension.BATCH,
        value=f"{model.pk}:B7",
        label="XQG70",
        model=model,
        batch="B7",
        numerator=9,
        denominator=100,
        rate=Decimal("0.09"),
        threshold=Decimal("0.01"),
    )
    open_alert(kpi="omission_rate", cleared_at=timezone.now())

    html = signed_in.get(HOME).content.decode()

    banner = text(html.split('class="alert-list"')[1].split("</ul>")[0])
    assert "3 open alerts" in text(article(html, "alerts-heading"))
    assert "Dissatisfaction rate · whole organisation: 15.00 % (12 of 80) over the 10 % threshold" in banner
    assert "Complaint rate · Service station: Qingdao: 15.00 % (12 of 80) over the 10 % threshold" in banner
    assert "XQG70, batch B7: 9.00 % (9 repairs for 100 units) against 1 % for the rest of the model" in banner
    assert "Omission rate" not in banner
    assert f'href="{reverse("recalls:list")}"' in html
    assert (
        f'href="/dashboard/?range=custom&amp;start=2026-03-01&amp;end=2026-03-30&amp;dimension=station&amp;value={station.pk}"'
        in html
    )


def test_the_alerts_page_lists_open_and_recently_cleared_alerts(signed_in):
    open_alert()
    open_alert(kpi="omission_rate", cleared_at=timezone.now() - dt.timedelta(days=3))
    open_alert(kpi="complaint_rate", cleared_at=timezone.now() - dt.timedelta(days=40))

    response = signed_in.get("/dashboard/alerts/")

    html = response.content.decode()
    assert "Dissatisfaction rate" in text(article(html, "open-alerts"))
    cleared = text(article(html, "cleared-alerts"))
    assert "Omission rate" in cleared and "Complaint rate" not in cleared


# --- Recompute now --------------------------------------------------------------------------


def test_recompute_now_queues_the_snapshot_job(signed_in, monkeypatch):
    from quality import tasks

    queued = []
    monkeypatch.setattr(tasks.quality_snapshot_task, "delay", lambda days: queued.append(days))

    response = signed_in.post("/dashboard/recompute/", {"next": "/dashboard/?range=7d"})

    assert response.status_code == 302 and response["Location"] == "/dashboard/?range=7d"
    assert queued == [2]
    assert signed_in.post("/dashboard/recompute/", {"next": "https://evil.example/"})["Location"] == "/dashboard/"
    assert signed_in.get("/dashboard/recompute/").status_code == 405


def test_recompute_now_computes_today_with_an_eager_worker(signed_in):
    ticket = factories.TicketFactory()
    SatisfactionRating.objects.create(ticket=ticket, source=RatingSource.PORTAL, score=1)

    signed_in.post("/dashboard/recompute/")

    row = RateSnapshot.objects.get(dimension=Dimension.ALL, day=business_today())
    assert (row.ratings, row.low_ratings) == (1, 1)


def test_a_broker_that_is_down_is_a_message_not_a_500(signed_in, monkeypatch):
    from quality import tasks

    def down(days):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.quality_snapshot_task, "delay", down)
    response = signed_in.post("/dashboard/recompute/", follow=True)
    assert "could not be recomputed now" in response.content.decode()


# --- Who may see it -------------------------------------------------------------------------

PAGES = [
    ("get", "/dashboard/"),
    ("get", "/dashboard/tickets/dissatisfied/"),
    ("get", "/dashboard/tickets/dissatisfied/export.csv"),
    ("get", "/dashboard/export/rates.xlsx"),
    ("get", "/dashboard/thresholds/"),
    ("post", "/dashboard/thresholds/"),
    ("get", "/dashboard/alerts/"),
    ("post", "/dashboard/recompute/"),
]


@pytest.mark.parametrize(("method", "url"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/desk/login/?next=")


@pytest.mark.parametrize("role", ["agent", "technician", "department_user"])
@pytest.mark.parametrize(("method", "url"), PAGES)
def test_only_managers_and_admins_may_open_the_dashboard(client, request, role, method, url):
    client.force_login(request.getfixturevalue(role))

    response = getattr(client, method)(url, {"dissatisfaction_rate": "1"} if method == "post" else None)

    assert response.status_code == 403
    assert not KpiThreshold.objects.exists()
    assert not RateSnapshot.objects.exists()


def test_an_administrator_may_open_the_dashboard(client):
    admin = factories.UserFactory(username="admin1", roles=["admin"])
    client.force_login(admin)
    assert client.get(HOME).status_code == 200
