"""How the in-process benchmarks measure and record: a scenario requested through
django.test.Client (warm-up, timed requests, one counted under CaptureQueriesContext), the
EXPLAIN of its slowest query, and a run's section written into a results file."""

import argparse
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Scenario:
    name: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    is_queue: bool = True
    # Settings the scenario runs under (override_settings), e.g. a cache that keeps nothing.
    settings: dict = field(default_factory=dict)
    # Request headers, e.g. an API token (Authorization).
    headers: dict = field(default_factory=dict)
    # A form submission: each call returns the keyword arguments of one client.post (data and
    # META such as REMOTE_ADDR), so every request can be a new one.
    post: Callable[[], dict] | None = None
    # The status every request must answer with (a form accepted redirects: 302).
    expect: int = 200


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
        return self.status == self.scenario.expect

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


def measure(client, scenario: Scenario, args: argparse.Namespace) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = scenario.path + ("?" + urlencode(scenario.params) if scenario.params else "")

    def request():
        if scenario.post is not None:
            return client.post(url, headers=scenario.headers, **scenario.post())
        return client.get(url, headers=scenario.headers)

    for _ in range(args.warmup):
        response = request()
        if response.status_code != scenario.expect:
            return Result(scenario, response.status_code)
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        response = request()
        timings.append((time.perf_counter() - started) * 1000)
        # A request refused on the way (a limit, an error) is quick: its time is not the page's.
        if response.status_code != scenario.expect:
            return Result(scenario, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        response = request()
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    rows = None
    if scenario.is_queue:
        match = re.search(rb"<tbody>(.*?)</tbody>", response.content, re.S)
        rows = match.group(1).count(b"<tr") if match else None
    return Result(
        scenario, response.status_code, timings, len(captured), rows, slowest["sql"], float(slowest["time"]) * 1000
    )


def explain(sql_text: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql_text)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure_all(user, scenario_list: list[Scenario], args: argparse.Namespace, slow) -> list[Result]:
    """Measure every scenario signed in as ``user`` (anonymous when None), printing each;
    ``slow(result)`` says when to print the EXPLAIN of its slowest query."""
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
        if user is not None:
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
