"""``decide(facts, policy) -> Decision``: the rules in order, the first that applies decides.

docs/three-guarantees.md#the-engine. The statutory rules run first, as an ordered tuple with stable codes;
then the additions: the car loaner (added to whatever remedy decided) and the brand's extras,
which are only ever added to a free claim, so a brand can give more but never take away.
"""

from dataclasses import replace
from decimal import Decimal

from . import cars, exclusions, general
from .claim import Addition, Claim, Outcome, Rule, build_claim
from .facts import Decision, Facts, Family, Policy, Reason, Remedy
from .periods import money

ALL = frozenset(Family.values)
CAR = frozenset({Family.CAR})
NOT_CAR = ALL - CAR

RULES: tuple[Rule, ...] = (
    Rule("exclusion.misuse", ALL, exclusions.misuse),
    # Cars: servicing at an independent garage is not an exclusion (turned into a product fault earlier).
    Rule("exclusion.unauthorized_repair", NOT_CAR, exclusions.unauthorized_repair),
    Rule("exclusion.force_majeure", ALL, exclusions.force_majeure),
    Rule("exclusion.virus", frozenset({Family.COMPUTER}), exclusions.virus),
    Rule("exclusion.no_proof", ALL, exclusions.no_proof),
    Rule("exclusion.documents_mismatch", ALL, exclusions.documents_mismatch),
    Rule("phone.imei_no_proof", frozenset({Family.PHONE}), exclusions.phone_imei_no_proof),
    Rule("general.accessory", ALL, general.accessory),
    Rule("general.return_7d", NOT_CAR, general.return_within_7_days),
    Rule("general.replace_15d", NOT_CAR, general.replace_within_15_days),
    Rule("general.two_failed_repairs", NOT_CAR, general.two_failed_repairs),
    Rule("general.repairer_30d", NOT_CAR, general.repairer_over_30_days),
    Rule("general.no_parts_limit", NOT_CAR, general.no_parts_over_limit),
    Rule("general.repair_in_period", NOT_CAR, general.repair_in_period),
    Rule("general.main_component", NOT_CAR, general.main_component_in_period),
    Rule("general.out_of_period", NOT_CAR, general.out_of_period),
    Rule("car.7d_major", CAR, cars.major_assembly_within_7_days),
    Rule("car.60d_safety", CAR, cars.safety_within_60_days),
    Rule("car.60d_main_part", CAR, cars.main_part_within_60_days),
    Rule("car.validity_serious", CAR, cars.serious_safety_fault_twice),
    Rule("car.assembly_replaced_twice", CAR, cars.assembly_replaced_twice),
    Rule("car.cumulative_30d", CAR, cars.cumulative_repair_over_30_days),
    Rule("car.repeat_issue", CAR, cars.same_issue_over_4_repairs),
    Rule("car.repair_period", CAR, cars.repair_in_period),
    Rule("car.out_of_period", CAR, cars.out_of_period),
)


def brand_extras(claim: Claim, outcome: Outcome) -> Outcome | None:
    """The brand's extra remedies, on a free claim only, never replacing a statutory one."""
    extras = tuple(code for code in claim.policy.brand_extra_remedies if code not in outcome.remedies)
    if not (outcome.free and extras):
        return None
    reasons = (Reason("brand.extras", {"remedies": extras}),)
    refund = None
    if {Remedy.RETURN_FULL, Remedy.RETURN_VEHICLE} & set(extras):
        refund = claim.facts.price
    elif Remedy.RETURN_DEPRECIATED in extras:
        refund, depreciation = general.refund_less_depreciation(claim)
        reasons += (depreciation,)
    return Outcome(extras, True, reasons, refund_amount=refund)


ADDITIONS: tuple[Addition, ...] = (
    Addition("car.loaner", CAR, cars.loaner),
    Addition("brand.extras", ALL, brand_extras),
)


def _deciding(claim: Claim) -> tuple[str, Outcome]:
    for rule in RULES:
        if claim.family in rule.families and (outcome := rule.apply(claim)) is not None:
            return rule.code, outcome
    raise AssertionError("The out-of-period rules apply to every claim.")


def _best_refund(*amounts: Decimal | None) -> Decimal | None:
    known = [amount for amount in amounts if amount is not None]
    return max(known) if known else None


def decide(facts: Facts, policy: Policy) -> Decision:
    """The remedies the three guarantees give this claim, whether free, the deciding rule and why.

    Raises :class:`FactsError` for facts that cannot be true.
    """
    claim = build_claim(facts, policy)
    rule_code, outcome = _deciding(claim)
    outcome = replace(outcome, reasons=(*claim.notes, *outcome.reasons))
    for addition in ADDITIONS:
        if claim.family not in addition.families or (extra := addition.apply(claim, outcome)) is None:
            continue
        outcome = replace(
            outcome,
            remedies=(*outcome.remedies, *(code for code in extra.remedies if code not in outcome.remedies)),
            reasons=(*outcome.reasons, *extra.reasons),
            refund_amount=_best_refund(outcome.refund_amount, extra.refund_amount),
        )
    return Decision(
        remedies=tuple(str(code) for code in outcome.remedies),
        free=outcome.free,
        rule=rule_code,
        reasons=outcome.reasons,
        period_end=claim.coverage_end,
        refund_amount=None if outcome.refund_amount is None else money(outcome.refund_amount),
        usage_fee=outcome.usage_fee,
        loaner=Remedy.LOANER in outcome.remedies,
    )
