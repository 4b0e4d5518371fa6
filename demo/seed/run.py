"""One run of ``manage.py seed``: its random source, clock and writer, how each step's writes
are loaded (one transaction, asynchronous commit, indexes built again for bulk steps), and the
steps in order with their timings."""

import random
import time
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError, OutputWrapper
from django.core.management.color import Style
from django.db import connection, transaction
from django.utils import timezone

from customers.calendars import calendar_spec_for
from demo.seed.postgres_load import analyze, foreign_keys_checked_once, rebuilt_indexes, table_rows
from demo.seed.tables import Table
from demo.seed.writers import CopyWriter, InsertWriter

# A step that writes at least this many rows (PostgreSQL), and at least half as many as its table
# holds, builds its tables' secondary indexes again at the end and checks their foreign keys once,
# instead of keeping both up row by row: measured faster from about 10,000 tickets up.
REBUILD_INDEXES_AT = 20_000


@dataclass(frozen=True)
class Weighted:
    """A weighted draw, as ``random.choices`` makes it, with the cumulative weights summed once."""

    population: tuple
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, weights: dict) -> "Weighted":
        return cls(tuple(weights), tuple(accumulate(weights.values())))

    def draw(self, random) -> object:
        total = self.cumulative[-1]
        return self.population[bisect(self.cumulative, random() * total, 0, len(self.cumulative) - 1)]


class SeedRun:
    """What every step of one seed run shares: the random source, "now", the writer, the
    counts written so far and what earlier steps created for the next to build on."""

    def __init__(
        self, *, seed: int, batch: int, writer: str, rebuild_indexes_at: int, out: OutputWrapper, style: Style
    ) -> None:
        self.out, self.style = out, style
        self.rng = random.Random(seed)
        self.random, self.uniform = self.rng.random, self.rng.uniform
        self.batch = batch
        self.rebuild_at = rebuild_indexes_at
        self.writer = self._writer(writer)
        self.now = timezone.now()
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = self.now.astimezone(self.tz).date()
        # The organisation's default calendar: seeded tickets have no station when created.
        self.calendar = calendar_spec_for(None)
        # What this run created, for the next step to build on; empty: use the rows already there.
        self.new_customers: list[tuple[int, str, str]] = []  # (pk, region, preferred language)
        self.new_units: list = []  # demo.seed.units.UnitRow
        self.customer_info: dict[int, tuple[str, str]] = {}  # pk: (region, preferred language)
        self.events_written = 0
        self.feedback_written = 0
        self.followups_written = (0, 0, 0)
        self.filled: set[str] = set()

    def _writer(self, choice: str) -> CopyWriter | InsertWriter:
        postgres = connection.vendor == "postgresql"
        if choice == "copy" and not postgres:
            raise CommandError("--writer copy needs PostgreSQL.")
        if choice == "copy" or (choice == "auto" and postgres):
            return CopyWriter()
        return InsertWriter(self.batch)

    def pick(self, options: Sequence):
        """One of ``options``, uniformly."""
        return options[int(self.random() * len(options))]

    def between(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high``, both included, uniformly (as randint)."""
        return low + int(self.random() * (high - low + 1))

    def note(self, text: str) -> None:
        self.out.write(f"    {text}")

    def timed(self, label: str, action: Callable[[int], int], count: int) -> int:
        """Run a step of ``count`` rows and print its rate."""
        if count <= 0:
            return 0
        started, events_before = time.perf_counter(), self.events_written
        written = action(count)
        elapsed = max(time.perf_counter() - started, 1e-9)
        events = self.events_written - events_before
        extra = f" + {events} events ({(written + events) / elapsed:,.0f} rows/s)" if events else ""
        self.out.write(f"  {label}: {written} in {elapsed:.1f} s ({written / elapsed:,.0f} {label}/s){extra}")
        return written

    @contextmanager
    def load(self, tables: Sequence[Table], rows: int) -> Iterator[None]:
        """One step's writes, in one transaction.

        On PostgreSQL the step commits asynchronously (the rows are generated: a crash loses
        nothing that cannot be made again), and a bulk step (``--rebuild-indexes-at``) builds
        its tables' secondary indexes again at the end and checks their foreign keys once, set
        by set, instead of row by row.
        """
        names = [table.db_table for table in tables]
        postgres = connection.vendor == "postgresql"
        bulk = postgres and rows >= self.rebuild_at and rows * 2 >= table_rows(names[0])
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            with (
                foreign_keys_checked_once(names, log=self.note) if bulk else nullcontext(),
                rebuilt_indexes(names, log=self.note) if bulk else nullcontext(),
            ):
                with self.writer.session():
                    yield
                if isinstance(self.writer, CopyWriter):
                    self.note(
                        f"COPY: {self.writer.copy_seconds:.1f} s in the database,"
                        f" {self.writer.wait_seconds:.1f} s of it waited for"
                    )
        self.filled.update(names)

    def report(self, totals: Counter, started: float) -> None:
        """Refresh the statistics of every table filled, then print the totals."""
        analyzed = time.perf_counter()
        if analyze(self.filled):
            self.out.write(f"  analyze: {len(self.filled)} tables in {time.perf_counter() - analyzed:.1f} s")
        elapsed = time.perf_counter() - started
        rows = sum(totals.values()) + self.events_written + self.feedback_written + sum(self.followups_written)
        self.out.write(
            self.style.SUCCESS(
                f"Seeded {totals['customers']} customers, {totals['units']} units, {totals['tickets']} tickets,"
                f" {self.events_written} events and {self.feedback_written} feedback items:"
                f" {rows} rows in {elapsed:.1f} s ({rows / max(elapsed, 1e-9):,.0f} rows/s, {self.writer.name})."
            )
        )
