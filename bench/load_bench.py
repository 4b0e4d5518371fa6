"""Throughput and latency of the pages and the API under gunicorn, at volume, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench_1m \\
        .venv/bin/python bench/load_bench.py

Migrates the benchmark database (its name must contain "bench"; ``--seed`` first seeds it up to
1,000,000 tickets, 200,000 customers, 300,000 units and 500,000 callback visits with
``manage.py seed`` and times that), prepares the load test's users, API token and sample data,
collects the static files into a temporary STATIC_ROOT and starts gunicorn on 127.0.0.1 with the
production settings (DEBUG off, Redis for the cache, the broker and the counters of every
limit). Then it runs locust headless (bench/locustfile.py) once per scenario, each bounded in
time: the hello-world view ``/healthz`` alone (the ceiling), the desk (queue, filters, searches,
ticket pages), the dashboard, the portal submission and the API. Client-side figures come from
locust's CSV statistics, server-side ones from gunicorn's access log (each request's duration in
microseconds). Gunicorn is always stopped at the end. The figures go to bench/LOAD_RESULTS.md (a
section per volume, replaced on a re-run) and the summary to bench/README.md and README.md.
See bench/README.md for what is measured and how to read it.
"""

import argparse
import csv
import datetime as dt
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import queue_bench  # noqa: E402
from queue_bench import ROOT, database_url, ensure_database, machine, setup_django  # noqa: E402

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "LOAD_RESULTS.md"
README = BENCH / "README.md"
VENV_BIN = Path(sys.executable).parent
# Targets (issue 8): every page and endpoint under 200 ms at the 95th percentile, server-side;
# the portal submission at no less than a third of the hello-world throughput.
P95_TARGET_MS = 200.0
PORTAL_SHARE_TARGET = 1 / 3
# DESIGN.md section 8: the volume the product is sized for.
VOLUMES = {"tickets": 1_000_000, "customers": 200_000, "units": 300_000, "callbacks": 500_000}
SEED_TARGET_S = 600.0
# Scenario: the locust user class it runs.
SCENARIOS = {
    "hello": "HelloUser",
    "desk": "DeskAgent",
    "dashboard": "Manager",
    "portal": "PortalCustomer",
    "api": "ApiClient",
}
SETUP_ROWS = ("sign-in: form (setup)", "sign-in: submit (setup)")
HELLO = "hello-world /healthz"
PORTAL_POST = "portal: submit (POST)"
# Portal submissions use numbers in this mobile range, which neither `demo` nor `seed` uses.
PHONE_PREFIX = "+86198"
# Every field of the access log line, tab-separated: what load_bench reads back.
ACCESS_LOG_FORMAT = "\t".join(["%({x-bench-name}i)s", "%({x-bench-phase}i)s", "%(s)s", "%(D)s", "%(m)s %(U)s"])


@dataclass
class Row:
    """One endpoint's figures in one scenario."""

    name: str
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    client: tuple[float, float, float] | None = None  # p50, p95, p99 in ms
    server: tuple[float, float, float] | None = None
    server_requests: int = 0
    server_errors: int = 0

    @property
    def counts_for_targets(self) -> bool:
        return self.name not in SETUP_ROWS

    @property
    def meets_target(self) -> bool:
        return self.server is not None and self.server[1] < P95_TARGET_MS and not self.failures


@dataclass
class ScenarioResult:
    name: str
    users: int
    seconds: float
    rows: list[Row] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # cores used, by whom

    @property
    def total_rps(self) -> float:
        return sum(r.rps for r in self.rows if r.counts_for_targets)

    def row(self, name: str) -> Row | None:
        return next((r for r in self.rows if r.name == name), None)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", action="store_true", help="seed the database up to the volumes first, timed")
    for name, default in VOLUMES.items():
        parser.add_argument(f"--{name}", type=int, default=default, help=f"{name} to seed up to (default {default:,})")
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help="comma-separated, from: " + ", ".join(SCENARIOS)
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds per scenario, warm-up included")
    parser.add_argument("--warmup", type=int, default=10, help="seconds at the start of each scenario not counted")
    # One request in flight per worker: on 2 cores the work is CPU-bound (Python, and PostgreSQL
    # beside it), so more workers or users only add time slicing and queueing (measured: 10 users
    # on 5 workers took fewer requests a second than 2 users, with twice the server time).
    parser.add_argument("--users", type=int, default=3, help="concurrent locust users (closed loop, no think time)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14", help="Redis for cache, broker and limits")
    parser.add_argument("--no-write", action="store_true", help="print only; leave LOAD_RESULTS.md and README.md alone")
    args = parser.parse_args()
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if not 0 <= args.warmup < args.duration:
        parser.error("--warmup must be shorter than --duration")
    return args


# --- the database ---------------------------------------------------------------------------------


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


# --- gunicorn -------------------------------------------------------------------------------------


def server_env(base: dict[str, str], url: str, args: argparse.Namespace, work: Path) -> dict[str, str]:
    """The production settings, served over plain HTTP on 127.0.0.1 behind a (simulated) load balancer."""
    settings_module = work / "load_bench_settings.py"
    settings_module.write_text(
        "# The product's settings; only the static files go to this run's own directory.\n"
        "from aftersales.settings import *  # noqa: F403\n\n"
        f"STATIC_ROOT = {str(work / 'static')!r}\n"
    )
    env = {key: value for key, value in base.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="load_bench_settings",
        PYTHONPATH=os.pathsep.join([str(work), str(ROOT)]),
        DATABASE_URL=url,
        REDIS_URL=args.redis_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(40),
        FIELD_ENCRYPTION_KEY=base.get("FIELD_ENCRYPTION_KEY") or queue_bench.BENCH_FIELD_ENCRYPTION_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        # The balancer terminates TLS and says so in X-Forwarded-Proto (the app users send it); its
        # health probe comes over plain HTTP, so no redirect to https here.
        SECURE_SSL_REDIRECT="0",
        # One proxy in front: X-Forwarded-For's last address is the client's (aftersales/client_ip.py).
        API_NUM_PROXIES="1",
        # One token makes all the API traffic: its per-user throttle would stop it after 600 a
        # minute. The throttle still counts every request in Redis, as in production.
        API_USER_RATE="1000000/minute",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        AFTERSALES_VAR_DIR=str(work / "var"),
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], args: argparse.Namespace, work: Path, port: int) -> subprocess.Popen:
    command = [
        str(VENV_BIN / "gunicorn"),
        "aftersales.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        str(work / "access.log"),
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--error-logfile",
        str(work / "error.log"),
        "--timeout",
        "60",
    ]
    print(f"Starting gunicorn on 127.0.0.1:{port} with {args.workers} workers")
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}); see {work / 'error.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop_gunicorn(server: subprocess.Popen | None) -> None:
    """Gracefully, then for good: only the process group this script started."""
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


# --- one scenario ---------------------------------------------------------------------------------


def cpu_snapshot(server_pid: int) -> dict:
    """The machine's busy CPU seconds so far, and each gunicorn and PostgreSQL process's."""
    import psutil

    times = psutil.cpu_times()
    busy = times.user + times.nice + times.system + getattr(times, "irq", 0) + getattr(times, "softirq", 0)
    gunicorn: set[int] = set()
    try:
        master = psutil.Process(server_pid)
        gunicorn = {master.pid, *(child.pid for child in master.children(recursive=True))}
    except psutil.Error:
        pass
    processes = {}
    for process in psutil.process_iter(["name", "cpu_times"]):
        owner = "gunicorn" if process.pid in gunicorn else "postgres" if process.info["name"] == "postgres" else None
        if owner and process.info["cpu_times"] is not None:
            processes[process.pid] = (owner, process.info["cpu_times"].user + process.info["cpu_times"].system)
    return {"busy": busy, "processes": processes}


def cpu_used(before: dict, after: dict, wall: float, locust_cpu: float) -> dict[str, float]:
    """Cores used over ``wall`` seconds by gunicorn, PostgreSQL, locust and everything else.

    A process that started in between counts whole; one that ended in between is missed, and
    its time counts as everything else's."""
    used = {"gunicorn": 0.0, "postgres": 0.0}
    for pid, (owner, seconds) in after["processes"].items():
        earlier = before["processes"].get(pid)
        used[owner] += seconds - (earlier[1] if earlier and earlier[0] == owner else 0.0)
    cores = {who: seconds / wall for who, seconds in used.items()}
    cores["locust"] = locust_cpu / wall
    busy = (after["busy"] - before["busy"]) / wall
    cores["other"] = max(0.0, busy - sum(cores.values()))
    return cores


def run_locust(scenario: str, args: argparse.Namespace, host: str, config_path: Path, work: Path, server_pid: int):
    prefix = work / scenario
    command = [
        str(VENV_BIN / "locust"),
        "--locustfile",
        str(BENCH / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.users),
        "--run-time",
        f"{args.duration}s",
        "--stop-timeout",
        "10",
        "--host",
        host,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        SCENARIOS[scenario],
    ]
    env = {**os.environ, "LOAD_BENCH_CONFIG": str(config_path), "LOAD_BENCH_WARMUP": str(args.warmup)}
    before_cpu = cpu_snapshot(server_pid)
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    print(f"\n== {scenario}: {args.users} users for {args.duration} s ({args.warmup} s warm-up)", flush=True)
    completed = subprocess.run(command, cwd=BENCH, env=env, timeout=args.duration + 120, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    after_cpu = cpu_snapshot(server_pid)
    if completed.returncode not in (0, 1):  # 1: some requests failed, which the table shows
        print(completed.stdout[-3000:], completed.stderr[-3000:], sep="\n")
        raise RuntimeError(f"locust failed ({completed.returncode}) in scenario {scenario}")
    locust_cpu = (after_children.ru_utime + after_children.ru_stime) - (
        before_children.ru_utime + before_children.ru_stime
    )
    return prefix, cpu_used(before_cpu, after_cpu, wall, locust_cpu), completed.stderr


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    index = max(0, min(len(ordered) - 1, int(round(share * len(ordered) + 0.5)) - 1))
    return ordered[index]


def read_server_log(log: Path, offset: int) -> dict[str, list[tuple[int, float]]]:
    """The access log's measured requests since ``offset``: (status, ms) by row name."""
    by_name: dict[str, list[tuple[int, float]]] = {}
    with log.open("r", encoding="utf-8", errors="replace") as handle:
        handle.seek(offset)
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4 or parts[1] != "measure":
                continue
            by_name.setdefault(parts[0], []).append((int(parts[2]), int(parts[3]) / 1000))
    return by_name


def collect(scenario: str, prefix: Path, server_log: dict, args: argparse.Namespace, cpu: dict) -> ScenarioResult:
    window = args.duration - args.warmup
    result = ScenarioResult(scenario, args.users, window, cpu=cpu)
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            if record["Name"] == "Aggregated":
                continue
            count = int(record["Request Count"])
            row = Row(
                record["Name"],
                requests=count,
                failures=int(record["Failure Count"]),
                rps=count / window,
                client=(float(record["50%"]), float(record["95%"]), float(record["99%"])) if count else None,
            )
            result.rows.append(row)
    for name, entries in server_log.items():
        row = result.row(name)
        if row is None:
            row = Row(name)
            result.rows.append(row)
        times = sorted(ms for _status, ms in entries)
        row.server_requests = len(times)
        row.server_errors = sum(1 for status, _ms in entries if status >= 500)
        row.server = (percentile(times, 0.50), percentile(times, 0.95), percentile(times, 0.99))
    result.rows.sort(key=lambda r: (not r.counts_for_targets, r.name))
    return result


def failures_of(prefix: Path) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [f"{r['Name']}: {r['Error'][:160]} ×{r['Occurrences']}" for r in csv.DictReader(handle)]


# --- the report -----------------------------------------------------------------------------------


def fmt(values: tuple[float, float, float] | None) -> str:
    return " | ".join(f"{v:.0f}" if v >= 10 else f"{v:.1f}" for v in values) if values else " | ".join([""] * 3)


def report(
    results: list[ScenarioResult],
    counts: dict[str, int],
    info: dict[str, str],
    args: argparse.Namespace,
    extra: dict,
) -> tuple[str, str]:
    """The full section for LOAD_RESULTS.md and the summary for README.md."""
    by_name = {r.name: r for r in results}
    hello = by_name.get("hello")
    hello_rps = hello.row(HELLO).rps if hello and hello.row(HELLO) else None
    portal = by_name.get("portal")
    portal_post = portal.row(PORTAL_POST) if portal else None
    rows = [(r, row) for r in results for row in r.rows if row.counts_for_targets]
    missed = [
        f"{row.name} ({row.server[1]:.0f} ms)" for _r, row in rows if row.server and row.server[1] >= P95_TARGET_MS
    ]
    failed = [f"{row.name} ({row.failures} failed)" for _r, row in rows if row.failures]
    ratio = portal_post.rps / hello_rps if portal_post and hello_rps else None
    flow_ratio = portal.total_rps / hello_rps if portal and hello_rps else None
    others = sum(r.cpu.get("other", 0.0) for r in results) / max(len(results), 1)
    when = f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    header = [
        f"Run {when} · {info['cpu']}  ",
        f"{info['postgres']} · {info['python']}  ",
        f"{counts['tickets']:,} tickets, {counts['customers']:,} customers, {counts['units']:,} units,"
        f" {counts['callbacks']:,} callback visits, {counts['ratings']:,} ratings.  ",
        f"gunicorn {args.workers} sync workers on 127.0.0.1, DEBUG off, Redis cache/broker/limits; locust"
        f" {args.users} users per scenario, closed loop (no think time), {args.duration} s each of which"
        f" the first {args.warmup} s are not counted. Load average before the run: {extra['loadavg']}.",
    ]
    if extra.get("seed"):
        seed_info = extra["seed"]
        seeded = ", ".join(f"{int(seed_info[f'seeded_{k}']):,} {k}" for k in VOLUMES if seed_info.get(f"seeded_{k}"))
        verdict = "met" if seed_info["seed_s"] < SEED_TARGET_S else "MISSED"
        header.append(
            f"Seeding ({seeded}): {seed_info['seed_s']:.0f} s, then VACUUM ANALYZE {seed_info['vacuum_s']:.0f} s"
            f" — target under {SEED_TARGET_S:.0f} s {verdict}.  "
        )
    table = [
        "| scenario | endpoint | requests | req/s | client p50 | p95 | p99 | server p50 | p95 | p99 | p95 < 200 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for result in results:
        for row in result.rows:
            if not row.counts_for_targets:
                continue
            verdict = "yes" if row.meets_target else ("**no**" if row.server else "")
            failed_note = f" ({row.failures} failed)" if row.failures else ""
            table.append(
                f"| {result.name} | {row.name} | {row.requests:,}{failed_note} | {row.rps:.1f} | {fmt(row.client)} |"
                f" {fmt(row.server)} | {verdict} |"
            )
        if result.name != "hello":
            table.append(f"| {result.name} | **all of the above** | | **{result.total_rps:.1f}** | | | | | | | |")
    cpu_lines = [
        "| scenario | gunicorn | PostgreSQL | locust | everything else |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {r.name} | {r.cpu['gunicorn']:.2f} | {r.cpu['postgres']:.2f} | {r.cpu['locust']:.2f} | {r.cpu['other']:.2f} |"
            for r in results
        ],
    ]
    verdicts = [
        f"- Hello-world ceiling: **{hello_rps:,.0f} req/s**." if hello_rps else "- Hello-world: not run.",
        (
            f"- Portal submissions: **{portal_post.rps:.1f}/s** = {ratio:.2f} × hello-world"
            f" (target ≥ {PORTAL_SHARE_TARGET:.2f}: {'met' if ratio >= PORTAL_SHARE_TARGET else '**MISSED**'});"
            f" with the form they load first, {portal.total_rps:.1f} portal requests/s = {flow_ratio:.2f} × hello-world."
            if ratio is not None
            else "- Portal submission ratio: needs both the hello and the portal scenarios."
        ),
        f"- Server-side p95 < {P95_TARGET_MS:.0f} ms: "
        + ("met by every endpoint." if not missed else "**missed by** " + "; ".join(missed) + "."),
        f"- Other programs used {others:.2f} of the 2 cores on average during the scenarios"
        + (": the machine was shared, so these figures are a floor." if others >= 0.25 else "."),
        *([f"- Failed requests: {'; '.join(failed)}."] if failed else []),
        *[f"- Failure detail: {line}" for line in extra.get("failures", [])[:10]],
    ]
    section = "\n".join(
        [
            f"<!-- load:{args.tickets} -->",
            f"## {counts['tickets']:,} tickets under gunicorn",
            "",
            *header,
            "",
            *table,
            "",
            "Milliseconds. Client: locust's response times (include waiting for a free worker, the network"
            " stack and locust itself); server: gunicorn's own duration of each request (%(D)s), the"
            " figure the targets are about.",
            "",
            *verdicts,
            "",
            "CPU cores used during each scenario (2 in the machine):",
            "",
            *cpu_lines,
            f"<!-- /load:{args.tickets} -->",
        ]
    )
    summary_table = [
        "| scenario | req/s | slowest endpoint by server p95 | server p95 ms |",
        "|---|---:|---|---:|",
    ]
    for result in results:
        measured = [row for row in result.rows if row.counts_for_targets and row.server]
        if not measured:
            continue
        worst = max(measured, key=lambda row: row.server[1])
        summary_table.append(f"| {result.name} | {result.total_rps:,.1f} | {worst.name} | {worst.server[1]:.0f} |")
    summary = "\n".join(
        [
            "<!-- load-summary -->",
            f"Latest run ({when}, {counts['tickets']:,} tickets, {info['cpu']}, {args.workers} gunicorn workers,"
            f" {args.users} locust users; full table in [LOAD_RESULTS.md](LOAD_RESULTS.md)):",
            "",
            *summary_table,
            "",
            *verdicts[:4],
            "<!-- /load-summary -->",
        ]
    )
    return section + "\n", summary + "\n"


def write_results(section: str, summary: str, tickets: int) -> None:
    queue_bench.write_results(
        section, tickets, "load", path=RESULTS, title="Load benchmark results", script="bench/load_bench.py"
    )
    write_summary(summary)


def write_summary(summary: str) -> None:
    """The summary into this directory's README and the project's, each linking the full table."""
    pattern = re.compile(r"<!-- load-summary -->.*?<!-- /load-summary -->\n", re.S)
    for readme, link in ((README, "LOAD_RESULTS.md"), (ROOT / "README.md", "bench/LOAD_RESULTS.md")):
        text = readme.read_text()
        if pattern.search(text):
            readme.write_text(
                pattern.sub(lambda _, link=link: summary.replace("](LOAD_RESULTS.md)", f"]({link})"), text)
            )


# --- main -----------------------------------------------------------------------------------------


def redis_db_size(url: str) -> int | None:
    import redis

    try:
        return redis.Redis.from_url(url, socket_timeout=2).dbsize()
    except redis.RedisError:
        return None


def main() -> None:
    args = parse_args()
    url = database_url()
    base_env = dict(os.environ)
    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command

    redis_keys = redis_db_size(args.redis_url)
    if redis_keys is None:
        sys.exit(f"Redis does not answer at {args.redis_url}")
    extra: dict = {"loadavg": ", ".join(f"{v:.2f}" for v in os.getloadavg())}
    # The seed runs with the production settings too: DEBUG on would keep a log of every query.
    seed_env = {**base_env, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    seed_env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    seed_env.setdefault("FIELD_ENCRYPTION_KEY", queue_bench.BENCH_FIELD_ENCRYPTION_KEY)
    seed_env.pop("DJANGO_SETTINGS_MODULE", None)
    if args.seed:
        extra["seed"] = seed(args, seed_env)
    call_command("migrate", verbosity=0)
    snapshots_s = ensure_snapshots()
    if snapshots_s:
        print(f"Snapshots computed in {snapshots_s:.0f} s")
    counts = volumes()
    info = machine()
    print(f"{counts} · {info['cpu']} · {info['postgres']} · load average {extra['loadavg']}")
    config = load_config()

    work = Path(tempfile.mkdtemp(prefix="load-bench-"))
    server = None
    results: list[ScenarioResult] = []
    failures: list[str] = []
    try:
        config_path = work / "config.json"
        config_path.write_text(json.dumps(config))
        config_path.chmod(0o600)
        env = server_env(base_env, url, args, work)
        print("Collecting static files")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = args.port or free_port()
        server = start_gunicorn(env, args, work, port)
        log = work / "access.log"
        for scenario in args.scenarios:
            offset = log.stat().st_size if log.exists() else 0
            prefix, cpu, _stderr = run_locust(scenario, args, f"http://127.0.0.1:{port}", config_path, work, server.pid)
            result = collect(scenario, prefix, read_server_log(log, offset), args, cpu)
            results.append(result)
            failures += failures_of(prefix)
            for row in result.rows:
                print(
                    f"  {row.name:<40} {row.requests:6d} req {row.rps:7.1f}/s  client {fmt(row.client):<18}"
                    f"  server {fmt(row.server)}" + (f"  FAILED {row.failures}" if row.failures else "")
                )
            print(
                "  CPU cores: " + ", ".join(f"{who} {used:.2f}" for who, used in cpu.items()),
                flush=True,
            )
    finally:
        stop_gunicorn(server)
        errors = (work / "error.log").read_text(errors="replace") if (work / "error.log").exists() else ""
        if "Traceback" in errors:
            kept = BENCH / "load_bench_error.log"
            shutil.copy(work / "error.log", kept)
            print(f"gunicorn logged errors: copied to {kept}")
        shutil.rmtree(work, ignore_errors=True)
        # Queued notification tasks and limit counters: gone with the run when the database was ours alone.
        if redis_keys == 0:
            import redis

            redis.Redis.from_url(args.redis_url).flushdb()
    extra["failures"] = failures
    section, summary = report(results, counts, info, args, extra)
    print()
    print(section)
    if not args.no_write:
        write_results(section, summary, args.tickets)
        print(f"Written to {RESULTS.relative_to(ROOT)} and the summary to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
