"""Server time and query count of the desk queue and ticket pages at volume, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench \\
        .venv/bin/python bench/queue_bench.py --tickets 100000

Creates and migrates the benchmark database when needed (its name must contain "bench", so
the script never writes to another database), seeds it up to the requested volume with
``manage.py seed``, then requests each scenario in-process through django.test.Client as a
signed-in agent with DEBUG off: warm-up requests first, then ``--repeat`` timed requests, and
one more request under CaptureQueriesContext for the query count. The figures are printed
and written to bench/RESULTS.md (one section per volume, replaced on a re-run). See
bench/README.md for what is measured and what is not.
"""

import argparse
import datetime as dt
import logging
import os
import platform
import re
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench"
TARGET_MS = 100.0
# DESIGN.md section 8 sizes the product at 1,000,000 tickets, 200,000 customers and 300,000 units.
CUSTOMERS_PER_TICKET = 0.2
UNITS_PER_TICKET = 0.3


@dataclass
class Scenario:
    name: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    is_queue: bool = True
    # Settings the scenario runs under (override_settings), e.g. a cache that keeps nothing.
    settings: dict = field(default_factory=dict)


@dataclass
class Result:
    scenario: Scenario
    status: int
    timings_ms: list[float] = field(default_factory=list)
    queries: int = 0
    rows: int | None = None
    slowest_sql: str = ""
    slowest_sql_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def p50(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def max(self) -> float:
        return max(self.timings_ms)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="ticket volume to benchmark at")
    parser.add_argument("--customers", type=int, help=f"customer volume (default tickets x {CUSTOMERS_PER_TICKET})")
    parser.add_argument("--units", type=int, help=f"unit volume (default tickets x {UNITS_PER_TICKET})")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per scenario first")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of every scenario")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    return parser.parse_args()


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"The benchmark runs on PostgreSQL; DATABASE_URL is {parsed.scheme}://…")
    if "bench" not in name:
        sys.exit(f"Refusing to seed database {name!r}: use a database whose name contains 'bench'.")
    return url


def ensure_database(url: str) -> None:
    """Create the benchmark database on the server when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    connection = psycopg2.connect(
        dbname="postgres",
        user=parsed.username or "postgres",
        password=parsed.password,
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"Creating database {name}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


# Not a secret: the benchmark's processes share it so each reads what another encrypted.
BENCH_FIELD_ENCRYPTION_KEY = "YmVuY2htYXJrLW9ubHktbm90LWEtc2VjcmV0LWtleSE="


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "aftersales.settings"
    # Production-like: DEBUG off (templates cached, no debug cursor). The in-process client
    # speaks plain HTTP to "testserver", so the HTTPS redirect and host check are relaxed.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", BENCH_FIELD_ENCRYPTION_KEY)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    # WhiteNoise warns that collectstatic has not run; static files are not what is measured.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    # A failing page is reported in the results table; its traceback would drown the output.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


def prepare(args: argparse.Namespace) -> dict[str, int]:
    """Migrate, then seed up to the requested volume; returns the row counts."""
    from django.core.management import call_command
    from django.db import connection

    from customers.models import Customer, ProductUnit
    from tickets.models import Ticket

    call_command("migrate", verbosity=0)
    # The demo's 120 tickets have full timelines for the ticket page; the seed brings the volume.
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
    customers = args.customers if args.customers is not None else int(args.tickets * CUSTOMERS_PER_TICKET)
    units = args.units if args.units is not None else int(args.tickets * UNITS_PER_TICKET)
    missing = {
        "customers": max(0, customers - Customer.objects.count()),
        "units": max(0, units - ProductUnit.objects.count()),
        "tickets": max(0, args.tickets - Ticket.objects.count()),
    }
    if any(missing.values()):
        print(f"Seeding {missing}")
        call_command("seed", **missing)
        print("VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "customers": Customer.objects.count(),
        "units": ProductUnit.objects.count(),
        "tickets": Ticket.objects.count(),
    }


def bench_user(role: str = "agent", username: str = "bench-agent", name: tuple[str, str] = ("Bench", "Agent")):
    """A staff user with the given role and no usable password (the benchmarks force_login)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": name[0], "last_name": name[1]}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def scenarios() -> list[Scenario]:
    """The queue with every filter the desk offers, the search kinds, a deep page, a ticket page."""
    from django.conf import settings
    from django.db.models import Count, Q
    from django.urls import reverse

    from customers.models import Customer
    from tickets.choices import OPEN_STATUSES
    from tickets.models import Ticket

    queue = reverse("desk:queue")
    sample = Ticket.objects.filter(unit__isnull=False).select_related("customer", "unit").order_by("-id").first()
    common_name = (
        Customer.objects.values("name").annotate(n=Count("id")).filter(n__gte=2).order_by("-n").first()
        or {"name": sample.customer.name}
    )["name"]
    # The longest timeline written by staff only, and a ticket the customer submitted on the web
    # (its first event has no staff actor).
    staff_only = Ticket.objects.annotate(
        n=Count("events"), unattributed=Count("events", filter=Q(events__actor__isnull=True))
    ).filter(unattributed=0)
    busy, events = staff_only.order_by("-n", "-id").values_list("reference", "n").first()
    web = (
        Ticket.objects.filter(channel="web", events__actor__isnull=True)
        .order_by("-id")
        .values_list("reference", flat=True)
        .first()
    )
    station_id, assignee_id = (
        Ticket.objects.filter(station__isnull=False, assignee__isnull=False)
        .order_by("-id")
        .values_list("station_id", "assignee_id")
        .first()
    )
    # Half-way through the whole list, or the last page the desk offers when it caps its count.
    pages = Ticket.objects.count() // settings.DESK_PAGE_SIZE
    cap = getattr(settings, "DESK_COUNT_CAP", None)
    deep = min(pages // 2, cap // settings.DESK_PAGE_SIZE) if cap else pages // 2
    open_statuses = [("status", s) for s in sorted(OPEN_STATUSES)]
    return [
        Scenario("queue, default (25 per page)", queue),
        Scenario("queue, page_size=100", queue, [("page_size", "100")]),
        Scenario("queue, status=closed", queue, [("status", "closed")]),
        Scenario("queue, all open statuses", queue, open_statuses),
        Scenario("queue, overdue=1", queue, [("overdue", "1")]),
        Scenario("queue, kind+priority", queue, [("kind", "complaint"), ("priority", "urgent")]),
        Scenario("queue, station+assignee", queue, [("station", str(station_id)), ("assignee", str(assignee_id))]),
        Scenario("queue, open sorted by deadline", queue, [*open_statuses, ("sort", "due")]),
        Scenario("queue, sorted by priority", queue, [("sort", "priority")]),
        Scenario("search, reference", queue, [("q", sample.reference)]),
        Scenario("search, phone (national format)", queue, [("q", sample.customer.phone_display)]),
        Scenario("search, serial", queue, [("q", sample.unit.serial)]),
        Scenario("search, customer name", queue, [("q", common_name)]),
        Scenario(f"queue, deep page ({deep})", queue, [("page", str(deep))]),
        Scenario(f"ticket page, {events} events", reverse("desk:ticket", kwargs={"reference": busy}), is_queue=False),
        Scenario("ticket page, web submission", reverse("desk:ticket", kwargs={"reference": web}), is_queue=False),
    ]


def measure(client, scenario: Scenario, args: argparse.Namespace) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = scenario.path + ("?" + urlencode(scenario.params) if scenario.params else "")
    for _ in range(args.warmup):
        response = client.get(url)
        if response.status_code != 200:
            return Result(scenario, response.status_code)
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    rows = None
    if scenario.is_queue:
        match = re.search(rb"<tbody>(.*?)</tbody>", response.content, re.S)
        rows = match.group(1).count(b"<tr") if match else None
    return Result(scenario, 200, timings, len(captured), rows, slowest["sql"], float(slowest["time"]) * 1000)


def explain(sql_text: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql_text)
        return "\n".join(row[0] for row in cursor.fetchall())


def machine() -> dict[str, str]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        db_size = cursor.fetchone()[0]
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": f"{os.cpu_count()} × {cpu}",
        "postgres": f"PostgreSQL {pg_version} on 127.0.0.1 (database size {db_size})",
        "python": f"Python {platform.python_version()}, Django {django.get_version()}",
    }


def report(results: list[Result], counts: dict[str, int], info: dict[str, str], args: argparse.Namespace) -> str:
    by_name = {r.scenario.name: r for r in results}
    default, wide = by_name["queue, default (25 per page)"], by_name["queue, page_size=100"]
    queue_counts = sorted({r.queries for r in results if r.ok and r.scenario.is_queue})
    lines = [
        f"<!-- bench:{args.tickets} -->",
        f"## {counts['tickets']:,} tickets, {counts['customers']:,} customers, {counts['units']:,} units",
        "",
        f"Run {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {info['cpu']}  ",
        f"{info['postgres']} · {info['python']}  ",
        f"{args.repeat} timed requests per scenario after {args.warmup} warm-up requests; server time in-process"
        " (django.test.Client, DEBUG off), milliseconds.",
        "",
        "| scenario | rows | p50 ms | p95 ms | max ms | queries | slowest query ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if not r.ok:
            lines.append(f"| {r.scenario.name} | | HTTP {r.status} | | | | |")
            continue
        rows = "" if r.rows is None else str(r.rows)
        lines.append(
            f"| {r.scenario.name} | {rows} | {r.p50:.1f} | {r.p95:.1f} | {r.max:.1f} | {r.queries} | {r.slowest_sql_ms:.1f} |"
        )
    slow = [r.scenario.name for r in results if r.ok and r.p50 >= TARGET_MS]
    failed = [f"{r.scenario.name} (HTTP {r.status})" for r in results if not r.ok]
    lines += [
        "",
        f"- Query count, 25 vs 100 rows per page: {default.queries} vs {wide.queries}"
        f" ({'equal' if default.queries == wide.queries else 'NOT equal'}).",
        f"- Query counts over all queue scenarios: {', '.join(map(str, queue_counts))}.",
        f"- Target p50 < {TARGET_MS:.0f} ms: "
        + ("met by every scenario that answered." if not slow else "missed by " + "; ".join(slow) + "."),
        *([f"- Failed: {'; '.join(failed)}."] if failed else []),
        f"<!-- /bench:{args.tickets} -->",
    ]
    return "\n".join(lines) + "\n"


def write_results(
    section: str,
    tickets: int,
    marker: str = "bench",
    *,
    path: Path = RESULTS,
    title: str = "Desk benchmark results",
    script: str = "bench/queue_bench.py",
) -> None:
    """Put ``section`` into ``path`` between its ``<!-- marker:tickets -->`` comments,
    replacing an earlier run's section at the same volume."""
    header = (
        f"# {title}\n\n"
        f"Written by `{script}` (see bench/README.md); one section per ticket volume,"
        " replaced when the benchmark runs again at that volume.\n\n"
    )
    text = path.read_text() if path.exists() else header
    pattern = re.compile(rf"<!-- {marker}:{tickets} -->.*?<!-- /{marker}:{tickets} -->\n", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def measure_all(user, scenario_list: list[Scenario], args: argparse.Namespace, slow) -> list[Result]:
    """Measure every scenario signed in as ``user``, printing each; ``slow(result)`` says when
    to print the EXPLAIN of its slowest query."""
    from django.test import Client
    from django.test.utils import override_settings

    # The manifest storage needs collectstatic; static URLs are not what is measured here.
    plain_static = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results = []
    with override_settings(STORAGES=plain_static):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for scenario in scenario_list:
            with override_settings(**scenario.settings):
                result = measure(client, scenario, args)
            results.append(result)
            if not result.ok:
                print(f"{scenario.name:<36} HTTP {result.status}")
                continue
            print(
                f"{scenario.name:<36} p50 {result.p50:7.1f}  p95 {result.p95:7.1f}  max {result.max:7.1f} ms"
                f"  {result.queries:2d} queries  slowest {result.slowest_sql_ms:6.1f} ms"
            )
            if args.explain or slow(result):
                print(explain(result.slowest_sql))
    return results


def main() -> None:
    args = parse_args()
    url = database_url()
    ensure_database(url)
    setup_django(url)

    from django.urls import NoReverseMatch, reverse

    try:
        reverse("desk:queue")
    except NoReverseMatch:
        sys.exit("The desk queue (URL name desk:queue) does not exist yet.")
    counts = prepare(args)
    info = machine()
    print(f"{counts} · {info['cpu']} · {info['postgres']}")
    results = measure_all(bench_user(), scenarios(), args, slow=lambda result: result.p50 >= TARGET_MS)
    section = report(results, counts, info, args)
    print()
    print(section)
    if not args.no_write:
        write_results(section, args.tickets)
        print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
