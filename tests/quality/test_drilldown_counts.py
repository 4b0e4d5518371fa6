"""Every figure of the dashboard links to the records behind it, and the list holds exactly as
many records as the figure counts: a month of mixed work, its snapshots computed, then every
rate's and no-leak's figure compared with its drill-down's count and rows, for the whole
organisation and for one station, through the functions and through the pages."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from followups.choices import CallbackKind, CallbackResult, RatingSource
from followups.models import CallbackAttempt, CallbackVisit, SatisfactionRating
from quality import snapshots
from quality.dashboard import drilldowns
from quality.dashboard import figures as dashboard
from quality.dashboard.slices import Slice
from quality.metrics import Dimensions, Period
from quality.metrics.satisfaction import unrated_complaint_q
from tests import factories
from tickets.choices import FaultGroup, Kind
from tickets.choices import Status as TicketStatus
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Period.month(2026, 3)
MARCH_PARAMS = {"range": "custom", "start": "2026-03-01", "end": "2026-03-31"}
NOW = dt.datetime(2026, 4, 20, 9, 0, tzinfo=SHANGHAI)  # every obligation of March is due
H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=SHANGHAI)


def ticket(*, created_at: dt.datetime, **fields) -> Ticket:
    row = factories.TicketFactory(**fields)
    Ticket.objects.filter(pk=row.pk).update(created_at=created_at)
    row.refresh_from_db()
    return row


def repair(day: int, station, *, hours: int = 10, **fields) -> Ticket:
    """A repair resolved on ``day``, on time everywhere unless ``fields`` say otherwise."""
    created = at(day, 8)
    resolved = created + hours * H
    values = {
        "status": TicketStatus.RESOLVED,
        "station": station,
        "work_done": "Replaced the pump.",
        "visits": 1,
        "contacted_at": created,
        "response_due": created + 2 * H,
        "acknowledged_at": created + H,
        "dispatch_due": created + 4 * H,
        "dispatched_at": created + 2 * H,
        "arrival_due": created + 8 * H,
        "started_at": created + 3 * H,
        "completion_due": created + 24 * H,
        "resolved_at": resolved,
    }
    values.update(fields)
    return ticket(created_at=created, **values)


def callback(on: Ticket, result: str) -> None:
    visit = CallbackVisit.objects.create(
        kind=CallbackKind.AFTER_SERVICE,
        customer=on.customer,
        ticket=on,
        due_at=on.resolved_at + DAY,
        dedupe_key=f"test:{on.pk}:{CallbackVisit.objects.count()}",
    )
    CallbackAttempt.objects.create(visit=visit, result=result, at=on.resolved_at + 5 * H)


def rating(on: Ticket, score: int, day: int, *, raised_complaint: bool = False) -> None:
    row = SatisfactionRating.objects.create(
        ticket=on, source=RatingSource.CALLBACK, score=score, raised_complaint=raised_complaint
    )
    SatisfactionRating.objects.filter(pk=row.pk).update(created_at=at(day, 15))


def complaint(day: int, about: Ticket, category, station, *, closed_after: dt.timedelta | None = None, **fields):
    created = at(day, 11)
    values = {"kind": Kind.COMPLAINT, "complaint_about": about, "fault_category": category, "station": station}
    if closed_after is not None:
        values |= {"status": TicketStatus.CLOSED, "closed_at": created + closed_after}
    values.update(fields)
    return ticket(created_at=created, **values)


@pytest.fixture
def month():
    """March 2026 at two stations: every figure has records behind it, and a test ticket with
    every fault that no figure may count."""
    north = factories.ServiceStationFactory(code="north", name="North")
    south = factories.ServiceStationFactory(code="south", name="South")
    delay = factories.FaultCategoryFactory(code="delay", group=FaultGroup.SERVICE)
    attitude = factories.FaultCategoryFactory(code="attitude", group=FaultGroup.SERVICE)
    leak = factories.FaultCategoryFactory(code="leak", group=FaultGroup.PRODUCT)
    quality = factories.FaultCodeFactory(code="qf-pump")

    good = [repair(day, north if day % 2 else south) for day in range(2, 12)]
    for row in good:
        callback(row, CallbackResult.REACHED)
        rating(row, 5, row.resolved_at.day + 1)
    # A callback attempted, not reached; one never attempted (no-leak 3).
    unreached = repair(12, north)
    callback(unreached, CallbackResult.NO_ANSWER)
    uncalled = repair(13, south)
    # Recorded 3 hours after the call (no-leak 1); contacted late as well.
    unrecorded = repair(14, north, contacted_at=at(14, 5), response_due=at(14, 8))
    callback(unrecorded, CallbackResult.REACHED)
    # Dispatched and completed late, technician late (no-leak 2).
    late = repair(
        15, south, hours=30, dispatched_at=at(15, 8) + 6 * H, started_at=at(15, 8) + 9 * H, completion_due=at(15, 20)
    )
    callback(late, CallbackResult.REACHED)
    # A quality fault with no feedback item (no-leak 4), fixed at the second visit.
    unfed = repair(16, north, fault_code=quality.code, visits=2)
    callback(unfed, CallbackResult.REACHED)
    # Reopened once: not fixed first time.
    reopened = repair(17, south, reopened_count=1)
    callback(reopened, CallbackResult.REACHED)

    # Dissatisfied responses: two on one ticket, a 3 with a complaint, a 2; and ratings of 3.
    rating(late, 1, 17)
    rating(late, 2, 18)
    rating(unfed, 3, 20, raised_complaint=True)
    rating(reopened, 2, 19)
    rating(unrecorded, 3, 16)
    rating(uncalled, 4, 16)

    # Complaints: two of one class about one ticket count once; another class counts too.
    complaint(18, late, delay, south, closed_after=2 * DAY)
    complaint(19, late, delay, south, closed_after=DAY)
    complaint(20, late, attitude, south)  # never closed
    complaint(21, reopened, attitude, south, closed_after=9 * DAY)  # closed late
    complaint(22, unfed, leak, north, closed_after=DAY)  # product quality: beside the rate

    # A test ticket with every fault: in no figure and no list.
    test = repair(
        20, north, is_test=True, contacted_at=at(20, 1), dispatched_at=None, visits=3, fault_code=quality.code
    )
    rating(test, 1, 21)
    complaint(22, test, delay, north, is_test=True)

    snapshots.refresh(Period(dt.date(2026, 1, 1), dt.date(2026, 4, 19)), now=NOW)
    return {"north": north, "south": south}


def test_every_figure_has_a_drilldown():
    every = set(dashboard.HEADLINE_KPIS) | set(dashboard.NO_LEAK_KPIS) | set(dashboard.SERVICE_KPIS)
    assert every == set(dashboard.DRILLDOWN_OF)
    assert set(dashboard.BREAKDOWN_KPIS) <= set(dashboard.DRILLDOWN_OF)


# The records each list holds in the month, worked out from the scenario by hand.
EXPECTED = {
    "complaint_rate": 3,  # delay (once) and attitude about the late repair; attitude about the reopened one
    "omission_rate": 4,  # unrecorded, late, uncalled, unfed
    "omission_unrecorded": 1,
    "omission_late": 1,
    "omission_no_callback": 1,
    "omission_no_feedback": 1,
    "dissatisfaction_rate": 4,  # 1 and 2 on the late repair, the 3 with a complaint, the 2
    "first_time_fix_rate": 2,  # the second visit, the reopened one
    "contact_timeliness": 1,
    "arrival_timeliness": 1,
    "completion_timeliness": 1,
    "callback_coverage": 1,
    "callback_reach": 2,
    "complaints_closed_within_7_days": 2,  # never closed, closed after 9 days
    "satisfaction_top2": 5,  # 1, 2, 3 with a complaint, 2, 3: below 4 of 5
}


def test_each_drilldown_holds_exactly_the_records_its_figure_counts(month):
    overview = dashboard.overview(Slice(MARCH), snapshots.thresholds())

    found = {}
    for key, kind in dashboard.DRILLDOWN_OF.items():
        figure = overview.figures[key]
        count = drilldowns.drilldown_count(kind, MARCH, now=NOW)
        listed = list(drilldowns.drilldown(kind, MARCH, now=NOW))
        assert figure.records == count, key
        if not drilldowns.BY_KIND[kind].counts_ratings:
            assert len(listed) == count, key
        assert not any(row.is_test for row in listed), key
        found[key] = count
    assert found == EXPECTED
    # Ratings are counted in responses: the late repair's two bad ratings are two, listed once.
    late_listed = list(drilldowns.drilldown("dissatisfied", MARCH, now=NOW))
    assert len(late_listed) == 3 and overview.figures["dissatisfaction_rate"].rate.numerator == 4


def test_a_station_s_drilldowns_match_its_figures(month):
    south = month["south"]
    scope = Slice(MARCH, "station", str(south.pk))
    overview = dashboard.overview(scope, snapshots.thresholds())

    for key, kind in dashboard.DRILLDOWN_OF.items():
        count = drilldowns.drilldown_count(kind, MARCH, Dimensions(station=south.pk), now=NOW)
        assert overview.figures[key].records == count, key
    assert overview.figures["omission_late"].records == 1
    assert overview.figures["omission_no_feedback"].records == 0


def test_every_link_opens_a_list_whose_count_equals_the_figure(client, manager, month, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client.force_login(manager)
    html = client.get(reverse("dashboard:home"), MARCH_PARAMS).content.decode()

    links = dict(re.findall(r'href="/dashboard/tickets/(\w+)/\?([^"#]*)"', html))
    assert set(links) == set(drilldowns.BY_KIND)
    for kind, query in links.items():
        query = query.replace("&amp;", "&")
        assert "start=2026-03-01" in query and "end=2026-03-31" in query
        response = client.get(f"/dashboard/tickets/{kind}/?{query}")
        figure = response.context["figure"]
        assert response.context["count"] == figure.records, kind
        assert response.context["figure_differs"] is False
        shown = re.search(r'id="drilldown-count">(\d+) ', response.content.decode()).group(1)
        assert int(shown) == figure.records, kind
        assert figure.key == drilldowns.BY_KIND[kind].figure


def test_breakdown_cells_link_to_the_row_s_records(client, manager, month, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    client.force_login(manager)
    south = month["south"]
    response = client.get(reverse("dashboard:home"), {**MARCH_PARAMS, "by": "station"})

    line = next(line for line in response.context["breakdown_rows"] if line["row"].value == str(south.pk))
    for key, cell in zip(dashboard.BREAKDOWN_KPIS, line["cells"], strict=True):
        assert "dimension=station" in cell.url and f"value={south.pk}" in cell.url
        opened = client.get(cell.url)
        assert opened.context["count"] == opened.context["figure"].records, key
        rate = line["row"].rates[key]
        complement = drilldowns.OF_FIGURE[key].complement
        assert opened.context["count"] == (rate.denominator - rate.numerator if complement else rate.numerator)


def test_a_list_newer_than_its_figure_says_so(client, manager, month, monkeypatch):
    """A ticket recorded late after the snapshots were computed: the live list has one more."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    repair(25, month["north"], contacted_at=at(25, 1))
    client.force_login(manager)

    response = client.get(reverse("dashboard:tickets", args=["unrecorded"]), MARCH_PARAMS)

    assert (response.context["count"], response.context["figure"].records) == (2, 1)
    assert "counts 1; the list is live" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_unrated_complaints_are_read_from_their_own_index():
    """Among every call ever made, the few complaints without a rating are found by the partial
    index ``callback_unrated_complaint``, not by reading every call."""
    march = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    calls = CallbackVisit.objects.filter(unrated_complaint_q(), march.q("completed_at"))
    with transaction.atomic(), connection.cursor() as cursor:
        # A tiny test table is cheaper to scan: ask whether the index can be used at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = calls.explain()
    assert "callback_unrated_complaint" in plan, plan
