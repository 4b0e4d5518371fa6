"""Seeded tickets: creation moments spread over the window, oldest first, statuses by age (new
work mostly open, old work mostly closed), references continuing the year's TicketSequence,
which is advanced before any ticket is written so tickets logged at the desk meanwhile never
collide; each ticket with its "created" event and, for a resolved repair with a quality fault
code, its feedback item (rows built by demo/seed/ticket_rows.py)."""

import datetime as dt
from collections import Counter

from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max

from customers.models import Customer
from demo.seed.feedback import FEEDBACK
from demo.seed.reference import ReferenceData
from demo.seed.run import SeedRun, Weighted
from demo.seed.tables import Table, reserve_ids
from demo.seed.ticket_rows import TICKETS, TicketRows
from demo.seed.units import UnitRow, unit_pool
from tickets.choices import Channel, EventKind, Kind, Priority, Status
from tickets.models import Ticket, TicketEvent, TicketSequence

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
EVENTS = Table(TicketEvent, ("ticket_id", "kind", "actor_id", "created_at", "to_status", "is_public", "data"))
T_CHANNEL = TICKETS.columns.index("channel")
T_UNIT = TICKETS.columns.index("unit_id")
T_CREATED_BY = TICKETS.columns.index("created_by_id")


def seed_tickets(run: SeedRun, ref: ReferenceData, count: int, days: int, with_events: bool) -> int:
    """``count`` tickets spread over the last ``days`` days, each with its "created" event (``with_events``) and,
    for a resolved repair with a quality fault code, its feedback item; merged duplicates point at an open one."""
    random = run.random
    units = unit_pool(run)
    customer_ids = None if units else list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    if not units and not customer_ids:
        raise CommandError("There are no customers or units to log tickets for: add --customers and --units.")
    window_start = run.now - dt.timedelta(days=days)
    old_units = [u for u in units if u.invoice is None or u.invoice < window_start.date()]
    # Creation moments, oldest first, so references (and ids) follow time within a run.
    span = (run.now - window_start).total_seconds() - 60
    offsets = sorted(random() * span for _ in range(count))
    moments = [window_start + dt.timedelta(seconds=s) for s in offsets]
    years = [m.astimezone(run.tz).year for m in moments]
    next_number = _reserve_references(Counter(years))
    ids = reserve_ids(Ticket, count)
    rows = TicketRows(run, ref)

    kinds, channels, priorities = (
        Weighted.of(KIND_WEIGHTS),
        Weighted.of(CHANNEL_WEIGHTS),
        Weighted.of(PRIORITY_WEIGHTS),
    )
    channel_list = list(CHANNEL_WEIGHTS)
    status_tables = [(limit, Weighted.of(table)) for limit, table in STATUS_BY_AGE]
    event_data = {channel: {"channel": channel} for channel in Channel.values}
    with run.load([TICKETS, EVENTS, FEEDBACK], count):
        for start in range(0, count, run.batch):
            tickets: list[tuple] = []
            events: list[tuple] = []
            feedback: list[tuple] = []
            last_open: tuple | None = None
            for i in range(start, min(start + run.batch, count)):
                created, pk, year = moments[i], ids[i], years[i]
                reference = f"AS-{year}-{next_number[year]:06d}"
                next_number[year] += 1
                age = run.now - created
                status = next(draw for limit, draw in status_tables if age < limit).draw(random)
                unit = _pick_unit(run, units, old_units, created)
                if status == Status.MERGED and last_open is not None:
                    ticket = rows.duplicate(pk, reference, last_open, created, run.pick(channel_list))
                else:
                    if status == Status.MERGED:
                        status = Status.CANCELLED
                    ticket = rows.ticket(
                        pk=pk,
                        reference=reference,
                        created=created,
                        status=status,
                        kind=kinds.draw(random),
                        channel=channels.draw(random),
                        priority=priorities.draw(random),
                        unit=unit,
                        customer_id=unit.owner_id if unit else run.pick(customer_ids),
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
                            event_data[ticket[T_CHANNEL]],
                        )
                    )
            run.writer.write(TICKETS, tickets)
            run.writer.write(EVENTS, events)
            run.writer.write(FEEDBACK, feedback)
            run.events_written += len(events)
            run.feedback_written += len(feedback)
    return count


def _reserve_references(per_year: Counter) -> dict[int, int]:
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


def _pick_unit(run: SeedRun, units: list[UnitRow], old_units: list[UnitRow], created: dt.datetime) -> UnitRow | None:
    """A unit that had been bought by the time the ticket came in."""
    if not units:
        return None
    day = created.astimezone(run.tz).date()
    for _ in range(4):
        unit = run.pick(units)
        if unit.invoice is None or unit.invoice < day:
            return unit
    return run.pick(old_units) if old_units else None
