"""Facts that cannot be true are refused with the API field at fault; bad policies too. No database."""

from dataclasses import replace
from decimal import Decimal

import pytest

from warranty.three_guarantees import Facts, FactsError, OpenRepair, Policy, Proof, decide

from .builders import CAR, FRIDGE, PHONE, WASHER, claim, d


@pytest.mark.parametrize(
    ("facts", "policy", "field"),
    [
        pytest.param(claim(on=d(2025, 3, 2)), WASHER, "claim_date", id="claim before start"),
        pytest.param(claim(10, prior_repairs=-1), WASHER, "prior_repairs", id="negative prior repairs"),
        pytest.param(claim(10, repair_days=-1), WASHER, "repair_days", id="negative repair days"),
        pytest.param(claim(10, waiting_days=-1), WASHER, "waiting_days", id="negative waiting days"),
        pytest.param(claim(10, km=-1), CAR, "km", id="negative km"),
        pytest.param(claim(10, same_issue_repairs=-1), CAR, "same_issue_repairs", id="negative same-issue repairs"),
        pytest.param(claim(10, assembly_replacements=-1), CAR, "assembly_replacements", id="negative replacements"),
        pytest.param(claim(10, repair_hours=(10, -1)), CAR, "repair_hours", id="negative repair hours"),
        pytest.param(claim(10, price=Decimal("-1")), WASHER, "price", id="negative price"),
        pytest.param(claim(10, fault_kind="broken"), WASHER, "fault_kind", id="unknown fault kind"),
        pytest.param(claim(10, fault_kind="virus"), FRIDGE, "fault_kind", id="a fridge with a virus"),
        pytest.param(claim(10, fault_kind="virus"), PHONE, "fault_kind", id="virus exclusion is for computers"),
        pytest.param(claim(10, component="main"), FRIDGE, "component", id="component without a name"),
        pytest.param(claim(10, component="main:"), FRIDGE, "component", id="empty main component name"),
        pytest.param(claim(10, component="accessory:"), PHONE, "component", id="empty accessory name"),
        pytest.param(claim(10, component="compressor"), FRIDGE, "component", id="component without its kind"),
        pytest.param(claim(10, component="side:door"), FRIDGE, "component", id="unknown component kind"),
        pytest.param(claim(10, component="main:compressor"), WASHER, "component", id="main component not in policy"),
        pytest.param(claim(10, component="accessory:battery"), FRIDGE, "component", id="accessory not in policy"),
        pytest.param(
            claim(40, open_repair=OpenRepair(-1, "repairer")), WASHER, "open_repair.days_open", id="negative days open"
        ),
        pytest.param(claim(40, open_repair=OpenRepair(3, "weather")), WASHER, "open_repair.cause", id="unknown cause"),
        pytest.param(
            claim(40, whole_unit_replaced_on=d(2025, 3, 1)),
            WASHER,
            "whole_unit_replaced_on",
            id="replaced before start",
        ),
        pytest.param(
            claim(40, whole_unit_replaced_on=d(2026, 1, 1)), WASHER, "whole_unit_replaced_on", id="replaced after claim"
        ),
        pytest.param(
            claim(40, component_replaced_on=d(2025, 3, 20)),
            FRIDGE,
            "component_replaced_on",
            id="component date on a whole claim",
        ),
        pytest.param(
            claim(40, component="main:compressor", component_replaced_on=d(2026, 1, 1)),
            FRIDGE,
            "component_replaced_on",
            id="component replaced after claim",
        ),
        pytest.param(
            claim(40, proof=Proof(imei_date=d(2026, 1, 1))), PHONE, "proof.imei_date", id="made after the claim"
        ),
        pytest.param(claim(10, car_fault="brakes"), FRIDGE, "car_fault", id="a fridge with a car fault"),
        pytest.param(claim(10, car_fault="wipers"), CAR, "car_fault", id="unknown car fault"),
        pytest.param(
            claim(10, car_fault="main_part:steering"), CAR, "car_fault", id="steering is not a major assembly"
        ),
        pytest.param(claim(10, car_fault="main_part:"), CAR, "car_fault", id="main part of nothing"),
    ],
)
def test_impossible_facts_name_their_field(facts: Facts, policy: Policy, field: str) -> None:
    with pytest.raises(FactsError) as raised:
        decide(facts, policy)
    assert raised.value.field == field
    assert isinstance(raised.value, ValueError)
    assert str(raised.value).startswith(f"{field}: ")


def test_a_claim_on_the_start_date_is_possible() -> None:
    assert decide(claim(0), WASHER).rule == "general.return_7d"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"family": "boat"}, id="unknown family"),
        pytest.param({"brand_extra_remedies": ("free_pizza",)}, id="unknown brand remedy"),
        pytest.param({"car_usage_rate": Decimal("0.006")}, id="usage rate over 0.5 %"),
        pytest.param({"car_usage_rate": Decimal("-0.001")}, id="negative usage rate"),
        pytest.param({"depreciation_rate_per_day": Decimal("-0.001")}, id="negative depreciation"),
        pytest.param({"return_days": 20}, id="return window longer than replacement window"),
    ],
)
def test_a_policy_that_cannot_be_applied_is_refused(changes: dict) -> None:
    with pytest.raises(ValueError):
        replace(WASHER, **changes)
