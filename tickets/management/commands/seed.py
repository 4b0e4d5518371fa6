"""``manage.py seed``: large volumes of realistic rows, fast, for benchmarks and load tests.

Unlike ``demo`` this writes with ``bulk_create`` in batches and bypasses the services, so it
keeps their invariants itself: phones are unique and in E.164 form by construction, serials are
unique per model, warranty dates come from the category policy (customers.warranty), SLA
deadlines from tickets.sla, every ticket's timestamps fit its status, and references continue
the year's TicketSequence, which is advanced before any ticket is written, so tickets logged
at the desk meanwhile or afterwards never collide. It runs on top of existing data (the demo's
catalogue, stations and staff are reused) and creates a minimal catalogue when there is none.
"""

import argparse
import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from aftersales.roles import Role
from customers.models import Customer, Language, ProductCategory, ProductModel, ProductUnit
from customers.selectors import policy_in_force
from customers.warranty import add_months, warranty_start
from tickets import sla
from tickets.choices import SERVICE_KINDS, Channel, EventKind, FaultGroup, Kind, Priority, Status
from tickets.feedback import ACKNOWLEDGE_WITHIN
from tickets.management.commands._demo_data import (
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
from tickets.management.commands._seed_followups import seed_callbacks, seed_visits
from tickets.models import (
    CallbackVisit,
    FaultCategory,
    FaultCode,
    FeedbackItem,
    FeedbackStatus,
    SatisfactionRating,
    ServiceStation,
    Ticket,
    TicketEvent,
    TicketSequence,
)

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


@dataclass
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


@contextmanager
def explicit_timestamps(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk_create write the given auto_now/auto_now_add fields as set on the objects.

    Generated history needs timestamps in the past; the fields' automatic "now" would
    overwrite them. Only this command writes history this way.
    """
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _field(model: type[models.Model], name: str) -> models.DateTimeField:
    return model._meta.get_field(name)  # type: ignore[return-value]


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
    help = "Generate large volumes of customers, units and tickets with bulk inserts (benchmarks, load tests)."

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
        parser.add_argument("--batch", type=int, default=5000, help="rows per INSERT")
        parser.add_argument("--days", type=int, default=730, help="spread tickets over this many past days")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args, **options) -> None:
        if min(options["customers"], options["units"], options["tickets"], options["callbacks"]) < 0 or options["batch"] < 1:
            raise CommandError("Counts cannot be negative and --batch must be positive.")
        if options["days"] < 1:
            raise CommandError("--days must be at least 1.")
        self.rng = random.Random(options["seed"])
        self.batch = options["batch"]
        self.now = timezone.now()
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.today = self.now.astimezone(self.tz).date()
        # What this run created, for the next step to build on; empty: use the rows already there.
        self.new_customers: list[tuple[int, str, str]] = []  # (pk, region, preferred language)
        self.new_units: list[UnitRow] = []
        self.customer_info: dict[int, tuple[str, str]] = {}  # pk: (region, preferred language)
        self.events_written = 0
        self.feedback_written = 0
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
            started_callbacks = time.perf_counter()
            callback_fields = (_field(CallbackVisit, "created_at"), _field(SatisfactionRating, "created_at"))
            with explicit_timestamps(*callback_fields):
                self.followups_written = seed_callbacks(
                    options["callbacks"], rng=self.rng, batch=self.batch, now=self.now, log=self.stdout.write
                )
            took = max(time.perf_counter() - started_callbacks, 1e-9)
            visits, attempts, ratings = self.followups_written
            self.stdout.write(
                f"  callbacks: {visits} + {attempts} attempts + {ratings} ratings in {took:.1f} s"
                f" ({sum(self.followups_written) / took:,.0f} rows/s)"
            )
        elapsed = time.perf_counter() - started
        rows = sum(totals.values()) + self.events_written + self.feedback_written + sum(self.followups_written)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {totals['customers']} customers, {totals['units']} units, {totals['tickets']} tickets,"
                f" {self.events_written} events and {self.feedback_written} feedback items:"
                f" {rows} rows in {elapsed:.1f} s ({rows / max(elapsed, 1e-9):,.0f} rows/s)."
            )
        )

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

    # --- what the rows refer to ------------------------------------------------------------------

    def _reference_data(self) -> None:
        """Reuse the catalogue, stations, faults and staff; create a minimal set where none exist."""
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
        self.stations = list(ServiceStation.objects.filter(is_active=True))
        self.stations_by_region: dict[str, list[ServiceStation]] = {}
        for station in self.stations:
            self.stations_by_region.setdefault(station.region, []).append(station)
        self.technician_ids = list(
            User.objects.filter(is_active=True, groups__name=Role.TECHNICIAN).values_list("pk", flat=True)
        )
        if not self.technician_ids:
            group = Group.objects.get_or_create(name=Role.TECHNICIAN)[0]
            for station in self.stations:
                user = User.objects.create_user(username=f"tech-{station.code}"[:150], first_name="Technician")
                user.groups.add(group)
                self.technician_ids.append(user.pk)
        self.agent_ids = list(User.objects.filter(is_active=True, groups__name=Role.AGENT).values_list("pk", flat=True))
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
            User.objects.filter(is_active=True, groups__name=Role.DEPARTMENT).values_list("pk", flat=True)
        )
        if not self.department_user_ids:
            # A department user with no membership answers for every department.
            user = User.objects.create_user(username="quality-office", first_name="Quality office")
            user.groups.add(Group.objects.get_or_create(name=Role.DEPARTMENT)[0])
            self.department_user_ids.append(user.pk)
        self.models = list(ProductModel.objects.select_related("category"))
        self.list_prices = {row[1]: row[6] for row in MODELS}
        self.model_weights = [CATEGORY_WEIGHTS.get(m.category.code, 5) for m in self.models]
        faults = list(FaultCategory.objects.filter(is_active=True))
        self.faults_by_code = {f.code: f for f in faults}
        self.faults_by_group: dict[str, list[FaultCategory]] = {}
        for fault in faults:
            self.faults_by_group.setdefault(fault.group, []).append(fault)
        self.regions = sorted(self.stations_by_region) or ["Qingdao"]

    # --- customers ---------------------------------------------------------------------------------

    def _customers(self, count: int) -> int:
        rng = self.rng
        index = generated_phones_in_use()
        created = 0
        fields = (_field(Customer, "created_at"), _field(Customer, "updated_at"))
        while created < count:
            wanted = min(self.batch, count - created)
            phones = [seed_phone(i) for i in range(index, index + wanted)]
            index += wanted
            # Numbers already taken (a customer who called in, an earlier run) are skipped.
            taken = set(Customer.objects.filter(phone__in=phones).values_list("phone", flat=True))
            rows = []
            for phone in phones:
                if phone in taken:
                    continue
                surname = rng.choice(SURNAMES)[0]
                given = rng.choice(GIVEN_NAMES)[0]
                if len(given) == 1 and rng.random() < 0.5:
                    given += rng.choice(GIVEN_NAMES)[0][0]
                region = rng.choice(self.regions)
                streets = ADDRESSES.get(region)
                if streets:
                    street = rng.choice(streets)[0].format(n=rng.randint(1, 999))
                else:
                    street = f"{region}市中心大道{rng.randint(1, 999)}号"
                joined = self.now - dt.timedelta(days=rng.uniform(30, 1100))
                language = Language.ENGLISH if rng.random() < 0.04 else Language.CHINESE
                rows.append(
                    Customer(
                        name=surname + given,
                        phone=phone,
                        email=f"{rng.randrange(10**8, 10**10)}@qq.com" if rng.random() < 0.3 else "",
                        address=f"{street}{rng.randint(1, 30)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 28)}0{rng.randint(1, 4)}室",
                        region=region,
                        preferred_language=language,
                        created_at=joined,
                        updated_at=joined,
                    )
                )
            with transaction.atomic(), explicit_timestamps(*fields):
                Customer.objects.bulk_create(rows)
            self.new_customers += [(c.pk, c.region, c.preferred_language) for c in rows]
            created += len(rows)
        return created

    # --- units -------------------------------------------------------------------------------------

    def _owners(self) -> list[tuple[int, str, str]]:
        if self.new_customers:
            return self.new_customers
        rows = list(Customer.objects.values_list("pk", "region", "preferred_language"))
        if not rows:
            raise CommandError("There are no customers to own the units: add --customers.")
        return rows

    def _units(self, count: int) -> int:
        rng = self.rng
        owners = self._owners()
        self.customer_info = {pk: (region, language) for pk, region, language in owners}
        first = (ProductUnit.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        fields = (_field(ProductUnit, "registered_at"),)
        # Whole-unit months per category, from the policy in force today (seeded sales are recent).
        months = {}
        for model in self.models:
            policy = policy_in_force(model.category_id, self.today)
            months[model.category_id] = policy.whole_unit_months if policy else 12
        for start in range(0, count, self.batch):
            rows = []
            for index in range(first + start, first + min(start + self.batch, count)):
                model = rng.choices(self.models, weights=self.model_weights)[0]
                category = model.category
                owner_pk, region, _language = rng.choice(owners)
                invoice = self.today - dt.timedelta(days=rng.randint(3, 1095))
                made = invoice - dt.timedelta(days=rng.randint(20, 120))
                delivery = invoice + dt.timedelta(days=rng.randint(0, 7)) if category.code == "car" else None
                installation = None
                if category.code in ("flat_panel_tv", "air_conditioner"):
                    installation = min(invoice + dt.timedelta(days=rng.randint(1, 5)), self.today)
                start_date = warranty_start(
                    category.warranty_start_basis,
                    invoice_date=invoice,
                    delivery_date=delivery,
                    installation_date=installation,
                )
                proof = rng.random()
                dealers = DEALERS["car" if category.code == "car" else "shop"]
                registered = dt.datetime.combine(delivery or invoice, dt.time(rng.randint(9, 19)), self.tz)
                rows.append(
                    ProductUnit(
                        owner_id=owner_pk,
                        model=model,
                        serial=seed_serial(category.code, model.code, index, made),
                        batch=f"{made:%Y-%m}" if category.code == "car" else f"{made:%y%m}{rng.choice('AB')}",
                        invoice_date=invoice,
                        delivery_date=delivery,
                        installation_date=installation,
                        dealer=rng.choice(dealers.get(region) or dealers["Qingdao"]),
                        price=self._price(model),
                        has_invoice=proof > 0.08,
                        has_warranty_card=proof < 0.03 or proof > 0.15,
                        warranty_start=start_date,
                        warranty_end=add_months(start_date, months[category.pk]),
                        registered_at=min(registered, self.now),
                    )
                )
            with transaction.atomic(), explicit_timestamps(*fields):
                ProductUnit.objects.bulk_create(rows)
            self.new_units += [
                UnitRow(
                    u.pk,
                    u.owner_id,
                    u.model.category.code,
                    u.model.name_zh or u.model.name,
                    u.invoice_date,
                    u.warranty_end,
                    u.model_id,
                    u.batch,
                )
                for u in rows
            ]
        return len(self.new_units)

    def _price(self, model: ProductModel) -> Decimal:
        """Around the model's list price where the catalogue table knows it."""
        rng = self.rng
        list_price = self.list_prices.get(model.code) or (150000 if model.category.code == "car" else 3000)
        step = 100 if model.category.code == "car" else 10
        return Decimal(int(list_price * rng.uniform(0.85, 1.0) / step) * step - (0 if step == 100 else 1))

    # --- tickets -----------------------------------------------------------------------------------

    def _unit_pool(self) -> list[UnitRow]:
        if self.new_units:
            return self.new_units
        rows = ProductUnit.objects.values_list(
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
        rng = self.rng
        units = self._unit_pool()
        customer_ids = None if units else list(Customer.objects.values_list("pk", flat=True))
        if not units and not customer_ids:
            raise CommandError("There are no customers or units to log tickets for: add --customers and --units.")
        window_start = self.now - dt.timedelta(days=days)
        old_units = [u for u in units if u.invoice is None or u.invoice < window_start.date()]
        # Creation moments, oldest first, so references follow time within a run.
        span = (self.now - window_start).total_seconds() - 60
        offsets = sorted(rng.random() * span for _ in range(count))
        moments = [window_start + dt.timedelta(seconds=s) for s in offsets]
        next_number = self._reserve_references(Counter(m.astimezone(self.tz).year for m in moments))

        kinds, kind_w = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
        channels, channel_w = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
        priorities, priority_w = list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values())
        status_tables = [(limit, list(table), list(table.values())) for limit, table in STATUS_BY_AGE]
        fields = (_field(Ticket, "created_at"), _field(Ticket, "updated_at"), _field(TicketEvent, "created_at"))
        units_by_pk = {unit.pk: unit for unit in units}
        written = 0
        for start in range(0, count, self.batch):
            plain: list[Ticket] = []
            merged: list[tuple[Ticket, Ticket]] = []
            last_open: Ticket | None = None
            for created in moments[start : start + self.batch]:
                age = self.now - created
                _limit, statuses, weights = next(t for t in status_tables if age < t[0])
                status = rng.choices(statuses, weights=weights)[0]
                unit = self._pick_unit(units, old_units, created)
                if status == Status.MERGED and last_open is not None:
                    ticket = self._duplicate(last_open, created, rng.choice(channels))
                    year = created.astimezone(self.tz).year
                    ticket.reference = f"AS-{year}-{next_number[year]:06d}"
                    next_number[year] += 1
                    merged.append((ticket, last_open))
                    continue
                if status == Status.MERGED:
                    status = Status.CANCELLED
                ticket = self._ticket(
                    created=created,
                    status=status,
                    kind=rng.choices(kinds, weights=kind_w)[0],
                    channel=rng.choices(channels, weights=channel_w)[0],
                    priority=rng.choices(priorities, weights=priority_w)[0],
                    unit=unit,
                    customer_id=unit.owner_id if unit else rng.choice(customer_ids),
                )
                year = created.astimezone(self.tz).year
                ticket.reference = f"AS-{year}-{next_number[year]:06d}"
                next_number[year] += 1
                plain.append(ticket)
                if status not in (Status.CANCELLED, Status.CLOSED) and ticket.unit_id:
                    last_open = ticket
            with transaction.atomic(), explicit_timestamps(*fields):
                Ticket.objects.bulk_create(plain)
                for ticket, original in merged:
                    ticket.merged_into_id = ticket.suspected_duplicate_of_id = original.pk
                Ticket.objects.bulk_create([ticket for ticket, _ in merged])
                feedback = self._feedback_items(plain, units_by_pk)
                FeedbackItem.objects.bulk_create(feedback, batch_size=self.batch)
                self.feedback_written += len(feedback)
                if with_events:
                    events = [
                        TicketEvent(
                            ticket_id=t.pk,
                            kind=EventKind.CREATED,
                            actor_id=t.created_by_id,
                            created_at=t.created_at,
                            to_status=Status.NEW,
                            is_public=True,
                            data={"channel": t.channel},
                        )
                        for t in plain + [ticket for ticket, _ in merged]
                    ]
                    TicketEvent.objects.bulk_create(events, batch_size=self.batch)
                    self.events_written += len(events)
            written += len(plain) + len(merged)
        return written

    def _feedback_items(self, tickets: list[Ticket], units: dict[int, UnitRow]) -> list[FeedbackItem]:
        """The feedback items the resolved repairs with a quality fault code opened (no-leak 4),
        as tickets.feedback would have, most of the older ones acknowledged and answered."""
        rng = self.rng
        rows = []
        for ticket in tickets:
            department = self.quality_codes.get(ticket.fault_code)
            if ticket.kind != Kind.REPAIR or ticket.resolved_at is None or department is None:
                continue
            unit = units.get(ticket.unit_id)
            created = ticket.resolved_at
            item = FeedbackItem(
                ticket_id=ticket.pk,
                department=department,
                fault_code=ticket.fault_code,
                component=ticket.fault_component,
                root_cause=ticket.root_cause,
                model_id=unit.model_id if unit else None,
                batch=unit.batch if unit else "",
                created_at=created,
                acknowledge_due=created + ACKNOWLEDGE_WITHIN,
            )
            answered_share, acknowledged_share = FEEDBACK_SHARES[item.acknowledge_due < self.now]
            roll = rng.random()
            acknowledged = min(created + dt.timedelta(hours=rng.uniform(2, 144)), self.now)
            if roll < acknowledged_share:
                item.status = FeedbackStatus.ACKNOWLEDGED
                item.acknowledged_at = acknowledged
                item.acknowledged_by_id = rng.choice(self.department_user_ids)
            if roll < answered_share:
                pick = 0 if self.customer_info.get(ticket.customer_id, ("", ""))[1] == Language.ENGLISH else 1
                cause, action = rng.choice(FEEDBACK_ANSWERS[department])
                item.status = FeedbackStatus.ANSWERED
                item.cause, item.corrective_action = cause[pick], action[pick]
                item.answered_at = min(acknowledged + dt.timedelta(hours=rng.uniform(4, 240)), self.now)
                item.answered_by_id = item.acknowledged_by_id
            rows.append(item)
        return rows

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
            unit = self.rng.choice(units)
            if unit.invoice is None or unit.invoice < day:
                return unit
        return self.rng.choice(old_units) if old_units else None

    def _fault(self, kind: str, unit: UnitRow | None) -> FaultCategory | None:
        rng = self.rng
        by_code = self.faults_by_code
        if kind == Kind.INSTALLATION:
            return by_code.get("installation_request")
        if kind == Kind.MAINTENANCE:
            return by_code.get("maintenance_request")
        if kind == Kind.CONSULTATION:
            return by_code.get("usage_question")
        if kind == Kind.COMPLAINT and rng.random() < 0.75:
            group = self.faults_by_group.get(FaultGroup.SERVICE)
            return rng.choice(group) if group else None
        codes = [c for c in CATEGORY_FAULTS.get(unit.category if unit else "", PHONE_FAULTS) if c in by_code]
        if codes:
            return by_code[rng.choice(codes)]
        group = self.faults_by_group.get(FaultGroup.PRODUCT)
        return rng.choice(group) if group else None

    def _ticket(
        self,
        *,
        created: dt.datetime,
        status: str,
        kind: str,
        channel: str,
        priority: str,
        unit: UnitRow | None,
        customer_id: int,
    ) -> Ticket:
        rng = self.rng
        if kind in (Kind.INSTALLATION, Kind.MAINTENANCE, Kind.REPAIR) and unit is None:
            kind = Kind.CONSULTATION
        fault = self._fault(kind, unit)
        region, language = self.customer_info.get(customer_id, ("", Language.CHINESE))
        deadlines = sla.deadlines_for(kind, priority, created, tz=self.tz, day_end_hour=settings.SERVICE_DAY_END_HOUR)
        ticket = Ticket(
            kind=kind,
            channel=channel,
            customer_id=customer_id,
            unit_id=unit.pk if unit else None,
            fault_category=fault,
            description=self._description(fault, unit, language),
            priority=priority,
            status=status,
            created_by_id=rng.choice(self.agent_ids) if self.agent_ids and channel != Channel.WEB else None,
            response_due=deadlines.response,
            dispatch_due=deadlines.dispatch,
            arrival_due=deadlines.arrival,
            completion_due=deadlines.completion,
            created_at=created,
        )
        on_site = kind in SERVICE_KINDS
        held_from = ""
        stamps_for = status
        if status == Status.ON_HOLD:
            held_from = rng.choice(
                [Status.ACKNOWLEDGED, Status.DISPATCHED, Status.IN_PROGRESS] if on_site else [Status.ACKNOWLEDGED]
            )
            stamps_for = held_from
        elif status == Status.CANCELLED:
            stamps_for = rng.choice(
                [Status.NEW, Status.ACKNOWLEDGED, Status.DISPATCHED] if on_site else [Status.NEW, Status.ACKNOWLEDGED]
            )
        names = [n for n in STAMPS_FOR[stamps_for] if on_site or n not in ON_SITE_STAMPS]
        if status == Status.CANCELLED:
            names.append("cancelled_at")
        if status == Status.ON_HOLD:
            names.append("on_hold_since")
        # Later steps wait longer; low priority waits twice as long, urgent a quarter.
        factor = sla.PRIORITY_FACTOR[priority]
        gaps = [rng.uniform(*STEP_MINUTES.get(name, (20, 600))) * factor for name in names]
        if status == Status.REOPENED:
            gaps.append(rng.uniform(1440, 7200))
        total = sum(gaps)
        room = (self.now - created).total_seconds() / 60 - 1
        if total > room:
            gaps = [gap * room * rng.uniform(0.5, 0.95) / total for gap in gaps]
        moment = created
        for name, gap in zip(names, gaps, strict=False):
            moment += dt.timedelta(minutes=gap)
            setattr(ticket, name, moment)
        if status == Status.REOPENED:
            moment += dt.timedelta(minutes=gaps[-1])
            ticket.reopened_count = 1
        elif status == Status.CLOSED and rng.random() < 0.05:
            ticket.reopened_count = 1
        if status == Status.ON_HOLD:
            ticket.held_from = held_from
        ticket.updated_at = moment
        ticket.version = 1 + len(names)
        if ticket.dispatched_at or (status == Status.ON_HOLD and held_from != Status.ACKNOWLEDGED):
            ticket.assignee_id = rng.choice(self.technician_ids)
            stations = self.stations_by_region.get(region) or self.stations
            ticket.station = rng.choice(stations) if stations else None
            ticket.version += 1
        if ticket.resolved_at:
            self._resolve(ticket, kind, fault, unit, language)
        ticket.next_due = sla.stage_deadline(status, ticket.deadlines)
        return ticket

    def _duplicate(self, original: Ticket, created: dt.datetime, channel: str) -> Ticket:
        """The same problem reported again, merged into the ticket already open for it."""
        merged_at = created + dt.timedelta(minutes=self.rng.uniform(5, 60))
        merged_at = min(merged_at, self.now)
        return Ticket(
            kind=original.kind,
            channel=channel,
            customer_id=original.customer_id,
            unit_id=original.unit_id,
            fault_category=original.fault_category,
            description=original.description,
            priority=original.priority,
            status=Status.MERGED,
            created_by_id=original.created_by_id,
            response_due=original.response_due,
            dispatch_due=original.dispatch_due,
            arrival_due=original.arrival_due,
            completion_due=original.completion_due,
            created_at=created,
            updated_at=merged_at,
            version=2,
        )

    def _description(self, fault: FaultCategory | None, unit: UnitRow | None, language: str) -> str:
        texts = DESCRIPTIONS.get(fault.code) if fault else None
        if not texts:
            return "客户来电咨询。" if language != Language.ENGLISH else "Customer called with a question."
        english, chinese = self.rng.choice(texts)
        if language == Language.ENGLISH:
            return english.format(product="product")
        return chinese.format(product=unit.model_name if unit else "产品")

    def _resolve(
        self, ticket: Ticket, kind: str, fault: FaultCategory | None, unit: UnitRow | None, language: str
    ) -> None:
        rng = self.rng
        pick = 0 if language == Language.ENGLISH else 1
        options = RESOLUTIONS.get(fault.code) if fault else None
        if kind == Kind.REPAIR or (options and fault.group == FaultGroup.PRODUCT):
            code, component, cause, work, parts, fee = (
                rng.choice(options) if options else rng.choice(RESOLUTIONS["no_power"])
            )
            ticket.fault_code, ticket.fault_component = code, component
            ticket.root_cause, ticket.work_done, ticket.parts_used = cause[pick], work[pick], parts[pick]
            in_warranty = (
                unit is not None and unit.warranty_end is not None and unit.warranty_end >= ticket.resolved_at.date()
            )
            ticket.charge = Decimal(0 if in_warranty else fee)
        else:
            key = fault.code if kind == Kind.COMPLAINT and fault and fault.code in WORK else kind
            ticket.work_done = rng.choice(WORK.get(key) or WORK["consultation"])[pick]
        ticket.version += 2
