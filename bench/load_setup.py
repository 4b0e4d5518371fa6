"""The load benchmark's database: seeded up to the volume of docs/architecture.md#quality-bars (timed),
the dashboard's snapshots, the field-service volume around the tickets (bench/field_bench.py's),
callbacks due in the queue, and the row counts. The users and the sample the locust users pick
from are load_config.py's."""

import argparse
import datetime as dt
import subprocess
import sys
import time

from bench_setup import ROOT
from field_bench import BUSY_TECHNICIAN, FIELD_VOLUME, bring_visits_to_today, seed_field

# docs/architecture.md#quality-bars: the volume the product is sized for.
VOLUMES = {"tickets": 1_000_000, "customers": 200_000, "units": 300_000, "callbacks": 500_000}
# The callback queue's scenario needs calls to make: at least this many due (the seed leaves due
# only the callbacks of the last days before it ran, and the queue's count is capped anyway).
DUE_CALLBACKS = 2_000


def seed(args: argparse.Namespace, env: dict[str, str]) -> dict[str, float]:
    """Seed up to the volumes with ``manage.py seed`` (in its own process, timed), then VACUUM ANALYZE."""
    from django.core.management import call_command
    from django.db import connection

    from customers.models import Customer, ProductUnit
    from followups.models import CallbackVisit
    from tickets.models import Ticket

    call_command("migrate", verbosity=0)
    missing = {
        "customers": max(0, args.customers - Customer.objects.count()),
        "units": max(0, args.units - ProductUnit.objects.count()),
        "tickets": max(0, args.tickets - Ticket.objects.count()),
        "callbacks": max(0, args.callbacks - CallbackVisit.objects.count()),
    }
    timings = {"seed_s": 0.0, "vacuum_s": 0.0, **{f"seeded_{k}": float(v) for k, v in missing.items()}}
    if not any(missing.values()):
        print("Seeding: the database already holds the volumes.")
        return timings
    command = [sys.executable, "manage.py", "seed", *[f"--{name}={count}" for name, count in missing.items()]]
    print("Seeding:", " ".join(command[1:]))
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    timings["seed_s"] = time.perf_counter() - started
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum_s"] = time.perf_counter() - started
    print(f"Seeded in {timings['seed_s']:.0f} s, VACUUM ANALYZE {timings['vacuum_s']:.0f} s")
    return timings


def ensure_snapshots() -> float:
    """The dashboard reads the daily quality snapshots: compute the last 90 days when there are none."""
    from django.utils import timezone

    from quality import snapshots
    from quality.metrics import Period, business_today
    from quality.models import RateSnapshot

    if RateSnapshot.objects.exists():
        return 0.0
    now = timezone.now()
    today = business_today(now)
    print("Computing 90 days of quality snapshots for the dashboard")
    started = time.perf_counter()
    snapshots.refresh(Period(today - dt.timedelta(days=89), today), now=now)
    return time.perf_counter() - started


def ensure_field() -> None:
    """The technicians' day: bench/field_bench.py's field-service volume (stations, 200
    technicians with 120 days of done visits, today's booked visits, parts and stock), added once;
    on a later day its booked visits move to today."""
    seed_field(argparse.Namespace(**FIELD_VOLUME))
    bring_visits_to_today()


def ensure_due_callbacks(minimum: int = DUE_CALLBACKS) -> int:
    """At least ``minimum`` callbacks due: the after-service callbacks that completed tickets
    without one are owed, as resolving schedules them (same de-duplication key), due a day
    after the resolution, so most are overdue. Returns how many were added."""
    from django.db import transaction

    from demo.seed.followups import AFTER_SERVICE_DUE, callback_candidates
    from followups.choices import CallbackKind, CallbackStatus
    from followups.models import CallbackVisit

    missing = minimum - CallbackVisit.objects.filter(status=CallbackStatus.DUE).count()
    if missing <= 0:
        return 0
    with transaction.atomic():
        added = CallbackVisit.objects.bulk_create(
            CallbackVisit(
                kind=CallbackKind.AFTER_SERVICE,
                customer_id=customer_id,
                ticket_id=ticket_id,
                unit_id=unit_id,
                due_at=resolved_at + AFTER_SERVICE_DUE,
                status=CallbackStatus.DUE,
                dedupe_key=f"after_service:{ticket_id}:{reopened}",
            )
            for ticket_id, customer_id, unit_id, resolved_at, reopened in callback_candidates(missing)
        )
    print(f"Callbacks: {len(added)} due after-service callbacks added")
    return len(added)


def volumes() -> dict[str, int]:
    from django.utils import timezone

    from customers.models import Customer, ProductUnit
    from fieldwork.models import Visit
    from followups.choices import CallbackStatus
    from followups.models import CallbackVisit, SatisfactionRating
    from tickets.models import Ticket

    return {
        "tickets": Ticket.objects.count(),
        "customers": Customer.objects.count(),
        "units": ProductUnit.objects.count(),
        "callbacks": CallbackVisit.objects.count(),
        "ratings": SatisfactionRating.objects.count(),
        "due_callbacks": CallbackVisit.objects.filter(status=CallbackStatus.DUE).count(),
        "visits": Visit.objects.count(),
        "busy_visits_today": Visit.objects.filter(
            technician__username=BUSY_TECHNICIAN, start__date=timezone.localdate()
        ).count(),
    }
