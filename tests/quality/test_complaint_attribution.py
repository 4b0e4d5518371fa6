"""A complaint counts against the ticket it is about: once per original ticket and class, under
that original ticket's station, model, batch, category, region and agent, in every slice and
breakdown — the metrics, the drill-down, the daily snapshots and GET /api/metrics/.

The expected figures are worked out by hand from the formula (docs/kpis.md):

    complaint rate = distinct (original ticket, class) service complaints made in the period
                     ÷ repair, installation and maintenance tickets resolved in the period

leaving out test tickets, merged duplicates and tickets cancelled before dispatch.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache.backends.locmem import LocMemCache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from aftersales.api.token_store import token_issue
from quality import metrics, snapshots
from quality.metrics import Dimensions, Period
from quality.rates import ComplaintCounts
from tests import factories
from tickets.choices import FaultGroup, Kind, Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = Period.month(2026, 3)
DAY = dt.timedelta(days=1)


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def ticket(*, created_at: dt.datetime, **fields) -> Ticket:
    row = factories.TicketFactory(**fields)
    Ticket.objects.filter(pk=row.pk).update(created_at=created_at)
    row.refresh_from_db()
    return row


@pytest.fixture(autouse=True)
def throttle_counts_per_test(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache("complaint-attribution-tests", {}))
    SimpleRateThrottle.cache.clear()


class Month:
    """March's work at two stations, and the complaints made about it."""

    def __init__(self) -> None:
        self.north = factories.ServiceStationFactory(code="north", name="North")
        self.south = factories.ServiceStationFactory(code="south", name="South")
        self.north_agent = factories.UserFactory(username="north-agent")
        self.south_agent = factories.UserFactory(username="south-agent")
        self.desk_agent = factories.UserFactory(username="desk-agent")
        self.washer = factories.ProductModelFactory(code="XQG70")
        fridges = factories.ProductCategoryFactory(code="fridge", name="Fridge", name_zh="冰箱")
        self.fridge = factories.ProductModelFactory(code="BCD-200", category=fridges)
        classes = {
            code: factories.FaultCategoryFactory(code=code, group=FaultGroup.SERVICE)
            for code in ("attitude", "delay", "no_show", "overcharging", "workmanship")
        }
        leaking = factories.FaultCategoryFactory(code="leaking", group=FaultGroup.PRODUCT)

        def work(station, agent, model, batch, region, kind, resolved_at) -> Ticket:
            customer = factories.CustomerFactory(region=region)
            unit = factories.ProductUnitFactory(owner=customer, model=model, batch=batch)
            return ticket(
                created_at=resolved_at - 2 * DAY,
                resolved_at=resolved_at,
                status=Status.RESOLVED,
                kind=kind,
                customer=customer,
                unit=unit,
                station=station,
                created_by=agent,
            )

        north = (self.north, self.north_agent, self.washer, "B1", "Qingdao")
        south = (self.south, self.south_agent, self.fridge, "B2", "Jinan")
        n1 = work(*north, Kind.REPAIR, at(3, 3))
        n2 = work(*north, Kind.INSTALLATION, at(3, 10))
        n3 = work(*north, Kind.MAINTENANCE, at(3, 20))
        n4 = work(*north, Kind.REPAIR, at(3, 31, 23, 30))  # 15:30 UTC on 31 March: still March
        s1 = work(*south, Kind.REPAIR, at(3, 5))
        s2 = work(*south, Kind.REPAIR, at(3, 6))
        s_february = work(*south, Kind.REPAIR, at(2, 20))

        def complaint(about: Ticket | None, category, when: dt.datetime, **fields) -> Ticket:
            # Logged at the desk by another agent, with no station and no product of its own.
            fields.setdefault("customer", about.customer if about else factories.CustomerFactory(region="Weifang"))
            fields.setdefault("station", None)
            return ticket(
                created_at=when,
                kind=Kind.COMPLAINT,
                complaint_about=about,
                fault_category=category,
                unit=None,
                created_by=self.desk_agent,
                **fields,
            )

        self.north_complaints = [
            complaint(n1, classes["delay"], at(3, 4)),
            complaint(n1, classes["attitude"], at(3, 6)),
        ]
        complaint(n1, classes["delay"], at(3, 5))  # the same customer again about the same thing
        complaint(n2, leaking, at(3, 11))  # product quality: beside the rate
        complaint(n3, None, at(3, 21))  # not classed yet: in neither count
        complaint(n4, classes["delay"], at(3, 31, 23, 40), is_test=True)
        complaint(s2, classes["overcharging"], at(3, 8), status=Status.CANCELLED, cancelled_at=at(3, 9))  # dismissed
        self.south_complaints = [
            complaint(s1, classes["no_show"], at(3, 7)),
            complaint(s_february, classes["workmanship"], at(3, 2)),  # about February's work, made in March
        ]
        # About no ticket on file: counted under its own values — one the desk sent to North to
        # handle, one with no station at all.
        customer = factories.CustomerFactory(region="Qingdao")
        self.north_complaints.append(
            complaint(None, classes["overcharging"], at(3, 15), station=self.north, customer=customer)
        )
        self.unplaced = complaint(None, classes["attitude"], at(3, 16))


@pytest.fixture
def month() -> Month:
    return Month()


def test_today_a_complaint_has_no_station_of_its_own(month):
    assert {complaint.station_id for complaint in month.south_complaints} == {None}


def test_the_whole_organisation(month):
    tally = metrics.complaint_counts(MARCH)

    # 3 + 2 service complaints about the stations' work, 1 about nothing on file; n1–n4, s1, s2.
    assert tally.counts == ComplaintCounts(valid_service_complaints=6, service_tickets_completed=6)
    assert tally.product_quality_complaints == 1


def test_each_station_is_charged_with_the_complaints_about_its_work(month):
    by_station = metrics.complaint_counts(MARCH, group_by=("station",))

    north, south = by_station[(str(month.north.pk),)], by_station[(str(month.south.pk),)]
    # North: (n1, delay), (n1, attitude) and the complaint it handles itself ÷ n1–n4.
    assert (north.counts, north.product_quality_complaints) == (ComplaintCounts(3, 4), 1)
    # South: (s1, no-show), (February's ticket, workmanship) ÷ s1, s2.
    assert (south.counts, south.product_quality_complaints) == (ComplaintCounts(2, 2), 0)
    # One slice is the same figure as its breakdown row.
    for station, row in ((month.north, north), (month.south, south)):
        assert metrics.complaint_counts(MARCH, Dimensions(station=station)) == row

    rate = metrics.rates_for(MARCH, station=month.north.pk)["complaint_rate"]
    assert (rate.numerator, rate.denominator, rate.value) == (3, 4, Decimal("0.75"))


def test_the_drilldown_lists_the_complaints_counted(month):
    listed = metrics.drilldown("service_complaints", MARCH, Dimensions(station=month.north))

    assert sorted(listed, key=lambda row: row.pk) == month.north_complaints


@pytest.mark.parametrize(
    ("dimension", "value", "service", "completed", "product"),
    [
        # Only the complaints about the washers (n1's two) — the one about nothing on file has no model.
        ("model", "washer", 2, 4, 1),
        ("model", "fridge", 2, 2, 0),
        ("batch", "washer:B1", 2, 4, 1),
        ("category", "washer", 2, 4, 1),
        ("region", "Qingdao", 3, 4, 1),
        ("region", "Jinan", 2, 2, 0),
        # Charged to the agent who logged the work complained about, not the one who took the complaint.
        ("agent", "north_agent", 2, 4, 1),
        ("agent", "south_agent", 2, 2, 0),
        ("agent", "desk_agent", 2, 0, 0),
    ],
)
def test_every_breakdown_follows_the_original_ticket(month, dimension, value, service, completed, product):
    keys = {
        "washer": month.washer.pk,
        "fridge": month.fridge.pk,
        "washer:B1": f"{month.washer.pk}:B1",
        "north_agent": month.north_agent.pk,
        "south_agent": month.south_agent.pk,
        "desk_agent": month.desk_agent.pk,
    }
    if dimension == "category":
        key = str(month.washer.category_id)
    else:
        key = str(keys.get(value, value))

    row = metrics.complaint_counts(MARCH, group_by=(dimension,))[(key,)]

    assert (row.counts, row.product_quality_complaints) == (ComplaintCounts(service, completed), product)
    assert metrics.complaint_counts(MARCH, Dimensions.for_value(dimension, key)) == row


def test_a_complaint_counts_on_its_own_day_under_the_original_station(month):
    by_day = metrics.complaint_counts(MARCH, group_by=("day", "station"))
    north = str(month.north.pk)

    assert by_day[(dt.date(2026, 3, 4), north)].counts == ComplaintCounts(1, 0)
    assert by_day[(dt.date(2026, 3, 3), north)].counts == ComplaintCounts(0, 1)
    assert by_day[(dt.date(2026, 3, 31), north)].counts == ComplaintCounts(0, 1)
    assert by_day[(dt.date(2026, 3, 5), north)].counts == ComplaintCounts(0, 0)  # the repeat call


def test_the_snapshots_and_the_api_give_the_same_station_rates(month, manager):
    snapshots.refresh(MARCH, now=at(4, 2))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=manager).key}")

    body = api.get("/api/metrics/", {"start": "2026-03-01", "end": "2026-03-31", "group_by": "station"}).json()

    rows = {row["value"]: row["rates"]["complaint_rate"] for row in body["results"]}
    north, south = rows[str(month.north.pk)], rows[str(month.south.pk)]
    assert (north["numerator"], north["denominator"], north["percent"]) == (3, 4, "75.00")
    assert (south["numerator"], south["denominator"], south["percent"]) == (2, 2, "100.00")
    whole = api.get("/api/metrics/", {"start": "2026-03-01", "end": "2026-03-31"}).json()
    complaint_rate = whole["results"][0]["rates"]["complaint_rate"]
    assert (complaint_rate["numerator"], complaint_rate["denominator"]) == (6, 6)
