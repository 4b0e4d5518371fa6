"""The demo's batch-warning story: one washer batch fails far more often than the rest of its
model, the nightly check raises its batch alert, and the manager has started a recall of the
batch from it (quality/batches.py, quality/recalls/services.py)."""

import datetime as dt
from decimal import Decimal

from customers.models import Customer, Language, ProductModel, ProductUnit
from customers.services import customer_create
from customers.units import unit_register
from demo.data.network import ADDRESSES, DEALERS
from demo.data.people import GIVEN_NAMES, SURNAMES
from demo.scenario.customers import new_phone, new_serial
from demo.scenario.plans import Plan, description, path_to, schedule
from demo.scenario.running import run_plan, stamped
from demo.scenario.setting import DemoWorld
from followups.callbacks.services import record_attempt
from followups.choices import CallbackResult
from quality.batches import check_batch_alerts
from quality.models import AlertKind, QualityAlert
from quality.recalls.services import open_recall_tickets, start_recall
from tickets.choices import Channel, Kind, Priority, Status
from tickets.services import ticket_transition

# A washer model of its own, and per production batch how many units its new owners registered
# and how many the drum motor failed on.
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


def batch_warning_and_recall(world: DemoWorld) -> None:
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
    model, batches, repaired = _story_units(world)
    _repairs(world, repaired)

    # Last night's check, and the manager's recall this morning.
    failing_batch = batches[0]
    checked = world.now - dt.timedelta(hours=3)
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
        by=world.users["manager"],
        alert=alert,
        now=started,
    )
    stamped(started, lambda: open_recall_tickets(campaign=campaign, limit=RECALL_STORY_BATCHES[0][0], now=started))
    called = started + dt.timedelta(minutes=50)
    for index, row in enumerate(campaign.units.select_related("callback", "ticket").order_by("pk")[:6]):
        agent = world.agents[index % len(world.agents)]
        when = called + dt.timedelta(minutes=7 * index)
        if index < 4:
            note = "Visit agreed for the motor replacement. 已约好上门更换电机。"
            stamped(
                when,
                lambda r=row, a=agent, w=when, n=note: record_attempt(
                    visit=r.callback, result=CallbackResult.REACHED, by=a, note=n, at=w
                ),
            )
            stamped(
                when,
                lambda r=row, a=agent, w=when: ticket_transition(ticket=r.ticket, move="acknowledge", by=a, now=w),
            )
        else:
            stamped(
                when,
                lambda r=row, a=agent, w=when: record_attempt(
                    visit=r.callback, result=CallbackResult.NO_ANSWER, by=a, at=w
                ),
            )
    world.out.write(
        world.style.SUCCESS(
            f"Batch {failing_batch} of {model.code} fails far more often than the rest of its model "
            f"({'alert raised' if alert else 'no alert'}); the recall opened {campaign.units.count()} tickets."
        )
    )


def _story_units(world: DemoWorld) -> tuple[ProductModel, list[str], list[ProductUnit]]:
    """The story's model, its batches and their units with new owners; returns the model, the
    batch codes (the failing one first) and the units the drum motor failed on."""
    rng = world.rng
    category, code, name, name_zh, components, interval, list_price = RECALL_STORY_MODEL
    model, _ = ProductModel.objects.update_or_create(
        code=code,
        defaults={
            "category": world.categories[category],
            "name": name,
            "name_zh": name_zh,
            "main_components": components,
            "maintenance_interval_days": interval,
        },
    )
    regions = sorted({station.region for station in world.stations})
    batches: list[str] = []
    repaired: list[ProductUnit] = []
    for months_ago, (size, failed) in zip((11, 8), RECALL_STORY_BATCHES, strict=True):
        made = world.today - dt.timedelta(days=30 * months_ago)
        batches.append(f"{made:%y%m}C")
        for index in range(size):
            (surname, _), (given, _) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
            region = regions[index % len(regions)]
            street_zh, _ = rng.choice(ADDRESSES[region])
            owner = customer_create(
                name=surname + given,
                phone=new_phone(world),
                email=rng.choice([f"{rng.randrange(10**8, 10**10)}@qq.com", ""]),
                address=f"{street_zh.format(n=rng.randint(1, 999))}{rng.randint(1, 30)}号楼",
                region=region,
                preferred_language=Language.CHINESE,
            )
            invoice = made + dt.timedelta(days=rng.randint(20, 60))
            unit = unit_register(
                owner=owner,
                model=model,
                serial=new_serial(world, category, model, made),
                batch=batches[-1],
                invoice_date=invoice,
                dealer=rng.choice(DEALERS["shop"][region]),
                price=Decimal(int(list_price * rng.uniform(0.86, 1.0) / 10) * 10 - 1),
                has_invoice=True,
                has_warranty_card=True,
            )
            registered = dt.datetime.combine(invoice, dt.time(rng.randint(9, 19), rng.randint(0, 59)), world.tz)
            ProductUnit.objects.filter(pk=unit.pk).update(registered_at=registered)
            Customer.objects.filter(pk=owner.pk).update(created_at=registered, updated_at=registered)
            if index < failed:
                repaired.append(unit)
    return model, batches, repaired


def _repairs(world: DemoWorld, units: list[ProductUnit]) -> None:
    """The drum-motor repairs of the failed units, through the whole lifecycle."""
    rng = world.rng
    plans = []
    for unit in units:
        plan = Plan(
            kind=Kind.REPAIR,
            status=Status.CLOSED,
            channel=rng.choice([Channel.PHONE, Channel.WEB]),
            priority=Priority.NORMAL,
            created=world.now,
            steps=[],
        )
        schedule(world, plan, path_to(world, Kind.REPAIR, Status.CLOSED), overdue=False)
        plan.customer, plan.unit, plan.fault = unit.owner, unit, world.faults["drum_not_spinning"]
        plan.agent, plan.technician = rng.choice(world.agents), rng.choice(world.technicians)
        plan.station = rng.choice([s for s in world.stations if s.region == unit.owner.region] or world.stations)
        plan.description = description(world, plan)
        plans.append(plan)
    for plan in sorted(plans, key=lambda p: p.created):
        run_plan(world, plan)
