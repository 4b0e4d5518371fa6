"""The statutory catalogue: one policy per category code of docs/three-guarantees.md#policies-and-their-versions.

Typical statutory values: appliances 1 year whole unit / 3 years main components; computers
1 / 2 years; phones 1 year handset, 6 months battery, 3 months wired headset, 1 year charger,
60 days waiting for parts; cars 2 years / 50,000 km validity and 3 years / 60,000 km repair
period. Daily depreciation: phones 0.5 %, everything else 0.1 % (the TV rate). The product
loads these as version 1 of each category's policy; admins edit them from there.
"""

from decimal import Decimal

from .facts import Family, Policy

APPLIANCE_RATE = Decimal("0.001")
PHONE_RATE = Decimal("0.005")
COMPUTER_MAIN_COMPONENTS: tuple[tuple[str, int | None], ...] = (
    ("mainboard", None),
    ("cpu", None),
    ("memory", None),
    ("hard_disk", None),
    ("power_supply", None),
    ("display", None),
)


def _appliance(code: str, main_component: str) -> Policy:
    return Policy(
        code=code,
        family=Family.GENERAL,
        whole_unit_months=12,
        main_component_months=36,
        main_components=((main_component, 36),),
        depreciation_rate_per_day=APPLIANCE_RATE,
    )


def _computer(code: str) -> Policy:
    return Policy(
        code=code,
        family=Family.COMPUTER,
        whole_unit_months=12,
        main_component_months=24,
        main_components=COMPUTER_MAIN_COMPONENTS,
        depreciation_rate_per_day=APPLIANCE_RATE,
    )


STATUTORY_POLICIES: dict[str, Policy] = {
    policy.code: policy
    for policy in (
        _appliance("washing_machine", "motor"),
        _appliance("fridge", "compressor"),
        _appliance("air_conditioner", "compressor"),
        _appliance("crt_tv", "picture_tube"),
        _appliance("flat_panel_tv", "panel"),
        _appliance("microwave", "magnetron"),
        Policy(
            code="mobile_phone",
            family=Family.PHONE,
            whole_unit_months=12,
            main_component_months=12,
            accessories=(("battery", 6), ("wired_headset", 3), ("charger", 12)),
            depreciation_rate_per_day=PHONE_RATE,
            no_parts_limit_days=60,
        ),
        _computer("laptop"),
        _computer("desktop"),
        Policy(
            code="car",
            family=Family.CAR,
            whole_unit_months=36,
            main_component_months=36,
            main_components=(
                ("engine", None),
                ("transmission", None),
                ("traction_battery", None),
                ("drive_motor", None),
            ),
            depreciation_rate_per_day=Decimal("0"),
            validity_months=24,
            validity_km=50_000,
            repair_period_months=36,
            repair_period_km=60_000,
            car_usage_rate=Decimal("0.005"),
        ),
    )
}
