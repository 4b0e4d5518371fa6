"""The demo's tickets planned before any is logged: how many end in each status, the steps
that bring each there and when, who and what each is about, and the duplicates reported
while the first ticket is open."""

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from customers.models import Customer, Language, ProductUnit
from demo.data.catalogue import CATEGORY_FAULTS
from demo.data.texts import DESCRIPTIONS
from demo.scenario.customers import add_unit
from demo.scenario.setting import DemoWorld
from tickets.choices import OPEN_STATUSES, SERVICE_KINDS, Channel, Kind, Priority, Status
from tickets.models import FaultCategory, ServiceStation, Ticket
from tickets.sla import clocks as sla

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


def path_to(world: DemoWorld, kind: str, status: str) -> list[tuple[str, dt.timedelta]]:
    """The steps that bring a ticket of ``kind`` to ``status``, with the time before each."""
    rng = world.rng

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


def schedule(world: DemoWorld, plan: Plan, path: list[tuple[str, dt.timedelta]], *, overdue: bool) -> None:
    """Place the ticket in time: closed work anywhere in the window, open work recent."""
    rng, now = world.rng, world.now
    total = sum((gap for _, gap in path), dt.timedelta())
    if plan.status in OPEN_STATUSES and not overdue:
        for _ in range(8):
            total = sum((gap for _, gap in path), dt.timedelta())
            created = now - total - dt.timedelta(minutes=rng.randint(5, 40))
            due = sla.stage_deadline(plan.status, _deadlines(world, plan, created))
            if plan.status == Status.REOPENED or due is None or due > now + dt.timedelta(minutes=20):
                break
            path = [(name, gap / 2) for name, gap in path]
    elif plan.status in OPEN_STATUSES:
        created = now - total - dt.timedelta(days=rng.uniform(2, 6))
        while (due := sla.stage_deadline(plan.status, _deadlines(world, plan, created))) and due >= now:
            created -= dt.timedelta(days=2)
    else:
        window = dt.timedelta(days=DAYS) - total - dt.timedelta(hours=2)
        created = now - total - dt.timedelta(hours=1) - window * rng.random()
        if plan.channel != Channel.WEB:
            # Calls, letters and walk-ins come in office hours.
            local = created.astimezone(world.tz)
            created = local.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59)).astimezone(dt.UTC)
        # Finished work was done in working hours; the last step lies in the past.
        while (steps := _place(world, created, path, office_hours=True)) and steps[-1][1] > now - LEAD:
            created -= dt.timedelta(days=1)
        plan.created, plan.steps = created, steps
        return
    plan.created, plan.steps = created, _place(world, created, path, office_hours=False)


def _place(
    world: DemoWorld, created: dt.datetime, path: list[tuple[str, dt.timedelta]], *, office_hours: bool
) -> list[tuple[str, dt.datetime]]:
    moment, steps = created, []
    for name, gap in path:
        moment += gap
        local = moment.astimezone(world.tz)
        if office_hours and not 8 <= local.hour < 20:
            day = local.date() + dt.timedelta(days=1 if local.hour >= 20 else 0)
            moment = dt.datetime.combine(day, dt.time(8, world.rng.randint(0, 59)), world.tz).astimezone(dt.UTC)
        steps.append((name, moment))
    return steps


def _deadlines(world: DemoWorld, plan: Plan, created: dt.datetime) -> sla.Deadlines:
    # What ticket_create sets: the organisation's target, in its default calendar.
    return sla.deadlines_for(sla.default_target(plan.kind, plan.priority), created, world.calendar)


def plan_tickets(world: DemoWorld) -> list[Plan]:
    rng = world.rng
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
        plan = Plan(kind=kind, status=status, channel=channel, priority=priority, created=world.now, steps=[])
        if status == Status.MERGED:
            merged.append(plan)
            continue
        overdue = overdue_left.get(status, 0) > 0
        if overdue:
            overdue_left[status] -= 1
        schedule(world, plan, path_to(world, kind, status), overdue=overdue)
        _cast(world, plan)
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
        latest = world.now - dt.timedelta(minutes=45)
        duplicate.created = original.created + (latest - original.created) * rng.uniform(0.3, 0.9)
        duplicate.description = description(world, duplicate)
        if duplicate.status == Status.MERGED:
            duplicate.steps = [("merge", duplicate.created + dt.timedelta(minutes=rng.randint(8, 40)))]
            plans.append(duplicate)
    return plans


def _cast(world: DemoWorld, plan: Plan) -> None:
    """Choose who and what the ticket is about, and what the technician will find."""
    rng = world.rng
    plan.agent = rng.choice(world.agents)
    plan.technician = rng.choice(world.technicians)
    if plan.kind == Kind.INSTALLATION:
        candidates = [c for c in world.customers if c.units.count() < 3]
        plan.customer = rng.choice(candidates)
        category = rng.choice(INSTALLABLE)
        invoice = (plan.created - dt.timedelta(days=rng.randint(1, 3))).astimezone(world.tz).date()
        # A finished installation is on the unit's record; for TVs the warranty starts that day.
        installed_at = _step_time(plan, "resolve")
        installation = installed_at.astimezone(world.tz).date() if installed_at else None
        plan.unit = add_unit(world, plan.customer, category, invoice, installation)
        plan.fault = world.faults["installation_request"]
    elif plan.kind == Kind.MAINTENANCE:
        units = list(
            ProductUnit.objects.filter(
                owner__in=world.customers,
                model__maintenance_interval_days__isnull=False,
                invoice_date__lt=plan.created.astimezone(world.tz).date(),
            )
        )
        plan.unit = rng.choice(units)
        plan.customer = next(c for c in world.customers if c.pk == plan.unit.owner_id)
        plan.fault = world.faults["maintenance_request"]
    else:
        plan.customer = rng.choice(world.customers)
        # Only what the customer had bought by then (new purchases come with installations).
        bought = plan.created.astimezone(world.tz).date()
        units = list(plan.customer.units.filter(invoice_date__lt=bought).select_related("model__category"))
        plan.unit = rng.choice(units)
        product_faults = CATEGORY_FAULTS[plan.unit.model.category.code]
        if plan.kind == Kind.REPAIR:
            plan.fault = world.faults[rng.choice(product_faults)]
        elif plan.kind == Kind.CONSULTATION:
            plan.fault = world.faults["usage_question"]
            plan.unit = plan.unit if rng.random() < 0.7 else None
        elif rng.random() < 0.25:
            # A complaint about the product itself (reported beside the complaint rate).
            plan.fault = world.faults[rng.choice(product_faults)]
        else:
            plan.fault = world.faults[rng.choice(["attitude", "delay", "no_show", "overcharging", "workmanship"])]
            plan.unit = plan.unit if rng.random() < 0.6 else None
    stations = [s for s in world.stations if s.region == plan.customer.region] or world.stations
    plan.station = rng.choice(stations)
    plan.description = description(world, plan)


def _step_time(plan: Plan, name: str) -> dt.datetime | None:
    return next((moment for step, moment in plan.steps if step == name), None)


def say(plan: Plan, text: tuple[str, str]) -> str:
    """``text`` in the language of the plan's customer."""
    english, chinese = text
    return english if plan.customer.preferred_language == Language.ENGLISH else chinese


def _product(plan: Plan) -> tuple[str, str]:
    if plan.unit is None:
        return "product", "产品"
    model = plan.unit.model
    return model.name, model.name_zh or model.name


def description(world: DemoWorld, plan: Plan) -> str:
    """What the customer says about the plan's fault and product, in their language."""
    english, chinese = world.rng.choice(DESCRIPTIONS[plan.fault.code])
    product_en, product_zh = _product(plan)
    return say(plan, (english.format(product=product_en), chinese.format(product=product_zh)))
