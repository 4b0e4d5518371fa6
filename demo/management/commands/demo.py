"""``manage.py demo``: a small data set that shows the product at work.

Everything goes through the services, so every ticket has a real timeline: it is logged with
``ticket_create`` at a moment in the last 60 days and then moved through the lifecycle with
``ticket_assign``, ``ticket_record_resolution`` and ``ticket_transition``. Only the automatic
timestamps (a timeline event's ``created_at``, a ticket's ``updated_at``, when a customer or a
unit was registered) are set back afterwards, so each reads at the moment it happened. Random choices come from a fixed seed: two fresh databases
get the same data. Running the command again on a database that has the demo users only
prints the logins.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aftersales.organisation import organisation_name
from aftersales.roles import Role
from customers.accounts import customer_account_link
from customers.calendars import calendar_spec_for
from customers.models import Customer, Language, ProductCategory, ProductModel, ProductUnit
from customers.selectors import policy_in_force
from customers.services import customer_create
from customers.units import unit_register
from customers.warranty_periods import add_months
from demo.management.commands._demo_data import (
    ADDRESSES,
    CATEGORIES,
    CATEGORY_FAULTS,
    CATEGORY_WEIGHTS,
    DEALERS,
    DESCRIPTIONS,
    ENGLISH_CUSTOMERS,
    FAULT_CODES,
    FAULTS,
    FEEDBACK_ANSWERS,
    GIVEN_NAMES,
    MODELS,
    NOTES,
    RESOLUTIONS,
    STATIONS,
    SURNAMES,
    USERS,
    WORK,
    luhn_digit,
    vin,
)
from followups.callbacks.services import record_attempt
from followups.choices import CallbackKind, CallbackResult, CallbackStatus
from followups.feedback.services import feedback_acknowledge, feedback_answer, may_work_on
from followups.models import DepartmentMembership, FeedbackItem, FeedbackStatus
from tickets.choices import OPEN_STATUSES, SERVICE_KINDS, Channel, FaultGroup, Kind, Priority, Status
from tickets.models import FaultCategory, FaultCode, ServiceStation, Ticket, TicketEvent
from tickets.services import ticket_assign, ticket_create, ticket_record_resolution, ticket_transition
from tickets.sla import clocks as sla

PASSWORD = "aftersales-demo"
# What the run command prints for a newcomer to open: path, what it is (and who it is for).
ENTRY_POINTS = (
    ("/", "Customer portal"),
    ("/desk/", "Staff desk"),
    ("/dashboard/", "Quality dashboard"),
    ("/feedback/", "Feedback inbox"),
    ("/admin/", "Administration"),
    ("/api/docs/", "API documentation"),
)
RANDOM_SEED = 1234
CUSTOMERS = 50
DAYS = 60
# How many tickets end in each status (120 in all).
STATUS_PLAN = {
    Status.CLOSED: 42,
    Status.NEW: 11,
    Status.ACKNOWLEDGED: 9,
    Status.DISPATCHED: 10,
    Status.IN_PROGRESS: 10,
    Status.ON_HOLD: 5,
    Status.RESOLVED: 10,
    Status.VERIFIED: 8,
    Status.REOPENED: 5,
    Status.CANCELLED: 6,
    Status.MERGED: 4,
}
KIND_WEIGHTS = {Kind.REPAIR: 55, Kind.INSTALLATION: 12, Kind.MAINTENANCE: 10, Kind.CONSULTATION: 10, Kind.COMPLAINT: 13}
CHANNEL_WEIGHTS = {
    Channel.PHONE: 45,
    Channel.WEB: 25,
    Channel.WALK_IN: 10,
    Channel.EMAIL: 8,
    Channel.LETTER: 4,
    Channel.VISIT: 8,
}
PRIORITY_WEIGHTS = {Priority.NORMAL: 60, Priority.HIGH: 20, Priority.LOW: 10, Priority.URGENT: 10}
# Open tickets left past their deadline, so the overdue filter and the SLA sweep have work.
OVERDUE_PLAN = {Status.NEW: 2, Status.ACKNOWLEDGED: 1, Status.DISPATCHED: 2, Status.IN_PROGRESS: 1}
# Nothing in the demo happens in the last minutes before it is loaded.
LEAD = dt.timedelta(minutes=30)
INSTALLABLE = ("washing_machine", "air_conditioner", "flat_panel_tv", "fridge")
# Categories a technician installs at the customer's home, with the date on the unit's record.
INSTALLED_ON_SITE = ("air_conditioner", "flat_panel_tv")
# The departments the demo's quality user answers for (operations feedback goes to the managers).
QUALITY_DEPARTMENTS = ("production", "design")
# Where the departments are with their feedback items, in turn, oldest item first: for items
# whose 7 days to acknowledge are over (an open one is overdue), and for the recent ones.
FEEDBACK_PLAN = {
    True: (
        FeedbackStatus.ANSWERED,
        FeedbackStatus.ANSWERED,
        FeedbackStatus.OPEN,
        FeedbackStatus.ANSWERED,
        FeedbackStatus.ACKNOWLEDGED,
        FeedbackStatus.ANSWERED,
    ),
    False: (FeedbackStatus.OPEN, FeedbackStatus.ACKNOWLEDGED, FeedbackStatus.ANSWERED, FeedbackStatus.OPEN),
}


@dataclass
class Plan:
    """One ticket to log and the steps to move it through, each with its moment."""

    kind: str
    status: str
    channel: str
    priority: str
    created: dt.datetime
    steps: list[tuple[str, dt.datetime]]
    customer: Customer | None = None
    unit: ProductUnit | None = None
    fault: FaultCategory | None = None
    agent: AbstractBaseUser | None = None
    technician: AbstractBaseUser | None = None
    station: ServiceStation | None = None
    duplicate_of: "Plan | None" = None
    ticket: Ticket | None = None
    description: str = ""


def _weighted(rng: random.Random, weights: dict[str, int], count: int) -> list[str]:
    """``count`` values drawn by weight, every value at least once, in random order."""
    values = list(weights)
    drawn = values + rng.choices(values, weights=list(weights.values()), k=count - len(values))
    rng.shuffle(drawn)
    return drawn


# The batch-warning story (``_batch_warning_and_recall``): a washer model of its own, and per
# production batch how many units its new owners registered and how many the drum motor failed on.
RECALL_STORY_MODEL = (
    "washing_machine",
    "XQG80-BD1206",
    "8 kg front-loading washer",
    "8公斤滚筒洗衣机",
    ["motor", "program controller"],
    365,
    2799,
)
RECALL_STORY_BATCHES = ((20, 6), (10, 1))


class Command(BaseCommand):
    help = "Load demo data (catalogue, stations, staff, customers, units, tickets). Safe to run twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--base-url",
            default=None,
            help="Where the product will be served, for the printed links (default: SITE_URL, which follows PORT).",
        )

    def handle(self, *args, **options) -> None:
        self.base_url = (options["base_url"] or settings.SITE_URL).rstrip("/")
        if get_user_model().objects.filter(username="agent").exists():
            self.stdout.write("Demo data is already loaded; nothing was added.")
        else:
            with transaction.atomic():
                self._load()
                self._batch_warning_and_recall()
                self._quality_snapshots()
        self._print_logins()

    # --- loading -----------------------------------------------------------------------------

    def _load(self) -> None:
        self.rng = random.Random(RANDOM_SEED)
        self.now = timezone.now().replace(microsecond=0)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.calendar = calendar_spec_for(None)
        self.today = self.now.astimezone(self.tz).date()
        self._catalogue()
        self._stations()
        self._users()
        self._customers()
        # One customer signs in to the portal (and obtains an API token) with their phone.
        customer_account_link(customer=self.customers[0], password=PASSWORD)
        plans = self._plan_tickets()
        for plan in sorted(plans, key=lambda p: p.created):
            self._run(plan)
        feedback_items, overdue = self._feedback()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(self.categories)} categories, {sum(map(len, self.models.values()))} models, "
                f"{len(self.stations)} stations, {len(self.customers)} customers, "
                f"{ProductUnit.objects.filter(owner__in=self.customers).count()} units, {len(plans)} tickets, "
                f"{feedback_items} quality feedback items ({overdue} overdue)."
            )
        )

    def _catalogue(self) -> None:
        self.categories: dict[str, ProductCategory] = {}
        # The statutory categories and their policies ship with the migrations.
        for code, name, name_zh, basis in CATEGORIES:
            self.categories[code], _ = ProductCategory.objects.update_or_create(
                code=code, defaults={"name": name, "name_zh": name_zh, "warranty_start_basis": basis}
            )
        self.models: dict[str, list[tuple[ProductModel, int]]] = {}
        for category, code, name, name_zh, components, interval, price in MODELS:
            model, _ = ProductModel.objects.update_or_create(
                code=code,
                defaults={
                    "category": self.categories[category],
                    "name": name,
                    "name_zh": name_zh,
                    "main_components": components,
                    "maintenance_interval_days": interval,
                },
            )
            self.models.setdefault(category, []).append((model, price))
        self.faults: dict[str, FaultCategory] = {}
        for code, group, name, name_zh, category in FAULTS:
            self.faults[code], _ = FaultCategory.objects.update_or_create(
                code=code,
                defaults={
                    "group": group,
                    "name": name,
                    "name_zh": name_zh,
                    "product_category": self.categories[category] if category else None,
                },
            )
        for code, component, department, name, name_zh in FAULT_CODES:
            FaultCode.objects.update_or_create(
                code=code,
                defaults={"component": component, "department": department, "name": name, "name_zh": name_zh},
            )

    def _stations(self) -> None:
        self.stations: list[ServiceStation] = []
        for code, name, name_zh, region, address, phone in STATIONS:
            station, _ = ServiceStation.objects.update_or_create(
                code=code,
                defaults={"name": name, "name_zh": name_zh, "region": region, "address": address, "phone": phone},
            )
            self.stations.append(station)

    def _users(self) -> None:
        User = get_user_model()
        self.users: dict[str, AbstractBaseUser] = {}
        for username, role, first, last in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@aftersales.example",
                    "is_staff": role in (Role.ADMIN, Role.MANAGER),
                    "is_superuser": role == Role.ADMIN,
                },
            )
            if created:
                user.set_password(PASSWORD)
                user.save(update_fields=["password"])
                user.groups.add(Group.objects.get_or_create(name=role)[0])
            self.users[username] = user
        for department in QUALITY_DEPARTMENTS:
            DepartmentMembership.objects.get_or_create(user=self.users["quality"], department=department)
        self.agents = [self.users["agent"], self.users["agent2"]]
        self.technicians = [self.users["technician"], self.users["technician2"]]

    # --- customers and their products ----------------------------------------------------------

    def _phone(self) -> str:
        taken = self._phones_taken
        while True:
            prefix = self.rng.choice(("135", "136", "137", "138", "139", "150", "151", "158", "186", "188", "189"))
            phone = f"+86{prefix}{self.rng.randrange(10**8):08d}"
            if phone not in taken:
                taken.add(phone)
                return phone

    def _customers(self) -> None:
        rng = self.rng
        self._phones_taken = set(Customer.objects.filter(phone__startswith="+861").values_list("phone", flat=True))
        regions = sorted({station.region for station in self.stations})
        people: list[tuple[str, str, str]] = []
        names_taken: set[str] = set()
        while len(people) < CUSTOMERS - len(ENGLISH_CUSTOMERS):
            (surname, surname_py), (given, given_py) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
            if surname + given not in names_taken:
                names_taken.add(surname + given)
                people.append((surname + given, f"{given_py}.{surname_py}{rng.randint(70, 99)}", Language.CHINESE))
        people += [(name, mailbox, Language.ENGLISH) for name, mailbox in ENGLISH_CUSTOMERS]
        rng.shuffle(people)
        self.customers: list[Customer] = []
        for index, (name, mailbox, language) in enumerate(people):
            region = regions[index % len(regions)]
            street_zh, street_en = rng.choice(ADDRESSES[region])
            number, building, room = (
                rng.randint(1, 999),
                rng.randint(1, 30),
                rng.randint(1, 28) * 100 + rng.randint(1, 4),
            )
            if language == Language.CHINESE:
                address = f"{street_zh.format(n=number)}{building}号楼{rng.randint(1, 4)}单元{room}室"
                email = rng.choice([f"{mailbox}@163.com", f"{rng.randrange(10**8, 10**10)}@qq.com", "", ""])
            else:
                address = f"Room {room}, Building {building}, {street_en.format(n=number)}"
                email = f"{mailbox}@outlook.com"
            referrer = rng.choice(self.customers[:10]) if index in (17, 33, 41) else None
            customer = customer_create(
                name=name,
                phone=self._phone(),
                email=email,
                address=address,
                region=region,
                preferred_language=language,
                representative=rng.choice(self.agents) if rng.random() < 0.2 else None,
                referred_by=referrer,
            )
            self.customers.append(customer)
            count = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
            owned: set[str] = set()
            for _ in range(count):
                category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
                if category == "car" and "car" in owned:
                    category = "fridge"
                owned.add(category)
                invoice = self.today - dt.timedelta(days=rng.randint(65, 1095))
                installation = invoice + dt.timedelta(days=rng.randint(1, 5)) if category in INSTALLED_ON_SITE else None
                self._unit(customer, category, invoice, installation)
        # Registered at the shop on the day of sale; the customer record dates from the first unit.
        for customer in self.customers:
            first = min(unit.registered_at for unit in customer.units.all())
            Customer.objects.filter(pk=customer.pk).update(created_at=first, updated_at=first)

    def _serial(self, category: str, model: ProductModel, made: dt.date) -> str:
        rng = self.rng
        if category == "mobile_phone":
            tac = f"86{sum(map(ord, model.code)) % 1000:03d}{rng.randint(100, 999)}"
            body = f"{tac}{rng.randrange(10**6):06d}"
            return body + luhn_digit(body)
        if category == "car":
            wmi, descriptor = {"SD": ("LFV", "2A1BS"), "EV": ("LGW", "EE5LR"), "SV": ("LSV", "XX9D2")}[model.code[:2]]
            return vin(wmi, descriptor, made.year, "A", f"{rng.randrange(10**6):06d}")
        if category in ("laptop", "desktop"):
            alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
            return "PF" + "".join(rng.choice(alphabet) for _ in range(6))
        letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(2))
        return f"{model.code[:2].upper()}0{letters}{made:%y%m}{rng.randrange(10**6):06d}"

    def _unit(self, customer: Customer, category: str, invoice: dt.date, installation: dt.date | None) -> ProductUnit:
        rng = self.rng
        model, list_price = rng.choice(self.models[category])
        made = invoice - dt.timedelta(days=rng.randint(20, 120))
        delivery = invoice + dt.timedelta(days=rng.randint(0, 7)) if category == "car" else None
        step = 100 if category == "car" else 10
        price = Decimal(int(list_price * rng.uniform(0.86, 1.0) / step) * step - (0 if category == "car" else 1))
        proof = rng.random()
        unit = unit_register(
            owner=customer,
            model=model,
            serial=self._serial(category, model, made),
            batch=f"{made:%y%m}{rng.choice('AB')}" if category != "car" else f"{made:%Y-%m}",
            invoice_date=invoice,
            delivery_date=delivery,
            installation_date=installation,
            dealer=rng.choice(DEALERS["car" if category == "car" else "shop"][customer.region]),
            price=price,
            has_invoice=proof > 0.08,
            has_warranty_card=proof < 0.03 or proof > 0.15,
        )
        local = dt.datetime.combine(delivery or invoice, dt.time(rng.randint(9, 19), rng.randint(0, 59)), self.tz)
        unit.registered_at = min(local, self.now - dt.timedelta(hours=1))
        ProductUnit.objects.filter(pk=unit.pk).update(registered_at=unit.registered_at)
        return unit

    # --- ticket plans -------------------------------------------------------------------------

    def _path(self, kind: str, status: str) -> list[tuple[str, dt.timedelta]]:
        """The steps that bring a ticket of ``kind`` to ``status``, with the time before each."""
        rng = self.rng

        def after(low: int, high: int) -> dt.timedelta:
            return dt.timedelta(minutes=rng.randint(low, high))

        on_site = kind in SERVICE_KINDS or status in (Status.DISPATCHED, Status.IN_PROGRESS)
        ack = [("acknowledge", after(3, 50))]
        visit = [("assign", after(5, 90)), ("dispatch", after(1, 5)), ("start", after(180, 1500))]
        if on_site and status == Status.CLOSED and rng.random() < 0.2:
            # The customer was away on the agreed day: paused, then resumed.
            visit = visit[:2] + [("hold", after(30, 240)), ("resume", after(1440, 4300)), ("start", after(60, 600))]
        work = visit if on_site else []
        finish = [("resolution", after(40, 180)), ("resolve", after(2, 10))]
        callback = [("verify", after(600, 3000))]
        if status == Status.NEW:
            return []
        if status == Status.ACKNOWLEDGED:
            return ack
        if status == Status.DISPATCHED:
            return ack + visit[:2]
        if status == Status.IN_PROGRESS:
            return ack + visit[:3]
        if status == Status.ON_HOLD:
            before = rng.choice([[], visit[:2], visit[:3]]) if on_site else []
            return ack + before + [("hold", after(10, 180))]
        if status == Status.CANCELLED:
            return rng.choice([[], ack, ack + visit[:2]]) + [("cancel", after(20, 600))]
        resolved = ack + work + finish
        if status == Status.RESOLVED:
            return resolved
        if status == Status.VERIFIED:
            return resolved + callback
        if status == Status.REOPENED:
            return resolved + rng.choice([[], callback]) + [("reopen", after(1440, 5000))]
        if on_site and rng.random() < 0.12:
            # The callback found the fault back: reopened, visited again, then closed.
            resolved += [("reopen", after(1440, 3000)), ("dispatch", after(20, 120)), ("start", after(240, 1440))]
            resolved += finish
        return resolved + callback + [("close", after(30, 1440))]

    def _schedule(self, plan: Plan, path: list[tuple[str, dt.timedelta]], *, overdue: bool) -> None:
        """Place the ticket in time: closed work anywhere in the window, open work recent."""
        rng = self.rng
        total = sum((gap for _, gap in path), dt.timedelta())
        if plan.status in OPEN_STATUSES and not overdue:
            for _ in range(8):
                total = sum((gap for _, gap in path), dt.timedelta())
                created = self.now - total - dt.timedelta(minutes=rng.randint(5, 40))
                due = sla.stage_deadline(plan.status, self._deadlines(plan, created))
                if plan.status == Status.REOPENED or due is None or due > self.now + dt.timedelta(minutes=20):
                    break
                path = [(name, gap / 2) for name, gap in path]
        elif plan.status in OPEN_STATUSES:
            created = self.now - total - dt.timedelta(days=rng.uniform(2, 6))
            while (due := sla.stage_deadline(plan.status, self._deadlines(plan, created))) and due >= self.now:
                created -= dt.timedelta(days=2)
        else:
            window = dt.timedelta(days=DAYS) - total - dt.timedelta(hours=2)
            created = self.now - total - dt.timedelta(hours=1) - window * rng.random()
            if plan.channel != Channel.WEB:
                # Calls, letters and walk-ins come in office hours.
                local = created.astimezone(self.tz)
                created = local.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59)).astimezone(dt.UTC)
            # Finished work was done in working hours; the last step lies in the past.
            while (steps := self._place(created, path, office_hours=True)) and steps[-1][1] > self.now - LEAD:
                created -= dt.timedelta(days=1)
            plan.created, plan.steps = created, steps
            return
        plan.created, plan.steps = created, self._place(created, path, office_hours=False)

    def _place(
        self, created: dt.datetime, path: list[tuple[str, dt.timedelta]], *, office_hours: bool
    ) -> list[tuple[str, dt.datetime]]:
        moment, steps = created, []
        for name, gap in path:
            moment += gap
            local = moment.astimezone(self.tz)
            if office_hours and not 8 <= local.hour < 20:
                day = local.date() + dt.timedelta(days=1 if local.hour >= 20 else 0)
                moment = dt.datetime.combine(day, dt.time(8, self.rng.randint(0, 59)), self.tz).astimezone(dt.UTC)
            steps.append((name, moment))
        return steps

    def _deadlines(self, plan: Plan, created: dt.datetime) -> sla.Deadlines:
        # What ticket_create sets: the organisation's target, in its default calendar.
        return sla.deadlines_for(sla.default_target(plan.kind, plan.priority), created, self.calendar)

    def _plan_tickets(self) -> list[Plan]:
        rng = self.rng
        statuses = [status for status, count in STATUS_PLAN.items() for _ in range(count)]
        rng.shuffle(statuses)
        count = len(statuses)
        kinds = _weighted(rng, KIND_WEIGHTS, count)
        channels = _weighted(rng, CHANNEL_WEIGHTS, count)
        priorities = _weighted(rng, PRIORITY_WEIGHTS, count)
        overdue_left = dict(OVERDUE_PLAN)
        plans: list[Plan] = []
        merged: list[Plan] = []
        for status, kind, channel, priority in zip(statuses, kinds, channels, priorities, strict=True):
            if status == Status.MERGED:
                kind = Kind.REPAIR
            plan = Plan(kind=kind, status=status, channel=channel, priority=priority, created=self.now, steps=[])
            if status == Status.MERGED:
                merged.append(plan)
                continue
            overdue = overdue_left.get(status, 0) > 0
            if overdue:
                overdue_left[status] -= 1
            self._schedule(plan, self._path(kind, status), overdue=overdue)
            self._cast(plan)
            plans.append(plan)
        # Duplicates: the same customer reports the same fault again while the first ticket is open.
        originals = [
            p
            for p in plans
            if p.kind == Kind.REPAIR and p.status in (Status.ACKNOWLEDGED, Status.DISPATCHED, Status.IN_PROGRESS)
        ]
        suspected = next(p for p in plans if p.status == Status.NEW and p.kind == Kind.REPAIR)
        for duplicate, original in zip([*merged, suspected], originals, strict=False):
            duplicate.kind, duplicate.duplicate_of = Kind.REPAIR, original
            duplicate.customer, duplicate.unit, duplicate.fault = original.customer, original.unit, original.fault
            duplicate.agent = original.agent
            duplicate.channel = Channel.WEB if original.channel != Channel.WEB else Channel.PHONE
            latest = self.now - dt.timedelta(minutes=45)
            duplicate.created = original.created + (latest - original.created) * rng.uniform(0.3, 0.9)
            duplicate.description = self._description(duplicate)
            if duplicate.status == Status.MERGED:
                duplicate.steps = [("merge", duplicate.created + dt.timedelta(minutes=rng.randint(8, 40)))]
                plans.append(duplicate)
        return plans

    def _cast(self, plan: Plan) -> None:
        """Choose who and what the ticket is about, and what the technician will find."""
        rng = self.rng
        plan.agent = rng.choice(self.agents)
        plan.technician = rng.choice(self.technicians)
        if plan.kind == Kind.INSTALLATION:
            candidates = [c for c in self.customers if c.units.count() < 3]
            plan.customer = rng.choice(candidates)
            category = rng.choice(INSTALLABLE)
            invoice = (plan.created - dt.timedelta(days=rng.randint(1, 3))).astimezone(self.tz).date()
            # A finished installation is on the unit's record; for TVs the warranty starts that day.
            installed_at = self._step_time(plan, "resolve")
            installation = installed_at.astimezone(self.tz).date() if installed_at else None
            plan.unit = self._unit(plan.customer, category, invoice, installation)
            plan.fault = self.faults["installation_request"]
        elif plan.kind == Kind.MAINTENANCE:
            units = list(
                ProductUnit.objects.filter(
                    owner__in=self.customers,
                    model__maintenance_interval_days__isnull=False,
                    invoice_date__lt=plan.created.astimezone(self.tz).date(),
                )
            )
            plan.unit = rng.choice(units)
            plan.customer = next(c for c in self.customers if c.pk == plan.unit.owner_id)
            plan.fault = self.faults["maintenance_request"]
        else:
            plan.customer = rng.choice(self.customers)
            # Only what the customer had bought by then (new purchases come with installations).
            bought = plan.created.astimezone(self.tz).date()
            units = list(plan.customer.units.filter(invoice_date__lt=bought).select_related("model__category"))
            plan.unit = rng.choice(units)
            product_faults = CATEGORY_FAULTS[plan.unit.model.category.code]
            if plan.kind == Kind.REPAIR:
                plan.fault = self.faults[rng.choice(product_faults)]
            elif plan.kind == Kind.CONSULTATION:
                plan.fault = self.faults["usage_question"]
                plan.unit = plan.unit if rng.random() < 0.7 else None
            elif rng.random() < 0.25:
                # A complaint about the product itself (reported beside the complaint rate).
                plan.fault = self.faults[rng.choice(product_faults)]
            else:
                plan.fault = self.faults[rng.choice(["attitude", "delay", "no_show", "overcharging", "workmanship"])]
                plan.unit = plan.unit if rng.random() < 0.6 else None
        stations = [s for s in self.stations if s.region == plan.customer.region] or self.stations
        plan.station = rng.choice(stations)
        plan.description = self._description(plan)

    def _step_time(self, plan: Plan, name: str) -> dt.datetime | None:
        return next((moment for step, moment in plan.steps if step == name), None)

    def _say(self, plan: Plan, text: tuple[str, str]) -> str:
        english, chinese = text
        return english if plan.customer.preferred_language == Language.ENGLISH else chinese

    def _product(self, plan: Plan) -> tuple[str, str]:
        if plan.unit is None:
            return "product", "产品"
        model = plan.unit.model
        return model.name, model.name_zh or model.name

    def _description(self, plan: Plan) -> str:
        english, chinese = self.rng.choice(DESCRIPTIONS[plan.fault.code])
        product_en, product_zh = self._product(plan)
        return self._say(plan, (english.format(product=product_en), chinese.format(product=product_zh)))

    def _resolution(self, plan: Plan, ticket: Ticket, when: dt.datetime) -> dict:
        rng = self.rng
        if plan.kind == Kind.REPAIR or (plan.kind == Kind.COMPLAINT and plan.fault.group == FaultGroup.PRODUCT):
            code, component, cause, work, parts, fee = rng.choice(RESOLUTIONS[plan.fault.code])
            in_warranty = plan.unit.warranty_end is not None and plan.unit.warranty_end >= when.date()
            main = component in (plan.unit.model.main_components or [])
            start = plan.unit.warranty_start
            policy = policy_in_force(plan.unit.model.category_id, start)
            main_end = add_months(start, policy.main_component_months) if start and policy else None
            # Free inside the whole-unit period, or for a main component inside its own period.
            free = in_warranty or (main and main_end is not None and main_end >= when.date())
            return {
                "work_done": self._say(plan, work),
                "fault_code": code,
                "fault_component": component,
                "root_cause": self._say(plan, cause),
                "parts_used": self._say(plan, parts),
                "charge": "0" if free else str(fee),
            }
        key = plan.fault.code if plan.kind == Kind.COMPLAINT else plan.kind
        return {"work_done": self._say(plan, rng.choice(WORK[key])), "charge": "0"}

    # --- running a plan through the services -----------------------------------------------------

    def _run(self, plan: Plan) -> None:
        def log() -> None:
            plan.ticket = ticket_create(
                customer=plan.customer,
                kind=plan.kind,
                channel=plan.channel,
                description=plan.description,
                unit=plan.unit,
                fault_category=plan.fault,
                priority=plan.priority,
                # A web request comes from the customer; every other channel is logged by an agent.
                by=None if plan.channel == Channel.WEB else plan.agent,
                now=plan.created,
            )

        self._stamped(plan.created, log)
        for name, when in plan.steps:
            self._stamped(when, lambda name=name, when=when: self._step(plan, name, when))
        last = plan.steps[-1][1] if plan.steps else plan.created
        Ticket.objects.filter(pk=plan.ticket.pk).update(updated_at=last)

    def _stamped(self, when: dt.datetime, action) -> None:
        """Run ``action`` and date the timeline events it appended at ``when``."""
        mark = TicketEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        action()
        TicketEvent.objects.filter(pk__gt=mark).update(created_at=when)

    def _step(self, plan: Plan, name: str, when: dt.datetime) -> None:
        ticket = plan.ticket
        if name == "assign":
            plan.ticket = ticket_assign(ticket=ticket, station=plan.station, assignee=plan.technician, by=plan.agent)
        elif name == "resolution":
            by = plan.technician if ticket.assignee_id else plan.agent
            plan.ticket = ticket_record_resolution(ticket=ticket, by=by, **self._resolution(plan, ticket, when))
        elif name in ("resolve", "hold", "resume"):
            by = plan.technician if ticket.assignee_id and ticket.status != Status.ACKNOWLEDGED else plan.agent
            note = self._say(plan, self.rng.choice(NOTES["hold"])) if name == "hold" else ""
            plan.ticket = ticket_transition(ticket=ticket, move=name, by=by, note=note, now=when)
        elif name in ("cancel", "reopen"):
            note = self._say(plan, self.rng.choice(NOTES[name]))
            by = self.users["manager"] if name == "reopen" and self.rng.random() < 0.3 else plan.agent
            plan.ticket = ticket_transition(ticket=ticket, move=name, by=by, note=note, now=when)
        elif name == "merge":
            original = plan.duplicate_of.ticket
            note = self._say(plan, NOTES["merge"][0]).format(reference=original.reference)
            plan.ticket = ticket_transition(
                ticket=ticket, move="merge", by=plan.agent, merge_into=original, note=note, now=when
            )
        elif name == "verify":
            # The after-service callback comes first (no-leak 3): a satisfied customer.
            for visit in ticket.callbacks.filter(kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE):
                score = self.rng.choice((4, 5, 5))
                record_attempt(
                    visit=visit,
                    result=CallbackResult.REACHED,
                    by=plan.agent,
                    scores={"score_overall": score, "score_attitude": score, "score_quality": score},
                    at=when,
                )
            note = self._say(plan, self.rng.choice(NOTES["verify"]))
            plan.ticket = ticket_transition(ticket=ticket, move="verify", by=plan.agent, note=note, now=when)
        else:
            by = plan.technician if name == "start" else plan.agent
            plan.ticket = ticket_transition(ticket=ticket, move=name, by=by, now=when)

    def _feedback(self) -> tuple[int, int]:
        """The departments' side of no-leak 4: the repairs resolved with a quality fault code
        opened feedback items on the way; most are acknowledged or answered, some are still
        open, a few of them past their 7 days."""
        rng = self.rng
        quality, manager = self.users["quality"], self.users["manager"]
        latest = self.now - LEAD
        turns = {True: 0, False: 0}
        for item in FeedbackItem.objects.select_related("ticket__customer").order_by("created_at", "pk"):
            by = quality if may_work_on(quality, item.department) else manager
            past_due = item.acknowledge_due < self.now
            plan = FEEDBACK_PLAN[past_due]
            status = plan[turns[past_due] % len(plan)]
            turns[past_due] += 1
            acknowledged = min(item.created_at + dt.timedelta(minutes=rng.randint(90, 5 * 1440)), latest)
            if status == FeedbackStatus.OPEN or acknowledged <= item.created_at:
                continue
            self._stamped(acknowledged, lambda i=item, w=acknowledged, b=by: feedback_acknowledge(item=i, by=b, now=w))
            answered = min(acknowledged + dt.timedelta(minutes=rng.randint(240, 8 * 1440)), latest)
            if status == FeedbackStatus.ACKNOWLEDGED or answered <= acknowledged:
                continue
            english = item.ticket.customer.preferred_language == Language.ENGLISH
            cause, action = (text[0 if english else 1] for text in rng.choice(FEEDBACK_ANSWERS[item.department]))
            self._stamped(
                answered,
                lambda i=item, w=answered, b=by, c=cause, a=action: feedback_answer(
                    item=i, by=b, cause=c, corrective_action=a, now=w
                ),
            )
        open_items = FeedbackItem.objects.filter(status=FeedbackStatus.OPEN)
        return FeedbackItem.objects.count(), open_items.filter(acknowledge_due__lt=self.now).count()

    # --- the quality dashboard's snapshots (quality/snapshots.py) ------------------------------

    def _quality_snapshots(self) -> None:
        """The snapshots of the last 90 days, as the nightly job would have left them, so the
        dashboard shows its trends at once; then the rate alerts they raise."""
        from quality.snapshots import check_rate_alerts, refresh_recent

        rows = refresh_recent(90, now=self.now)
        raised, _cleared = check_rate_alerts(now=self.now)
        self.stdout.write(f"Computed {rows} quality snapshot rows for the last 90 days; {raised} rate alerts raised.")

    # --- batch early warning and a recall (quality/batches.py, quality/recalls/services.py) --------

    def _batch_warning_and_recall(self) -> None:
        """One washer batch fails far more often than the rest of its model: the nightly check
        raises its batch alert, and the manager has started a recall of the batch from it.

        A model of its own, so the story does not depend on the random repairs of the others:
        its units go to new customers, :data:`RECALL_STORY_BATCHES` says how many per batch and
        how many of them the drum motor failed on (30 % in the first batch, 10 % in the other;
        the alert's limit is twice the rest of the model). Those repairs run the whole
        lifecycle like every demo ticket. The recall's tickets are opened here, as its task
        would (the task queued at the commit then finds none left), and the first owners have
        been called.
        """
        # The demo shows the whole product; tickets does not depend on followups otherwise.
        from quality.batches import check_batch_alerts
        from quality.models import AlertKind, QualityAlert
        from quality.recalls.services import open_recall_tickets, start_recall

        rng = self.rng
        category, code, name, name_zh, components, interval, list_price = RECALL_STORY_MODEL
        model, _ = ProductModel.objects.update_or_create(
            code=code,
            defaults={
                "category": self.categories[category],
                "name": name,
                "name_zh": name_zh,
                "main_components": components,
                "maintenance_interval_days": interval,
            },
        )
        regions = sorted({station.region for station in self.stations})
        batches: list[str] = []
        repaired: list[ProductUnit] = []
        for months_ago, (size, failed) in zip((11, 8), RECALL_STORY_BATCHES, strict=True):
            made = self.today - dt.timedelta(days=30 * months_ago)
            batches.append(f"{made:%y%m}C")
            for index in range(size):
                (surname, _), (given, _) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
                region = regions[index % len(regions)]
                street_zh, _ = rng.choice(ADDRESSES[region])
                owner = customer_create(
                    name=surname + given,
                    phone=self._phone(),
                    email=rng.choice([f"{rng.randrange(10**8, 10**10)}@qq.com", ""]),
                    address=f"{street_zh.format(n=rng.randint(1, 999))}{rng.randint(1, 30)}号楼",
                    region=region,
                    preferred_language=Language.CHINESE,
                )
                invoice = made + dt.timedelta(days=rng.randint(20, 60))
                unit = unit_register(
                    owner=owner,
                    model=model,
                    serial=self._serial(category, model, made),
                    batch=batches[-1],
                    invoice_date=invoice,
                    dealer=rng.choice(DEALERS["shop"][region]),
                    price=Decimal(int(list_price * rng.uniform(0.86, 1.0) / 10) * 10 - 1),
                    has_invoice=True,
                    has_warranty_card=True,
                )
                registered = dt.datetime.combine(invoice, dt.time(rng.randint(9, 19), rng.randint(0, 59)), self.tz)
                ProductUnit.objects.filter(pk=unit.pk).update(registered_at=registered)
                Customer.objects.filter(pk=owner.pk).update(created_at=registered, updated_at=registered)
                if index < failed:
                    repaired.append(unit)
        plans = []
        for unit in repaired:
            plan = Plan(
                kind=Kind.REPAIR,
                status=Status.CLOSED,
                channel=rng.choice([Channel.PHONE, Channel.WEB]),
                priority=Priority.NORMAL,
                created=self.now,
                steps=[],
            )
            self._schedule(plan, self._path(Kind.REPAIR, Status.CLOSED), overdue=False)
            plan.customer, plan.unit, plan.fault = unit.owner, unit, self.faults["drum_not_spinning"]
            plan.agent, plan.technician = rng.choice(self.agents), rng.choice(self.technicians)
            plan.station = rng.choice([s for s in self.stations if s.region == unit.owner.region] or self.stations)
            plan.description = self._description(plan)
            plans.append(plan)
        for plan in sorted(plans, key=lambda p: p.created):
            self._run(plan)

        # Last night's check, and the manager's recall this morning.
        failing_batch = batches[0]
        checked = self.now - dt.timedelta(hours=3)
        check_batch_alerts(now=checked)
        alert = QualityAlert.objects.filter(
            kind=AlertKind.BATCH, model=model, batch=failing_batch, cleared_at__isnull=True
        ).first()
        started = checked + dt.timedelta(minutes=40)
        campaign = start_recall(
            model=model,
            batch=failing_batch,
            title=f"{model.code} drum motor recall, batch {failing_batch} · 滚筒电机召回",
            reason=(
                "The drum motor of this batch can fail early (open winding). We replace it free of charge "
                "at a visit you choose.\n本批次滚筒电机可能过早损坏（绕组断路），我们将免费上门为您更换。"
            ),
            by=self.users["manager"],
            alert=alert,
            now=started,
        )
        self._stamped(
            started, lambda: open_recall_tickets(campaign=campaign, limit=RECALL_STORY_BATCHES[0][0], now=started)
        )
        called = started + dt.timedelta(minutes=50)
        for index, row in enumerate(campaign.units.select_related("callback", "ticket").order_by("pk")[:6]):
            agent = self.agents[index % len(self.agents)]
            when = called + dt.timedelta(minutes=7 * index)
            if index < 4:
                note = "Visit agreed for the motor replacement. 已约好上门更换电机。"
                self._stamped(
                    when,
                    lambda r=row, a=agent, w=when, n=note: record_attempt(
                        visit=r.callback, result=CallbackResult.REACHED, by=a, note=n, at=w
                    ),
                )
                self._stamped(
                    when,
                    lambda r=row, a=agent, w=when: ticket_transition(ticket=r.ticket, move="acknowledge", by=a, now=w),
                )
            else:
                self._stamped(
                    when,
                    lambda r=row, a=agent, w=when: record_attempt(
                        visit=r.callback, result=CallbackResult.NO_ANSWER, by=a, at=w
                    ),
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"Batch {failing_batch} of {model.code} fails far more often than the rest of its model "
                f"({'alert raised' if alert else 'no alert'}); the recall opened {campaign.units.count()} tickets."
            )
        )

    # --- output -------------------------------------------------------------------------------

    def _print_logins(self) -> None:
        """What a newcomer needs after ``make run``: every entry point as a full URL on the
        chosen port, who to sign in as, and where the SMS codes and messages appear."""
        name = organisation_name("en")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"{name} is ready at {self.base_url}/"))
        self.stdout.write("")
        for path, what in ENTRY_POINTS:
            self.stdout.write(f"  {what:<20} {self.base_url}{path}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every account: {PASSWORD})")
        for username, role, first, last in USERS:
            self.stdout.write(f"  {username:<12} {PASSWORD:<16} {role:<11} {first} {last}")
        portal = Customer.objects.filter(user__isnull=False).order_by("pk").first()
        if portal is not None:
            self.stdout.write(f"  {portal.phone:<12} {PASSWORD:<16} {'customer':<11} {portal.name} (portal account)")
            self.stdout.write(
                f"  The demo customer signs in to the portal ({self.base_url}{reverse('portal:login')}) with the phone "
                f"{portal.phone}; tracking a request needs its reference and that phone."
            )
        self.stdout.write("")
        self.stdout.write(self._messages_line())

    def _messages_line(self) -> str:
        """Where the messages go: with the console backends, one line each in this console."""
        email_backend = settings.EMAIL_BACKEND
        sms_backend = getattr(settings, "SMS_BACKEND", "")
        if "console" in email_backend.lower() and (not sms_backend or "console" in sms_backend.lower()):
            return (
                "Messages: nothing is really sent. Every SMS (sign-in and verification codes included) and every "
                "email appears in this console, one line each, as the server and the worker run."
            )
        return f"Messages are sent for real: EMAIL_BACKEND={email_backend}" + (
            f", SMS_BACKEND={sms_backend}" if sms_backend else ""
        )
