"""Throughput and latency of the pages and the API under gunicorn, at volume, on PostgreSQL.

    make bench
    # or: DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench_1m \\
    #         .venv/bin/python bench/load_bench.py

Migrates the benchmark database (its name must contain "bench") and seeds it up to 1,000,000
tickets, 200,000 customers, 300,000 units and 500,000 callback visits with ``manage.py seed``
when it holds fewer (timed; ``--no-seed`` skips it), adds what the scenarios need around them
(the dashboard's snapshots, bench/field_bench.py's field-service volume with a technician's
visits today, callbacks due), prepares the load test's users, API token and sample data, and
measures four pages in-process (load_inprocess.py). Then it collects the static files into a
temporary STATIC_ROOT, starts gunicorn on 127.0.0.1 with the production settings (DEBUG off,
Redis for the cache, the broker and the counters of every limit) and runs locust headless
(bench/locustfile.py) once per scenario, each bounded in time: the hello-world view ``/healthz``
alone (the ceiling), each of the ticket page, the desk queue, the API ticket list and the portal
submission alone, then the desk's mix, the callback queue, the technician's day, the dashboard,
its uncached first view and the API's mix. Client-side figures come from locust's CSV
statistics, server-side ones from gunicorn's access log (each request's duration in
microseconds). Gunicorn is always stopped at the end. The figures, with the machine's load
average before and after, go to bench/LOAD_RESULTS.md (a section per volume, replaced on a
re-run) and the summary to bench/README.md and README.md. Only 127.0.0.1 is ever loaded.
See bench/README.md for what is measured and how to read it.
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_setup import (  # noqa: E402  (the benchmarks' helpers, beside this file)
    BENCH_FIELD_ENCRYPTION_KEY,
    ROOT,
    database_url,
    ensure_database,
    machine,
    setup_django,
)
from load_config import load_config  # noqa: E402
from load_inprocess import measure_inprocess  # noqa: E402
from load_report import README, RESULTS, fmt, report, write_results  # noqa: E402
from load_scenarios import (  # noqa: E402
    BENCH,
    FIRST_VIEW,
    LOCAL_HOST,
    SCENARIOS,
    ScenarioResult,
    collect,
    count_logged,
    failures_of,
    read_server_log,
    run_locust,
)
from load_server import free_port, server_env, start_gunicorn, stop_gunicorn  # noqa: E402
from load_setup import VOLUMES, ensure_due_callbacks, ensure_field, ensure_snapshots, seed, volumes  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seed",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="seed the database up to the volumes when it holds fewer rows, timed (default; --no-seed skips it)",
    )
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
    parser.add_argument(
        "--inprocess",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure the ticket page, queue, API list and portal submission in-process first (default)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave LOAD_RESULTS.md and README.md alone")
    args = parser.parse_args()
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if not 0 <= args.warmup < args.duration:
        parser.error("--warmup must be shorter than --duration")
    return args


def loadavg() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def figure_entries(url: str) -> int:
    """The dashboard figures in the fragments cache (quality/dashboard/rendering.py's keys)."""
    import redis

    return sum(1 for _key in redis.Redis.from_url(url).scan_iter(match="fragments:*:figures:*", count=1000))


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
    # The in-process measurements use the server's Redis too: its cache and its limits' counters.
    os.environ["REDIS_URL"] = args.redis_url
    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command

    redis_keys = redis_db_size(args.redis_url)
    if redis_keys is None:
        sys.exit(f"Redis does not answer at {args.redis_url}")
    extra: dict = {"loadavg": loadavg()}
    # The seed runs with the production settings too: DEBUG on would keep a log of every query.
    seed_env = {**base_env, "DATABASE_URL": url, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    seed_env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    seed_env.setdefault("FIELD_ENCRYPTION_KEY", BENCH_FIELD_ENCRYPTION_KEY)
    seed_env.pop("DJANGO_SETTINGS_MODULE", None)
    if args.seed:
        extra["seed"] = seed(args, seed_env)
    call_command("migrate", verbosity=0)
    snapshots_s = ensure_snapshots()
    if snapshots_s:
        print(f"Snapshots computed in {snapshots_s:.0f} s")
    ensure_field()
    ensure_due_callbacks()
    counts = volumes()
    info = machine()
    print(f"{counts} · {info['cpu']} · {info['postgres']} · load average {extra['loadavg']}")
    config = load_config()
    inprocess = measure_inprocess(config) if args.inprocess else []

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
            cached = figure_entries(args.redis_url) if scenario == "dashfirst" else 0
            prefix, cpu = run_locust(scenario, args, f"http://{LOCAL_HOST}:{port}", config_path, work, server.pid)
            result = collect(scenario, prefix, read_server_log(log, offset), args, cpu)
            if scenario == "dashfirst":
                # Each first view renders its figures and keeps them: one new entry per request that missed.
                rendered, requested = figure_entries(args.redis_url) - cached, count_logged(log, offset, FIRST_VIEW)
                result.notes.append(
                    f"{rendered:,} figures rendered and cached for {requested:,} first views (warm-up included):"
                    + (" every one missed the cache." if rendered == requested else " **some were served from it**.")
                )
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
    extra["loadavg_after"] = loadavg()
    section, summary = report(results, counts, info, args, extra, inprocess)
    print()
    print(section)
    if not args.no_write:
        write_results(section, summary, args.tickets)
        print(f"Written to {RESULTS.relative_to(ROOT)} and the summary to {README.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
