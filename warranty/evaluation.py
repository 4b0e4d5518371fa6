"""Between the database and the three-guarantees engine (warranty/three_guarantees).

Reads the policy in force, the statutory holidays and a unit's records, turns them into the
engine's plain facts, and turns a decision back into stored or shown data. The facts travel
as one dict shape everywhere — the warranty API's request body (docs/three-guarantees.md#the-evaluation-api), the
desk's claim form and the stored claim — so a claim can always be re-read as it was decided.
"""

import datetime as dt
import math
from decimal import Decimal

from django.db.models import F, QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftersales import table_memo
from customers.models import DayKind, NationalCalendarDay, PolicyFamily, ProductUnit, WarrantyPolicy
from customers.selectors import policy_in_force
from parts import selectors as parts_selectors
from tickets.choices import Kind, Status
from tickets.models import FaultCategory, Ticket
from warranty import three_guarantees as tg
from warranty.three_guarantees.periods import money

NO_IMEI_DATE = _(
    "With no invoice and no warranty card, a phone's guarantee is dated from its IMEI: enter its manufacture date."
)

# Statuses in which a repair counts as done for the unit's history.
DONE = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)


def engine_policy(policy: WarrantyPolicy) -> tg.Policy:
    return tg.Policy(
        code=policy.category.code,
        version=policy.version,
        family=policy.family,
        whole_unit_months=policy.whole_unit_months,
        main_component_months=policy.main_component_months,
        main_components=tuple((name, months) for name, months in policy.main_components),
        accessories=tuple((name, months) for name, months in policy.accessories),
        depreciation_rate_per_day=policy.depreciation_rate_per_day,
        count_start_day=policy.count_start_day,
        return_days=policy.return_days,
        replace_days=policy.replace_days,
        repairer_limit_days=policy.repairer_limit_days,
        no_parts_limit_days=policy.no_parts_limit_days,
        brand_extra_remedies=tuple(policy.brand_extra_remedies),
        validity_months=policy.validity_months,
        validity_km=policy.validity_km,
        repair_period_months=policy.repair_period_months,
        repair_period_km=policy.repair_period_km,
        car_usage_rate=policy.car_usage_rate,
    )


def holidays_from(start: dt.date) -> frozenset[dt.date]:
    """Every statutory holiday from ``start`` on: a period's last day may be years later.
    Make-up working days are not holidays: a period ending on one ends that day."""
    every = table_memo.derived(
        ("customers.nationalcalendarday",),
        ("holidays",),
        lambda: frozenset(NationalCalendarDay.objects.filter(kind=DayKind.HOLIDAY).values_list("date", flat=True)),
    )
    return frozenset(day for day in every if day >= start)


def _repairs_of(unit: ProductUnit, before: dt.date | None) -> QuerySet[Ticket]:
    repairs = Ticket.objects.filter(unit=unit, kind=Kind.REPAIR, status__in=DONE, resolved_at__isnull=False)
    if before is not None:
        repairs = repairs.filter(resolved_at__date__lte=before)
    return repairs


def unit_history(
    unit: ProductUnit, *, fault_category: FaultCategory | None, exclude_ticket: Ticket | None = None, before=None
) -> dict:
    """The repairs of this unit so far: how many of the same fault, and the days spent in repair.

    A repair's days run from the ticket's creation to its resolution, rounded up to whole days
    (the days that extend the period and that depreciation leaves out).
    """
    repairs = _repairs_of(unit, before)
    if exclude_ticket is not None:
        repairs = repairs.exclude(pk=exclude_ticket.pk)
    # One read of the repairs: each one's fault and days.
    rows = list(repairs.annotate(took=F("resolved_at") - F("created_at")).values_list("fault_category_id", "took"))
    # A repair resolved "before" it was logged (imported records) counts no days, not negative ones.
    repair_days = sum(max(0, math.ceil(took.total_seconds() / 86400)) for _fault, took in rows if took is not None)
    # Without a fault category nothing says two repairs were of the same fault.
    same_fault = sum(1 for fault, _took in rows if fault_category is not None and fault == fault_category.pk)
    return {"prior_repairs": same_fault, "repair_days": repair_days}


def prefill_for_unit(
    unit: ProductUnit,
    *,
    claim_date: dt.date,
    policy: WarrantyPolicy,
    fault_category: FaultCategory | None = None,
    exclude_ticket: Ticket | None = None,
    ticket: Ticket | None = None,
) -> dict:
    """The facts the records already hold about ``unit``, in the API's request shape.

    The manufacture date stands in as the IMEI date for phones only: no other statute dates a
    product from its manufacture. With the claim's ``ticket``, its days waiting for parts come
    from its parts orders (:func:`waiting_facts`); without one they are 0."""
    history = unit_history(unit, fault_category=fault_category, exclude_ticket=exclude_ticket, before=claim_date)
    same_issue = history["prior_repairs"]
    prefilled = {
        "start_date": unit.warranty_start,
        "claim_date": claim_date,
        "prior_repairs": same_issue,
        "repair_days": history["repair_days"],
        "waiting_days": 0,
        "proof": {
            "invoice": unit.has_invoice,
            "card": unit.has_warranty_card,
            "other_proof": False,
            "documents_match": True,
            "imei_date": unit.manufacture_date if policy.family == PolicyFamily.PHONE else None,
        },
        "price": unit.price,
        "same_issue_repairs": same_issue,
    }
    if ticket is not None:
        prefilled |= waiting_facts(ticket, claim_date)
    return prefilled


def waiting_facts(ticket: Ticket, claim_date: dt.date) -> dict:
    """The claim's days waiting for parts, counted from the ticket's parts orders (parts/selectors.py
    ``waiting_for_parts``: ordered to received, overlapping orders once), never typed by an agent.

    Only the claim's own ticket counts: an earlier repair's waiting is inside its repair days
    already (``unit_history``). While the repair is not done and has waited for parts, it is an
    open repair held up by parts (``open_repair``, cause ``no_parts``) for those days, so the
    90-day (phones 60-day) no-parts limit decides from the real orders."""
    waiting = parts_selectors.waiting_for_parts(ticket, today=claim_date)
    facts: dict = {"waiting_days": waiting.days}
    if waiting.days and ticket.status not in DONE:
        facts["open_repair"] = {"days_open": waiting.days, "cause": tg.RepairCause.NO_PARTS.value}
    return facts


def waiting_explanation(ticket: Ticket, claim_date: dt.date) -> str:
    """How the waiting days were counted, in words, for the claim form."""
    waiting = parts_selectors.waiting_for_parts(ticket, today=claim_date)
    if not waiting.orders:
        return str(_("No part was ordered for this ticket."))
    spans = ", ".join(
        f"{formats.date_format(stretch.start, 'SHORT_DATE_FORMAT')}–{formats.date_format(stretch.end, 'SHORT_DATE_FORMAT')}"
        for stretch in waiting.stretches
    )
    return ngettext(
        "Counted from %(orders)d parts order of this ticket, from the day it was ordered to the day it arrived "
        "(or today): %(spans)s.",
        "Counted from %(orders)d parts orders of this ticket, from the day each was ordered to the day it arrived "
        "(or today): %(spans)s. Days when several orders were awaited count once.",
        waiting.orders,
    ) % {"orders": waiting.orders, "spans": spans or "—"}


def merge_facts(recorded: dict, given: dict) -> dict:
    """The recorded facts with the given ones over them; ``proof`` is merged field by field."""
    proof = {**(recorded.get("proof") or {}), **(given.get("proof") or {})}
    return {**recorded, **given, "proof": proof}


def _or(value, default):
    return default if value is None else value


def _proof_from(data: dict) -> tg.Proof:
    proof = data.get("proof") or {}
    return tg.Proof(
        invoice=bool(proof.get("invoice")),
        card=bool(proof.get("card")),
        other_proof=bool(proof.get("other_proof")),
        documents_match=_or(proof.get("documents_match"), True),
        imei_date=proof.get("imei_date"),
    )


def guarantee_start(data: dict, family: str) -> dt.date | None:
    """The day a claim's periods are counted from, for picking the policy version and the holidays.

    A phone with no proof of purchase at all and an IMEI manufacture date: that date + 90 days,
    whatever start date was given (the 2001 mobile phone rules). Everything else: the start
    date, or None when none is given.
    """
    return tg.imei_period_start(_proof_from(data), family) or data.get("start_date")


def undated_phone(data: dict, family: str) -> bool:
    """A phone with no proof dating its purchase: its IMEI manufacture date can date it instead."""
    return family == PolicyFamily.PHONE and not _proof_from(data).dates_the_purchase


def undated_errors(data: dict, family: str, missing_start: str) -> dict:
    """The field errors of a claim that nothing dates (``guarantee_start`` is None).

    A phone with no proof of purchase may be dated by either its start date or its IMEI
    manufacture date, so both fields are named; anything else needs the start date
    (``missing_start`` says how the caller asks for it).
    """
    if undated_phone(data, family):
        return {
            "start_date": [str(tg.UNDATED_PHONE)],
            "proof": {"imei_date": [str(NO_IMEI_DATE)]},
        }
    return {"start_date": [missing_start]}


def facts_from(data: dict, holidays: frozenset[dt.date]) -> tg.Facts:
    """Engine facts from a validated request-shaped dict (dates as dates, money as Decimal)."""
    open_repair = data.get("open_repair")
    return tg.Facts(
        start_date=data.get("start_date"),
        claim_date=data["claim_date"],
        proof=_proof_from(data),
        fault_kind=data.get("fault_kind") or tg.FaultKind.PERFORMANCE,
        component=data.get("component") or "whole",
        prior_repairs=data.get("prior_repairs") or 0,
        repair_days=data.get("repair_days") or 0,
        waiting_days=data.get("waiting_days") or 0,
        stock_available=_or(data.get("stock_available"), True),
        open_repair=tg.OpenRepair(open_repair["days_open"], open_repair["cause"]) if open_repair else None,
        price=data.get("price"),
        holidays=holidays,
        whole_unit_replaced_on=data.get("whole_unit_replaced_on"),
        component_replaced_on=data.get("component_replaced_on"),
        misuse_found_by_technician=bool(data.get("misuse_found_by_technician")),
        km=data.get("km") or 0,
        same_issue_repairs=data.get("same_issue_repairs") or 0,
        repair_hours=tuple(data.get("repair_hours") or ()),
        safety_fault=bool(data.get("safety_fault")),
        assembly_replacements=data.get("assembly_replacements") or 0,
        car_fault=data.get("car_fault") or None,
    )


def evaluate(data: dict, policy: WarrantyPolicy) -> tg.Decision:
    """Decide a claim. Raises ``three_guarantees.FactsError`` for facts that cannot be true,
    among them a claim that nothing dates (see :func:`undated_errors` for the field errors)."""
    start = guarantee_start(data, policy.family)
    holidays = holidays_from(start) if start is not None else frozenset()
    return tg.decide(facts_from(data, holidays), engine_policy(policy))


def policy_for_category(code: str, start_date: dt.date | None) -> WarrantyPolicy | None:
    versions = WarrantyPolicy.objects.select_related("category").filter(category__code=code)
    return policy_in_force(versions, start_date)


def policy_for_unit(unit: ProductUnit, start_date: dt.date | None = None) -> WarrantyPolicy | None:
    """The policy in force for the unit's category on ``start_date`` (default: the unit's warranty start)."""
    policy = policy_in_force(unit.model.category_id, start_date or unit.warranty_start)
    if policy is not None:
        table_memo.attach([policy], "category")
    return policy


def decision_data(decision: tg.Decision) -> dict:
    """The decision as the API answers it and as a claim stores it: plain-language reasons in
    the active language, and the reason codes with their values to render them again later."""
    data = {
        "remedies": list(decision.remedies),
        "free": decision.free,
        "rule": decision.rule,
        "reasons": tg.reason_texts(decision),
        "reason_codes": [
            {"code": r.code, "params": {key: _jsonable(key, value) for key, value in r.params.items()}}
            for r in decision.reasons
        ],
        "period_end": decision.period_end,
        "loaner": decision.loaner,
    }
    if decision.refund_amount is not None:
        data["refund_amount"] = decision.refund_amount
    if decision.usage_fee is not None:
        data["usage_fee"] = decision.usage_fee
    return data


def _jsonable(key: str, value):
    """A reason's value as stored: dates and amounts already in the form the texts show them
    (they read the same in every language), codes kept as codes (their labels are translated)."""
    if isinstance(value, list | tuple):
        return [_jsonable(key, item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value) if key == "rate" else format(money(value), "f")
    return value


def reasons_from_codes(codes: list[dict]) -> list[str]:
    """Render stored reason codes in the active language (the customer's, on their record)."""
    return [tg.reason_text(tg.stored_reason(item)) for item in codes]
