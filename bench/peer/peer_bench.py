"""A peer (django-helpdesk) under the load benchmark's settings, beside the product.

    python3 -m venv /tmp/peer-venv
    /tmp/peer-venv/bin/pip install django-helpdesk==2.6.1 gunicorn psycopg2-binary dj-database-url
    .venv/bin/python bench/peer/peer_bench.py --peer-venv /tmp/peer-venv

Seeds the peer's own PostgreSQL database (``--database-url``; its name must contain "bench") up
to ``--tickets`` tickets with bench/peer/peer_seed.py in the peer's virtualenv, starts the peer
with that virtualenv's gunicorn on 127.0.0.1 (``--workers`` sync workers, DEBUG off, the access
log of the product's load benchmark), and runs the same locust settings as bench/load_bench.py
(``--users`` users, closed loop, ``--duration`` seconds of which the first ``--warmup`` are not
counted) over the scenarios both have: the hello-world ceiling, the ticket page, the ticket
list, the API ticket list and the public submission, each alone (bench/peer/peer_locustfile.py).
It prints the same table as the product's run (throughput, client and server percentiles) and
each page's throughput as a share of the peer's own hello-world. It writes no results file:
figures go into the READMEs only from runs someone made and checked.
"""

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

PEER = Path(__file__).resolve().parent
sys.path.insert(0, str(PEER.parent))

from bench_setup import ensure_database  # noqa: E402  (the benchmarks' helpers)
from load_report import fmt, shares  # noqa: E402
from load_scenarios import HELLO, LOCAL_HOST, collect, failures_of, read_server_log, run_locust  # noqa: E402
from load_server import free_port, start_gunicorn, stop_gunicorn  # noqa: E402

# Scenario: the peer's locust user class; the names are the product's (load_scenarios.SCENARIOS).
PEER_SCENARIOS = {
    "hello": "HelloUser",
    "ticket": "TicketPageAgent",
    "queue": "QueueAgent",
    "apilist": "ApiListClient",
    "portal": "PortalCustomer",
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer-venv", type=Path, required=True, help="virtualenv with django-helpdesk and gunicorn")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/helpdesk_bench_1m", help="the peer's database"
    )
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets to seed up to")
    parser.add_argument("--scenarios", default=",".join(PEER_SCENARIOS), help="comma-separated")
    parser.add_argument("--duration", type=int, default=60, help="seconds per scenario, warm-up included")
    parser.add_argument("--warmup", type=int, default=10, help="seconds at the start of each scenario not counted")
    parser.add_argument("--users", type=int, default=3, help="concurrent locust users (closed loop, no think time)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    args = parser.parse_args()
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    if set(args.scenarios) - set(PEER_SCENARIOS):
        parser.error("scenarios are among: " + ", ".join(PEER_SCENARIOS))
    if "bench" not in urlparse(args.database_url).path:
        parser.error("the peer's database name must contain 'bench'")
    return args


def loadavg() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    args = parse_args()
    python, gunicorn = args.peer_venv / "bin" / "python", args.peer_venv / "bin" / "gunicorn"
    ensure_database(args.database_url)
    before = loadavg()
    work = Path(tempfile.mkdtemp(prefix="peer-bench-"))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PEER),
        "DJANGO_SETTINGS_MODULE": "peer_settings",
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
    }
    server, results = None, []
    try:
        config = work / "config.json"
        subprocess.run(
            [str(python), str(PEER / "peer_seed.py"), "--tickets", str(args.tickets), "--config", str(config)],
            env=env,
            check=True,
        )
        version = subprocess.run(
            [str(python), "-c", "import importlib.metadata as m; print(m.version('django-helpdesk'))"],
            env=env,
            capture_output=True,
            text=True,
        ).stdout.strip()
        port = free_port()
        server = start_gunicorn(env, args, work, port, gunicorn=gunicorn, app="peer_wsgi", cwd=PEER)
        log = work / "access.log"
        for scenario in args.scenarios:
            offset = log.stat().st_size if log.exists() else 0
            prefix, cpu = run_locust(
                scenario,
                args,
                f"http://{LOCAL_HOST}:{port}",
                config,
                work,
                server.pid,
                locustfile=PEER / "peer_locustfile.py",
                user_class=PEER_SCENARIOS[scenario],
            )
            result = collect(scenario, prefix, read_server_log(log, offset), args, cpu)
            results.append(result)
            for row in result.rows:
                print(
                    f"  {row.name:<40} {row.requests:6d} req {row.rps:7.1f}/s  client {fmt(row.client):<18}"
                    f"  server {fmt(row.server)}" + (f"  FAILED {row.failures}" if row.failures else "")
                )
            for line in failures_of(prefix)[:5]:
                print(f"  failure: {line}")
            print("  CPU cores: " + ", ".join(f"{who} {used:.2f}" for who, used in cpu.items()), flush=True)
    finally:
        stop_gunicorn(server)
        shutil.rmtree(work, ignore_errors=True)
    by_name = {r.name: r for r in results}
    hello = by_name.get("hello")
    hello_rps = hello.row(HELLO).rps if hello and hello.row(HELLO) else None
    table, verdicts = shares(by_name, hello_rps)
    print(f"\ndjango-helpdesk {version}, {args.workers} gunicorn workers, {args.users} locust users,")
    print(f"{args.duration} s per scenario ({args.warmup} s warm-up); load average {before} before, {loadavg()} after.")
    print(f"Hello-world: {hello_rps:,.1f} req/s" if hello_rps else "Hello-world: not run")
    print("\n".join([*table, "", *verdicts]))


if __name__ == "__main__":
    main()
