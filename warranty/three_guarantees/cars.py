"""The 2021 household car rules (家用汽车产品修理更换退货责任规定, cars delivered from 2022-01-01).

docs/three-guarantees.md#cars-2021-rules: the validity period (≥ 2 years / 50,000 km) and the repair period
(≥ 3 years / 60,000 km) each end at whichever limit comes first. Replacement and return are
owed for performance faults; the windows count from the delivery date (the start date).
"""

from decimal import Decimal

from .claim import CAR_SAFETY_DAYS, CAR_SAFETY_KM, Claim, Outcome
from .facts import MAIN_PART_PREFIX, MAJOR_ASSEMBLIES, SAFETY_FAULTS, Reason, Remedy
from .periods import car_usage_fee, percent, repair_days_from_hours

# Over 30 cumulative repair days inside the validity period makes the car replaceable.
CUMULATIVE_REPAIR_DAYS_LIMIT = 30
# The same problem repaired more than 4 times inside the validity period.
SAME_ISSUE_REPAIRS_LIMIT = 4
# A serious safety fault repaired this many times and still present.
SAFETY_FAULT_REPAIRS = 2
# The same assembly or main part replaced this many times.
ASSEMBLY_REPLACEMENTS = 2
# A single repair taking longer than this many days earns a loaner car from the next day.
LOANER_AFTER_DAYS = 5


def _assembly(claim: Claim) -> str | None:
    """The major assembly (engine, transmission, traction battery, drive motor) the fault needs replaced."""
    fault = claim.facts.car_fault
    if fault is None:
        return None
    assembly = fault.removeprefix(MAIN_PART_PREFIX)
    return assembly if assembly in MAJOR_ASSEMBLIES else None


def _vehicle_free(claim: Claim, reason: Reason) -> Outcome:
    return Outcome(
        remedies=(Remedy.REPLACE_VEHICLE, Remedy.RETURN_VEHICLE),
        free=True,
        reasons=(reason,),
        refund_amount=claim.facts.price,
    )


def _vehicle_with_usage_fee(claim: Claim, code: str, **params: object) -> Outcome:
    """Replacement or return inside the validity period, less the fee for the distance driven."""
    facts, policy = claim.facts, claim.policy
    reason = Reason(code, {"period_end": claim.validity_end, "limit_km": policy.validity_km, **params})
    rate = percent(policy.car_usage_rate)
    if facts.price is None:
        fee_reason = Reason("remedy.usage_fee_no_price", {"rate": rate, "km": facts.km})
        return Outcome((Remedy.REPLACE_VEHICLE, Remedy.RETURN_VEHICLE), True, (reason, fee_reason))
    fee = car_usage_fee(facts.price, facts.km, policy.car_usage_rate)
    refund = max(facts.price - fee, Decimal("0.00"))
    fee_reason = Reason(
        "remedy.usage_fee", {"fee": fee, "price": facts.price, "km": facts.km, "rate": rate, "refund": refund}
    )
    return Outcome(
        remedies=(Remedy.REPLACE_VEHICLE, Remedy.RETURN_VEHICLE),
        free=True,
        reasons=(reason, fee_reason),
        refund_amount=refund,
        usage_fee=fee,
    )


def major_assembly_within_7_days(claim: Claim) -> Outcome | None:
    """Within 7 days, a fault needing the engine, transmission, traction battery or drive motor
    (or one of their main parts) replaced: free replacement car or return."""
    assembly = _assembly(claim)
    if not (claim.is_performance and assembly and claim.facts.claim_date <= claim.return_end):
        return None
    params = {"days": claim.elapsed, "limit": claim.policy.return_days, "assembly": assembly}
    return _vehicle_free(claim, Reason("car.7d_major", params))


def safety_within_60_days(claim: Claim) -> Outcome | None:
    """Within 60 days or 3,000 km (whichever first): steering or brake failure, body cracking,
    fuel leak or battery fire: free replacement car or return."""
    fault = claim.facts.car_fault
    if not (claim.is_performance and fault in SAFETY_FAULTS and claim.in_car_safety_window):
        return None
    params = {"days": claim.elapsed, "km": claim.facts.km, "fault": fault, "limit": CAR_SAFETY_DAYS}
    return _vehicle_free(claim, Reason("car.60d_safety", {**params, "limit_km": CAR_SAFETY_KM}))


def main_part_within_60_days(claim: Claim) -> Outcome | None:
    """Within 60 days or 3,000 km: a main part of a major assembly fails: that assembly, replaced free."""
    assembly = _assembly(claim)
    if not (claim.is_performance and assembly and claim.in_car_safety_window):
        return None
    params = {"days": claim.elapsed, "km": claim.facts.km, "assembly": assembly, "limit": CAR_SAFETY_DAYS}
    reason = Reason("car.60d_main_part", {**params, "limit_km": CAR_SAFETY_KM})
    return Outcome((Remedy.ASSEMBLY_REPLACE,), True, (reason,))


def _in_validity(claim: Claim) -> bool:
    return claim.is_performance and claim.in_validity


def serious_safety_fault_twice(claim: Claim) -> Outcome | None:
    """Inside the validity period: a serious safety fault repaired twice and still present."""
    facts = claim.facts
    if not (_in_validity(claim) and facts.safety_fault and facts.same_issue_repairs >= SAFETY_FAULT_REPAIRS):
        return None
    return _vehicle_with_usage_fee(claim, "car.validity_serious", repairs=facts.same_issue_repairs)


def assembly_replaced_twice(claim: Claim) -> Outcome | None:
    """Inside the validity period: the same assembly or the same main part replaced twice."""
    replacements = claim.facts.assembly_replacements
    if not (_in_validity(claim) and replacements >= ASSEMBLY_REPLACEMENTS):
        return None
    return _vehicle_with_usage_fee(claim, "car.assembly_replaced_twice", replacements=replacements)


def cumulative_repair_over_30_days(claim: Claim) -> Outcome | None:
    """Inside the validity period: repairs add up to more than 30 days (each repair's 24 h is a day,
    a started day counts whole)."""
    days = repair_days_from_hours(claim.facts.repair_hours)
    if not (_in_validity(claim) and days > CUMULATIVE_REPAIR_DAYS_LIMIT):
        return None
    return _vehicle_with_usage_fee(claim, "car.cumulative_30d", days=days, limit=CUMULATIVE_REPAIR_DAYS_LIMIT)


def same_issue_over_4_repairs(claim: Claim) -> Outcome | None:
    """Inside the validity period: the same problem repaired more than 4 times."""
    repairs = claim.facts.same_issue_repairs
    if not (_in_validity(claim) and repairs > SAME_ISSUE_REPAIRS_LIMIT):
        return None
    return _vehicle_with_usage_fee(claim, "car.repeat_issue", repairs=repairs, limit=SAME_ISSUE_REPAIRS_LIMIT)


def repair_in_period(claim: Claim) -> Outcome | None:
    """Inside the repair period (3 years / 60,000 km, whichever first): free repair.

    Servicing at an independent garage does not void it.
    """
    if not claim.in_repair_period:
        return None
    params = {"period_end": claim.repair_end, "limit_km": claim.policy.repair_period_km}
    return Outcome((Remedy.REPAIR_FREE,), True, (Reason("car.repair_period", params),))


def out_of_period(claim: Claim) -> Outcome:
    """Past the repair period, by date or by distance: paid repair."""
    params = {"period_end": claim.repair_end, "limit_km": claim.policy.repair_period_km}
    return Outcome((Remedy.REPAIR_PAID,), False, (Reason("car.out_of_period", params),))


def loaner(claim: Claim, outcome: Outcome) -> Outcome | None:
    """A single repair under the guarantees taking over 5 days: a loaner car from day 6."""
    repair = claim.facts.open_repair
    if not (outcome.free and claim.in_repair_period and repair and repair.days_open > LOANER_AFTER_DAYS):
        return None
    params = {"days": repair.days_open, "limit": LOANER_AFTER_DAYS, "from_day": LOANER_AFTER_DAYS + 1}
    return Outcome((Remedy.LOANER,), True, (Reason("car.loaner", params),))
