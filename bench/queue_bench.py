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
import sys

from bench_measure import RESULTS, Result, Scenario, measure_all, write_results
from bench_setup import (
    CUSTOMERS_PER_TICKET,
    ROOT,
    UNITS_PER_TICKET,
    bench_user,
    database_url,
    ensure_database,
    machine,
    prepare,
    setup_django,
)

TARGET_MS = 100.0


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
