"""The statutory catalogue shipped under docs/three-guarantees.md#policies-and-their-versions's category codes. No database."""

from decimal import Decimal

import pytest

from warranty.three_guarantees import STATUTORY_POLICIES

CODES = {
    "washing_machine",
    "fridge",
    "air_conditioner",
    "crt_tv",
    "flat_panel_tv",
    "microwave",
    "mobile_phone",
    "laptop",
    "desktop",
    "car",
}


def test_one_policy_per_category_code() -> None:
    assert set(STATUTORY_POLICIES) == CODES
    assert all(policy.code == code and policy.version == 1 for code, policy in STATUTORY_POLICIES.items())
    assert all(not policy.brand_extra_remedies and not policy.count_start_day for policy in STATUTORY_POLICIES.values())


@pytest.mark.parametrize(
    ("code", "family", "whole", "main", "components", "rate"),
    [
        ("washing_machine", "general", 12, 36, {"motor": 36}, "0.001"),
        ("fridge", "general", 12, 36, {"compressor": 36}, "0.001"),
        ("air_conditioner", "general", 12, 36, {"compressor": 36}, "0.001"),
        ("crt_tv", "general", 12, 36, {"picture_tube": 36}, "0.001"),
        ("flat_panel_tv", "general", 12, 36, {"panel": 36}, "0.001"),
        ("microwave", "general", 12, 36, {"magnetron": 36}, "0.001"),
        ("mobile_phone", "phone", 12, 12, {}, "0.005"),
        (
            "laptop",
            "computer",
            12,
            24,
            {"mainboard": 24, "cpu": 24, "memory": 24, "hard_disk": 24, "power_supply": 24, "display": 24},
            "0.001",
        ),
        (
            "desktop",
            "computer",
            12,
            24,
            {"mainboard": 24, "cpu": 24, "memory": 24, "hard_disk": 24, "power_supply": 24, "display": 24},
            "0.001",
        ),
        ("car", "car", 36, 36, {"engine": 36, "transmission": 36, "traction_battery": 36, "drive_motor": 36}, "0"),
    ],
)
def test_statutory_periods(code: str, family: str, whole: int, main: int, components: dict, rate: str) -> None:
    policy = STATUTORY_POLICIES[code]
    assert (policy.family, policy.whole_unit_months, policy.main_component_months) == (family, whole, main)
    assert {name: policy.main_component_period(name) for name, _ in policy.main_components} == components
    assert policy.depreciation_rate_per_day == Decimal(rate)
    assert (policy.return_days, policy.replace_days, policy.repairer_limit_days) == (7, 15, 30)


def test_phone_accessories_and_parts_limit() -> None:
    phone = STATUTORY_POLICIES["mobile_phone"]
    assert dict(phone.accessories) == {"battery": 6, "wired_headset": 3, "charger": 12}
    assert phone.no_parts_limit_days == 60
    assert STATUTORY_POLICIES["fridge"].no_parts_limit_days == 90


def test_car_periods() -> None:
    car = STATUTORY_POLICIES["car"]
    assert (car.validity_months, car.validity_km, car.repair_period_months, car.repair_period_km) == (
        24,
        50_000,
        36,
        60_000,
    )
    assert car.car_usage_rate <= Decimal("0.005")
