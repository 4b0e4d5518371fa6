"""Server time and query count of the technician's day and the slot search at volume, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench \\
        .venv/bin/python bench/field_bench.py --tickets 1000000

Prepares the database like bench/queue_bench.py (migrate, demo, ``manage.py seed`` up to the
volume), then adds the field-service volume once: ``--stations`` stations with
``--technicians`` technicians between them, each with a profile and half-day slots of two
visits; ``--past-days`` days of past visits for every technician (the visits table at a
realistic size); today's visits (two for a quiet technician, ``--busy`` for a busy one, four
for the rest) on tickets of the seed; ``--parts`` parts fitting the seed's models, with stock
at every bench station received through the ledger, and parts used on the busy technician's
jobs. Then it requests, in-process with DEBUG off like the desk benchmark, the technician's day
(page and API) as the quiet and the busy technician, and the slot search (API) for a station
over one day and over two weeks, as an agent.

Target (issue 16): p95 under 100 ms server time, with a query count that does not depend on
the number of visits, technicians or parts. Figures go to bench/RESULTS.md, one section per
volume.
"""

import argparse
import datetime as dt
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_measure import RESULTS, Result, Scenario, measure_all, write_results  # noqa: E402  (beside this file)
from bench_setup import ROOT, bench_user, database_url, ensure_database, machine, prepare, setup_django  # noqa: E402

TARGET_MS = 100.0
PREFIX = "bench-field"
# The field-service volume added around the tickets; bench/load_bench.py seeds the same.
FIELD_VOLUME = {"stations": 10, "technicians": 200, "past_days": 120, "busy": 30, "parts": 2000}
BUSY_TECHNICIAN = f"{PREFIX}-tech-0000"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000, help="ticket volume to benchmark at")
    parser.add_argument("--customers", type=int, help="customer volume (default: as bench/queue_bench.py)")
    parser.add_argument("--units", type=int, help="unit volume (default: as bench/queue_bench.py)")
    volume = FIELD_VOLUME
    parser.add_argument("--stations", type=int, default=volume["stations"], help="bench stations")
    parser.add_argument(
        "--technicians", type=int, default=volume["technicians"], help="technicians, spread over the stations"
    )
    parser.add_argument("--past-days", type=int, default=volume["past_days"], help="days of past visits per technician")
    parser.add_argument("--busy", type=int, default=volume["busy"], help="today's visits of the busy technician")
    parser.add_argument("--parts", type=int, default=volume["parts"], help="parts in the catalogue")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per scenario first")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of every scenario")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    return parser.parse_args()


def _tz():
    from django.utils import timezone

    return timezone.get_default_timezone()


def _slot_starts(day: dt.date) -> list[dt.datetime]:
    """Half-day slots of the default calendar's hours (09:00 and 13:30 local)."""
    tz = _tz()
    return [dt.datetime.combine(day, dt.time(9), tz), dt.datetime.combine(day, dt.time(13, 30), tz)]


def seed_field(args: argparse.Namespace) -> None:
    """The field-service volume, added once (a second run finds the bench stations and adds nothing)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from customers.models import ProductModel
    from fieldwork.models import StationSlots, TechnicianProfile, Visit, VisitStatus
    from parts.ledger import stock_move
    from parts.models import MovementKind, Part, PartUsage, StockLevel, StockMovement
    from tickets.choices import OPEN_STATUSES
    from tickets.models import ServiceStation, Ticket

    if ServiceStation.objects.filter(code=f"{PREFIX}-0").exists():
        return
    started = time.perf_counter()
    User = get_user_model()
    group = Group.objects.get_or_create(name="technician")[0]
    with transaction.atomic():
        stations = ServiceStation.objects.bulk_create(
            ServiceStation(code=f"{PREFIX}-{i}", name=f"Bench station {i}", region=f"Bench region {i}")
            for i in range(args.stations)
        )
        StationSlots.objects.bulk_create(StationSlots(station=s, slot_minutes=240) for s in stations)
        users = User.objects.bulk_create(
            User(username=f"{PREFIX}-tech-{i:04d}", first_name="Tech", last_name=f"{i:04d}", password="!")
            for i in range(args.technicians)
        )
        group.user_set.add(*users)
        profiles = TechnicianProfile.objects.bulk_create(TechnicianProfile(user=u, visits_per_slot=2) for u in users)
        through = TechnicianProfile.stations.through
        through.objects.bulk_create(
            through(technicianprofile_id=p.pk, servicestation_id=stations[i % len(stations)].pk)
            for i, p in enumerate(profiles)
        )
        # Tickets of the seed to hang the visits on: open ones for today, any for the past.
        today = timezone.localdate()
        need_today = args.busy + 2 + 4 * (args.technicians - 2)
        open_ids = list(
            Ticket.objects.filter(status__in=OPEN_STATUSES, unit__isnull=False)
            .order_by("-id")
            .values_list("id", flat=True)[:need_today]
        )
        past_ids = list(Ticket.objects.order_by("id").values_list("id", flat=True)[: args.technicians * 4])
        visits = []
        # At a small volume there are fewer open tickets than visits today: some get two.
        cursor_today = itertools.cycle(open_ids)
        for i, user in enumerate(users):
            station = stations[i % len(stations)]
            count = args.busy if i == 0 else 2 if i == 1 else 4
            for n in range(count):
                start = _slot_starts(today)[n % 2] + dt.timedelta(minutes=(n // 2) % 120)
                visits.append(
                    Visit(
                        ticket_id=next(cursor_today),
                        technician=user,
                        station=station,
                        start=start,
                        end=start + dt.timedelta(hours=4),
                        status=VisitStatus.BOOKED,
                    )
                )
            for day_back in range(1, args.past_days + 1):
                day = today - dt.timedelta(days=day_back)
                for n, start in enumerate(_slot_starts(day)):
                    visits.append(
                        Visit(
                            ticket_id=past_ids[(i * 4 + n) % len(past_ids)],
                            technician=user,
                            station=station,
                            start=start,
                            end=start + dt.timedelta(hours=4),
                            status=VisitStatus.DONE,
                            checked_in_at=start,
                            checked_out_at=start + dt.timedelta(hours=1),
                        )
                    )
        Visit.objects.bulk_create(visits, batch_size=5000)
        models = list(ProductModel.objects.values_list("id", flat=True))
        parts = Part.objects.bulk_create(
            Part(
                number=f"BP-{i:05d}",
                name=f"Bench part {i}",
                name_zh=f"测试配件 {i}",
                standard_cost="12.50",
                price="25.00",
                warranty_days=90,
            )
            for i in range(args.parts)
        )
        fits = Part.fits.through
        fits.objects.bulk_create(
            fits(part_id=p.pk, productmodel_id=models[i % len(models)]) for i, p in enumerate(parts) if models
        )
        # Opening stock in bulk: one receipt row per level, the level equal to its ledger.
        StockLevel.objects.bulk_create(
            (StockLevel(station=s, part=p, on_hand=20, reorder_point=2) for s in stations for p in parts),
            batch_size=5000,
        )
        StockMovement.objects.bulk_create(
            (
                StockMovement(
                    station=s, part=p, kind=MovementKind.RECEIPT, quantity=20, on_hand_after=20, unit_cost="12.50"
                )
                for s in stations
                for p in parts
            ),
            batch_size=5000,
        )
        # Parts used on the busy technician's jobs today, through the ledger.
        busy = users[0]
        for visit in Visit.objects.filter(technician=busy, start__date=today).select_related("ticket")[:10]:
            part = parts[visit.pk % len(parts)]
            stock_move(
                station=visit.station,
                part=part,
                kind=MovementKind.CONSUME,
                by=busy,
                quantity=-1,
                ticket=visit.ticket,
            )
            PartUsage.objects.create(
                ticket=visit.ticket,
                station=visit.station,
                part=part,
                quantity=1,
                under_warranty=True,
                unit_cost=part.standard_cost,
                unit_price=part.price,
                by=busy,
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"Field data: {len(stations)} stations, {len(users)} technicians, {len(visits):,} visits,"
        f" {len(parts):,} parts, {len(stations) * len(parts):,} stock levels in {time.perf_counter() - started:.0f} s"
    )


def bring_visits_to_today() -> int:
    """Move the bench technicians' booked visits to today when they were seeded on an earlier day.

    seed_field books "today's" visits once, on the day it runs; a day later the day pages would
    show nothing. The booked visits all lie on that one day, so they move by whole days and keep
    their slots. The past (done) visits stay where they are. Returns the visits moved."""
    from django.db.models import F
    from django.utils import timezone

    from fieldwork.models import Visit, VisitStatus

    booked = Visit.objects.filter(technician__username__startswith=f"{PREFIX}-tech-", status=VisitStatus.BOOKED)
    first = booked.order_by("start").values_list("start", flat=True).first()
    if first is None:
        return 0
    days = (timezone.localdate() - timezone.localdate(first)).days
    if days == 0:
        return 0
    shift = dt.timedelta(days=days)
    moved = booked.update(start=F("start") + shift, end=F("end") + shift)
    print(f"Field data: {moved} booked visits moved {days} days on, to today")
    return moved


def scenarios(args: argparse.Namespace) -> dict[str, list[Scenario]]:
    """Scenarios by the user who requests them."""
    from django.urls import reverse
    from django.utils import timezone

    from tickets.models import ServiceStation

    # The slot search looks ahead from tomorrow: today's slots may all be past when it runs.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    station = ServiceStation.objects.get(code=f"{PREFIX}-0")
    day = reverse("fieldwork:today")
    two_weeks = tomorrow + dt.timedelta(days=13)
    slots = "/api/slots/"
    return {
        "quiet": [
            Scenario("day page, 2 visits", day, is_queue=False),
            Scenario("day API, 2 visits", "/api/field/day/", is_queue=False),
        ],
        "busy": [
            Scenario(f"day page, {args.busy} visits", day, is_queue=False),
            Scenario(f"day API, {args.busy} visits", "/api/field/day/", is_queue=False),
        ],
        "agent": [
            Scenario(
                "slot search, station, 1 day",
                slots,
                [("station", str(station.pk)), ("date_from", tomorrow.isoformat()), ("date_to", tomorrow.isoformat())],
                is_queue=False,
            ),
            Scenario(
                "slot search, station, 14 days",
                slots,
                [("station", str(station.pk)), ("date_from", tomorrow.isoformat()), ("date_to", two_weeks.isoformat())],
                is_queue=False,
            ),
        ],
    }


def report(results: list[Result], counts: dict[str, int], info: dict[str, str], args: argparse.Namespace) -> str:
    from fieldwork.models import Visit
    from parts.models import Part, StockLevel

    lines = [
        f"<!-- field:{args.tickets} -->",
        f"## Field service: {counts['tickets']:,} tickets, {Visit.objects.count():,} visits,"
        f" {Part.objects.count():,} parts, {StockLevel.objects.count():,} stock levels",
        "",
        f"Run {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {info['cpu']}  ",
        f"{info['postgres']} · {info['python']}  ",
        f"{args.repeat} timed requests per scenario after {args.warmup} warm-up requests; server time in-process"
        " (django.test.Client, DEBUG off), milliseconds.",
        "",
        "| scenario | p50 ms | p95 ms | max ms | queries | slowest query ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if not r.ok:
            lines.append(f"| {r.scenario.name} | HTTP {r.status} | | | | |")
            continue
        lines.append(
            f"| {r.scenario.name} | {r.p50:.1f} | {r.p95:.1f} | {r.max:.1f} | {r.queries} | {r.slowest_sql_ms:.1f} |"
        )
    by_name = {r.scenario.name: r for r in results}

    def pair(a: str, b: str) -> str:
        x, y = by_name[a], by_name[b]
        same = x.ok and y.ok and x.queries == y.queries
        return f"{x.queries} vs {y.queries} ({'equal' if same else 'NOT equal'})"

    slow = [r.scenario.name for r in results if r.ok and r.p95 >= TARGET_MS]
    failed = [f"{r.scenario.name} (HTTP {r.status})" for r in results if not r.ok]
    lines += [
        "",
        f"- Queries, day page with 2 vs {args.busy} visits: {pair('day page, 2 visits', f'day page, {args.busy} visits')}.",
        f"- Queries, day API with 2 vs {args.busy} visits: {pair('day API, 2 visits', f'day API, {args.busy} visits')}.",
        f"- Queries, slot search over 1 vs 14 days: {pair('slot search, station, 1 day', 'slot search, station, 14 days')}.",
        f"- Target p95 < {TARGET_MS:.0f} ms: "
        + ("met by every scenario." if not slow and not failed else "missed by " + "; ".join(slow + failed) + "."),
        f"<!-- /field:{args.tickets} -->",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    url = database_url()
    ensure_database(url)
    setup_django(url)

    counts = prepare(args)
    seed_field(args)
    bring_visits_to_today()
    info = machine()
    print(f"{counts} · {info['cpu']} · {info['postgres']}")
    from django.contrib.auth import get_user_model

    User = get_user_model()
    users = {
        "quiet": User.objects.get(username=f"{PREFIX}-tech-0001"),
        "busy": User.objects.get(username=BUSY_TECHNICIAN),
        "agent": bench_user(),
    }
    results = []
    for who, scenario_list in scenarios(args).items():
        results += measure_all(users[who], scenario_list, args, slow=lambda result: result.p95 >= TARGET_MS)
    section = report(results, counts, info, args)
    print()
    print(section)
    if not args.no_write:
        write_results(section, args.tickets, marker="field", script="bench/field_bench.py")
        print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
