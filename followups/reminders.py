"""The daily follow-up schedulers: maintenance calls and warranty-expiry calls.

docs/lifecycle.md#callbacks-close-the-case (issue 5 point 3): every unit in use is called before its maintenance is
due, at its model's interval, and before its warranty ends, with an offer of an extended
warranty. Beat runs both once a day.

Both are idempotent through ``CallbackVisit.dedupe_key`` (unique in the database): running
one twice, or on two workers at once, creates each visit once. Each visit commits on its own,
so a worker killed halfway keeps what it created and the next run adds the rest. The units
are chosen in SQL, already-scheduled ones excluded there too, and read in chunks, so a run
touches only the units that are due and a repeated run costs one query.
"""

import datetime as dt

from django.db import NotSupportedError
from django.db.models import CharField, Exists, Expression, F, Func, IntegerField, OuterRef, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat, Mod
from django.utils import timezone

from contracts.choices import ContractKind, ContractStatus
from contracts.models import ServiceContract
from customers.models import ProductUnit, UnitStatus
from customers.offers import may_offer
from followups.callbacks.services import schedule
from followups.choices import CallbackKind
from followups.messages import notify_callback_reminder
from followups.models import CallbackVisit

# A maintenance visit is arranged with the customer up to two weeks ahead.
MAINTENANCE_LOOKAHEAD_DAYS = 14
# Customers are offered an extended warranty in the last month of their warranty.
WARRANTY_NOTICE_DAYS = 30
CHUNK_SIZE = 500
EPOCH = dt.date(1970, 1, 1)


class DayNumber(Func):
    """A date as its number of days since 1970-01-01 (an integer, so SQL can do the interval
    arithmetic the same way on SQLite and PostgreSQL)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"DayNumber is not implemented for {connection.vendor}")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(%(expressions)s - DATE '1970-01-01')", **extra)


class IsoDateOfDayNumber(Func):
    """The ``YYYY-MM-DD`` text of a day number, as ``str(date)`` writes it in a dedupe key."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"IsoDateOfDayNumber is not implemented for {connection.vendor}")

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="date(%(expressions)s + 2440587.5)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="to_char(DATE '1970-01-01' + CAST(%(expressions)s AS integer), 'YYYY-MM-DD')",
            **extra,
        )


def _day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def _start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the business time zone: the visit shows in that day's queue."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _callback_key(prefix: str, day_number: Expression) -> Concat:
    return Concat(
        Value(f"{prefix}:"),
        Cast("pk", CharField()),
        Value(":"),
        IsoDateOfDayNumber(day_number),
        output_field=CharField(),
    )


def _not_yet_scheduled(units: QuerySet) -> QuerySet:
    return units.filter(~Exists(CallbackVisit.objects.filter(dedupe_key=OuterRef("callback_key"))))


def maintenance_candidates(*, today: dt.date) -> QuerySet:
    """Units in use whose next maintenance falls in the coming ``MAINTENANCE_LOOKAHEAD_DAYS``
    (today included) and has no callback yet, annotated with ``days_until_maintenance``.

    Maintenance is due every ``maintenance_interval_days`` counted from the day the unit
    started running: the day it was handed over as a replacement, else its installation,
    else its invoice date. The first maintenance is one interval after that day.
    """
    interval = F("model__maintenance_interval_days")
    days_running = Value(_day_number(today)) - DayNumber(
        Coalesce("replacement_date", "installation_date", "invoice_date")
    )
    units = (
        ProductUnit.objects.filter(status=UnitStatus.IN_USE, model__maintenance_interval_days__gt=0)
        .annotate(days_running=days_running)
        # A unit that started running today has its first maintenance one interval ahead.
        .filter(days_running__gte=1)
        .annotate(days_until_maintenance=Mod(interval - Mod(F("days_running"), interval), interval))
        .filter(days_until_maintenance__lte=MAINTENANCE_LOOKAHEAD_DAYS)
        .annotate(callback_key=_callback_key("maintenance", Value(_day_number(today)) + F("days_until_maintenance")))
        # A unit on a maintenance plan has its visits booked by the plan (followups/plan_reminders.py).
        .filter(~Exists(_plans_in_force(today)))
    )
    return _not_yet_scheduled(units)


def _plans_in_force(today: dt.date) -> QuerySet:
    return ServiceContract._base_manager.filter(
        unit=OuterRef("pk"),
        kind=ContractKind.MAINTENANCE_PLAN,
        status=ContractStatus.ACTIVE,
        starts_on__lte=today,
        ends_on__gte=today,
    )


def schedule_maintenance_callbacks(*, today: dt.date) -> int:
    """Create a maintenance callback for each unit whose next maintenance date is within the
    next two weeks (docs/lifecycle.md#callbacks-close-the-case). The call
    is due at once (two weeks ahead of the visit, or today if that is later) so the agent can
    book the technician. Returns how many visits were created; a repeat creates none."""
    units = maintenance_candidates(today=today).select_related("owner", "model").order_by("pk")
    created = 0
    for unit in units.iterator(chunk_size=CHUNK_SIZE):
        maintenance_date = today + dt.timedelta(days=int(unit.days_until_maintenance))
        call_on = max(maintenance_date - dt.timedelta(days=MAINTENANCE_LOOKAHEAD_DAYS), today)
        visit = schedule(
            kind=CallbackKind.MAINTENANCE,
            customer=unit.owner,
            unit=unit,
            due_at=_start_of_day(call_on),
            dedupe_key=f"maintenance:{unit.pk}:{maintenance_date}",
        )
        if visit is not None:
            notify_callback_reminder(visit)
        created += visit is not None
    return created


def warranty_expiry_candidates(*, today: dt.date) -> QuerySet:
    """Units in use whose warranty ends within ``WARRANTY_NOTICE_DAYS`` (not already ended)
    and that have no warranty-expiry callback for that end date yet. The range on
    ``warranty_end`` is what lets the database use its index."""
    units = ProductUnit.objects.filter(
        status=UnitStatus.IN_USE,
        warranty_end__gte=today,
        warranty_end__lte=today + dt.timedelta(days=WARRANTY_NOTICE_DAYS),
    ).annotate(callback_key=_callback_key("warranty_expiry", DayNumber("warranty_end")))
    return _not_yet_scheduled(units)


def schedule_warranty_expiry_callbacks(*, today: dt.date) -> int:
    """Create a warranty-expiry callback, flagged as an extended-warranty offer (unless the owner
    opted out of offers), for each unit
    whose warranty ends in the next 30 days (docs/lifecycle.md#callbacks-close-the-case).
    It is due 30 days before the end, or today when the unit comes in later than that (a
    unit registered late, or a run missed). One call per unit and warranty end; returns how
    many were created."""
    units = warranty_expiry_candidates(today=today).select_related("owner", "model").order_by("warranty_end", "pk")
    created = 0
    for unit in units.iterator(chunk_size=CHUNK_SIZE):
        call_on = max(unit.warranty_end - dt.timedelta(days=WARRANTY_NOTICE_DAYS), today)
        visit = schedule(
            kind=CallbackKind.WARRANTY_EXPIRY,
            customer=unit.owner,
            unit=unit,
            due_at=_start_of_day(call_on),
            dedupe_key=f"warranty_expiry:{unit.pk}:{unit.warranty_end}",
            # An owner who opted out of offers is called about the warranty's end, never offered.
            extended_warranty_offer=may_offer(unit.owner),
        )
        if visit is not None:
            notify_callback_reminder(visit)
        created += visit is not None
    return created
