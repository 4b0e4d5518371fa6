"""The daily schedulers of service contracts: a maintenance plan's next included visit, and the
renewal call before a contract ends (docs/contract-plans-and-offers.md).

Both work like the maintenance and warranty-expiry schedulers (followups/reminders.py): a
callback in the agents' queue, created through ``followups.callbacks.services.schedule`` and
idempotent through its unique ``dedupe_key`` (``plan_visit:<contract>:<visit number>``,
``contract_renewal:<contract>``), each committed on its own, with the customer's reminder
written with it. Contracts are read whoever sold them (the base manager): the calls are the
organisation's, as the maintenance calls are.

A plan visit is part of what the customer bought, not an offer: it is booked whatever they said
about offers (their reminder still follows ``optional_messages``). A renewal is an offer: a
customer who opted out of offers gets neither the call nor the message.
"""

import datetime as dt

from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from contracts.choices import ContractKind, ContractStatus
from contracts.models import ContractVisit, OdometerReading, ServiceContract
from customers.models import UnitStatus
from customers.offers import may_offer
from followups.callbacks.services import schedule
from followups.choices import CallbackKind
from followups.contract_messages import notify_renewal_reminder
from followups.messages import notify_callback_reminder
from followups.models import CallbackVisit
from followups.plan_timing import PlanFacts, call_on, next_visit
from followups.reminders import CHUNK_SIZE, MAINTENANCE_LOOKAHEAD_DAYS, _start_of_day

# A plan's visit is booked like a maintenance visit: the call comes up to two weeks ahead.
PLAN_VISIT_LOOKAHEAD_DAYS = MAINTENANCE_LOOKAHEAD_DAYS
# The renewal is offered in the contract's last 30 days, as the extended warranty is.
RENEWAL_NOTICE_DAYS = 30


def _not_yet_scheduled(rows: QuerySet) -> QuerySet:
    return rows.filter(~Exists(CallbackVisit._base_manager.filter(dedupe_key=OuterRef("callback_key"))))


def plan_visit_key(contract_id: int, number: int) -> str:
    return f"plan_visit:{contract_id}:{number}"


def plan_candidates(*, today: dt.date) -> QuerySet[ServiceContract]:
    """Maintenance plans in force or still to start (not ended, not cancelled) on a unit in use,
    with visits left and no callback yet for their next visit, annotated with what
    :func:`followups.plan_timing.next_visit` needs. Whether the visit is due soon is decided in
    Python (month arithmetic), so a plan not yet due comes back each day, at no write."""
    visits = ContractVisit._base_manager.filter(contract=OuterRef("pk")).order_by("-number")
    used = (
        ContractVisit._base_manager.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(n=Count("pk"))
        .values("n")
    )
    readings = OdometerReading._base_manager.filter(unit=OuterRef("unit")).order_by("-read_on", "-km", "-id")
    plans = (
        ServiceContract._base_manager.filter(
            kind=ContractKind.MAINTENANCE_PLAN,
            status=ContractStatus.ACTIVE,
            # A plan bought on the portal books its visits once its payment is confirmed.
            payment_confirmed_at__isnull=False,
            ends_on__gte=today,
            unit__status=UnitStatus.IN_USE,
            included_visits__gt=0,
        )
        .annotate(
            visits_used=Coalesce(Subquery(used, output_field=IntegerField()), 0),
            last_visit_on=Subquery(visits.values("done_on")[:1]),
            last_visit_km=Subquery(visits.values("odometer_km")[:1]),
            latest_km=Subquery(readings.values("km")[:1]),
            latest_read_on=Subquery(readings.values("read_on")[:1]),
        )
        .filter(visits_used__lt=F("included_visits"))
        .annotate(
            callback_key=Concat(
                Value("plan_visit:"),
                Cast("pk", CharField()),
                Value(":"),
                Cast(F("visits_used") + 1, CharField()),
                output_field=CharField(),
            )
        )
    )
    return _not_yet_scheduled(plans)


def plan_facts(contract: ServiceContract) -> PlanFacts:
    """The facts of a contract read by :func:`plan_candidates`."""
    return PlanFacts(
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        included_visits=contract.included_visits,
        visits_used=contract.visits_used,
        interval_months=contract.visit_interval_months,
        interval_km=contract.visit_interval_km,
        last_visit_on=contract.last_visit_on,
        last_visit_km=contract.last_visit_km,
        start_km=contract.start_km,
        latest_km=contract.latest_km,
        latest_read_on=contract.latest_read_on,
    )


def schedule_plan_visit_callbacks(*, today: dt.date) -> int:
    """Create a plan-visit callback for each maintenance plan whose next included visit is due
    within the next two weeks, by date or (car plans) by odometer, whichever comes first. The
    call is due two weeks before the visit, or today when that has passed (a distance reached,
    a run missed), and the customer is reminded as for maintenance. One call per plan and visit
    number; returns how many were created, none on a repeat."""
    plans = plan_candidates(today=today).select_related("customer", "unit__model").order_by("pk")
    created = 0
    for contract in plans.iterator(chunk_size=CHUNK_SIZE):
        visit_due = next_visit(plan_facts(contract))
        if visit_due is None:
            continue
        day = call_on(visit_due.due_on, today=today, lookahead_days=PLAN_VISIT_LOOKAHEAD_DAYS)
        if day is None:
            continue
        visit = schedule(
            kind=CallbackKind.PLAN_VISIT,
            customer=contract.customer,
            unit=contract.unit,
            contract=contract,
            due_at=_start_of_day(day),
            dedupe_key=plan_visit_key(contract.pk, visit_due.number),
        )
        if visit is not None:
            notify_callback_reminder(visit)
            created += 1
    return created


def renewal_candidates(*, today: dt.date) -> QuerySet[ServiceContract]:
    """Contracts not cancelled that end within ``RENEWAL_NOTICE_DAYS`` (not already ended), on a
    unit in use still owned by their customer, with no contract of the same kind taking over
    after them (a renewal, or one bought anew), and no renewal call yet."""
    taking_over = ServiceContract._base_manager.filter(
        unit=OuterRef("unit"), kind=OuterRef("kind"), status=ContractStatus.ACTIVE, starts_on__gt=OuterRef("ends_on")
    )
    contracts = (
        ServiceContract._base_manager.filter(
            status=ContractStatus.ACTIVE,
            ends_on__gte=today,
            ends_on__lte=today + dt.timedelta(days=RENEWAL_NOTICE_DAYS),
            unit__status=UnitStatus.IN_USE,
            unit__owner=F("customer"),
        )
        .filter(~Exists(taking_over))
        .annotate(callback_key=Concat(Value("contract_renewal:"), Cast("pk", CharField()), output_field=CharField()))
    )
    return _not_yet_scheduled(contracts)


def schedule_renewal_callbacks(*, today: dt.date) -> int:
    """Create a renewal callback, and tell the customer, for each contract ending within 30 days
    that nothing renews yet; only for customers who may be offered it (customers/offers.py).
    The call is due 30 days before the end, or today when that has passed. One per contract."""
    contracts = renewal_candidates(today=today).select_related("customer", "unit__model", "product")
    created = 0
    for contract in contracts.order_by("ends_on", "pk").iterator(chunk_size=CHUNK_SIZE):
        if not may_offer(contract.customer):
            continue
        day = max(contract.ends_on - dt.timedelta(days=RENEWAL_NOTICE_DAYS), today)
        visit = schedule(
            kind=CallbackKind.CONTRACT_RENEWAL,
            customer=contract.customer,
            unit=contract.unit,
            contract=contract,
            due_at=_start_of_day(day),
            dedupe_key=f"contract_renewal:{contract.pk}",
        )
        if visit is not None:
            notify_renewal_reminder(visit)
            created += 1
    return created
