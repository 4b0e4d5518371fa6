"""Server time and query count of a provider's work at volume, and a month's statements built for
the whole network, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench \\
        .venv/bin/python bench/network_bench.py --tickets 1000000

Prepares the database like bench/queue_bench.py (migrate, demo, ``manage.py seed`` up to the
volume), then adds the network's volume once (bench/network_seed.py: 500 providers with their
stations and staff, the seed's tickets dispatched to them, one statement of 10,000 lines, a
month of verified warranty jobs for every provider). Then it requests, in-process with DEBUG off
like the desk benchmark:

a. the desk queue and the tickets API as an agent of the largest provider (2 % of the tickets),
   of a typical one, and of headquarters for comparison;
b. the statement page (``settlements:statement``) and its API, statement and lines, as a
   headquarters manager and as the provider's manager;
c. ``/api/metrics/?group_by=provider`` as a headquarters manager and a provider's manager;

and times ``settlements.building.build_month`` for the jobs' month (its statements and lines
deleted first, so every run builds them afresh). A page whose URL does not resolve, a
breakdown the API does not accept, or a build function that cannot be imported is skipped
with a message.

Targets (issue 17): p95 under 200 ms server time; the month's statements for 500 providers in
under a minute. Figures go to bench/RESULTS.md, one section per volume.
"""

import argparse
import datetime as dt
import inspect
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_measure import RESULTS, Result, Scenario, measure_all, write_results  # noqa: E402  (beside this file)
from bench_setup import ROOT, bench_user, database_url, ensure_database, machine, prepare, setup_django  # noqa: E402
from network_seed import PREFIX, build_month_of, provider_code, seed_network, statement_month  # noqa: E402

TARGET_MS = 200.0
BUILD_TARGET_S = 60.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000, help="ticket volume to benchmark at")
    parser.add_argument("--customers", type=int, help="customer volume (default: as bench/queue_bench.py)")
    parser.add_argument("--units", type=int, help="unit volume (default: as bench/queue_bench.py)")
    parser.add_argument("--providers", type=int, default=500, help="service providers in the network")
    parser.add_argument("--big-stations", type=int, default=20, help="stations of the largest provider")
    parser.add_argument("--stations-per-provider", type=int, default=2, help="stations of every other provider")
    parser.add_argument("--hq-share", type=float, default=0.1, help="share of station slots left to headquarters")
    parser.add_argument("--lines", type=int, default=10_000, help="lines of the statement opened")
    parser.add_argument("--jobs-per-provider", type=int, default=20, help="verified warranty jobs in the build month")
    parser.add_argument("--snapshot-days", type=int, default=7, help="days of snapshots computed for the breakdown")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per scenario first")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest query of every scenario")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    return parser.parse_args()


def provider_user(role: str, n: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=f"{PREFIX}-{role}-{n:03d}")


def resolvable(path: str) -> bool:
    """The path names an endpoint (the API answers every other path under /api/ with its
    ``no-such-endpoint`` page)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name != "no-such-endpoint"


def snapshots_by_provider(args: argparse.Namespace) -> str | None:
    """The breakdown answers from the snapshots: compute the last days' once, when the snapshots
    know the provider dimension. Returns why the breakdown is skipped, or None."""
    from quality import snapshots
    from quality.models import Dimension, RateSnapshot

    if "provider" not in Dimension.values:
        return "the snapshots have no provider dimension yet"
    if not RateSnapshot.objects.filter(dimension="provider").exists():
        started = time.perf_counter()
        rows = snapshots.refresh_recent(args.snapshot_days)
        print(f"  snapshots: {rows:,} rows for {args.snapshot_days} days in {time.perf_counter() - started:.1f} s")
    return None


def scenarios(args: argparse.Namespace, today: dt.date) -> tuple[dict[str, list[Scenario]], list[str]]:
    """Scenarios by the user who requests them, and the messages of those skipped."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from network.models import ServiceProvider
    from settlements.models import Statement

    skipped = []
    from tickets.choices import OPEN_STATUSES

    queue = reverse("desk:queue")
    open_statuses = [("status", status) for status in OPEN_STATUSES]
    tickets_api = "/api/tickets/"

    def queue_scenarios(who: str) -> list[Scenario]:
        return [
            Scenario(f"desk queue, {who}", queue),
            Scenario(f"desk queue, open by deadline, {who}", queue, [*open_statuses, ("sort", "due")]),
            Scenario(f"tickets API, {who}", tickets_api, is_queue=False),
        ]

    statement = Statement.objects.get(
        provider=ServiceProvider.objects.get(code=provider_code(0)), month=statement_month(today)
    )
    statement_pages = []
    try:
        page = reverse("settlements:statement", args=[statement.pk])
        statement_pages.append(Scenario(f"statement page, {args.lines:,} lines", page, is_queue=False))
    except NoReverseMatch:
        skipped.append("statement page: the URL name settlements:statement does not resolve")
    for name, path, params in (
        ("statement API", f"/api/statements/{statement.pk}/", []),
        ("statement lines API, first page", "/api/settlement-lines/", [("statement", str(statement.pk))]),
    ):
        if resolvable(path):
            statement_pages.append(Scenario(name, path, params, is_queue=False))
        else:
            skipped.append(f"{name}: {path} does not resolve")

    metrics = [Scenario("metrics API, group_by=provider", "/api/metrics/", [("group_by", "provider")], is_queue=False)]
    why = snapshots_by_provider(args)
    if why is None:
        client = Client(raise_request_exception=False)
        client.force_login(bench_user("manager", f"{PREFIX}-hq-manager", ("Bench", "HQ manager")))
        response = client.get("/api/metrics/", {"group_by": "provider"})
        if response.status_code != 200:
            why = f"/api/metrics/ answers HTTP {response.status_code} to group_by=provider"
    if why is not None:
        skipped.append(f"provider breakdown: {why}")
        metrics = []

    def as_who(who: str) -> list[Scenario]:
        return [Scenario(f"{s.name}, {who}", s.path, s.params, s.is_queue) for s in statement_pages + metrics]

    return {
        "big agent": queue_scenarios("largest provider"),
        "typical agent": queue_scenarios("typical provider"),
        "hq agent": queue_scenarios("headquarters"),
        "hq manager": as_who("headquarters"),
        "provider manager": as_who("provider"),
    }, skipped


def time_build(args: argparse.Namespace, today: dt.date) -> dict[str, object]:
    """Build the jobs' month for the whole network, after deleting what an earlier run built."""
    from django.db import transaction

    from settlements.models import SettlementLine, Statement, StatementEvent

    try:
        from settlements.building import build_month
    except ImportError as error:
        return {"skipped": f"settlements.building.build_month cannot be imported yet ({error})"}
    month = build_month_of(today)
    built = Statement.objects.filter(month=month, provider__code__startswith=PREFIX)
    with transaction.atomic():
        StatementEvent.objects.filter(statement__in=built).delete()
        SettlementLine.objects.filter(statement__in=built).delete()
        built.delete()
    kwargs = {}
    if "now" in inspect.signature(build_month).parameters:
        from django.utils import timezone

        kwargs["now"] = timezone.now()
    started = time.perf_counter()
    build_month(month, **kwargs)
    seconds = time.perf_counter() - started
    return {
        "month": month,
        "seconds": seconds,
        "statements": built.count(),
        "lines": SettlementLine.objects.filter(statement__in=built).count(),
    }


def report(results: list[Result], build: dict, skipped: list[str], counts: dict, info: dict, args) -> str:
    from network.models import ServiceProvider
    from tickets.models import Ticket

    big = Ticket.objects.filter(provider__code=provider_code(0)).count()
    typical = Ticket.objects.filter(provider__code=provider_code(args.providers // 2)).count()
    lines = [
        f"<!-- network:{args.tickets} -->",
        f"## Service network: {counts['tickets']:,} tickets,"
        f" {ServiceProvider.objects.filter(code__startswith=PREFIX).count():,} providers",
        "",
        f"Run {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {info['cpu']}"
        f" · load average {args.load:.1f} when measuring began  ",
        f"{info['postgres']} · {info['python']}  ",
        f"Largest provider {big:,} tickets, typical provider {typical:,}; {args.repeat} timed requests per scenario"
        f" after {args.warmup} warm-up requests; server time in-process (django.test.Client, DEBUG off), milliseconds.",
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
    lines.append("")
    if "skipped" in build:
        skipped = [*skipped, f"month's build: {build['skipped']}"]
    else:
        met = "met" if build["seconds"] < BUILD_TARGET_S else "MISSED"
        lines.append(
            f"- Month's statements built for {build['month']:%Y-%m}: {build['statements']:,} statements,"
            f" {build['lines']:,} lines in {build['seconds']:.1f} s (target {BUILD_TARGET_S:.0f} s: {met})."
        )
    slow = [r.scenario.name for r in results if r.ok and r.p95 >= TARGET_MS]
    failed = [f"{r.scenario.name} (HTTP {r.status})" for r in results if not r.ok]
    lines += [f"- Skipped: {message}." for message in skipped]
    lines += [
        f"- Target p95 < {TARGET_MS:.0f} ms: "
        + ("met by every scenario." if not slow and not failed else "missed by " + "; ".join(slow + failed) + "."),
        f"<!-- /network:{args.tickets} -->",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    url = database_url()
    ensure_database(url)
    setup_django(url)
    from django.utils import timezone

    today = timezone.localdate()
    counts = prepare(args)
    seed_network(args, today)
    info = machine()
    print(f"{counts} · {info['cpu']} · {info['postgres']}")
    by_user, skipped = scenarios(args, today)
    users = {
        "big agent": provider_user("agent", 0),
        "typical agent": provider_user("agent", args.providers // 2),
        "hq agent": bench_user(),
        "hq manager": bench_user("manager", f"{PREFIX}-hq-manager", ("Bench", "HQ manager")),
        "provider manager": provider_user("manager", 0),
    }
    # Other processes on the machine stretch the timings: the 1-minute load average is recorded.
    args.load = os.getloadavg()[0]
    results = []
    for who, scenario_list in by_user.items():
        results += measure_all(users[who], scenario_list, args, slow=lambda result: result.p95 >= TARGET_MS)
    build = time_build(args, today)
    print(build)
    section = report(results, build, skipped, counts, info, args)
    print()
    print(section)
    if not args.no_write:
        write_results(section, args.tickets, marker="network", script="bench/network_bench.py")
        print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
