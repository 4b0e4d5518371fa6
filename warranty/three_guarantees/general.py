"""The rules for general catalogue goods, phones and computers (docs/three-guarantees.md).

Each rule answers with an :class:`Outcome` or None. They run in the order of ``engine.RULES``
after the exclusions, so every fault they see is a performance or an appearance fault with a
dated purchase. Return and replacement are owed for performance faults of the unit (or one of
its main components); accessories have their own periods.
"""

import datetime as dt
from decimal import Decimal

from .claim import Claim, Outcome
from .facts import Reason, Remedy, RepairCause
from .periods import depreciated_refund, percent


def _holiday_note(claim: Claim, limit: int, until_day: dt.date) -> tuple[Reason, ...]:
    """Say so when a window only reaches the claim because its last day was a holiday."""
    return (Reason("note.holiday_roll", {"limit": limit, "until": until_day}),) if claim.elapsed > limit else ()


def refund_less_depreciation(claim: Claim) -> tuple[Decimal | None, Reason]:
    """The refund when the customer asks for one although a replacement is available.

    ``price − price × daily rate × (days used − days in repair or waiting for parts)``.
    """
    facts, rate = claim.facts, claim.policy.depreciation_rate_per_day
    days_off = facts.repair_days + facts.waiting_days
    charged_days = max(claim.elapsed - days_off, 0)
    if facts.price is None:
        return None, Reason("remedy.depreciation_no_price", {"rate": percent(rate), "days": charged_days})
    refund = depreciated_refund(facts.price, rate, claim.elapsed, days_off)
    params = {
        "refund": refund,
        "price": facts.price,
        "rate": percent(rate),
        "days": charged_days,
        "days_used": claim.elapsed,
        "days_off": days_off,
    }
    return refund, Reason("remedy.depreciation", params)


def _replacement_owed(
    claim: Claim, reasons: tuple[Reason, ...], *, refund_on_request: bool, also: tuple[str, ...] = ()
) -> Outcome:
    """A replacement with the same model is owed.

    In stock: the replacement (and, where the customer may still ask for a refund, a refund less
    depreciation). Not in stock: a full refund, or another model if the customer agrees to one.
    """
    if not claim.facts.stock_available:
        return Outcome(
            remedies=(Remedy.RETURN_FULL, Remedy.REPLACE_OTHER_MODEL, *also),
            free=True,
            reasons=(*reasons, Reason("remedy.no_stock", {})),
            refund_amount=claim.facts.price,
        )
    if not refund_on_request:
        return Outcome(remedies=(Remedy.REPLACE, *also), free=True, reasons=reasons)
    refund, depreciation = refund_less_depreciation(claim)
    return Outcome(
        remedies=(Remedy.REPLACE, *also, Remedy.RETURN_DEPRECIATED),
        free=True,
        reasons=(*reasons, depreciation),
        refund_amount=refund,
    )


def return_within_7_days(claim: Claim) -> Outcome | None:
    """Day 0–7: a performance fault gives return (full price), replacement or repair, the customer's choice."""
    if not (claim.is_performance and claim.is_unit_fault and claim.facts.claim_date <= claim.return_end):
        return None
    limit = claim.policy.return_days
    reasons = (Reason("general.return_7d", {"days": claim.elapsed, "limit": limit}),)
    reasons += _holiday_note(claim, limit, claim.return_end)
    if claim.facts.stock_available:
        replacement: tuple[str, ...] = (Remedy.REPLACE,)
    else:
        replacement, reasons = (Remedy.REPLACE_OTHER_MODEL,), (*reasons, Reason("remedy.no_stock", {}))
    return Outcome(
        remedies=(Remedy.RETURN_FULL, *replacement, Remedy.REPAIR_FREE),
        free=True,
        reasons=reasons,
        refund_amount=claim.facts.price,
    )


def replace_within_15_days(claim: Claim) -> Outcome | None:
    """Day 8–15: replacement or repair; no stock → full refund; stock but a refund wanted → less depreciation."""
    if not (claim.is_performance and claim.is_unit_fault and claim.facts.claim_date <= claim.replace_end):
        return None
    policy = claim.policy
    reason = Reason(
        "general.replace_15d", {"days": claim.elapsed, "from_day": policy.return_days + 1, "limit": policy.replace_days}
    )
    reasons = (reason, *_holiday_note(claim, policy.replace_days, claim.replace_end))
    return _replacement_owed(claim, reasons, refund_on_request=True, also=(Remedy.REPAIR_FREE,))


def two_failed_repairs(claim: Claim) -> Outcome | None:
    """Inside the whole-unit period, the same performance fault repaired twice and still there:
    replacement, or return less depreciation (no stock: full refund)."""
    if not (claim.is_performance and claim.is_unit_fault and claim.in_whole_period and claim.facts.prior_repairs >= 2):
        return None
    reason = Reason("general.two_failed_repairs", {"repairs": claim.facts.prior_repairs})
    return _replacement_owed(claim, (reason,), refund_on_request=True)


def _days_open_over(claim: Claim, cause: str, limit: int) -> int | None:
    """The days the covered repair of this fault has been open, when that is over ``limit`` for ``cause``."""
    repair = claim.facts.open_repair
    if repair is None or repair.cause != cause or repair.days_open <= limit:
        return None
    if not (claim.is_performance and claim.is_unit_fault and claim.covered):
        return None
    return repair.days_open


def repairer_over_30_days(claim: Claim) -> Outcome | None:
    """A covered repair unfinished after 30 days for the repairer's own reasons: the repairer replaces."""
    limit = claim.policy.repairer_limit_days
    if (days := _days_open_over(claim, RepairCause.REPAIRER, limit)) is None:
        return None
    reason = Reason("general.repairer_30d", {"days": days, "limit": limit})
    return _replacement_owed(claim, (reason,), refund_on_request=False)


def no_parts_over_limit(claim: Claim) -> Outcome | None:
    """A covered repair unfinished after 90 days (phones: 60) waiting for the maker's parts: the seller replaces."""
    limit = claim.policy.no_parts_limit_days
    if (days := _days_open_over(claim, RepairCause.NO_PARTS, limit)) is None:
        return None
    reason = Reason("general.no_parts_limit", {"days": days, "limit": limit})
    return _replacement_owed(claim, (reason,), refund_on_request=False)


def repair_in_period(claim: Claim) -> Outcome | None:
    """Inside the whole-unit period: free repair."""
    if not (claim.is_unit_fault and claim.in_whole_period):
        return None
    params = {"months": claim.policy.whole_unit_months, "period_end": claim.whole_end}
    return Outcome((Remedy.REPAIR_FREE,), True, (Reason("general.repair_in_period", params),))


def main_component_in_period(claim: Claim) -> Outcome | None:
    """Whole-unit period over, the main component concerned inside its own: that component only, free."""
    if not (claim.component_kind == "main" and claim.in_part_period):
        return None
    params = {"component": claim.component_name, "months": claim.part_months, "period_end": claim.part_end}
    return Outcome((Remedy.MAIN_COMPONENT,), True, (Reason("general.main_component", params),))


def accessory(claim: Claim) -> Outcome | None:
    """Accessories have their own periods: free replacement inside, paid outside."""
    if claim.component_kind != "accessory":
        return None
    params = {"component": claim.component_name, "months": claim.part_months, "period_end": claim.part_end}
    if claim.in_part_period:
        return Outcome((Remedy.ACCESSORY_REPLACE,), True, (Reason("general.accessory", params),))
    return Outcome((Remedy.REPAIR_PAID,), False, (Reason("general.accessory.out_of_period", params),))


def out_of_period(claim: Claim) -> Outcome:
    """Everything else is out of period: paid repair."""
    return Outcome((Remedy.REPAIR_PAID,), False, (Reason("general.out_of_period", {"period_end": claim.coverage_end}),))
