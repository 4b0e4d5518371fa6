"""The load benchmark's in-process table: the server time and query count of the pages whose
throughput it compares with the hello-world (the ticket page, the desk queue, the API ticket
list and the portal submission), measured like bench/queue_bench.py measures the desk
(bench_measure.measure_all: django.test.Client, DEBUG off, warm-up requests, timed requests,
one more under CaptureQueriesContext), before gunicorn starts, so nothing else runs beside it.

Targets (issue 19): p50 under 15 ms for the ticket page, 12 ms for the desk queue and 10 ms for
the API ticket list. The portal submission has no in-process target; its throughput's is in the
load table."""

import argparse
import itertools

from bench_measure import Result, Scenario, measure_all
from load_portal import address, submission

# Requests per page: as bench/queue_bench.py's defaults.
MEASURE = argparse.Namespace(warmup=5, repeat=30, explain=False)
TICKET_TARGET_MS = 15.0
TARGETS_MS = {"desk: queue, default": 12.0, "api: tickets, default": 10.0}
PORTAL_ROW = "portal: submit (POST)"
# The in-process submissions' client addresses: 198.19.0.0/16 (load_portal.address).
ADDRESS_BASE = 1 << 16


def target_of(name: str) -> float | None:
    return TICKET_TARGET_MS if name.startswith("desk: ticket page") else TARGETS_MS.get(name)


def _ticket_pages(config: dict) -> list[tuple[str, str]]:
    """Ticket pages from the load's sample: the one with the median number of timeline events (a
    typical ticket) and, when it is longer, the one with the most (the longest the load requests)."""
    from django.db.models import Count

    from tickets.models import Ticket

    counted = list(
        Ticket.objects.filter(reference__in=config["references"])
        .annotate(events_count=Count("events"))
        .order_by("events_count", "id")
        .values_list("reference", "events_count")
    )
    if not counted:
        return []
    typical, busiest = counted[len(counted) // 2], counted[-1]
    pages = [(f"desk: ticket page, typical ({_events(typical[1])})", typical[0])]
    if busiest[1] > typical[1]:
        pages.append((f"desk: ticket page, longest of the sample ({_events(busiest[1])})", busiest[0]))
    return pages


def _events(count: int) -> str:
    return f"{count} event" if count == 1 else f"{count} events"


def measure_inprocess(config: dict) -> list[Result]:
    """Measure the four pages; the portal submissions take the next phone numbers, and
    ``config['portal']['first_number']`` moves past them for the locust users."""
    from django.contrib.auth import get_user_model

    from aftersales.wsgi import settle_collector

    # The garbage collector set as in the served processes (aftersales/wsgi.py).
    settle_collector()
    agent = get_user_model().objects.get(username=config["agent"]["username"])
    ticket_url = config["desk"]["ticket"]
    as_agent = [
        *[
            Scenario(name, ticket_url.replace("REFERENCE", reference), is_queue=False)
            for name, reference in _ticket_pages(config)
        ],
        Scenario("desk: queue, default", config["desk"]["default"]),
    ]
    numbers = itertools.count(config["portal"]["first_number"])

    def new_customer() -> dict:
        number = next(numbers)
        return {
            "data": submission(config["portal"], number),
            "REMOTE_ADDR": address(ADDRESS_BASE + number % ADDRESS_BASE),
        }

    anonymous = [
        Scenario(
            "api: tickets, default",
            config["api"]["lists"][0][1],
            is_queue=False,
            headers={"Authorization": f"Token {config['api']['token']}"},
        ),
        Scenario(PORTAL_ROW, config["paths"]["submit"], is_queue=False, post=new_customer, expect=302),
    ]

    # No EXPLAIN here: bench/queue_bench.py --explain prints the plans of a page that misses.
    def quiet(_result: Result) -> bool:
        return False

    print("\n== in-process (django.test.Client, DEBUG off)")
    results = measure_all(agent, as_agent, MEASURE, quiet) + measure_all(None, anonymous, MEASURE, quiet)
    config["portal"]["first_number"] = next(numbers)
    return results


def inprocess_lines(results: list[Result]) -> tuple[list[str], list[str]]:
    """The table for LOAD_RESULTS.md, and one verdict line per target for the summaries."""
    lines = [
        f"In-process server time ({MEASURE.repeat} timed requests after {MEASURE.warmup} warm-up requests,"
        " django.test.Client with DEBUG off, before gunicorn starts; as `bench/queue_bench.py`), milliseconds:",
        "",
        "| page | p50 | p95 | max | queries | slowest query | target p50 | |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    verdicts = []
    for r in results:
        target = target_of(r.scenario.name)
        target_text = f"< {target:.0f}" if target else ""
        if not r.ok:
            lines.append(f"| {r.scenario.name} | HTTP {r.status} | | | | | {target_text} | **MISSED** |")
            verdicts.append(f"{r.scenario.name}: HTTP {r.status}")
            continue
        verdict = "" if target is None else ("met" if r.p50 < target else "**MISSED**")
        lines.append(
            f"| {r.scenario.name} | {r.p50:.1f} | {r.p95:.1f} | {r.max:.1f} | {r.queries} | {r.slowest_sql_ms:.1f}"
            f" | {target_text} | {verdict} |"
        )
        if target is not None:
            verdicts.append(f"{r.scenario.name} {r.p50:.1f} ms ({r.queries} queries, target < {target:.0f}: {verdict})")
        else:
            verdicts.append(f"{r.scenario.name} {r.p50:.1f} ms ({r.queries} queries)")
    return lines, ["- In-process p50: " + "; ".join(verdicts) + "."] if verdicts else []
