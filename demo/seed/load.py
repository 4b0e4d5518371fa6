"""The seed's steps in order, each timed: customers, units, tickets (with their events and
feedback items), the visit counts, the callbacks; then the statistics and the totals."""

import time
from collections import Counter

from django.core.management.base import OutputWrapper
from django.core.management.color import Style

from demo.seed.customers import seed_customers
from demo.seed.followups import ATTEMPTS, RATINGS, VISITS, callback_candidates, seed_callbacks, seed_visits
from demo.seed.reference import reference_data
from demo.seed.run import SeedRun
from demo.seed.tables import reserve_ids
from demo.seed.tickets import seed_tickets
from demo.seed.units import seed_units
from followups.models import CallbackVisit


def seed(
    *,
    customers: int,
    units: int,
    tickets: int,
    events: bool,
    callbacks: int,
    batch: int,
    days: int,
    seed: int,
    writer: str,
    rebuild_indexes_at: int,
    out: OutputWrapper,
    style: Style,
) -> None:
    """Write the rows asked for on top of what the database holds, and print how fast."""
    run = SeedRun(seed=seed, batch=batch, writer=writer, rebuild_indexes_at=rebuild_indexes_at, out=out, style=style)
    started = time.perf_counter()
    ref = reference_data()
    totals: Counter[str] = Counter()
    totals["customers"] = run.timed("customers", lambda n: seed_customers(run, ref, n), customers)
    totals["units"] = run.timed("units", lambda n: seed_units(run, ref, n), units)
    totals["tickets"] = run.timed("tickets", lambda n: seed_tickets(run, ref, n, days, events), tickets)
    if tickets > 0:
        seed_visits()
    if callbacks > 0:
        _callbacks(run, callbacks)
    run.report(totals, started)


def _callbacks(run: SeedRun, count: int) -> None:
    started = time.perf_counter()
    candidates = callback_candidates(count)
    ids = reserve_ids(CallbackVisit, len(candidates))
    with run.load([VISITS, ATTEMPTS, RATINGS], len(candidates)):
        run.followups_written = seed_callbacks(
            candidates, ids, rng=run.rng, writer=run.writer, batch=run.batch, now=run.now, log=run.note
        )
    took = max(time.perf_counter() - started, 1e-9)
    visits, attempts, ratings = run.followups_written
    run.out.write(
        f"  callbacks: {visits} + {attempts} attempts + {ratings} ratings in {took:.1f} s"
        f" ({sum(run.followups_written) / took:,.0f} rows/s)"
    )
