"""The network benchmark's seeding (bench/network_seed.py) at a tiny volume: providers, stations
and staff, the tickets dispatched by one UPDATE, a statement with exact amounts, a month of
verified warranty jobs; a second run adds nothing."""

import argparse
import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum
from django.utils import timezone

from followups.models import CallbackVisit
from network.models import ProviderMember, ServiceProvider
from settlements.models import RateCard, SettlementLine, Statement
from tests import factories
from tickets.models import ServiceStation, Ticket

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import network_seed  # noqa: E402  (bench/)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _args() -> argparse.Namespace:
    return argparse.Namespace(
        providers=3, big_stations=2, stations_per_provider=1, hq_share=0.2, lines=4, jobs_per_provider=2
    )


def test_the_network_volume_is_seeded_once_with_exact_amounts():
    today = timezone.localdate()
    station = factories.ServiceStationFactory()
    tickets = [factories.TicketFactory(station=station, unit=factories.ProductUnitFactory()) for _ in range(40)]
    unassigned = factories.TicketFactory(station=None)

    added = network_seed.seed_network(_args(), today)

    providers = list(ServiceProvider.objects.filter(code__startswith="bench-net-").order_by("code"))
    assert [p.code for p in providers] == ["bench-net-000", "bench-net-001", "bench-net-002"]
    # Stations: 2 for the largest provider, 1 for each other; an agent and a manager each.
    assert [ServiceStation.objects.filter(provider=p).count() for p in providers] == [2, 1, 1]
    assert [ProviderMember.objects.filter(provider=p).count() for p in providers] == [2, 2, 2]
    # 4 station slots of 5 (a fifth left to headquarters): ticket id % 5 picks the slot.
    for ticket in tickets:
        ticket.refresh_from_db()
        if ticket.pk % 5 == 4:
            assert (ticket.station_id, ticket.provider_id) == (station.pk, None)
        else:
            assert ticket.station.provider_id == ticket.provider_id is not None
            assert ticket.station.code == f"bench-net-s-{ticket.pk % 5:04d}"
    unassigned.refresh_from_db()
    assert unassigned.provider_id is None
    assert added["tickets"] == sum(1 for t in tickets if t.pk % 5 != 4)

    # The statement: 4 lines, amounts cycled exactly; lines 1 and 3 approved.
    statement = Statement.objects.get(provider=providers[0], month=network_seed.statement_month(today))
    lines = list(statement.lines.order_by("id"))
    assert [line.claimed for line in lines] == [
        Decimal("120.00") + Decimal("126.40") + Decimal("20.00") + Decimal("35.00"),
        Decimal("60.00"),
        Decimal("80.00"),
        Decimal("200.00") + Decimal("20.00"),
    ]
    assert [line.flagged for line in lines] == [True, False, False, False]
    assert statement.lines.filter(decision="approved").aggregate(s=Sum("approved_amount"))["s"] == Decimal("280.00")

    # The jobs: 2 per provider that has tickets left, verified in the build month, with their callbacks.
    month = network_seed.build_month_of(today)
    jobs = Ticket.objects.filter(provider__in=providers, status="verified", verified_at__date__gte=month)
    jobs = jobs.filter(verified_at__date__lt=month + dt.timedelta(days=31))
    assert added["jobs"] == jobs.count() > 0
    assert not jobs.filter(settlement_line__isnull=False).exists()
    assert CallbackVisit.objects.filter(ticket__in=jobs, status="done").count() == jobs.count()
    assert RateCard.objects.filter(provider=None, effective_from=network_seed.RATES_FROM).count() == 5

    counts = (
        Ticket.objects.exclude(provider=None).count(),
        SettlementLine.objects.count(),
        CallbackVisit.objects.count(),
    )
    again = network_seed.seed_network(_args(), today)
    assert again == {"providers": 0, "tickets": 0, "statement lines": 0, "jobs": 0}
    assert (
        Ticket.objects.exclude(provider=None).count(),
        SettlementLine.objects.count(),
        CallbackVisit.objects.count(),
    ) == counts
