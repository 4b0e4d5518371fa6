"""The service network's volume for bench/network_bench.py, each step added once.

1. ``providers``: ``--providers`` providers (``bench-net-000`` …), an agent and a manager of
   each (``bench-net-agent-000``, ``bench-net-manager-000``, no password: the benchmark signs
   them in), and the stations they run: ``--big-stations`` for the first, the largest provider,
   ``--stations-per-provider`` for every other.
2. ``tickets``: the tickets of the seed given to those stations and dispatched to their
   providers, in one set-based UPDATE: every ticket with a station whose id falls in one of the
   stations' slots (``id % slots``) moves to that station and its provider; the slots left over
   (``--hq-share`` of them) keep their station, so headquarters and the demo keep a share.
   The first provider ends up with ``big-stations / slots`` of the tickets that have a station
   (1.4 % of all by default), every other with a tenth of that, as in a network of 500.
3. ``statement``: one statement in review for the first provider and the last full month, with
   ``--lines`` settlement lines on its own tickets (bulk_create; exact amounts; every 40th line
   flagged, half of them approved).
4. ``jobs``: ``--jobs-per-provider`` verified warranty jobs for every provider in a month before
   the seed's tickets begin (so nothing else falls in it), with their settled after-service
   callbacks and, for every fourth job, a part used under warranty, for the month's build.
   The network's default labour rates and travel bands are dated before it.

Each step checks its own marker first, so a second run adds nothing and takes seconds.
"""

import argparse
import datetime as dt
import time
from decimal import Decimal

PREFIX = "bench-net"
# Amounts cycled over the statement's lines: (job type, labour), parts, travel.
LINE_LABOUR = (
    ("repair_standard", "120.00"),
    ("repair_simple", "60.00"),
    ("installation", "80.00"),
    ("repair_complex", "200.00"),
    ("maintenance", "50.00"),
)
DEFAULT_LABOUR = dict(LINE_LABOUR)
RATES_FROM = dt.date(2020, 1, 1)


def first_of_month(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def statement_month(today: dt.date) -> dt.date:
    """The last full month: the statement the benchmark opens."""
    return first_of_month(today, 1)


def build_month_of(today: dt.date, days: int = 730) -> dt.date:
    """A month that ends before the seed's first ticket (the seed spreads tickets over ``days``
    past days): the month whose statements the benchmark builds."""
    return first_of_month(today - dt.timedelta(days=days + 40), 1)


def provider_code(n: int) -> str:
    return f"{PREFIX}-{n:03d}"


def station_slots(args: argparse.Namespace) -> list[int]:
    """Which provider (by number) runs each bench station, in slot order."""
    return [0] * args.big_stations + [n for n in range(1, args.providers) for _ in range(args.stations_per_provider)]


def seed_providers(args: argparse.Namespace) -> bool:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from network.models import ProviderMember, ServiceProvider
    from tickets.models import ServiceStation

    if ServiceProvider.objects.filter(code=provider_code(0)).exists():
        return False
    User = get_user_model()
    with transaction.atomic():
        providers = ServiceProvider.objects.bulk_create(
            ServiceProvider(
                code=provider_code(n),
                name=f"Bench provider {n:03d}",
                name_zh=f"测试服务商 {n:03d}",
                contact_name=f"Contact {n:03d}",
                phone=f"0532-8{n:07d}",
                accept_hours=4,
            )
            for n in range(args.providers)
        )
        ServiceStation.objects.bulk_create(
            ServiceStation(
                code=f"{PREFIX}-s-{slot:04d}",
                name=f"Bench network station {slot:04d}",
                name_zh=f"测试网点 {slot:04d}",
                region=f"Bench region {n % 30}",
                provider=providers[n],
            )
            for slot, n in enumerate(station_slots(args))
        )
        for role in ("agent", "manager"):
            users = User.objects.bulk_create(
                User(username=f"{PREFIX}-{role}-{n:03d}", first_name="Bench", last_name=f"{role} {n:03d}", password="!")
                for n in range(args.providers)
            )
            Group.objects.get_or_create(name=role)[0].user_set.add(*users)
            ProviderMember.objects.bulk_create(
                ProviderMember(user=user, provider=provider) for user, provider in zip(users, providers, strict=True)
            )
    return True


def seed_tickets(args: argparse.Namespace) -> int:
    """Give the seed's tickets to the bench stations and their providers: one UPDATE."""
    from django.db import connection, transaction

    from tickets.models import ServiceStation, Ticket

    first = ServiceStation.objects.get(code=f"{PREFIX}-s-0000")
    if Ticket.objects.filter(station=first).exists():
        return 0
    stations = len(station_slots(args))
    slots = round(stations / (1 - args.hq_share))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {Ticket._meta.db_table} AS t
               SET station_id = s.id,
                   provider_id = s.provider_id,
                   provider_offered_at = COALESCE(t.dispatched_at, t.created_at),
                   provider_accept_due = COALESCE(t.dispatched_at, t.created_at) + interval '4 hours',
                   provider_accepted_at = COALESCE(t.dispatched_at, t.created_at) + interval '30 minutes'
              FROM (
                    SELECT id, provider_id, row_number() OVER (ORDER BY code) - 1 AS slot
                      FROM {ServiceStation._meta.db_table}
                     WHERE code LIKE %s
                   ) AS s
             WHERE t.station_id IS NOT NULL AND s.slot = t.id %% %s
            """,
            [f"{PREFIX}-s-%", slots],
        )
        return cursor.rowcount


def seed_statement(args: argparse.Namespace, today: dt.date) -> int:
    """One statement in review with ``--lines`` lines on the first provider's tickets."""
    import calendar

    from django.db import transaction
    from django.utils import timezone

    from network.models import ServiceProvider
    from settlements.choices import FlagCode, LineDecision, StatementStatus
    from settlements.models import SettlementLine, Statement
    from tickets.models import Ticket

    provider = ServiceProvider.objects.get(code=provider_code(0))
    month = statement_month(today)
    if Statement.objects.filter(provider=provider, month=month).exists():
        return 0
    days = calendar.monthrange(month.year, month.month)[1]
    tickets = list(
        Ticket.objects.filter(provider=provider, settlement_line__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[: args.lines]
    )
    if len(tickets) < args.lines:
        raise SystemExit(f"{provider.code} has {len(tickets)} tickets without a line; {args.lines} lines need more.")
    now = timezone.now()
    with transaction.atomic():
        statement = Statement.objects.create(
            provider=provider, month=month, status=StatementStatus.IN_REVIEW, submitted_at=now - dt.timedelta(days=2)
        )
        lines = []
        for i, ticket_id in enumerate(tickets):
            job_type, labour = LINE_LABOUR[i % len(LINE_LABOUR)]
            parts = Decimal("126.40") if i % 4 == 0 else Decimal("0.00")
            travel = Decimal("20.00") if i % 3 == 0 else Decimal("0.00")
            extras = Decimal("35.00") if i % 50 == 0 else Decimal("0.00")
            claimed = Decimal(labour) + parts + travel + extras
            flagged = i % 40 == 0
            approved = i % 2 == 1
            lines.append(
                SettlementLine(
                    statement=statement,
                    provider=provider,
                    ticket_id=ticket_id,
                    job_date=month + dt.timedelta(days=i % days),
                    job_type=job_type,
                    travel_km=15 if travel else 5,
                    labour=Decimal(labour),
                    parts=parts,
                    travel=travel,
                    extras=extras,
                    extras_reason="Second visit: the part arrived late" if extras else "",
                    claimed=claimed,
                    flags=[{"code": FlagCode.REPEAT_CLAIM.value, "detail": "Same unit and fault within 30 days"}]
                    if flagged
                    else [],
                    flagged=flagged,
                    decision=LineDecision.APPROVED if approved else LineDecision.PENDING,
                    approved_amount=claimed if approved else None,
                    decided_at=now if approved else None,
                )
            )
        SettlementLine.objects.bulk_create(lines, batch_size=2000)
    return len(lines)


def seed_jobs(args: argparse.Namespace, today: dt.date) -> int:
    """``--jobs-per-provider`` verified warranty jobs per provider in the build month."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from followups.models import CallbackVisit
    from network.models import ServiceProvider
    from parts.models import Part, PartUsage
    from settlements.models import RateCard, SettlementLine, TravelRate
    from tickets.models import Ticket

    month = build_month_of(today)
    start = dt.datetime.combine(month, dt.time(9), dt.UTC)
    in_month = {"verified_at__gte": start, "verified_at__lt": start + dt.timedelta(days=40)}
    # No ticket of the seed is verified in that month: one there means the step ran.
    if Ticket.objects.filter(provider__code=provider_code(0), **in_month).exists():
        return 0
    with transaction.atomic():
        for job_type, labour in DEFAULT_LABOUR.items():
            RateCard.objects.get_or_create(
                provider=None, category=None, job_type=job_type, effective_from=RATES_FROM, defaults={"labour": labour}
            )
        for low, high, allowance in ((0, 10, "0.00"), (10, 30, "20.00"), (30, None, "45.00")):
            TravelRate.objects.get_or_create(
                provider=None, min_km=low, effective_from=RATES_FROM, defaults={"max_km": high, "allowance": allowance}
            )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH picked AS (
                    SELECT t.id, row_number() OVER (PARTITION BY t.provider_id ORDER BY t.id) AS n
                      FROM {Ticket._meta.db_table} AS t
                     WHERE t.provider_id IN (SELECT id FROM {ServiceProvider._meta.db_table} WHERE code LIKE %s)
                       AND t.unit_id IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM {SettlementLine._meta.db_table} l WHERE l.ticket_id = t.id)
                )
                UPDATE {Ticket._meta.db_table} AS t
                   SET kind = CASE p.n %% 5 WHEN 0 THEN 'installation' WHEN 1 THEN 'maintenance' ELSE 'repair' END,
                       status = 'verified',
                       charge = 0,
                       created_at = %s + (p.n %% 25) * interval '1 day',
                       dispatched_at = %s + (p.n %% 25) * interval '1 day' + interval '1 hour',
                       started_at = %s + (p.n %% 25) * interval '1 day' + interval '20 hours',
                       resolved_at = %s + (p.n %% 25) * interval '1 day' + interval '22 hours',
                       verified_at = %s + (p.n %% 25) * interval '1 day' + interval '2 days',
                       closed_at = NULL, cancelled_at = NULL, visits = 1
                  FROM picked AS p
                 WHERE t.id = p.id AND p.n <= %s
                """,
                [f"{PREFIX}-%", start, start, start, start, start, args.jobs_per_provider],
            )
        jobs = list(
            Ticket.objects.filter(provider__code__startswith=PREFIX, **in_month)
            .values_list("id", "customer_id", "unit_id", "station_id", "resolved_at", "verified_at")
            .order_by("id")
        )
        CallbackVisit.objects.bulk_create(
            (
                CallbackVisit(
                    kind="after_service",
                    customer_id=customer,
                    ticket_id=pk,
                    unit_id=unit,
                    due_at=resolved + dt.timedelta(days=1),
                    status="done",
                    dedupe_key=f"{PREFIX}:{pk}",
                    score_overall=5,
                    completed_at=verified - dt.timedelta(hours=1),
                )
                for pk, customer, unit, _station, resolved, verified in jobs
            ),
            batch_size=2000,
            ignore_conflicts=True,
        )
        part = Part.objects.order_by("pk").first()
        by = get_user_model().objects.order_by("pk").first()
        if part is not None and by is not None:
            PartUsage.objects.bulk_create(
                (
                    PartUsage(
                        ticket_id=pk,
                        station_id=station,
                        part=part,
                        quantity=1,
                        under_warranty=True,
                        unit_cost=part.standard_cost,
                        unit_price=part.price,
                        by=by,
                    )
                    for i, (pk, _customer, _unit, station, _resolved, _verified) in enumerate(jobs)
                    if i % 4 == 0
                ),
                batch_size=2000,
            )
    return len(jobs)


def seed_network(args: argparse.Namespace, today: dt.date) -> dict[str, int]:
    """Every step in order; returns what each added (0: it was there already)."""
    from django.db import connection

    added = {}
    for name, step in (
        ("providers", lambda: int(seed_providers(args)) * args.providers),
        ("tickets", lambda: seed_tickets(args)),
        ("statement lines", lambda: seed_statement(args, today)),
        ("jobs", lambda: seed_jobs(args, today)),
    ):
        started = time.perf_counter()
        added[name] = step()
        if added[name]:
            print(f"  {name}: {added[name]:,} in {time.perf_counter() - started:.1f} s")
    # Planner statistics for what was added (VACUUM cannot run inside a test's transaction).
    if any(added.values()) and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return added
