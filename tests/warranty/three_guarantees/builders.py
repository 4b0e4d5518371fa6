"""Facts, policies and expected decisions for the three-guarantees tables."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from warranty.three_guarantees import STATUTORY_POLICIES, Decision, Facts, Policy, Proof, decide

START = dt.date(2025, 3, 3)
INVOICE = Proof(invoice=True)
NATIONAL_DAY_2024 = frozenset(dt.date(2024, 10, day) for day in range(1, 8))

WASHER = STATUTORY_POLICIES["washing_machine"]
FRIDGE = STATUTORY_POLICIES["fridge"]
FLAT_TV = STATUTORY_POLICIES["flat_panel_tv"]
PHONE = STATUTORY_POLICIES["mobile_phone"]
LAPTOP = STATUTORY_POLICIES["laptop"]
CAR = STATUTORY_POLICIES["car"]

RETURN_7D = ("return_full", "replace", "repair_free")
RETURN_7D_NO_STOCK = ("return_full", "replace_other_model", "repair_free")
REPLACE_15D = ("replace", "repair_free", "return_depreciated")
REPLACE_15D_NO_STOCK = ("return_full", "replace_other_model", "repair_free")
REPLACE_OR_RETURN = ("replace", "return_depreciated")
NO_STOCK = ("return_full", "replace_other_model")
REPLACE = ("replace",)
FREE = ("repair_free",)
PAID = ("repair_paid",)
MAIN = ("main_component",)
ACCESSORY = ("accessory_replace",)
VEHICLE = ("replace_vehicle", "return_vehicle")
ASSEMBLY = ("assembly_replace",)


def d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def claim(days: int | None = None, *, on: dt.date | None = None, start: dt.date = START, **facts: object) -> Facts:
    """A claim ``days`` after ``start`` (or ``on`` a date), with an invoice unless told otherwise."""
    claim_date = on if on is not None else start + dt.timedelta(days=days or 0)
    facts.setdefault("proof", INVOICE)
    return Facts(start_date=start, claim_date=claim_date, **facts)


@dataclass(frozen=True)
class Case:
    """A claim, its policy and the decision expected: rule, remedies, free, and any other field given."""

    id: str
    facts: Facts
    policy: Policy
    rule: str
    remedies: tuple[str, ...]
    free: bool
    expect: dict[str, object] = field(default_factory=dict)


def cases(table: list[Case]) -> list:
    return [pytest.param(case, id=case.id) for case in table]


def check(case: Case) -> Decision:
    decision = decide(case.facts, case.policy)
    assert (decision.rule, decision.remedies, decision.free) == (case.rule, case.remedies, case.free)
    for name, value in case.expect.items():
        assert getattr(decision, name) == value, name
    return decision


def money(text: str) -> Decimal:
    return Decimal(text)
