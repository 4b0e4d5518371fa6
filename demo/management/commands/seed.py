"""``manage.py seed``: large volumes of realistic rows, fast, for benchmarks and load tests.

Unlike ``demo`` this bypasses the services and writes rows in bulk, so it keeps their
invariants itself: phones are unique and in E.164 form by construction, serials are unique per
model, warranty dates come from the category policy (customers.warranty_periods), SLA deadlines from
tickets.sla.clocks, every ticket's timestamps fit its status, a merged duplicate points at the ticket
it was merged into, every repair resolved with a quality fault code has its feedback item for
the code's department, and references continue the year's TicketSequence, which is advanced
before any ticket is written, so tickets logged at the desk meanwhile or afterwards never
collide. It runs on top of existing data (the demo's catalogue, stations and staff are reused)
and creates a minimal catalogue when there is none.

Every row is built as a tuple, with the ids other rows refer to taken from the tables' own
sequences beforehand, and then written by one of two writers (_seed_writers): ``COPY`` on
PostgreSQL, ``bulk_create`` elsewhere or with ``--writer insert``. Both store the same rows.
Each step (customers; units; tickets with their "created" events and feedback items; callbacks
with their attempts and ratings) is one transaction. On PostgreSQL the steps commit
asynchronously, a step that writes at least ``--rebuild-indexes-at`` rows (and at least half as
many as its main table holds) drops its tables' secondary indexes and builds them again at the
end, and the planner statistics of every table filled are refreshed (ANALYZE) before the
command ends.
"""

import argparse
import datetime as dt
import random
import time
from bisect import bisect
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from aftersales.roles import Role
from customers.calendars import calendar_spec_for
from customers.models import Customer, Language, ProductCategory, ProductModel, ProductUnit
from customers.selectors import policy_in_force
from customers.warranty_periods import add_months, warranty_start
from demo.management.commands._demo_data import (
    ADDRESSES,
    CATEGORIES,
    CATEGORY_FAULTS,
    CATEGORY_WEIGHTS,
    DEALERS,
    DESCRIPTIONS,
    FAULT_CODES,
    FAULTS,
    FEEDBACK_ANSWERS,
    GIVEN_NAMES,
    MODELS,
    RESOLUTIONS,
    STATIONS,
    SURNAMES,
    VIN_ALPHABET,
    WORK,
    luhn_digit,
    vin,
)
from demo.management.commands._seed_followups import (
    ATTEMPTS,
    RATINGS,
    VISITS,
    callback_candidates,
    seed_callbacks,
    seed_visits,
)
from demo.management.commands._seed_writers import (
    CopyWriter,
    InsertWriter,
    Table,
    analyze,
    foreign_keys_checked_once,
    rebuilt_indexes,
    reserve_ids,
    table_rows,
)
from followups.feedback.services import ACKNOWLEDGE_WITHIN
from followups.models import CallbackVisit, FeedbackItem, FeedbackStatus
from tickets.choices import SERVICE_KINDS, Channel, EventKind, FaultGroup, Kind, Priority, Status
from tickets.models import FaultCategory, FaultCode, ServiceStation, Ticket, TicketEvent, TicketSequence
from tickets.sla import clocks as sla

# Mobile prefixes the generator owns (the demo uses 13x/15x/18x); see seed_phone.
PHONE_PREFIXES = ("170", "171", "172", "173", "175", "176", "177", "178", "190", "191", "192", "193", "195", "196")

KIND_WEIGHTS = {Kind.REPAIR: 62, Kind.INSTALLATION: 12, Kind.MAINTENANCE: 8, Kind.CONSULTATION: 10, Kind.COMPLAINT: 8}
CHANNEL_WEIGHTS = {
    Channel.PHONE: 48,
    Channel.WEB: 27,
    Channel.WALK_IN: 9,
    Channel.EMAIL: 7,
    Channel.LETTER: 2,
    Channel.VISIT: 7,
}
PRIORITY_WEIGHTS = {Priority.NORMAL: 68, Priority.HIGH: 17, Priority.LOW: 9, Priority.URGENT: 6}
# Status by the ticket's age: new work is mostly open, old work mostly closed.
STATUS_BY_AGE = (
    (
        dt.timedelta(hours=4),
        {
            Status.NEW: 35,
            Status.ACKNOWLEDGED: 25,
            Status.DISPATCHED: 20,
            Status.IN_PROGRESS: 8,
            Status.ON_HOLD: 3,
            Status.RESOLVED: 6,
            Status.CANCELLED: 2,
            Status.MERGED: 1,
        },
    ),
    (
        dt.timedelta(days=1),
        {
            Status.NEW: 6,
            Status.ACKNOWLEDGED: 12,
            Status.DISPATCHED: 22,
            Status.IN_PROGRESS: 20,
            Status.ON_HOLD: 5,
            Status.RESOLVED: 25,
            Status.VERIFIED: 3,
            Status.CLOSED: 3,
            Status.CANCELLED: 3,
            Status.MERGED: 1,
        },
    ),
    (
        dt.timedelta(days=7),
        {
            Status.NEW: 1,
            Status.ACKNOWLEDGED: 2,
            Status.DISPATCHED: 4,
            Status.IN_PROGRESS: 5,
            Status.ON_HOLD: 4,
            Status.REOPENED: 1.5,
            Status.RESOLVED: 15,
            Status.VERIFIED: 20,
            Status.CLOSED: 42,
            Status.CANCELLED: 4,
            Status.MERGED: 1.5,
        },
    ),
    (
        dt.timedelta.max,
        {
            Status.NEW: 0.1,
            Status.ACKNOWLEDGED: 0.2,
            Status.DISPATCHED: 0.3,
            Status.IN_PROGRESS: 0.3,
            Status.ON_HOLD: 0.5,
            Status.REOPENED: 0.1,
            Status.RESOLVED: 0.4,
            Status.VERIFIED: 0.6,
            Status.CLOSED: 91,
            Status.CANCELLED: 4.5,
            Status.MERGED: 2,
        },
    ),
)
# The lifecycle steps a status has been through, in order (service kinds; desk kinds skip the visit).
STAMPS_FOR = {
    Status.NEW: (),
    Status.ACKNOWLEDGED: ("acknowledged_at",),
    Status.DISPATCHED: ("acknowledged_at", "dispatched_at"),
    Status.IN_PROGRESS: ("acknowledged_at", "dispatched_at", "started_at"),
    Status.RESOLVED: ("acknowledged_at", "dispatched_at", "started_at", "resolved_at"),
    Status.VERIFIED: ("acknowledged_at", "dispatched_at", "started_at", "resolved_at", "verified_at"),
    Status.CLOSED: ("acknowledged_at", "dispatched_at", "started_at", "resolved_at", "verified_at", "closed_at"),
    Status.REOPENED: ("acknowledged_at", "dispatched_at", "started_at", "resolved_at"),
}
# Minutes before each step (low, high), at normal priority.
STEP_MINUTES = {
    "acknowledged_at": (2, 120),
    "dispatched_at": (10, 360),
    "started_at": (120, 1800),
    "resolved_at": (30, 240),
    "verified_at": (360, 4320),
    "closed_at": (60, 2880),
}
ON_SITE_STAMPS = ("dispatched_at", "started_at")
PHONE_FAULTS = ("battery_fault", "display_fault", "wont_start", "overheating")
# Feedback items' (answered, acknowledged) cumulative shares, by whether the 7 days to
# acknowledge are over; the rest are still open (overdue when the 7 days are over).
FEEDBACK_SHARES = {True: (0.85, 0.93), False: (0.3, 0.6)}
# A step that writes at least this many rows (PostgreSQL), and at least half as many as its table
# holds, builds its tables' secondary indexes again at the end and checks their foreign keys once,
# instead of keeping both up row by row: measured faster from about 10,000 tickets up.
REBUILD_INDEXES_AT = 20_000
NEEDS_UNIT = (Kind.INSTALLATION, Kind.MAINTENANCE, Kind.REPAIR)
ZERO = Decimal("0.00")

# The columns each table's rows are built with, in order; the writers give the rest their defaults.
CUSTOMERS = Table(
    Customer, ("id", "name", "phone", "email", "address", "region", "preferred_language", "created_at", "updated_at")
)
UNITS = Table(
    ProductUnit,
    (
        "id",
        "owner_id",
        "model_id",
        "serial",
        "batch",
        "invoice_date",
        "delivery_date",
        "installation_date",
        "dealer",
        "price",
        "has_invoice",
        "has_warranty_card",
        "warranty_start",
        "warranty_end",
        "registered_at",
    ),
)
TICKETS = Table(
    Ticket,
    (
        "id",
        "reference",
        "kind",
        "channel",
        "customer_id",
        "unit_id",
        "fault_category_id",
        "description",
        "priority",
        "status",
        "station_id",
        "assignee_id",
        "created_by_id",
        "suspected_duplicate_of_id",
        "merged_into_id",
        "response_due",
        "dispatch_due",
        "arrival_due",
        "completion_due",
        "next_due",
        "held_from",
        "on_hold_since",
        "created_at",
        "updated_at",
        "acknowledged_at",
        "dispatched_at",
        "started_at",
        "resolved_at",
        "verified_at",
        "closed_at",
        "cancelled_at",
        "reopened_count",
        "visits",
        "fault_code",
        "fault_component",
        "root_cause",
        "work_done",
        "parts_used",
        "charge",
        "version",
    ),
)
EVENTS = Table(TicketEvent, ("ticket_id", "kind", "actor_id", "created_at", "to_status", "is_public", "data"))
FEEDBACK = Table(
    FeedbackItem,
    (
        "ticket_id",
        "department",
        "fault_code",
        "component",
        "root_cause",
        "model_id",
        "batch",
        "status",
        "created_at",
        "acknowledge_due",
        "acknowledged_at",
        "acknowledged_by_id",
        "cause",
        "corrective_action",
        "answered_at",
        "answered_by_id",
    ),
)


@dataclass(slots=True)
class UnitRow:
    """What a ticket needs to know about a unit without loading the model instance."""

    pk: int
    owner_id: int
    category: str
    model_name: str
    invoice: dt.date | None
    warranty_end: dt.date | None
    model_id: int | None = None
    batch: str = ""


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


def _base(number: int, alphabet: str, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, len(alphabet))
        chars.append(alphabet[digit])
    return "".join(reversed(chars))


def seed_serial(category: str, model_code: str, index: int, made: dt.date) -> str:
    """A serial shaped like the category's real ones, unique through ``index``."""
    if category == "mobile_phone":
        body = f"35{index:012d}"
        return body + luhn_digit(body)
    if category == "car":
        wmi = {"SD": "LFV", "EV": "LGW", "SV": "LSV"}.get(model_code[:2], "LSG")
        descriptor = _base(sum(map(ord, model_code)), VIN_ALPHABET[10:], 5)
        return vin(wmi, descriptor, made.year, "S", _base(index, VIN_ALPHABET, 6))
    if category in ("laptop", "desktop"):
        return f"PC{index:09d}"
    prefix = "".join(ch for ch in model_code.upper() if ch.isalnum())[:2] or "SN"
    return f"{prefix}{made:%y%m}{index:09d}"


def seed_phone(index: int) -> str:
    """The ``index``-th generated number: prefixes in turn, the 8 digits a shuffle of the index.

    48271 is coprime with 10**8, so two indexes below 7 * 10**8 (the lcm of 10**8 and the
    14 prefixes) never give the same number.
    """
    prefix = PHONE_PREFIXES[index % len(PHONE_PREFIXES)]
    return f"+86{prefix}{(index * 48271 + 31415926) % 10**8:08d}"


def generated_phones_in_use() -> int:
    """How many customers have a number in the generator's ranges: where the next run starts."""
    ranges = Q()
    for prefix in PHONE_PREFIXES:
        ranges |= Q(phone__gte=f"+86{prefix}00000000", phone__lte=f"+86{prefix}99999999")
    return Customer.objects.filter(ranges).count()


class Command(BaseCommand):
    help = "Generate large volumes of customers, units and tickets with bulk writes (benchmarks, load tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=0, help="customers to create")
        parser.add_argument("--units", type=int, default=0, help="product units to create")
        parser.add_argument("--tickets", type=int, default=0, help="tickets to create")
        parser.add_argument(
            "--events",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="write each ticket's 'created' timeline event (default: yes)",
        )
        parser.add_argument(
            "--callbacks",
            type=int,
            default=0,
            help="after-service callbacks (with attempts and ratings) to create for completed service tickets",
        )
        parser.add_argument("--batch", type=int, default=5000, help="rows per INSERT, and per batch of generated rows")
        parser.add_argument("--days", type=int, default=730, help="spread tickets over this many past days")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument(
            "--writer",
            choices=("auto", "copy", "insert"),
            default="auto",
            help="write with COPY (PostgreSQL only) or bulk INSERTs; auto: COPY on PostgreSQL (default)",
        )
        parser.add_argument(
            "--rebuild-indexes-at",
            type=int,
            default=REBUILD_INDEXES_AT,
            metavar="ROWS",
            help="PostgreSQL: a step writing at least this many rows, and at least half as many as its table"
            " holds, drops the tables' secondary indexes and builds them again at the end, and checks their"
            f" foreign keys once instead of row by row (default {REBUILD_INDEXES_AT:,})",
        )

    def handle(self, *args, **options) -> None:
        if (
            min(options["customers"], options["units"], options["tickets"], options["callbacks"]) < 0
            or options["batch"] < 1
        ):
            raise CommandError("Counts cannot be negative and --batch must be positive.")
        if options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        self.rng = random.Random(options["seed"])
        self.random, self.uniform = self.rng.random, self.rng.uniform
        self.batch = options["batch"]
        self.rebuild_at = options["rebuild_indexes_at"]
        self.writer = self._writer(options["writer"])
        self.now = timezone.now()
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = self.now.astimezone(self.tz).date()
        # The organisation's default calendar: seeded tickets have no station when created.
        self.calendar = calendar_spec_for(None)
        # What this run created, for the next step to build on; empty: use the rows already there.
        self.new_customers: list[tuple[int, str, str]] = []  # (pk, region, preferred language)
        self.new_units: list[UnitRow] = []
        self.customer_info: dict[int, tuple[str, str]] = {}  # pk: (region, preferred language)
        self.events_written = 0
        self.feedback_written = 0
        self.filled: set[str] = set()
        self._stamp_plans: dict[tuple[str, str, bool], tuple[tuple[str, ...], tuple]] = {}
        started = time.perf_counter()
        self._reference_data()
        totals: Counter[str] = Counter()
        totals["customers"] = self._timed("customers", self._customers, options["customers"])
        totals["units"] = self._timed("units", self._units, options["units"])
        totals["tickets"] = self._timed(
            "tickets", lambda n: self._tickets(n, options["days"], options["events"]), options["tickets"]
        )
        self.followups_written = (0, 0, 0)
        if options["tickets"] > 0:
            seed_visits()
        if options["callbacks"] > 0:
            self._callbacks(options["callbacks"])
        analyzed = time.perf_counter()
        if analyze(self.filled):
            self.stdout.write(f"  analyze: {len(self.filled)} tables in {time.perf_counter() - analyzed:.1f} s")
        elapsed = time.perf_counter() - started
        rows = sum(totals.values()) + self.events_written + self.feedback_written + sum(self.followups_written)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {totals['customers']} customers, {totals['units']} units, {totals['tickets']} tickets,"
                f" {self.events_written} events and {self.feedback_written} feedback items:"
                f" {rows} rows in {elapsed:.1f} s ({rows / max(elapsed, 1e-9):,.0f} rows/s, {self.writer.name})."
            )
        )

    def _writer(self, choice: str) -> CopyWriter | InsertWriter:
        postgres = connection.vendor == "postgresql"
        if choice == "copy" and not postgres:
            raise CommandError("--writer copy needs PostgreSQL.")
        if choice == "copy" or (choice == "auto" and postgres):
            return CopyWriter()
        return InsertWriter(self.batch)

    def _timed(self, label: str, action, count: int) -> int:
        if count <= 0:
            return 0
        started, events_before = time.perf_counter(), self.events_written
        written = action(count)
        elapsed = max(time.perf_counter() - started, 1e-9)
        events = self.events_written - events_before
        extra = f" + {events} events ({(written + events) / elapsed:,.0f} rows/s)" if events else ""
        self.stdout.write(f"  {label}: {written} in {elapsed:.1f} s ({written / elapsed:,.0f} {label}/s){extra}")
        return written

    def _note(self, text: str) -> None:
        self.stdout.write(f"    {text}")

    @contextmanager
    def _load(self, tables: Sequence[Table], rows: int) -> Iterator[None]:
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
                foreign_keys_checked_once(names, log=self._note) if bulk else nullcontext(),
                rebuilt_indexes(names, log=self._note) if bulk else nullcontext(),
            ):
                with self.writer.session():
                    yield
                if isinstance(self.writer, CopyWriter):
                    self._note(
                        f"COPY: {self.writer.copy_seconds:.1f} s in the database,"
                        f" {self.writer.wait_seconds:.1f} s of it waited for"
                    )
        self.filled.update(names)

    # --- what the rows refer to ------------------------------------------------------------------

    def _reference_data(self) -> None:
        """Reuse the catalogue, stations, faults and staff; create a minimal set where none exist.

        Everything is read in primary-key order: the same seed on the same data makes the same rows.
        """
        if not ProductModel.objects.exists():
            categories = {}
            for code, name, name_zh, basis in CATEGORIES:
                categories[code], _ = ProductCategory.objects.get_or_create(
                    code=code, defaults={"name": name, "name_zh": name_zh, "warranty_start_basis": basis}
                )
            for category, code, name, name_zh, components, interval, _price in MODELS:
                ProductModel.objects.get_or_create(
                    code=code,
                    defaults={
                        "category": categories[category],
                        "name": name,
                        "name_zh": name_zh,
                        "main_components": components,
                        "maintenance_interval_days": interval,
                    },
                )
        if not FaultCategory.objects.exists():
            for code, group, name, name_zh, category in FAULTS:
                FaultCategory.objects.get_or_create(
                    code=code,
                    defaults={
                        "group": group,
                        "name": name,
                        "name_zh": name_zh,
                        "product_category": ProductCategory.objects.filter(code=category).first(),
                    },
                )
        if not ServiceStation.objects.filter(is_active=True).exists():
            for code, name, name_zh, region, address, phone in STATIONS:
                ServiceStation.objects.get_or_create(
                    code=code,
                    defaults={"name": name, "name_zh": name_zh, "region": region, "address": address, "phone": phone},
                )
        User = get_user_model()
        stations = list(ServiceStation.objects.filter(is_active=True).order_by("pk"))
        self.station_ids = [station.pk for station in stations]
        self.stations_by_region: dict[str, list[int]] = {}
        for station in stations:
            self.stations_by_region.setdefault(station.region, []).append(station.pk)
        self.technician_ids = list(
            User.objects.filter(is_active=True, groups__name=Role.TECHNICIAN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not self.technician_ids:
            group = Group.objects.get_or_create(name=Role.TECHNICIAN)[0]
            for station in stations:
                user = User.objects.create_user(username=f"tech-{station.code}"[:150], first_name="Technician")
                user.groups.add(group)
                self.technician_ids.append(user.pk)
        self.agent_ids = list(
            User.objects.filter(is_active=True, groups__name=Role.AGENT).order_by("pk").values_list("pk", flat=True)
        )
        if not FaultCode.objects.exists():
            FaultCode.objects.bulk_create(
                FaultCode(code=code, component=component, department=department, name=name, name_zh=name_zh)
                for code, component, department, name, name_zh in FAULT_CODES
            )
        # Quality fault codes: code -> department (no-leak 4).
        self.quality_codes = dict(
            FaultCode.objects.filter(is_active=True).exclude(department="").values_list("code", "department")
        )
        self.department_user_ids = list(
            User.objects.filter(is_active=True, groups__name=Role.DEPARTMENT)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not self.department_user_ids:
            # A department user with no membership answers for every department.
            user = User.objects.create_user(username="quality-office", first_name="Quality office")
            user.groups.add(Group.objects.get_or_create(name=Role.DEPARTMENT)[0])
            self.department_user_ids.append(user.pk)
        self.models = list(ProductModel.objects.select_related("category").order_by("pk"))
        self.list_prices = {row[1]: row[6] for row in MODELS}
        self.model_draw = Weighted(
            tuple(self.models), tuple(accumulate(CATEGORY_WEIGHTS.get(m.category.code, 5) for m in self.models))
        )
        faults = list(FaultCategory.objects.filter(is_active=True).order_by("pk"))
        self.faults_by_code = {f.code: f for f in faults}
        self.faults_by_group: dict[str, list[FaultCategory]] = {}
        for fault in faults:
            self.faults_by_group.setdefault(fault.group, []).append(fault)
        # The product faults a unit of each category reports (phones' for a ticket without a unit).
        self.faults_for_category = {
            category: [self.faults_by_code[c] for c in codes if c in self.faults_by_code]
            for category, codes in [*CATEGORY_FAULTS.items(), ("", PHONE_FAULTS)]
        }
        self.regions = sorted(self.stations_by_region) or ["Qingdao"]

    def _pick(self, options: Sequence):
        """One of ``options``, uniformly."""
        return options[int(self.random() * len(options))]

    def _between(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high``, both included, uniformly (as randint)."""
        return low + int(self.random() * (high - low + 1))

    # --- customers ---------------------------------------------------------------------------------

    def _free_phones(self, count: int) -> list[str]:
        """The next ``count`` generated numbers nobody has yet (a customer who called in, an earlier run)."""
        index = generated_phones_in_use()
        free: list[str] = []
        while len(free) < count:
            wanted = count - len(free)
            phones = [seed_phone(i) for i in range(index, index + wanted)]
            index += wanted
            taken: set[str] = set()
            for start in range(0, wanted, self.batch):
                chunk = phones[start : start + self.batch]
                taken.update(Customer.objects.filter(phone__in=chunk).values_list("phone", flat=True))
            free += [phone for phone in phones if phone not in taken]
        return free

    def _customers(self, count: int) -> int:
        random, uniform, pick, between = self.random, self.uniform, self._pick, self._between
        phones = self._free_phones(count)
        ids = reserve_ids(Customer, count)
        surnames = [row[0] for row in SURNAMES]
        given_names = [row[0] for row in GIVEN_NAMES]
        streets = {region: [row[0] for row in ADDRESSES.get(region, ())] for region in self.regions}
        with self._load([CUSTOMERS], count):
            for start in range(0, count, self.batch):
                rows = []
                for pk, phone in zip(ids[start : start + self.batch], phones[start : start + self.batch], strict=True):
                    given = pick(given_names)
                    if len(given) == 1 and random() < 0.5:
                        given += pick(given_names)[0]
                    name = pick(surnames) + given
                    region = pick(self.regions)
                    if streets[region]:
                        street = pick(streets[region]).format(n=between(1, 999))
                    else:
                        street = f"{region}市中心大道{between(1, 999)}号"
                    joined = self.now - dt.timedelta(days=uniform(30, 1100))
                    language = Language.ENGLISH if random() < 0.04 else Language.CHINESE
                    email = f"{between(10**8, 10**10 - 1)}@qq.com" if random() < 0.3 else ""
                    address = f"{street}{between(1, 30)}号楼{between(1, 4)}单元{between(1, 28)}0{between(1, 4)}室"
                    rows.append((pk, name, phone, email, address, region, language, joined, joined))
                    self.new_customers.append((pk, region, language))
                self.writer.write(CUSTOMERS, rows)
        return count

    # --- units -------------------------------------------------------------------------------------

    def _owners(self) -> list[tuple[int, str, str]]:
        if self.new_customers:
            return self.new_customers
        rows = list(Customer.objects.order_by("pk").values_list("pk", "region", "preferred_language"))
        if not rows:
            raise CommandError("There are no customers to own the units: add --customers.")
        return rows

    def _units(self, count: int) -> int:
        random, pick, between = self.random, self._pick, self._between
        owners = self._owners()
        self.customer_info = {pk: (region, language) for pk, region, language in owners}
        # Whole-unit months per category, from the policy in force today (seeded sales are recent).
        months = {}
        for model in self.models:
            policy = policy_in_force(model.category_id, self.today)
            months[model.category_id] = policy.whole_unit_months if policy else 12
        ids = reserve_ids(ProductUnit, count)
        today, day = self.today, dt.timedelta(days=1)
        with self._load([UNITS], count):
            for start in range(0, count, self.batch):
                rows = []
                for pk in ids[start : start + self.batch]:
                    model = self.model_draw.draw(random)
                    category = model.category
                    code = category.code
                    owner_pk, region, _language = pick(owners)
                    invoice = today - between(3, 1095) * day
                    made = invoice - between(20, 120) * day
                    delivery = invoice + between(0, 7) * day if code == "car" else None
                    installation = None
                    if code in ("flat_panel_tv", "air_conditioner"):
                        installation = min(invoice + between(1, 5) * day, today)
                    start_date = warranty_start(
                        category.warranty_start_basis,
                        invoice_date=invoice,
                        delivery_date=delivery,
                        installation_date=installation,
                    )
                    warranty_end = add_months(start_date, months[category.pk])
                    proof = random()
                    dealers = DEALERS["car" if code == "car" else "shop"]
                    registered = dt.datetime.combine(delivery or invoice, dt.time(between(9, 19)), self.tz)
                    batch = f"{made:%Y-%m}" if code == "car" else f"{made:%y%m}{pick('AB')}"
                    rows.append(
                        (
                            pk,
                            owner_pk,
                            model.pk,
                            seed_serial(code, model.code, pk, made),
                            batch,
                            invoice,
                            delivery,
                            installation,
                            pick(dealers.get(region) or dealers["Qingdao"]),
                            self._price(model),
                            proof > 0.08,
                            proof < 0.03 or proof > 0.15,
                            start_date,
                            warranty_end,
                            min(registered, self.now),
                        )
                    )
                    self.new_units.append(
                        UnitRow(pk, owner_pk, code, model.name_zh or model.name, invoice, warranty_end, model.pk, batch)
                    )
                self.writer.write(UNITS, rows)
        return count

    def _price(self, model: ProductModel) -> Decimal:
        """Around the model's list price where the catalogue table knows it."""
        list_price = self.list_prices.get(model.code) or (150000 if model.category.code == "car" else 3000)
        step = 100 if model.category.code == "car" else 10
        return Decimal(int(list_price * self.uniform(0.85, 1.0) / step) * step - (0 if step == 100 else 1))

    # --- tickets -----------------------------------------------------------------------------------

    def _unit_pool(self) -> list[UnitRow]:
        if self.new_units:
            return self.new_units
        rows = ProductUnit.objects.order_by("pk").values_list(
            "pk",
            "owner_id",
            "model__category__code",
            "model__name_zh",
            "invoice_date",
            "warranty_end",
            "model_id",
            "batch",
        )
        return [UnitRow(*row) for row in rows]

    def _tickets(self, count: int, days: int, with_events: bool) -> int:
        random = self.random
        units = self._unit_pool()
        customer_ids = None if units else list(Customer.objects.order_by("pk").values_list("pk", flat=True))
        if not units and not customer_ids:
            raise CommandError("There are no customers or units to log tickets for: add --customers and --units.")
        window_start = self.now - dt.timedelta(days=days)
        old_units = [u for u in units if u.invoice is None or u.invoice < window_start.date()]
        # Creation moments, oldest first, so references (and ids) follow time within a run.
        span = (self.now - window_start).total_seconds() - 60
        offsets = sorted(random() * span for _ in range(count))
        moments = [window_start + dt.timedelta(seconds=s) for s in offsets]
        years = [m.astimezone(self.tz).year for m in moments]
        next_number = self._reserve_references(Counter(years))
        ids = reserve_ids(Ticket, count)

        kinds, channels, priorities = (
            Weighted.of(KIND_WEIGHTS),
            Weighted.of(CHANNEL_WEIGHTS),
            Weighted.of(PRIORITY_WEIGHTS),
        )
        channel_list = list(CHANNEL_WEIGHTS)
        status_tables = [(limit, Weighted.of(table)) for limit, table in STATUS_BY_AGE]
        self._event_data = {channel: {"channel": channel} for channel in Channel.values}
        with self._load([TICKETS, EVENTS, FEEDBACK], count):
            for start in range(0, count, self.batch):
                tickets: list[tuple] = []
                events: list[tuple] = []
                feedback: list[tuple] = []
                last_open: tuple | None = None
                for i in range(start, min(start + self.batch, count)):
                    created, pk, year = moments[i], ids[i], years[i]
                    reference = f"AS-{year}-{next_number[year]:06d}"
                    next_number[year] += 1
                    age = self.now - created
                    status = next(draw for limit, draw in status_tables if age < limit).draw(random)
                    unit = self._pick_unit(units, old_units, created)
                    if status == Status.MERGED and last_open is not None:
                        ticket = self._duplicate(pk, reference, last_open, created, self._pick(channel_list))
                    else:
                        if status == Status.MERGED:
                            status = Status.CANCELLED
                        ticket = self._ticket(
                            pk=pk,
                            reference=reference,
                            created=created,
                            status=status,
                            kind=kinds.draw(random),
                            channel=channels.draw(random),
                            priority=priorities.draw(random),
                            unit=unit,
                            customer_id=unit.owner_id if unit else self._pick(customer_ids),
                            feedback=feedback,
                        )
                        if status not in (Status.CANCELLED, Status.CLOSED) and ticket[T_UNIT] is not None:
                            last_open = ticket
                    tickets.append(ticket)
                    if with_events:
                        events.append(
                            (
                                pk,
                                EventKind.CREATED,
                                ticket[T_CREATED_BY],
                                created,
                                Status.NEW,
                                True,
                                self._event_data[ticket[T_CHANNEL]],
                            )
                        )
                self.writer.write(TICKETS, tickets)
                self.writer.write(EVENTS, events)
                self.writer.write(FEEDBACK, feedback)
                self.events_written += len(events)
                self.feedback_written += len(feedback)
        return count

    def _reserve_references(self, per_year: Counter) -> dict[int, int]:
        """Advance each year's sequence past the numbers this run will use; return the first of each."""
        first: dict[int, int] = {}
        with transaction.atomic():
            for year, needed in sorted(per_year.items()):
                TicketSequence.objects.get_or_create(year=year)
                sequence = TicketSequence.objects.select_for_update().get(year=year)
                # References written without the sequence (imports, older seeds) are skipped too.
                top = Ticket.objects.filter(reference__startswith=f"AS-{year}-").aggregate(top=Max("reference"))["top"]
                used = max(sequence.last_value, int(top.rsplit("-", 1)[1]) if top else 0)
                first[year] = used + 1
                sequence.last_value = used + needed
                sequence.save(update_fields=["last_value"])
        return first

    def _pick_unit(self, units: list[UnitRow], old_units: list[UnitRow], created: dt.datetime) -> UnitRow | None:
        """A unit that had been bought by the time the ticket came in."""
        if not units:
            return None
        day = created.astimezone(self.tz).date()
        for _ in range(4):
            unit = self._pick(units)
            if unit.invoice is None or unit.invoice < day:
                return unit
        return self._pick(old_units) if old_units else None

    def _fault(self, kind: str, unit: UnitRow | None) -> FaultCategory | None:
        by_code = self.faults_by_code
        if kind == Kind.INSTALLATION:
            return by_code.get("installation_request")
        if kind == Kind.MAINTENANCE:
            return by_code.get("maintenance_request")
        if kind == Kind.CONSULTATION:
            return by_code.get("usage_question")
        if kind == Kind.COMPLAINT and self.random() < 0.75:
            group = self.faults_by_group.get(FaultGroup.SERVICE)
            return self._pick(group) if group else None
        faults = self.faults_for_category.get(unit.category if unit else "")
        if faults:
            return self._pick(faults)
        group = self.faults_by_group.get(FaultGroup.PRODUCT)
        return self._pick(group) if group else None

    def _stamp_plan(self, status: str, stamps_for: str, on_site: bool) -> tuple[tuple[str, ...], tuple]:
        """The lifecycle stamps a ticket in ``status`` carries, in order, with each one's wait."""
        key = (status, stamps_for, on_site)
        plan = self._stamp_plans.get(key)
        if plan is None:
            names = [n for n in STAMPS_FOR[stamps_for] if on_site or n not in ON_SITE_STAMPS]
            if status == Status.CANCELLED:
                names.append("cancelled_at")
            if status == Status.ON_HOLD:
                names.append("on_hold_since")
            plan = self._stamp_plans[key] = (tuple(names), tuple(STEP_MINUTES.get(n, (20, 600)) for n in names))
        return plan

    def _ticket(
        self,
        *,
        pk: int,
        reference: str,
        created: dt.datetime,
        status: str,
        kind: str,
        channel: str,
        priority: str,
        unit: UnitRow | None,
        customer_id: int,
        feedback: list[tuple],
    ) -> tuple:
        """A ticket's row (TICKETS' columns), with its feedback item added to ``feedback``."""
        random, uniform, pick = self.random, self.uniform, self._pick
        if kind in NEEDS_UNIT and unit is None:
            kind = Kind.CONSULTATION
        fault = self._fault(kind, unit)
        region, language = self.customer_info.get(customer_id, ("", Language.CHINESE))
        deadlines = sla.deadlines_for(sla.default_target(kind, priority), created, self.calendar)
        description = self._description(fault, unit, language)
        created_by_id = pick(self.agent_ids) if self.agent_ids and channel != Channel.WEB else None
        on_site = kind in SERVICE_KINDS
        held_from = ""
        stamps_for = status
        if status == Status.ON_HOLD:
            held_from = pick(
                (Status.ACKNOWLEDGED, Status.DISPATCHED, Status.IN_PROGRESS) if on_site else (Status.ACKNOWLEDGED,)
            )
            stamps_for = held_from
        elif status == Status.CANCELLED:
            stamps_for = pick(
                (Status.NEW, Status.ACKNOWLEDGED, Status.DISPATCHED) if on_site else (Status.NEW, Status.ACKNOWLEDGED)
            )
        names, waits = self._stamp_plan(status, stamps_for, on_site)
        # Later steps wait longer; low priority waits twice as long, urgent a quarter.
        factor = sla.PRIORITY_FACTOR[priority]
        gaps = [uniform(low, high) * factor for low, high in waits]
        if status == Status.REOPENED:
            gaps.append(uniform(1440, 7200))
        total = sum(gaps)
        room = (self.now - created).total_seconds() / 60 - 1
        if total > room:
            gaps = [gap * room * uniform(0.5, 0.95) / total for gap in gaps]
        stamps = {}
        moment = created
        for name, gap in zip(names, gaps, strict=False):
            moment += dt.timedelta(minutes=gap)
            stamps[name] = moment
        reopened = 0
        if status == Status.REOPENED:
            moment += dt.timedelta(minutes=gaps[-1])
            reopened = 1
        elif status == Status.CLOSED and random() < 0.05:
            reopened = 1
        version = 1 + len(names)
        assignee_id = station_id = None
        if "dispatched_at" in stamps or (status == Status.ON_HOLD and held_from != Status.ACKNOWLEDGED):
            assignee_id = pick(self.technician_ids)
            stations = self.stations_by_region.get(region) or self.station_ids
            station_id = pick(stations) if stations else None
            version += 1
        resolved_at = stamps.get("resolved_at")
        fault_code = component = root_cause = work_done = parts_used = ""
        charge = ZERO
        if resolved_at is not None:
            fault_code, component, root_cause, work_done, parts_used, charge = self._resolve(
                kind, fault, unit, language, resolved_at
            )
            version += 2
            department = self.quality_codes.get(fault_code)
            if kind == Kind.REPAIR and department is not None:
                feedback.append(
                    self._feedback_item(pk, department, fault_code, component, root_cause, unit, resolved_at, language)
                )
        started_at = stamps.get("started_at")
        # Every ticket a technician started has had a visit; one in ten a second one.
        visits = (2 if pk % 10 == 0 else 1) if started_at is not None else 0
        return (
            pk,
            reference,
            kind,
            channel,
            customer_id,
            unit.pk if unit else None,
            fault.pk if fault else None,
            description,
            priority,
            status,
            station_id,
            assignee_id,
            created_by_id,
            None,  # suspected_duplicate_of_id
            None,  # merged_into_id
            deadlines.response,
            deadlines.dispatch,
            deadlines.arrival,
            deadlines.completion,
            sla.stage_deadline(status, deadlines),
            held_from,
            stamps.get("on_hold_since"),
            created,
            moment,
            stamps.get("acknowledged_at"),
            stamps.get("dispatched_at"),
            started_at,
            resolved_at,
            stamps.get("verified_at"),
            stamps.get("closed_at"),
            stamps.get("cancelled_at"),
            reopened,
            visits,
            fault_code,
            component,
            root_cause,
            work_done,
            parts_used,
            charge,
            version,
        )

    def _duplicate(self, pk: int, reference: str, original: tuple, created: dt.datetime, channel: str) -> tuple:
        """The same problem reported again, merged into the ticket already open for it."""
        merged_at = min(created + dt.timedelta(minutes=self.uniform(5, 60)), self.now)
        row = dict(zip(TICKETS.columns, original, strict=True))
        kept = ("kind", "customer_id", "unit_id", "fault_category_id", "description", "priority", "created_by_id")
        kept += ("response_due", "dispatch_due", "arrival_due", "completion_due")
        fresh = {
            **dict.fromkeys(TICKETS.columns),
            **{name: row[name] for name in kept},
            **{name: "" for name in ("held_from", "fault_code", "fault_component", "root_cause", "work_done")},
            "parts_used": "",
            "id": pk,
            "reference": reference,
            "channel": channel,
            "status": Status.MERGED,
            "suspected_duplicate_of_id": row["id"],
            "merged_into_id": row["id"],
            "created_at": created,
            "updated_at": merged_at,
            "reopened_count": 0,
            "visits": 0,
            "charge": ZERO,
            "version": 2,
        }
        return tuple(fresh[name] for name in TICKETS.columns)

    def _description(self, fault: FaultCategory | None, unit: UnitRow | None, language: str) -> str:
        texts = DESCRIPTIONS.get(fault.code) if fault else None
        if not texts:
            return "客户来电咨询。" if language != Language.ENGLISH else "Customer called with a question."
        english, chinese = self._pick(texts)
        if language == Language.ENGLISH:
            return english.format(product="product")
        return chinese.format(product=unit.model_name if unit else "产品")

    def _resolve(
        self, kind: str, fault: FaultCategory | None, unit: UnitRow | None, language: str, resolved_at: dt.datetime
    ) -> tuple[str, str, str, str, str, Decimal]:
        """What the technician found and did: (fault code, component, root cause, work done, parts, charge)."""
        pick = 0 if language == Language.ENGLISH else 1
        options = RESOLUTIONS.get(fault.code) if fault else None
        if kind == Kind.REPAIR or (options and fault.group == FaultGroup.PRODUCT):
            code, component, cause, work, parts, fee = self._pick(options or RESOLUTIONS["no_power"])
            in_warranty = unit is not None and unit.warranty_end is not None and unit.warranty_end >= resolved_at.date()
            return code, component, cause[pick], work[pick], parts[pick], Decimal(0 if in_warranty else fee)
        key = fault.code if kind == Kind.COMPLAINT and fault and fault.code in WORK else kind
        work_done = self._pick(WORK.get(key) or WORK["consultation"])[pick]
        return "", "", "", work_done, "", ZERO

    def _feedback_item(
        self,
        ticket_id: int,
        department: str,
        fault_code: str,
        component: str,
        root_cause: str,
        unit: UnitRow | None,
        created: dt.datetime,
        language: str,
    ) -> tuple:
        """The feedback item a resolved repair with a quality fault code opened (no-leak 4), as
        followups.feedback.services would have, most of the older ones acknowledged and answered (FEEDBACK's columns)."""
        random, uniform = self.random, self.uniform
        acknowledge_due = created + ACKNOWLEDGE_WITHIN
        answered_share, acknowledged_share = FEEDBACK_SHARES[acknowledge_due < self.now]
        roll = random()
        acknowledged = min(created + dt.timedelta(hours=uniform(2, 144)), self.now)
        status, acknowledged_at, acknowledged_by_id = FeedbackStatus.OPEN, None, None
        cause = action = ""
        answered_at = answered_by_id = None
        if roll < acknowledged_share:
            status, acknowledged_at = FeedbackStatus.ACKNOWLEDGED, acknowledged
            acknowledged_by_id = self._pick(self.department_user_ids)
        if roll < answered_share:
            pick = 0 if language == Language.ENGLISH else 1
            cause_texts, action_texts = self._pick(FEEDBACK_ANSWERS[department])
            status, cause, action = FeedbackStatus.ANSWERED, cause_texts[pick], action_texts[pick]
            answered_at = min(acknowledged + dt.timedelta(hours=uniform(4, 240)), self.now)
            answered_by_id = acknowledged_by_id
        return (
            ticket_id,
            department,
            fault_code,
            component,
            root_cause,
            unit.model_id if unit else None,
            unit.batch if unit else "",
            status,
            created,
            acknowledge_due,
            acknowledged_at,
            acknowledged_by_id,
            cause,
            action,
            answered_at,
            answered_by_id,
        )

    # --- callbacks ---------------------------------------------------------------------------------

    def _callbacks(self, count: int) -> None:
        started = time.perf_counter()
        candidates = callback_candidates(count)
        ids = reserve_ids(CallbackVisit, len(candidates))
        with self._load([VISITS, ATTEMPTS, RATINGS], len(candidates)):
            self.followups_written = seed_callbacks(
                candidates, ids, rng=self.rng, writer=self.writer, batch=self.batch, now=self.now, log=self._note
            )
        took = max(time.perf_counter() - started, 1e-9)
        visits, attempts, ratings = self.followups_written
        self.stdout.write(
            f"  callbacks: {visits} + {attempts} attempts + {ratings} ratings in {took:.1f} s"
            f" ({sum(self.followups_written) / took:,.0f} rows/s)"
        )


T_CHANNEL = TICKETS.columns.index("channel")
T_UNIT = TICKETS.columns.index("unit_id")
T_CREATED_BY = TICKETS.columns.index("created_by_id")
