"""The load benchmark's database: seeded up to the volume of docs/architecture.md#quality-bars (timed), the
dashboard's snapshots, the row counts, and the users, API token and sample data the locust
users pick from (written to a file only they read; bench/locustfile.py)."""

import argparse
import datetime as dt
import secrets
import subprocess
import sys
import time
from urllib.parse import urlencode

from bench_setup import ROOT

# docs/architecture.md#quality-bars: the volume the product is sized for.
VOLUMES = {"tickets": 1_000_000, "customers": 200_000, "units": 300_000, "callbacks": 500_000}
# Portal submissions use numbers in this mobile range, which neither `demo` nor `seed` uses.
PHONE_PREFIX = "+86198"


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


def volumes() -> dict[str, int]:
    from customers.models import Customer, ProductUnit
    from followups.models import CallbackVisit, SatisfactionRating
    from tickets.models import Ticket

    return {
        "tickets": Ticket.objects.count(),
        "customers": Customer.objects.count(),
        "units": ProductUnit.objects.count(),
        "callbacks": CallbackVisit.objects.count(),
        "ratings": SatisfactionRating.objects.count(),
    }


def bench_account(username: str, role: str, password: str) -> dict[str, str]:
    """A staff user with ``role`` and a password fresh for this run (the sign-in form needs one)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, _created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": "Load", "last_name": "Bench"}
    )
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return {"username": username, "password": password}


def load_config() -> dict:
    """Users, the API token and the sample data the locust users pick from (bench/locustfile.py)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count, Max
    from django.urls import reverse

    from aftersales.api.token_store import token_issue
    from aftersales.roles import Role
    from customers.models import Customer, ProductModel
    from quality.models import RateSnapshot
    from tickets.choices import OPEN_STATUSES
    from tickets.models import Ticket

    agent = bench_account("bench-load-agent", Role.AGENT, secrets.token_urlsafe(18))
    manager = bench_account("bench-load-manager", Role.MANAGER, secrets.token_urlsafe(18))
    # A new key each run (only its hash is stored): the run's locust users send this one.
    token = token_issue(user=get_user_model().objects.get(pk=_user_id(manager["username"])))

    # Ticket pages all over the table (a sample of its pages), not one hot row.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT reference FROM {Ticket._meta.db_table} TABLESAMPLE SYSTEM (0.5) ORDER BY random() LIMIT 2000"
        )
        references = [row[0] for row in cursor.fetchall()]
    sample = Ticket.objects.filter(unit__isnull=False).select_related("customer", "unit").order_by("-id").first()
    common_name = (
        Customer.objects.values("name").annotate(n=Count("id")).filter(n__gte=2).order_by("-n").first()
        or {"name": sample.customer.name}
    )["name"]
    station_id, assignee_id = (
        Ticket.objects.filter(station__isnull=False, assignee__isnull=False)
        .order_by("-id")
        .values_list("station_id", "assignee_id")
        .first()
    )
    open_statuses = [("status", s) for s in sorted(OPEN_STATUSES)]
    deep = settings.DESK_COUNT_CAP // settings.DESK_PAGE_SIZE
    queue = reverse("desk:queue")

    def at(path: str, params: list[tuple[str, str]] | None = None) -> str:
        return path + ("?" + urlencode(params) if params else "")

    station = (
        RateSnapshot.objects.filter(dimension="station")
        .order_by("-service_completed")
        .values_list("value", flat=True)
        .first()
    )
    home = reverse("dashboard:home")
    top = Customer.objects.filter(phone__gte=PHONE_PREFIX, phone__lt=PHONE_PREFIX[:-1] + "9").aggregate(
        top=Max("phone")
    )
    first_number = int(top["top"][len(PHONE_PREFIX) :]) + 1 if top["top"] else 0
    models = list(ProductModel.objects.filter(is_active=True).order_by("code").values_list("code", flat=True))
    return {
        "agent": agent,
        "manager": manager,
        "paths": {"login": reverse("desk:login"), "submit": reverse("portal:submit")},
        "references": references,
        "desk": {
            "default": queue,
            "ticket": reverse("desk:ticket", kwargs={"reference": "REFERENCE"}),
            "filters": [
                ["status=closed", at(queue, [("status", "closed")])],
                ["all open statuses", at(queue, open_statuses)],
                ["overdue", at(queue, [("overdue", "1")])],
                ["kind+priority", at(queue, [("kind", "complaint"), ("priority", "urgent")])],
                ["station+assignee", at(queue, [("station", str(station_id)), ("assignee", str(assignee_id))])],
                ["open by deadline", at(queue, [*open_statuses, ("sort", "due")])],
                ["sorted by priority", at(queue, [("sort", "priority")])],
                ["page_size=100", at(queue, [("page_size", "100")])],
                [f"deep page ({deep})", at(queue, [("page", str(deep))])],
            ],
            "searches": [
                ["reference", at(queue, [("q", sample.reference)])],
                ["phone", at(queue, [("q", sample.customer.phone_display)])],
                ["serial", at(queue, [("q", sample.unit.serial)])],
                ["customer name", at(queue, [("q", common_name)])],
            ],
        },
        "dashboard": [
            ["last 30 days", home],
            ["last 90 days", at(home, [("range", "90d")])],
            ["by station", at(home, [("by", "station")])],
            ["by model", at(home, [("by", "model")])],
            ["by batch", at(home, [("by", "batch")])],
            ["by agent", at(home, [("by", "agent")])],
            ["one station", at(home, [("dimension", "station"), ("value", station or "1")])],
            ["drill-down, dissatisfied", reverse("dashboard:tickets", kwargs={"kind": "dissatisfied"})],
            ["drill-down, no callback", reverse("dashboard:tickets", kwargs={"kind": "no_callback_attempt"})],
        ],
        "api": {
            "token": token.key,
            "detail": reverse("api:ticket-detail", kwargs={"reference": "REFERENCE"}),
            "lists": [
                ["default", reverse("api:ticket-list")],
                ["open statuses", at(reverse("api:ticket-list"), open_statuses)],
                ["page_size=100", at(reverse("api:ticket-list"), [("page_size", "100")])],
            ],
            "metrics": [
                ["last 30 days", reverse("api:metrics")],
                ["group_by=station", at(reverse("api:metrics"), [("group_by", "station")])],
            ],
        },
        "portal": {
            "phone_prefix": PHONE_PREFIX,
            "first_number": first_number,
            "models": models,
            "purchase_date": (dt.date.today() - dt.timedelta(days=200)).isoformat(),
            "descriptions": [
                "It stopped working this morning and shows an error code.",
                "Makes a loud noise when running and smells of burning.",
                "不制冷，显示屏报错 E4。",
                "开机后几分钟自动关机。",
            ],
        },
    }


def _user_id(username: str) -> int:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.values_list("pk", flat=True).get(username=username)
