"""Finding leads in service: the rules of sales/lead_rules.py applied to a resolved ticket and,
daily, to every unit in use (docs/sales.md#the-rules).

A lead is made once: its ``dedupe_key`` names the rule and what fired it (the ticket, the unit,
the consumable's cycle), so a rule run twice, a sweep after a resolution, or two workers at once
make one lead. Nobody is found as a lead after opting out of offers (customers/offers.py): the
rule is not even asked. Each lead records the customer's consent when it was made, the numbers
that fired it, the unit and ticket, and its owner: the dealer whose job it was, else the rule's
sales owner.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from contracts.models import OdometerReading
from customers.models import ProductUnit, UnitStatus
from customers.offers import may_offer
from customers.referral_choices import OffersConsent
from parts.models import PartUsage
from sales import lead_rules
from sales.choices import LeadStatus, Trigger
from sales.models import Consumable, Lead, LeadEvent, LeadRule
from tickets.choices import SERVICE_KINDS, Kind
from tickets.models import Ticket

logger = logging.getLogger(__name__)
OPEN = (LeadStatus.NEW, LeadStatus.CONTACTED)


def _rules(trigger: str, category_id: int | None) -> list[LeadRule]:
    """The active rules of ``trigger`` that apply to a product category (theirs, or every one)."""
    rows = LeadRule.objects.filter(is_active=True, trigger=trigger)
    if category_id is not None:
        rows = rows.filter(Q(category__isnull=True) | Q(category_id=category_id))
    return list(rows)


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _lead_make(
    *,
    rule: LeadRule,
    unit: ProductUnit,
    ticket: Ticket | None,
    reason: dict,
    key: str,
    consumable: Consumable | None = None,
    one_open_per_unit: bool = False,
) -> Lead | None:
    """Make the lead unless it was made already (``key``), the owner opted out of offers, or
    (``one_open_per_unit``) the unit has an open lead of the same rule. Owned by the dealer of
    the ticket's job when a provider did it, else by the rule's sales owner."""
    customer = unit.owner
    if not may_offer(customer):
        return None
    leads = Lead._base_manager
    if leads.filter(dedupe_key=key).exists():
        return None
    if one_open_per_unit and leads.filter(unit=unit, rule=rule, status__in=OPEN).exists():
        return None
    dealer_id = ticket.provider_id if ticket is not None else None
    try:
        # A savepoint: a twin made at the same moment elsewhere loses the race without spoiling
        # the caller's transaction (a ticket being resolved).
        with transaction.atomic():
            lead = leads.create(
                kind=rule.lead_kind,
                rule=rule,
                customer=customer,
                unit=unit,
                ticket=ticket,
                consumable=consumable,
                consent=customer.offers_consent or OffersConsent.NOT_ASKED,
                reason={"trigger": rule.trigger, **reason},
                owner_id=None if dealer_id else rule.owner_id,
                owner_provider_id=dealer_id,
                dedupe_key=key,
            )
            LeadEvent._base_manager.create(lead=lead, status=LeadStatus.NEW, by=None)
    except IntegrityError:
        return None
    return lead


# --- on a resolved ticket -----------------------------------------------------------------------


def on_resolved(ticket: Ticket, *, by, now: dt.datetime) -> None:
    """Registered on tickets/hooks.py: a resolved service job of a unit is checked against every
    rule (a repair against the repair rules; any service visit against age and consumables)."""
    if ticket.is_test or ticket.unit_id is None or ticket.kind not in SERVICE_KINDS:
        return
    find_for_ticket(ticket=ticket, now=now)


def find_for_ticket(*, ticket: Ticket, now: dt.datetime) -> list[Lead]:
    unit = ProductUnit._base_manager.select_related("owner", "model").get(pk=ticket.unit_id)
    if not may_offer(unit.owner):
        return []
    category_id = unit.model.category_id
    today = _local_day(now)
    found: list[Lead | None] = []
    if ticket.kind == Kind.REPAIR:
        found += _repair_cost(ticket, unit, category_id)
        found += _repeat_repairs(ticket, unit, category_id, today)
    found += [_age(rule, unit, ticket, today) for rule in _rules(Trigger.UNIT_AGE, category_id)]
    for rule in _rules(Trigger.CONSUMABLE_DUE, category_id):
        for consumable in Consumable.objects.filter(model_id=unit.model_id, is_active=True):
            found.append(_consumable(rule, unit, consumable, ticket, today))
    return [lead for lead in found if lead is not None]


def _repair_cost(ticket: Ticket, unit: ProductUnit, category_id: int) -> list[Lead | None]:
    rules = _rules(Trigger.REPAIR_COST_SHARE, category_id)
    if not rules:
        return []
    parts = [
        lead_rules.PartLine(quantity, price)
        for quantity, price in PartUsage._base_manager.filter(ticket=ticket).values_list("quantity", "unit_price")
    ]
    cost = lead_rules.repair_cost(parts, ticket.charge)
    made = []
    for rule in rules:
        if rule.cost_share_percent is None:
            continue
        reason = lead_rules.repair_cost_share(
            cost=cost, replacement_price=unit.model.replacement_price, share_percent=rule.cost_share_percent
        )
        if reason:
            made.append(
                _lead_make(
                    rule=rule,
                    unit=unit,
                    ticket=ticket,
                    reason=reason,
                    key=f"{rule.code}:t{ticket.pk}",
                    one_open_per_unit=True,
                )
            )
    return made


def _repeat_repairs(ticket: Ticket, unit: ProductUnit, category_id: int, today: dt.date) -> list[Lead | None]:
    rules = _rules(Trigger.REPEAT_REPAIRS, category_id)
    if not rules:
        return []
    earlier = [
        _local_day(moment)
        for moment in Ticket._base_manager.filter(
            unit=unit, kind=Kind.REPAIR, resolved_at__isnull=False, is_test=False, merged_into__isnull=True
        )
        .exclude(pk=ticket.pk)
        .values_list("resolved_at", flat=True)
    ]
    this_day = _local_day(ticket.resolved_at) if ticket.resolved_at else today
    made = []
    for rule in rules:
        if not rule.repairs_count or not rule.within_days:
            continue
        reason = lead_rules.repeat_repairs(
            this_day=this_day, earlier_days=earlier, repairs_count=rule.repairs_count, within_days=rule.within_days
        )
        if reason:
            made.append(
                _lead_make(
                    rule=rule,
                    unit=unit,
                    ticket=ticket,
                    reason=reason,
                    key=f"{rule.code}:t{ticket.pk}",
                    one_open_per_unit=True,
                )
            )
    return made


def _started(unit: ProductUnit) -> dt.date | None:
    return lead_rules.unit_started(
        replacement_date=unit.replacement_date,
        installation_date=unit.installation_date,
        invoice_date=unit.invoice_date,
        delivery_date=unit.delivery_date,
    )


def _age(rule: LeadRule, unit: ProductUnit, ticket: Ticket | None, today: dt.date) -> Lead | None:
    reason = lead_rules.unit_age(started=_started(unit), design_life_months=unit.model.design_life_months, today=today)
    if not reason:
        return None
    # Once per unit: it only grows older.
    return _lead_make(rule=rule, unit=unit, ticket=ticket, reason=reason, key=f"{rule.code}:u{unit.pk}")


def _consumable_since(unit: ProductUnit, consumable: Consumable) -> dt.date | None:
    """The day the consumable's cycle began: the unit's start, or later the last time it was
    fitted on a job (a part of its number used on the unit) or sold (its lead won)."""
    days = [_started(unit)]
    won = Lead._base_manager.filter(unit=unit, consumable=consumable, status=LeadStatus.WON).aggregate(
        at=Max("closed_at")
    )["at"]
    if won:
        days.append(_local_day(won))
    if consumable.part_number:
        fitted = PartUsage._base_manager.filter(ticket__unit=unit, part__number=consumable.part_number).aggregate(
            at=Max("created_at")
        )["at"]
        if fitted:
            days.append(_local_day(fitted))
    days = [day for day in days if day is not None]
    return max(days) if days else None


def _consumable(
    rule: LeadRule, unit: ProductUnit, consumable: Consumable, ticket: Ticket | None, today: dt.date
) -> Lead | None:
    since = _consumable_since(unit, consumable)
    if since is None:
        return None
    km_now = km_since = None
    if consumable.every_km:
        readings = OdometerReading.objects.filter(unit=unit).order_by("-read_on", "-km", "-id")
        latest = readings.values_list("km", flat=True).first()
        km_now = latest
        km_since = readings.filter(read_on__lte=since).values_list("km", flat=True).first() or 0
    reason = lead_rules.consumable_due(
        since=since,
        today=today,
        every_months=consumable.every_months,
        every_km=consumable.every_km,
        km_now=km_now,
        km_since=km_since or 0,
    )
    if not reason:
        return None
    reason |= {"consumable": consumable.code, "price": lead_rules.money(consumable.price)}
    # Once per cycle: fitted or sold again, a new cycle begins and may make the next lead.
    key = f"{rule.code}:u{unit.pk}:c{consumable.pk}:{since.isoformat()}"
    return _lead_make(rule=rule, unit=unit, ticket=ticket, reason=reason, key=key, consumable=consumable)


# --- the daily sweep ------------------------------------------------------------------------------


def _units_in_use():
    return (
        ProductUnit._base_manager.filter(status=UnitStatus.IN_USE)
        .exclude(owner__offers_consent=OffersConsent.REFUSED)
        .select_related("owner", "model")
    )


def sweep(today: dt.date) -> dict:
    """Every unit in use that has outlived its design life, and every consumable due, without
    waiting for a service visit. Idempotent (the leads' keys)."""
    made = {"unit_age": 0, "consumable_due": 0}
    for rule in _rules(Trigger.UNIT_AGE, None):
        units = _units_in_use().filter(model__design_life_months__isnull=False).exclude(leads__rule=rule)
        if rule.category_id:
            units = units.filter(model__category_id=rule.category_id)
        for unit in units.iterator(chunk_size=500):
            made["unit_age"] += _age(rule, unit, None, today) is not None
    for rule in _rules(Trigger.CONSUMABLE_DUE, None):
        consumables = Consumable.objects.filter(is_active=True).select_related("model")
        if rule.category_id:
            consumables = consumables.filter(model__category_id=rule.category_id)
        for consumable in consumables:
            units = _units_in_use().filter(model_id=consumable.model_id)
            for unit in units.iterator(chunk_size=500):
                made["consumable_due"] += _consumable(rule, unit, consumable, None, today) is not None
    return made


__all__ = ["find_for_ticket", "on_resolved", "sweep"]
