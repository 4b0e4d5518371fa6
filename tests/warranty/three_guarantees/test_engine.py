"""The rule tuple, the additions, brand extras, and that every rule and text is exercised. No database."""

from dataclasses import replace
from decimal import Decimal

import pytest

from warranty.three_guarantees import ADDITIONS, REASON_TEXTS, RULES, Remedy, decide

from . import test_cars, test_exclusions, test_general
from .builders import CAR, FREE, FRIDGE, PAID, REPLACE_15D, RETURN_7D, Case, cases, check, claim, d

GENEROUS_FRIDGE = replace(FRIDGE, brand_extra_remedies=("replace",))

BRAND_EXTRAS = [
    Case(
        "free repair gains a replacement",
        claim(100),
        GENEROUS_FRIDGE,
        "general.repair_in_period",
        (*FREE, "replace"),
        True,
    ),
    Case(
        "out of period: nothing added", claim(on=d(2026, 3, 4)), GENEROUS_FRIDGE, "general.out_of_period", PAID, False
    ),
    Case("excluded: nothing added", claim(200, fault_kind="misuse"), GENEROUS_FRIDGE, "exclusion.misuse", PAID, False),
    Case("already offered: nothing twice", claim(3), GENEROUS_FRIDGE, "general.return_7d", RETURN_7D, True),
    Case(
        "a full refund on top of the depreciated one: the better refund",
        claim(10, price=Decimal("2000")),
        replace(FRIDGE, brand_extra_remedies=("return_full",)),
        "general.replace_15d",
        (*REPLACE_15D, "return_full"),
        True,
        {"refund_amount": Decimal("2000.00")},
    ),
    Case(
        "a depreciated refund added to a repair",
        claim(100, price=Decimal("2000")),
        replace(FRIDGE, brand_extra_remedies=("return_depreciated",)),
        "general.repair_in_period",
        (*FREE, "return_depreciated"),
        True,
        {"refund_amount": Decimal("1800.00")},
    ),
    Case(
        "a brand loaner for every free car repair",
        claim(400, km=100),
        replace(CAR, brand_extra_remedies=("loaner",)),
        "car.repair_period",
        (*FREE, "loaner"),
        True,
        {"loaner": True},
    ),
]

ALL_CASES: list[Case] = test_general.CASES + test_exclusions.CASES + test_cars.CASES + BRAND_EXTRAS


@pytest.mark.parametrize("case", cases(BRAND_EXTRAS))
def test_brand_extras_only_add_to_free_claims(case: Case) -> None:
    decision = check(case)
    statutory = decide(case.facts, replace(case.policy, brand_extra_remedies=()))
    assert set(statutory.remedies) <= set(decision.remedies)
    assert decision.rule == statutory.rule


def test_rule_codes_are_unique_and_each_family_ends_out_of_period() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    for family in ("general", "phone", "computer"):
        assert [rule.code for rule in RULES if family in rule.families][-1] == "general.out_of_period"
    assert [rule.code for rule in RULES if "car" in rule.families][-1] == "car.out_of_period"


def test_every_rule_decides_at_least_one_case() -> None:
    decided = {case.rule for case in ALL_CASES}
    assert {rule.code for rule in RULES} - decided == set()


def test_every_addition_and_reason_appears_in_some_case() -> None:
    produced = {reason.code for case in ALL_CASES for reason in decide(case.facts, case.policy).reasons}
    assert {addition.code for addition in ADDITIONS} - produced == set()
    assert set(REASON_TEXTS) - produced == set(), "texts no case produces"
    assert produced - set(REASON_TEXTS) == set(), "reasons without a text"


def test_every_decision_names_known_remedies() -> None:
    for case in ALL_CASES:
        decision = decide(case.facts, case.policy)
        assert set(decision.remedies) <= set(Remedy.values), case.id
        assert decision.reasons, case.id
        assert decision.loaner is ("loaner" in decision.remedies)
