"""The demo's service network: headquarters runs three stations itself and three providers run
the rest, each with an agent, a manager and a technician of its own; the tickets at a provider's
stations are dispatched to it and worked by its technician; its staff see only its work."""

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from demo.data.field import PARTS
from demo.data.network import STATIONS
from demo.data.providers import ACCEPTED_AFTER_MINUTES, PROVIDER_USERS
from demo.scenario.setting import PASSWORD
from fieldwork.models import TechnicianProfile
from network.models import ProviderMember, ServiceProvider
from parts.models import MovementKind, StockLevel, StockMovement
from settlements.choices import FlagCode, JobType, LineDecision, StatementStatus
from settlements.models import RateCard, Statement, TravelRate
from tickets.choices import Status
from tickets.models import ServiceStation, Ticket

pytestmark = pytest.mark.django_db
HEADQUARTERS_STATIONS = {"qingdao-laoshan", "qingdao-licang", "chengdu-wuhou"}
REFERENCE = re.compile(r'href="/desk/tickets/(AS-\d{4}-\d{6})/"')


# The demo's story is placed relative to the moment it is loaded (the last 60 days), so which
# verified warranty jobs fall in last month depends on that moment: the module loads it at one
# fixed moment, and its tests run in that time, so they check the same story on every day.
LOADED_AT = dt.datetime(2026, 12, 7, 19, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module inside a transaction rolled back after it; each test
    runs in a savepoint inside it (pytest-django's own), so what a test writes is undone."""
    with time_machine.travel(LOADED_AT, tick=True), django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    return demo_loaded


def _queue_references(client, username: str) -> tuple[int, set[str]]:
    # Signed in through the desk's sign-in page, with the printed demo login.
    response = client.post(reverse("desk:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, username
    response = client.get(reverse("desk:queue"), {"page_size": 100})
    assert response.status_code == 200
    return response.context["page"].paginator.count, set(REFERENCE.findall(response.content.decode()))


def test_the_demo_builds_three_providers_with_their_stations_staff_technicians_and_stock(demo):
    providers = {p.code: p for p in ServiceProvider.objects.all()}
    assert sorted(providers) == ["jinghua", "shenyi", "suiyuan"]
    jinghua = providers["jinghua"]
    assert (jinghua.name_zh, jinghua.contact_name, jinghua.phone, jinghua.accept_hours) == (
        "北京京华家电服务有限公司",
        "Zhou Min",
        "010-65889001",
        4,
    )
    assert [providers[code].accept_hours for code in ("shenyi", "suiyuan")] == [6, 8]

    # Stations: two for Jinghua (one opened beside the demo's), one each for the others; headquarters runs three.
    by_provider = {
        code: set(ServiceStation.objects.filter(provider=provider).values_list("code", flat=True))
        for code, provider in providers.items()
    }
    assert by_provider == {
        "jinghua": {"beijing-chaoyang", "beijing-haidian"},
        "shenyi": {"shanghai-pudong"},
        "suiyuan": {"guangzhou-tianhe"},
    }
    assert set(ServiceStation.objects.filter(provider__isnull=True).values_list("code", flat=True)) == (
        HEADQUARTERS_STATIONS
    )
    assert ServiceStation.objects.count() == len(STATIONS) + 1

    # Staff: three members per provider, each with one role and the demo password; headquarters' staff none.
    assert ProviderMember.objects.count() == 9
    for username, role, _first, _last, code in PROVIDER_USERS:
        user = get_user_model().objects.get(username=username)
        assert user.provider_membership.provider.code == code
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.check_password(PASSWORD)
        assert f"  {username:<12} {PASSWORD:<16} {role:<11}" in demo, username
    for username in ("agent", "agent2", "technician", "technician2", "manager", "quality", "admin"):
        assert not ProviderMember.objects.filter(user__username=username).exists(), username
    assert "Beijing Jinghua Appliance Service Co., Ltd." in demo

    # Each provider's technician works at its stations; stock at every station, received through the ledger.
    for username, code in (("bj-tech", "jinghua"), ("sh-tech", "shenyi"), ("gz-tech", "suiyuan")):
        profile = TechnicianProfile.objects.get(user__username=username)
        assert set(profile.stations.values_list("code", flat=True)) == by_provider[code]
    for code in by_provider["jinghua"] | by_provider["shenyi"] | by_provider["suiyuan"]:
        assert StockLevel.objects.filter(station__code=code).count() == len(PARTS), code
        assert StockMovement.objects.filter(station__code=code, kind=MovementKind.RECEIPT).count() == len(PARTS)


def test_every_ticket_at_a_provider_station_is_dispatched_to_it_and_worked_by_its_technician(demo):
    technicians = {"jinghua": "bj-tech", "shenyi": "sh-tech", "suiyuan": "gz-tech"}
    dispatched = Ticket.objects.filter(provider__isnull=False).select_related("station", "provider", "assignee")
    assert dispatched.count() > 0
    for code in technicians:
        assert dispatched.filter(provider__code=code).exists(), code
    for ticket in dispatched:
        assert ticket.station.provider_id == ticket.provider_id, ticket.reference
        assert ticket.assignee.username == technicians[ticket.provider.code], ticket.reference
        # Offered, then accepted within the provider's business hours to accept (a deadline the
        # offer service counts in the station's calendar: at least the hours, more over a night).
        hours = ticket.provider.accept_hours
        assert ticket.provider_accept_due - ticket.provider_offered_at >= dt.timedelta(hours=hours)
        assert ticket.provider_accepted_at - ticket.provider_offered_at == dt.timedelta(minutes=ACCEPTED_AFTER_MINUTES)
        assert ticket.provider_accepted_at <= ticket.provider_accept_due
    # Headquarters keeps the rest: tickets at its stations, and those not given to a station yet.
    rest = Ticket.objects.filter(provider__isnull=True)
    assert set(rest.exclude(station=None).values_list("station__code", flat=True)) <= HEADQUARTERS_STATIONS
    assert rest.count() + dispatched.count() == Ticket.objects.count()
    assert not rest.filter(assignee__username__in=technicians.values()).exists()
    # The story still covers every status.
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)


def test_a_provider_agent_sees_only_their_providers_tickets_in_the_desk_queue(demo, client):
    jinghua = set(Ticket.objects.filter(provider__code="jinghua").values_list("reference", flat=True))
    assert 0 < len(jinghua) <= 100
    count, seen = _queue_references(client, "bj-agent")
    assert (count, seen) == (len(jinghua), jinghua)

    shenyi = set(Ticket.objects.filter(provider__code="shenyi").values_list("reference", flat=True))
    client.logout()
    count, seen = _queue_references(client, "sh-agent")
    assert (count, seen) == (len(shenyi), shenyi)
    assert not seen & jinghua

    # Headquarters' agent sees every ticket.
    client.logout()
    count, _seen = _queue_references(client, "agent")
    assert count == Ticket.objects.count()


def test_the_demo_prices_the_network_by_dated_rate_cards_and_travel_bands(demo):
    assert RateCard.objects.count() == 11
    assert TravelRate.objects.count() == 6
    defaults = RateCard.objects.filter(provider=None, category=None).order_by("effective_from", "job_type")
    first, rise = sorted(set(defaults.values_list("effective_from", flat=True)))
    assert first.day == rise.day == 1 and (rise.year * 12 + rise.month) - (first.year * 12 + first.month) == 11
    assert dict(defaults.filter(effective_from=first).values_list("job_type", "labour")) == {
        JobType.INSTALLATION: Decimal("80.00"),
        JobType.REPAIR_SIMPLE: Decimal("60.00"),
        JobType.REPAIR_STANDARD: Decimal("120.00"),
        JobType.REPAIR_COMPLEX: Decimal("200.00"),
        JobType.MAINTENANCE: Decimal("50.00"),
    }
    assert dict(defaults.filter(effective_from=rise).values_list("job_type", "labour")) == {
        JobType.INSTALLATION: Decimal("90.00"),
        JobType.REPAIR_COMPLEX: Decimal("220.00"),
    }
    own = RateCard.objects.get(provider__code="jinghua")
    assert (own.job_type, own.labour, own.currency, own.category) == (
        JobType.REPAIR_STANDARD,
        Decimal("135.00"),
        "CNY",
        None,
    )
    assert set(RateCard.objects.filter(category__isnull=False).values_list("category__code", "job_type", "labour")) == {
        ("air_conditioner", JobType.INSTALLATION, Decimal("150.00")),
        ("air_conditioner", JobType.REPAIR_COMPLEX, Decimal("260.00")),
        ("car", JobType.REPAIR_STANDARD, Decimal("300.00")),
    }
    assert list(
        TravelRate.objects.filter(provider=None).order_by("min_km").values_list("min_km", "max_km", "allowance")
    ) == [
        (0, 10, Decimal("0.00")),
        (10, 30, Decimal("20.00")),
        (30, 60, Decimal("45.00")),
        (60, None, Decimal("80.00")),
    ]
    assert list(
        TravelRate.objects.filter(provider__code="suiyuan")
        .order_by("min_km")
        .values_list("min_km", "max_km", "allowance")
    ) == [(0, 15, Decimal("0.00")), (15, None, Decimal("35.00"))]


def test_running_the_demo_again_adds_nothing_to_the_network(demo):
    counts = (
        ServiceProvider.objects.count(),
        ProviderMember.objects.count(),
        ServiceStation.objects.count(),
        RateCard.objects.count(),
        TravelRate.objects.count(),
        Ticket.objects.filter(provider__isnull=False).count(),
    )
    out = StringIO()
    call_command("demo", stdout=out)
    assert "Demo data is already loaded; nothing was added." in out.getvalue()
    assert (
        ServiceProvider.objects.count(),
        ProviderMember.objects.count(),
        ServiceStation.objects.count(),
        RateCard.objects.count(),
        TravelRate.objects.count(),
        Ticket.objects.filter(provider__isnull=False).count(),
    ) == counts


def test_last_months_claims_are_settled_for_two_providers_and_in_review_with_a_flag_for_the_third(demo):
    today = timezone.localdate()
    index = today.year * 12 + today.month - 2
    last_month = dt.date(index // 12, index % 12 + 1, 1)
    statements = {s.provider.code: s for s in Statement.objects.filter(month=last_month).select_related("provider")}
    assert {code: s.status for code, s in statements.items()} == {
        "jinghua": StatementStatus.PAID,
        "shenyi": StatementStatus.IN_REVIEW,
        "suiyuan": StatementStatus.PAID,
    }
    for code in ("jinghua", "suiyuan"):
        paid = statements[code]
        lines = list(paid.lines.all())
        # Every line approved as claimed: the statement pays the sum of the claims.
        assert {line.decision for line in lines} == {LineDecision.APPROVED}
        assert paid.approved_total == sum((line.claimed for line in lines), Decimal("0.00"))
        assert (paid.payment_reference, paid.paid_on) == (f"PAY-{last_month:%Y%m}-{code.upper()}", today)
    review = statements["shenyi"]
    first, *_rest, last = list(review.lines.order_by("job_date", "pk"))
    assert (first.extras, first.claimed) == (
        Decimal("30.00"),
        first.labour + first.parts + first.travel + Decimal("30.00"),
    )
    assert [flag["code"] for flag in first.flags] == [FlagCode.LABOUR_ABOVE_CARD]
    assert (last.decision, review.lines.filter(decision=LineDecision.PENDING).count()) == (
        LineDecision.APPROVED,
        review.lines.count() - 1,
    )
    assert list(review.events.values_list("action", flat=True))[-3:] == ["submitted", "review_started", "line_decided"]
