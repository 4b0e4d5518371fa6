"""Speed of the quality snapshot job and of the manager dashboard at volume, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench_1m \\
        .venv/bin/python bench/quality_bench.py --tickets 1000000 --callbacks 500000

Prepares the database like bench/queue_bench.py (migrate, demo, ``manage.py seed`` up to the
volume) and tops up the after-service callbacks with their attempts and ratings. Then:

1. times the snapshot job for one full day (yesterday: every family, whole organisation and
   every breakdown), ``--job-repeat`` times, and the hourly (2 days) and nightly
   (``QUALITY_RECOMPUTE_DAYS``) runs once each;
2. computes the snapshots of the last 90 days so the dashboard has its trends;
3. requests the dashboard, its breakdowns, a drill-down and ``/api/metrics/`` in-process as a
   signed-in manager with DEBUG off, like the desk benchmark, and records server time and
   query counts.

Targets (issue 6): the day's job under 60 s; every dashboard page under 200 ms server time.
Figures go to bench/RESULTS.md in a section per volume.
"""

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_measure import RESULTS, Result, Scenario, measure_all, write_results  # noqa: E402  (beside this file)
from bench_setup import ROOT, bench_user, database_url, ensure_database, machine, setup_django  # noqa: E402
from bench_setup import prepare as prepare_tickets  # noqa: E402

JOB_TARGET_S = 60.0
PAGE_TARGET_MS = 200.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000, help="ticket volume to benchmark at")
    parser.add_argument("--customers", type=int, help="customer volume (default tickets x 0.2)")
    parser.add_argument("--units", type=int, help="unit volume (default tickets x 0.3)")
    parser.add_argument("--callbacks", type=int, default=500_000, help="after-service callbacks to have")
    parser.add_argument("--job-repeat", type=int, default=3, help="timed runs of the one-day snapshot job")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest query")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    return parser.parse_args()


def prepare(args: argparse.Namespace) -> dict[str, int]:
    from django.core.management import call_command
    from django.db import connection

    from followups.models import CallbackVisit, SatisfactionRating

    counts = prepare_tickets(args)
    missing = args.callbacks - CallbackVisit.objects.count()
    if missing > 0:
        print(f"Seeding {missing} callbacks")
        call_command("seed", callbacks=missing)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    counts["callbacks"] = CallbackVisit.objects.count()
    counts["ratings"] = SatisfactionRating.objects.count()
    return counts


def time_jobs(args: argparse.Namespace) -> dict[str, object]:
    from django.conf import settings
    from django.utils import timezone

    from quality import snapshots
    from quality.metrics import Period, business_today
    from quality.models import RateSnapshot

    now = timezone.now()
    today = business_today(now)
    yesterday = Period.day(today - dt.timedelta(days=1))
    day_runs = []
    for _ in range(args.job_repeat):
        started = time.perf_counter()
        rows = snapshots.refresh(yesterday, now=now)
        day_runs.append(time.perf_counter() - started)
    print(f"one day ({yesterday.start}): {rows} rows, runs {', '.join(f'{s:.1f}' for s in day_runs)} s")
    started = time.perf_counter()
    hourly_rows = snapshots.refresh_recent(2, now=now)
    hourly = time.perf_counter() - started
    print(f"hourly run (2 days): {hourly_rows} rows in {hourly:.1f} s")
    started = time.perf_counter()
    nightly_rows = snapshots.refresh_recent(settings.QUALITY_RECOMPUTE_DAYS, now=now)
    nightly = time.perf_counter() - started
    print(f"nightly run ({settings.QUALITY_RECOMPUTE_DAYS} days): {nightly_rows} rows in {nightly:.1f} s")
    # The older days of the 90-day trend, once.
    started = time.perf_counter()
    snapshots.refresh(
        Period(today - dt.timedelta(days=89), today - dt.timedelta(days=settings.QUALITY_RECOMPUTE_DAYS)), now=now
    )
    history = time.perf_counter() - started
    started = time.perf_counter()
    raised, cleared = snapshots.check_rate_alerts(now=now)
    alerts = time.perf_counter() - started
    print(f"90-day history in {history:.1f} s; alert check {alerts:.2f} s ({raised} raised, {cleared} cleared)")
    return {
        "day": yesterday.start,
        "day_rows": rows,
        "day_runs": day_runs,
        "hourly": (hourly_rows, hourly),
        "nightly": (nightly_rows, nightly, settings.QUALITY_RECOMPUTE_DAYS),
        "alerts": alerts,
        "snapshot_rows": RateSnapshot.objects.count(),
    }


def scenarios() -> list[Scenario]:
    from django.conf import settings
    from django.urls import reverse

    from quality.models import RateSnapshot

    home = reverse("dashboard:home")
    station = (
        RateSnapshot.objects.filter(dimension="station")
        .order_by("-service_completed")
        .values_list("value", flat=True)
        .first()
    )
    # The dashboard renders its figures once per state of the snapshots and serves them from
    # its cache until the next run; these are the first views after a run, nothing cached.
    nothing_cached = {
        "CACHES": {
            **settings.CACHES,
            "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        }
    }
    return [
        Scenario("dashboard, last 30 days, first view", home, is_queue=False, settings=nothing_cached),
        Scenario("dashboard, by batch, first view", home, [("by", "batch")], is_queue=False, settings=nothing_cached),
        Scenario("dashboard, last 30 days", home, is_queue=False),
        Scenario("dashboard, last 90 days", home, [("range", "90d")], is_queue=False),
        Scenario("dashboard, breakdown by station", home, [("by", "station")], is_queue=False),
        Scenario("dashboard, breakdown by model", home, [("by", "model")], is_queue=False),
        Scenario("dashboard, breakdown by batch", home, [("by", "batch")], is_queue=False),
        Scenario("dashboard, breakdown by agent", home, [("by", "agent")], is_queue=False),
        Scenario(
            "dashboard, one station",
            home,
            [("dimension", "station"), ("value", station or "1")],
            is_queue=False,
        ),
        Scenario(
            "drill-down, dissatisfied", reverse("dashboard:tickets", kwargs={"kind": "dissatisfied"}), is_queue=False
        ),
        Scenario(
            "drill-down, no callback",
            reverse("dashboard:tickets", kwargs={"kind": "no_callback_attempt"}),
            is_queue=False,
        ),
        Scenario("API metrics, whole organisation", reverse("api:metrics"), is_queue=False),
        Scenario("API metrics, group_by=station", reverse("api:metrics"), [("group_by", "station")], is_queue=False),
        Scenario("API metrics, group_by=batch", reverse("api:metrics"), [("group_by", "batch")], is_queue=False),
    ]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(jobs: dict, results: list[Result], counts: dict[str, int], info: dict[str, str], args) -> str:
    best, worst = min(jobs["day_runs"]), max(jobs["day_runs"])
    lines = [
        f"<!-- quality:{args.tickets} -->",
        f"## Quality: {counts['tickets']:,} tickets, {counts['callbacks']:,} callbacks, {counts['ratings']:,} ratings",
        "",
        f"Run {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {info['cpu']}  ",
        f"{info['postgres']} · {info['python']}  ",
        "Written by `bench/quality_bench.py`.",
        "",
        "| snapshot job | rows | seconds |",
        "|---|---:|---:|",
        f"| one full day ({jobs['day']}), {len(jobs['day_runs'])} runs | {jobs['day_rows']} |"
        f" {statistics.median(jobs['day_runs']):.1f} (min {best:.1f}, max {worst:.1f}) |",
        f"| hourly run (today and yesterday) | {jobs['hourly'][0]} | {jobs['hourly'][1]:.1f} |",
        f"| nightly run (last {jobs['nightly'][2]} days) | {jobs['nightly'][0]} | {jobs['nightly'][1]:.1f} |",
        f"| alert check (30 days, every breakdown) | | {jobs['alerts']:.2f} |",
        "",
        f"{args.repeat} timed requests per page after {args.warmup} warm-up requests; server time in-process"
        f" (django.test.Client, DEBUG off), milliseconds; {jobs['snapshot_rows']:,} snapshot rows.",
        "",
        "| page | p50 ms | p95 ms | max ms | queries | slowest query ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if not r.ok:
            lines.append(f"| {r.scenario.name} | HTTP {r.status} | | | | |")
            continue
        lines.append(
            f"| {r.scenario.name} | {r.p50:.1f} | {r.p95:.1f} | {r.max:.1f} | {r.queries} | {r.slowest_sql_ms:.1f} |"
        )
    slow = [r.scenario.name for r in results if r.ok and r.p95 >= PAGE_TARGET_MS]
    failed = [f"{r.scenario.name} (HTTP {r.status})" for r in results if not r.ok]
    lines += [
        "",
        f"- One day's snapshot job under {JOB_TARGET_S:.0f} s: "
        + ("met." if worst < JOB_TARGET_S else f"MISSED (slowest run {worst:.1f} s)."),
        f"- Every page p95 under {PAGE_TARGET_MS:.0f} ms: "
        + ("met." if not slow else "missed by " + "; ".join(slow) + "."),
        *([f"- Failed: {'; '.join(failed)}."] if failed else []),
        f"<!-- /quality:{args.tickets} -->",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    args = parse_args()
    url = database_url()
    ensure_database(url)
    setup_django(url)

    counts = prepare(args)
    info = machine()
    print(f"{counts} · {info['cpu']} · {info['postgres']}")
    jobs = time_jobs(args)
    manager = bench_user("manager", "bench-manager", ("Bench", "Manager"))
    results = measure_all(manager, scenarios(), args, slow=lambda result: result.p95 >= PAGE_TARGET_MS)
    section = report(jobs, results, counts, info, args)
    print()
    print(section)
    if not args.no_write:
        write_results(section, args.tickets, marker="quality")
        print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
