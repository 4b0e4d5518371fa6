"""The demo's field service: technicians with stations and skills, stations' visit slots, a parts
catalogue, stock received through the ledger (a couple of parts short), and the first
technician's three visits today on their own dispatched tickets. Loaded once; the bulk seed
leaves it alone."""

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, F, Sum
from django.utils import timezone

from demo.data.field import PARTS, SHORT_STOCK, TECHNICIANS
from demo.data.network import STATIONS
from demo.data.providers import PROVIDER_STATIONS
from demo.scenario.field import field_demo_loaded, load_field_demo
from fieldwork.models import StationSlots, TechnicianProfile, Visit, VisitStatus
from parts.models import MovementKind, Part, StockLevel, StockMovement
from tests import factories
from tickets.choices import Kind, Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
TZ = ZoneInfo(settings.TIME_ZONE)


def _field_counts() -> dict[str, int]:
    return {
        "profiles": TechnicianProfile.objects.count(),
        "slots": StationSlots.objects.count(),
        "parts": Part.objects.count(),
        "levels": StockLevel.objects.count(),
        "movements": StockMovement.objects.count(),
        "visits": Visit.objects.count(),
        "tickets": Ticket.objects.count(),
    }


def test_the_parts_catalogue_is_complete_and_priced_to_the_cent():
    from demo.data.catalogue import MODELS

    model_codes = {row[1] for row in MODELS}
    numbers = [row[0] for row in PARTS]
    assert 18 <= len(PARTS) <= 25 and len(set(numbers)) == len(numbers)
    for number, name, name_zh, fits, _main, cost, price, warranty_days, stock, reorder in PARTS:
        assert name and name_zh and set(fits) <= model_codes, number
        assert Decimal(cost) == Decimal(cost).quantize(Decimal("0.01")) and Decimal(price) > Decimal(cost) > 0, number
        assert warranty_days in (90, 180, 365) and stock > reorder >= 0, number
    assert any("compressor" in row[1].lower() and row[4] for row in PARTS)


def test_the_demo_loads_field_service_and_a_second_run_adds_nothing():
    out = StringIO()
    call_command("demo", stdout=out)
    assert "visits today for the first technician" in out.getvalue()
    # The demo's stations and the one a service provider opened beside them.
    station_codes = {row[0] for row in STATIONS} | {row[0] for row in PROVIDER_STATIONS}

    # Technicians: stations, skills, two visits per slot.
    for username, (codes, categories) in TECHNICIANS.items():
        profile = TechnicianProfile.objects.get(user__username=username)
        assert set(profile.stations.values_list("code", flat=True)) == set(codes)
        assert set(profile.categories.values_list("code", flat=True)) == set(categories)
        assert profile.visits_per_slot == 2 and profile.is_active
    # Every station cuts its day into 240-minute slots.
    assert set(StationSlots.objects.values_list("station__code", "slot_minutes")) == {
        (code, 240) for code in station_codes
    }
    # The catalogue, with the models each part fits.
    compressor = Part.objects.get(number="0064000847")
    assert (compressor.name_zh, compressor.is_main_component) == ("变频旋转压缩机 1.5匹", True)
    assert (compressor.standard_cost, compressor.price, compressor.warranty_days) == (
        Decimal("486.40"),
        Decimal("728.00"),
        365,
    )
    assert list(compressor.fits.values_list("code", flat=True)) == ["KFR-35GW-81U1"]
    assert Part.objects.count() == len(PARTS)

    # Stock: every part at every station, received through the ledger, which adds up.
    assert StockLevel.objects.count() == len(PARTS) * len(station_codes)
    assert set(StockMovement.objects.values_list("kind", "reason", "by__username")) == {
        (MovementKind.RECEIPT, "Opening stock from the central warehouse", "manager")
    }
    for level in StockLevel.objects.select_related("station", "part"):
        total = StockMovement.objects.filter(station=level.station, part=level.part).aggregate(n=Sum("quantity"))["n"]
        assert level.on_hand == total and level.reserved == 0, (level.station.code, level.part.number)
    # A couple of parts start at or under their reorder point, the rest above it.
    short = set(StockLevel.objects.filter(on_hand__lte=F("reorder_point")).values_list("station__code", "part__number"))
    assert short == {(code, number) for code, number, _quantity in SHORT_STOCK}

    # The first technician's day: three visits today at 09:00, 11:00 and 14:00 on their dispatched tickets.
    today = timezone.now().astimezone(TZ).date()
    visits = list(Visit.objects.filter(technician__username="technician").select_related("ticket", "station"))
    assert [(v.start.astimezone(TZ).date(), v.start.astimezone(TZ).time()) for v in visits] == [
        (today, dt.time(9)),
        (today, dt.time(11)),
        (today, dt.time(14)),
    ]
    assert [v.status for v in visits] == [VisitStatus.CONFIRMED, VisitStatus.CONFIRMED, VisitStatus.BOOKED]
    for visit in visits:
        ticket = visit.ticket
        assert ticket.status == Status.DISPATCHED and ticket.kind in (Kind.REPAIR, Kind.INSTALLATION, Kind.MAINTENANCE)
        assert ticket.assignee.username == "technician" and ticket.station.code == "qingdao-laoshan"
        assert (ticket.appointment_start, ticket.appointment_end) == (visit.start, visit.end)
        assert visit.station == ticket.station and visit.end - visit.start == dt.timedelta(hours=2)
    assert len({visit.ticket_id for visit in visits}) == 3
    # The demo still covers every status.
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)

    before = _field_counts()
    again = StringIO()
    call_command("demo", stdout=again)
    assert "Demo data is already loaded; nothing was added." in again.getvalue()
    assert _field_counts() == before


@pytest.fixture
def demo_setting(agent):
    """The demo's stations, staff and a few waiting tickets, as a database loaded before field
    service would have them."""
    stations = {
        code: factories.ServiceStationFactory(code=code, name=name, name_zh=name_zh, region=region)
        for code, name, name_zh, region, _address, _phone in STATIONS
    }
    agent.username = "agent"
    agent.save()
    factories.UserFactory(username="manager", roles=["manager"])
    factories.UserFactory(username="technician", roles=["technician"])
    factories.UserFactory(username="technician2", roles=["technician"])
    qingdao = [factories.CustomerFactory(region="Qingdao") for _ in range(4)]
    tickets = [factories.TicketFactory(customer=customer, status=Status.NEW) for customer in qingdao]
    # Not for the day: a consultation, a ticket of another region, one closed.
    factories.TicketFactory(customer=qingdao[0], status=Status.NEW, kind=Kind.CONSULTATION)
    factories.TicketFactory(customer=factories.CustomerFactory(region="Beijing"), status=Status.NEW)
    factories.TicketFactory(customer=qingdao[1], status=Status.CLOSED)
    return stations, tickets


def test_a_database_loaded_before_field_service_gets_it_once(demo_setting):
    stations, tickets = demo_setting
    assert not field_demo_loaded()
    now = dt.datetime.combine(timezone.localdate(), dt.time(7, 30), TZ)
    out = StringIO()
    call_command("demo", stdout=out)  # the demo users exist: only the field service is added
    assert "Field service: 2 technician profiles, 6 stations' visit slots" in out.getvalue()
    assert field_demo_loaded()
    day = list(Visit.objects.order_by("start").values_list("ticket_id", flat=True))
    # The oldest three waiting service tickets of Qingdao.
    assert day == [ticket.pk for ticket in tickets[:3]]
    assert set(Ticket.objects.filter(pk__in=day).values_list("status", "assignee__username")) == {
        (Status.DISPATCHED, "technician")
    }
    before = _field_counts()
    load_field_demo(StringIO(), now)
    call_command("demo", stdout=StringIO())
    assert _field_counts() == before
    assert Visit.objects.values("ticket").annotate(n=Count("pk")).filter(n__gt=1).count() == 0


def test_the_bulk_seed_leaves_field_service_alone(demo_setting):
    load_field_demo(StringIO())
    before = {name: count for name, count in _field_counts().items() if name != "tickets"}
    tickets_before = Ticket.objects.count()
    call_command("seed", customers=20, units=20, tickets=30, writer="insert", stdout=StringIO())
    assert Ticket.objects.count() == tickets_before + 30
    assert {name: count for name, count in _field_counts().items() if name != "tickets"} == before
