"""General goods, phones and computers: windows, periods, repairs, stock, depreciation, accessories.

docs/three-guarantees.md. No database: plain facts in, a decision out.
"""

from dataclasses import replace
from decimal import Decimal

import pytest

from warranty.three_guarantees import OpenRepair

from .builders import (
    ACCESSORY,
    FLAT_TV,
    FREE,
    FRIDGE,
    LAPTOP,
    MAIN,
    NATIONAL_DAY_2024,
    NO_STOCK,
    PAID,
    PHONE,
    REPLACE,
    REPLACE_15D,
    REPLACE_15D_NO_STOCK,
    REPLACE_OR_RETURN,
    RETURN_7D,
    RETURN_7D_NO_STOCK,
    WASHER,
    Case,
    cases,
    check,
    claim,
    d,
)

COUNTING = replace(WASHER, count_start_day=True)

WINDOWS = [
    Case("day 0: return", claim(0), WASHER, "general.return_7d", RETURN_7D, True),
    Case("day 7: return", claim(7), WASHER, "general.return_7d", RETURN_7D, True),
    Case("day 8: replacement", claim(8), WASHER, "general.replace_15d", REPLACE_15D, True),
    Case("day 15: replacement", claim(15), WASHER, "general.replace_15d", REPLACE_15D, True),
    Case("day 16: repair", claim(16), WASHER, "general.repair_in_period", FREE, True),
    Case("day 1 counted: 7th day returns", claim(6), COUNTING, "general.return_7d", RETURN_7D, True),
    Case("day 1 counted: 8th day replaces", claim(7), COUNTING, "general.replace_15d", REPLACE_15D, True),
    Case("day 1 counted: 15th day replaces", claim(14), COUNTING, "general.replace_15d", REPLACE_15D, True),
    Case("day 1 counted: 16th day repairs", claim(15), COUNTING, "general.repair_in_period", FREE, True),
    Case(
        "return: no stock, another model or refund",
        claim(5, stock_available=False, price=Decimal("2999.5")),
        WASHER,
        "general.return_7d",
        RETURN_7D_NO_STOCK,
        True,
        {"refund_amount": Decimal("2999.50")},
    ),
    Case(
        "return: full price refunded",
        claim(5, price=Decimal("2999.5")),
        WASHER,
        "general.return_7d",
        RETURN_7D,
        True,
        {"refund_amount": Decimal("2999.50")},
    ),
    Case(
        "replacement: no stock, full refund",
        claim(10, stock_available=False, price=Decimal("2000")),
        WASHER,
        "general.replace_15d",
        REPLACE_15D_NO_STOCK,
        True,
        {"refund_amount": Decimal("2000.00")},
    ),
    Case(
        "appearance fault on day 3: repair only",
        claim(3, fault_kind="appearance"),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
    ),
    Case(
        "main component fault on day 3: return",
        claim(3, component="main:compressor"),
        FRIDGE,
        "general.return_7d",
        RETURN_7D,
        True,
    ),
    Case(
        "7-day window ending on 1 October runs to 8 October",
        claim(on=d(2024, 10, 8), start=d(2024, 9, 24), holidays=NATIONAL_DAY_2024),
        WASHER,
        "general.return_7d",
        RETURN_7D,
        True,
    ),
    Case(
        "the day after the holiday-rolled 7-day window: replacement",
        claim(on=d(2024, 10, 9), start=d(2024, 9, 24), holidays=NATIONAL_DAY_2024),
        WASHER,
        "general.replace_15d",
        REPLACE_15D,
        True,
    ),
    Case(
        "15-day window ending on 1 October runs to 8 October",
        claim(on=d(2024, 10, 8), start=d(2024, 9, 16), holidays=NATIONAL_DAY_2024),
        WASHER,
        "general.replace_15d",
        REPLACE_15D,
        True,
    ),
    Case(
        "the day after the holiday-rolled 15-day window: repair",
        claim(on=d(2024, 10, 9), start=d(2024, 9, 16), holidays=NATIONAL_DAY_2024),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
    ),
    Case(
        "windows count from the purchase even after a replacement",
        claim(12, whole_unit_replaced_on=d(2025, 3, 13)),
        WASHER,
        "general.replace_15d",
        REPLACE_15D,
        True,
    ),
]

PERIODS = [
    Case(
        "whole-unit period, last day",
        claim(on=d(2026, 3, 3)),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
        {"period_end": d(2026, 3, 3)},
    ),
    Case(
        "whole-unit period, day after",
        claim(on=d(2026, 3, 4)),
        WASHER,
        "general.out_of_period",
        PAID,
        False,
        {"period_end": d(2026, 3, 3)},
    ),
    Case(
        "day 1 counted: last day",
        claim(on=d(2026, 3, 2)),
        COUNTING,
        "general.repair_in_period",
        FREE,
        True,
        {"period_end": d(2026, 3, 2)},
    ),
    Case("day 1 counted: day after", claim(on=d(2026, 3, 3)), COUNTING, "general.out_of_period", PAID, False),
    Case(
        "29 February + 12 months ends 28 February",
        claim(on=d(2025, 2, 28), start=d(2024, 2, 29)),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
        {"period_end": d(2025, 2, 28)},
    ),
    Case(
        "29 February start, 1 March is out",
        claim(on=d(2025, 3, 1), start=d(2024, 2, 29)),
        WASHER,
        "general.out_of_period",
        PAID,
        False,
    ),
    Case(
        "period ending 3 October (National Day) runs to 8 October",
        claim(on=d(2024, 10, 8), start=d(2023, 10, 3), holidays=NATIONAL_DAY_2024),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
        {"period_end": d(2024, 10, 8)},
    ),
    Case(
        "period ending in National Day: 9 October is out",
        claim(on=d(2024, 10, 9), start=d(2023, 10, 3), holidays=NATIONAL_DAY_2024),
        WASHER,
        "general.out_of_period",
        PAID,
        False,
    ),
    Case(
        "without the holidays the same period ends 3 October",
        claim(on=d(2024, 10, 4), start=d(2023, 10, 3)),
        WASHER,
        "general.out_of_period",
        PAID,
        False,
        {"period_end": d(2024, 10, 3)},
    ),
    Case(
        "repair and waiting days extend the period: last day",
        claim(on=d(2026, 3, 18), repair_days=10, waiting_days=5),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
        {"period_end": d(2026, 3, 18)},
    ),
    Case(
        "repair and waiting days extend the period: day after",
        claim(on=d(2026, 3, 19), repair_days=10, waiting_days=5),
        WASHER,
        "general.out_of_period",
        PAID,
        False,
    ),
    Case(
        "whole-unit replacement restarts the period: last day",
        claim(on=d(2026, 9, 1), whole_unit_replaced_on=d(2025, 9, 1)),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
        {"period_end": d(2026, 9, 1)},
    ),
    Case(
        "whole-unit replacement restarts the period: day after",
        claim(on=d(2026, 9, 2), whole_unit_replaced_on=d(2025, 9, 1)),
        WASHER,
        "general.out_of_period",
        PAID,
        False,
    ),
    Case(
        "main component inside the whole-unit period: ordinary free repair",
        claim(on=d(2026, 3, 3), component="main:compressor"),
        FRIDGE,
        "general.repair_in_period",
        FREE,
        True,
        {"period_end": d(2028, 3, 3)},
    ),
    Case(
        "whole unit over, compressor inside its 3 years",
        claim(on=d(2026, 3, 4), component="main:compressor"),
        FRIDGE,
        "general.main_component",
        MAIN,
        True,
        {"period_end": d(2028, 3, 3)},
    ),
    Case(
        "whole unit over, not a main component", claim(on=d(2026, 3, 4)), FRIDGE, "general.out_of_period", PAID, False
    ),
    Case(
        "compressor period, last day",
        claim(on=d(2028, 3, 3), component="main:compressor"),
        FRIDGE,
        "general.main_component",
        MAIN,
        True,
    ),
    Case(
        "compressor period, day after",
        claim(on=d(2028, 3, 4), component="main:compressor"),
        FRIDGE,
        "general.out_of_period",
        PAID,
        False,
        {"period_end": d(2028, 3, 3)},
    ),
    Case(
        "compressor replaced: its period restarts, last day",
        claim(on=d(2030, 1, 10), component="main:compressor", component_replaced_on=d(2027, 1, 10)),
        FRIDGE,
        "general.main_component",
        MAIN,
        True,
        {"period_end": d(2030, 1, 10)},
    ),
    Case(
        "compressor replaced: day after its restarted period",
        claim(on=d(2030, 1, 11), component="main:compressor", component_replaced_on=d(2027, 1, 10)),
        FRIDGE,
        "general.out_of_period",
        PAID,
        False,
    ),
    Case(
        "whole-unit replacement restarts the compressor's period too",
        claim(on=d(2028, 9, 1), component="main:compressor", whole_unit_replaced_on=d(2025, 9, 1)),
        FRIDGE,
        "general.main_component",
        MAIN,
        True,
    ),
    Case(
        "laptop mainboard: 24 months, last day",
        claim(on=d(2027, 3, 3), component="main:mainboard"),
        LAPTOP,
        "general.main_component",
        MAIN,
        True,
    ),
    Case(
        "laptop mainboard: day after",
        claim(on=d(2027, 3, 4), component="main:mainboard"),
        LAPTOP,
        "general.out_of_period",
        PAID,
        False,
    ),
]

REPAIRS = [
    Case(
        "one failed repair: repair again", claim(100, prior_repairs=1), WASHER, "general.repair_in_period", FREE, True
    ),
    Case(
        "two failed repairs: replacement or return less depreciation",
        claim(100, prior_repairs=2, price=Decimal("2000")),
        WASHER,
        "general.two_failed_repairs",
        REPLACE_OR_RETURN,
        True,
        {"refund_amount": Decimal("1800.00")},
    ),
    Case(
        "two failed repairs, no stock: full refund",
        claim(100, prior_repairs=3, price=Decimal("2000"), stock_available=False),
        WASHER,
        "general.two_failed_repairs",
        NO_STOCK,
        True,
        {"refund_amount": Decimal("2000.00")},
    ),
    Case(
        "two failed repairs of an appearance fault",
        claim(100, prior_repairs=2, fault_kind="appearance"),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
    ),
    Case(
        "two failed repairs out of period",
        claim(on=d(2026, 3, 4), prior_repairs=2),
        WASHER,
        "general.out_of_period",
        PAID,
        False,
    ),
    Case(
        "repairer: 30 days open",
        claim(100, open_repair=OpenRepair(30, "repairer")),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
    ),
    Case(
        "repairer: 31 days open",
        claim(100, open_repair=OpenRepair(31, "repairer")),
        WASHER,
        "general.repairer_30d",
        REPLACE,
        True,
    ),
    Case(
        "repairer: 31 days open, no stock",
        claim(100, open_repair=OpenRepair(31, "repairer"), stock_available=False),
        WASHER,
        "general.repairer_30d",
        NO_STOCK,
        True,
    ),
    Case(
        "repairer: 31 days on a compressor inside its own period",
        claim(on=d(2027, 1, 4), component="main:compressor", open_repair=OpenRepair(31, "repairer")),
        FRIDGE,
        "general.repairer_30d",
        REPLACE,
        True,
    ),
    Case(
        "repairer: 40 days, out of period",
        claim(on=d(2026, 3, 4), open_repair=OpenRepair(40, "repairer")),
        WASHER,
        "general.out_of_period",
        PAID,
        False,
    ),
    Case(
        "no parts: 90 days",
        claim(100, open_repair=OpenRepair(90, "no_parts")),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
    ),
    Case(
        "no parts: 91 days",
        claim(100, open_repair=OpenRepair(91, "no_parts")),
        WASHER,
        "general.no_parts_limit",
        REPLACE,
        True,
    ),
    Case(
        "no parts: 31 days is not the repairer's limit",
        claim(100, open_repair=OpenRepair(31, "no_parts")),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
    ),
    Case(
        "phone, no parts: 60 days",
        claim(100, open_repair=OpenRepair(60, "no_parts")),
        PHONE,
        "general.repair_in_period",
        FREE,
        True,
    ),
    Case(
        "phone, no parts: 61 days",
        claim(100, open_repair=OpenRepair(61, "no_parts")),
        PHONE,
        "general.no_parts_limit",
        REPLACE,
        True,
    ),
    Case(
        "phone, repairer: 31 days",
        claim(100, open_repair=OpenRepair(31, "repairer")),
        PHONE,
        "general.repairer_30d",
        REPLACE,
        True,
    ),
]

DEPRECIATION = [
    Case(
        "phone: 3000 − 3000 × 0.005 × (10 − 2 waiting) = 2880.00",
        claim(10, waiting_days=2, price=Decimal("3000")),
        PHONE,
        "general.replace_15d",
        REPLACE_15D,
        True,
        {"refund_amount": Decimal("2880.00")},
    ),
    Case(
        "phone: repair and waiting days both come off: 2925.00",
        claim(10, repair_days=3, waiting_days=2, price=Decimal("3000")),
        PHONE,
        "general.replace_15d",
        REPLACE_15D,
        True,
        {"refund_amount": Decimal("2925.00")},
    ),
    Case(
        "day 1 counted: 11 days used, 2835.00",
        claim(10, price=Decimal("3000")),
        replace(PHONE, count_start_day=True),
        "general.replace_15d",
        REPLACE_15D,
        True,
        {"refund_amount": Decimal("2835.00")},
    ),
    Case(
        "flat-panel TV at 0.1 % a day: 4999 − 59.988 rounds to 4939.01",
        claim(12, price=Decimal("4999")),
        FLAT_TV,
        "general.replace_15d",
        REPLACE_15D,
        True,
        {"refund_amount": Decimal("4939.01")},
    ),
    Case(
        "never below zero",
        claim(250, prior_repairs=2, price=Decimal("3000")),
        PHONE,
        "general.two_failed_repairs",
        REPLACE_OR_RETURN,
        True,
        {"refund_amount": Decimal("0.00")},
    ),
    Case(
        "no price: no amount",
        claim(10),
        PHONE,
        "general.replace_15d",
        REPLACE_15D,
        True,
        {"refund_amount": None},
    ),
]

ACCESSORIES = [
    Case(
        "phone battery: 6 months, last day",
        claim(on=d(2025, 9, 3), component="accessory:battery"),
        PHONE,
        "general.accessory",
        ACCESSORY,
        True,
        {"period_end": d(2025, 9, 3)},
    ),
    Case(
        "phone battery: day after",
        claim(on=d(2025, 9, 4), component="accessory:battery"),
        PHONE,
        "general.accessory",
        PAID,
        False,
    ),
    Case(
        "wired headset: 3 months, last day",
        claim(on=d(2025, 6, 3), component="accessory:wired_headset"),
        PHONE,
        "general.accessory",
        ACCESSORY,
        True,
    ),
    Case(
        "wired headset: day after",
        claim(on=d(2025, 6, 4), component="accessory:wired_headset"),
        PHONE,
        "general.accessory",
        PAID,
        False,
    ),
    Case(
        "charger: 12 months, last day",
        claim(on=d(2026, 3, 3), component="accessory:charger"),
        PHONE,
        "general.accessory",
        ACCESSORY,
        True,
    ),
    Case(
        "charger: day after",
        claim(on=d(2026, 3, 4), component="accessory:charger"),
        PHONE,
        "general.accessory",
        PAID,
        False,
    ),
    Case(
        "battery on day 3: the accessory, not the phone",
        claim(3, component="accessory:battery"),
        PHONE,
        "general.accessory",
        ACCESSORY,
        True,
    ),
    Case(
        "a replaced phone comes with a new battery period",
        claim(on=d(2025, 12, 1), component="accessory:battery", whole_unit_replaced_on=d(2025, 6, 1)),
        PHONE,
        "general.accessory",
        ACCESSORY,
        True,
    ),
    Case(
        "the handset is still covered when the battery is not",
        claim(on=d(2025, 9, 4)),
        PHONE,
        "general.repair_in_period",
        FREE,
        True,
    ),
]

CASES = WINDOWS + PERIODS + REPAIRS + DEPRECIATION + ACCESSORIES


@pytest.mark.parametrize("case", cases(WINDOWS))
def test_return_and_replacement_windows(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", cases(PERIODS))
def test_periods_end_restart_and_extend(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", cases(REPAIRS))
def test_failed_and_overdue_repairs(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", cases(DEPRECIATION))
def test_refund_less_depreciation(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", cases(ACCESSORIES))
def test_accessories_have_their_own_periods(case: Case) -> None:
    check(case)


@pytest.mark.parametrize(
    ("days", "rolled"),
    [
        pytest.param(14, True, id="the rolled window reaches the claim"),
        pytest.param(5, False, id="inside the plain window"),
    ],
)
def test_a_holiday_rolled_window_says_so(days: int, rolled: bool) -> None:
    facts = claim(days, start=d(2024, 9, 24), holidays=NATIONAL_DAY_2024)
    decision = check(Case("rolled", facts, WASHER, "general.return_7d", RETURN_7D, True))
    codes = [reason.code for reason in decision.reasons]
    assert ("note.holiday_roll" in codes) is rolled
