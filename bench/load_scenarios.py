"""One scenario of the load benchmark: locust run headless against the server, the CPU each
party used meanwhile, and the figures per endpoint from locust's CSV statistics (client side)
and gunicorn's access log (server side)."""

import argparse
import csv
import os
import resource
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from load_server import VENV_BIN

BENCH = Path(__file__).resolve().parent
# Targets (issue 8): every page and endpoint under 200 ms at the 95th percentile, server-side.
P95_TARGET_MS = 200.0
# Scenario: the locust user class it runs (bench/locustfile.py), in the order a run takes them.
SCENARIOS = {
    "hello": "HelloUser",
    # Pages alone: each one's own throughput, compared to the hello-world's.
    "ticket": "TicketPageAgent",
    "queue": "QueueAgent",
    "apilist": "ApiListClient",
    "portal": "PortalCustomer",
    # Mixes of a user's pages, and the pages issue 19 bounds at 200 ms p95.
    "desk": "DeskAgent",
    "callbacks": "CallbackAgent",
    "field": "Technician",
    "dashboard": "Manager",
    "dashfirst": "ManagerFirstView",
    "api": "ApiClient",
}
SETUP_ROWS = ("sign-in: form (setup)", "sign-in: submit (setup)")
HELLO = "hello-world /healthz"
PORTAL_POST = "portal: submit (POST)"
FIRST_VIEW = "dashboard: first view (uncached)"
# The only address the benchmark loads: the gunicorn it started on this machine.
LOCAL_HOST = "127.0.0.1"


@dataclass
class Row:
    """One endpoint's figures in one scenario."""

    name: str
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    client: tuple[float, float, float] | None = None  # p50, p95, p99 in ms
    server: tuple[float, float, float] | None = None

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
    notes: list[str] = field(default_factory=list)

    @property
    def total_rps(self) -> float:
        return sum(r.rps for r in self.rows if r.counts_for_targets)

    def row(self, name: str) -> Row | None:
        return next((r for r in self.rows if r.name == name), None)


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


def run_locust(
    scenario: str,
    args: argparse.Namespace,
    host: str,
    config_path: Path,
    work: Path,
    server_pid: int,
    *,
    locustfile: Path = BENCH / "locustfile.py",
    user_class: str | None = None,
) -> tuple[Path, dict[str, float]]:
    """Run locust headless for one scenario (its user class in ``locustfile``, the product's by
    default); returns its CSV files' prefix and the CPU cores each party used."""
    if urlsplit(host).hostname != LOCAL_HOST:
        raise ValueError(f"The load benchmark only loads {LOCAL_HOST}, not {host}")
    prefix = work / scenario
    command = [
        str(VENV_BIN / "locust"),
        "--locustfile",
        str(locustfile),
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
        user_class or SCENARIOS[scenario],
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
    return prefix, cpu_used(before_cpu, after_cpu, wall, locust_cpu)


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


def count_logged(log: Path, offset: int, name: str) -> int:
    """Requests logged under ``name`` since ``offset``, warm-up included, that answered 200."""
    with log.open("r", encoding="utf-8", errors="replace") as handle:
        handle.seek(offset)
        return sum(1 for line in handle if line.startswith(name + "\t") and line.split("\t")[2] == "200")


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
        row.server = (percentile(times, 0.50), percentile(times, 0.95), percentile(times, 0.99))
    result.rows.sort(key=lambda r: (not r.counts_for_targets, r.name))
    return result


def failures_of(prefix: Path) -> list[str]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [f"{r['Name']}: {r['Error'][:160]} ×{r['Occurrences']}" for r in csv.DictReader(handle)]
