"""The load benchmark's report: the full section for bench/LOAD_RESULTS.md (a section per
volume, replaced on a re-run) and the summary for bench/README.md and README.md, with each
page's throughput as a share of the same run's hello-world and the in-process table."""

import argparse
import datetime as dt
import math
import re

from bench_measure import Result
from bench_measure import write_results as write_section
from bench_setup import ROOT
from load_inprocess import inprocess_lines
from load_scenarios import BENCH, HELLO, P95_TARGET_MS, PORTAL_POST, ScenarioResult
from load_setup import VOLUMES

RESULTS = BENCH / "LOAD_RESULTS.md"
README = BENCH / "README.md"
# Targets (issue 19): each page's throughput, measured alone, as a share of the same run's
# hello-world: scenario -> (its row, the share). The portal's is about the submissions (POST).
SHARE_TARGETS = {
    "ticket": ("desk: ticket page", 0.10),
    "queue": ("desk: queue, default", 0.10),
    "apilist": ("api: tickets, default", 0.10),
    "portal": (PORTAL_POST, 0.12),
}
# Target (issue 8): seeding the volume in under 10 minutes.
SEED_TARGET_S = 600.0


def percent(share: float, digits: int = 1) -> str:
    """A share in per cent, rounded down: a share just under its target never reads as reaching it."""
    scale = 10**digits
    return f"{math.floor(share * 100 * scale + 1e-9) / scale:.{digits}f} %"


def fmt(values: tuple[float, float, float] | None) -> str:
    return " | ".join(f"{v:.0f}" if v >= 10 else f"{v:.1f}" for v in values) if values else " | ".join([""] * 3)


def report(
    results: list[ScenarioResult],
    counts: dict[str, int],
    info: dict[str, str],
    args: argparse.Namespace,
    extra: dict,
    inprocess: list[Result],
) -> tuple[str, str]:
    """The full section for LOAD_RESULTS.md and the summary for README.md."""
    by_name = {r.name: r for r in results}
    hello = by_name.get("hello")
    hello_rps = hello.row(HELLO).rps if hello and hello.row(HELLO) else None
    portal = by_name.get("portal")
    rows = [(r, row) for r in results for row in r.rows if row.counts_for_targets]
    missed = [
        f"{row.name} ({row.server[1]:.0f} ms)" for _r, row in rows if row.server and row.server[1] >= P95_TARGET_MS
    ]
    failed = [f"{row.name} ({row.failures} failed)" for _r, row in rows if row.failures]
    flow_ratio = portal.total_rps / hello_rps if portal and hello_rps else None
    share_table, share_verdicts = shares(by_name, hello_rps)
    inprocess_table, inprocess_verdicts = inprocess_lines(inprocess) if inprocess else ([], [])
    others = sum(r.cpu.get("other", 0.0) for r in results) / max(len(results), 1)
    when = f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    header = [
        f"Run {when} · {info['cpu']}  ",
        f"{info['postgres']} · {info['python']}  ",
        f"{counts['tickets']:,} tickets, {counts['customers']:,} customers, {counts['units']:,} units,"
        f" {counts['callbacks']:,} callback visits ({counts['due_callbacks']:,} due), {counts['ratings']:,} ratings,"
        f" {counts['visits']:,} field visits ({counts['busy_visits_today']} today for the technician measured).  ",
        f"gunicorn {args.workers} sync workers on 127.0.0.1, DEBUG off, Redis cache/broker/limits; locust"
        f" {args.users} users per scenario, closed loop (no think time), {args.duration} s each of which"
        f" the first {args.warmup} s are not counted.  ",
        f"Load average (1, 5, 15 min) before the run: {extra['loadavg']}; after it: {extra.get('loadavg_after', '—')}.",
    ]
    if extra.get("seed") and extra["seed"]["seed_s"]:
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
        if sum(1 for row in result.rows if row.counts_for_targets) > 1:
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
        *share_verdicts,
        *(
            [
                f"- With the form each submission loads first: {portal.total_rps:.1f} portal requests/s"
                f" = {percent(flow_ratio)} of hello-world."
            ]
            if flow_ratio is not None
            else []
        ),
        *inprocess_verdicts,
        f"- Server-side p95 < {P95_TARGET_MS:.0f} ms: "
        + ("met by every endpoint." if not missed else "**missed by** " + "; ".join(missed) + "."),
        f"- Other programs used {others:.2f} of the 2 cores on average during the scenarios"
        + (": the machine was shared, so these figures are a floor." if others >= 0.25 else "."),
        *([f"- Failed requests: {'; '.join(failed)}."] if failed else []),
        *[f"- {result.name}: {note}" for result in results for note in result.notes],
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
            "Each page alone against the hello-world of the same run (its scenario requests nothing else):",
            "",
            *share_table,
            "",
            *inprocess_table,
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
            f" {args.users} locust users, load average {extra['loadavg']} before and"
            f" {extra.get('loadavg_after', '—')} after; full table in [LOAD_RESULTS.md](LOAD_RESULTS.md)):",
            "",
            *summary_table,
            "",
            *[line for line in verdicts if not line.startswith(("- Failure detail", "- Other programs"))],
            "<!-- /load-summary -->",
        ]
    )
    return section + "\n", summary + "\n"


def shares(by_name: dict[str, ScenarioResult], hello_rps: float | None) -> tuple[list[str], list[str]]:
    """Each page's own throughput as a share of the hello-world's, against its target: the table
    and one verdict line."""
    table = [
        "| page | scenario | req/s | share of hello-world | target | | server p50 ms | server p95 ms |",
        "|---|---|---:|---:|---:|:---:|---:|---:|",
    ]
    verdicts = []
    for scenario, (name, target) in SHARE_TARGETS.items():
        result = by_name.get(scenario)
        row = result.row(name) if result else None
        if row is None or not hello_rps:
            continue
        share = row.rps / hello_rps
        verdict = "met" if share >= target and not row.failures else "**MISSED**"
        p50, p95 = (f"{row.server[0]:.1f}", f"{row.server[1]:.0f}") if row.server else ("", "")
        table.append(
            f"| {name} | {scenario} | {row.rps:.1f} | {percent(share)} | ≥ {percent(target, 0)} | {verdict}"
            f" | {p50} | {p95} |"
        )
        verdicts.append(
            f"{name} {row.rps:.1f}/s = {percent(share)} (≥ {percent(target, 0)}: {verdict}; server p50 {p50} ms)"
        )
    if not verdicts:
        return [], [
            "- Throughput shares: need the hello scenario and at least one of " + ", ".join(SHARE_TARGETS) + "."
        ]
    return table, ["- Each page alone, share of hello-world: " + "; ".join(verdicts) + "."]


def write_results(section: str, summary: str, tickets: int) -> None:
    write_section(section, tickets, "load", path=RESULTS, title="Load benchmark results", script="bench/load_bench.py")
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
