"""Cars under the 2021 rules: days or km whichever first, the 7- and 60-day windows, the
validity-period triggers, the repair period, the loaner and the usage fee. No database.
"""

from dataclasses import replace
from decimal import Decimal

import pytest

from warranty.three_guarantees import OpenRepair, Proof, decide

from .builders import ASSEMBLY, CAR, FREE, PAID, VEHICLE, Case, cases, check, claim, d

# Delivered 2025-03-03: validity to 2027-03-03 / 50,000 km, repair period to 2028-03-03 / 60,000 km.
PRICE = Decimal("200000")
COUNTING = replace(CAR, count_start_day=True)


def car(days: int | None = None, *, km: int = 100, **facts: object):
    return claim(days, km=km, **facts)


WINDOWS = [
    Case(
        "engine on day 7",
        car(7, car_fault="engine", price=PRICE),
        CAR,
        "car.7d_major",
        VEHICLE,
        True,
        {"refund_amount": Decimal("200000.00"), "usage_fee": None},
    ),
    Case("engine on day 8: the assembly", car(8, car_fault="engine"), CAR, "car.60d_main_part", ASSEMBLY, True),
    Case(
        "transmission main part on day 3",
        car(3, car_fault="main_part:transmission"),
        CAR,
        "car.7d_major",
        VEHICLE,
        True,
    ),
    Case("traction battery on day 5", car(5, car_fault="traction_battery"), CAR, "car.7d_major", VEHICLE, True),
    Case("day 1 counted: engine on the 7th day", car(6, car_fault="engine"), COUNTING, "car.7d_major", VEHICLE, True),
    Case(
        "day 1 counted: engine on the 8th day",
        car(7, car_fault="engine"),
        COUNTING,
        "car.60d_main_part",
        ASSEMBLY,
        True,
    ),
    Case(
        "drive motor main part, day 30 at 1,500 km",
        car(30, km=1500, car_fault="main_part:drive_motor"),
        CAR,
        "car.60d_main_part",
        ASSEMBLY,
        True,
    ),
    Case("engine main part on day 61", car(61, car_fault="main_part:engine"), CAR, "car.repair_period", FREE, True),
    Case(
        "traction battery at 3,001 km",
        car(20, km=3001, car_fault="traction_battery"),
        CAR,
        "car.repair_period",
        FREE,
        True,
    ),
    Case(
        "brakes: day 20 at 3,500 km (km first)",
        car(20, km=3500, car_fault="brakes"),
        CAR,
        "car.repair_period",
        FREE,
        True,
    ),
    Case(
        "brakes: day 70 at 1,000 km (days first)",
        car(70, km=1000, car_fault="brakes"),
        CAR,
        "car.repair_period",
        FREE,
        True,
    ),
    Case(
        "brakes: day 50 at 2,000 km",
        car(50, km=2000, car_fault="brakes", price=PRICE),
        CAR,
        "car.60d_safety",
        VEHICLE,
        True,
        {"refund_amount": Decimal("200000.00")},
    ),
    Case("brakes: day 60 at 3,000 km", car(60, km=3000, car_fault="brakes"), CAR, "car.60d_safety", VEHICLE, True),
    Case("brakes: day 61", car(61, km=100, car_fault="brakes"), CAR, "car.repair_period", FREE, True),
    Case("brakes: 3,001 km", car(10, km=3001, car_fault="brakes"), CAR, "car.repair_period", FREE, True),
    Case("steering", car(30, km=1000, car_fault="steering"), CAR, "car.60d_safety", VEHICLE, True),
    Case("body cracking", car(30, km=1000, car_fault="body_crack"), CAR, "car.60d_safety", VEHICLE, True),
    Case("fuel leak", car(30, km=1000, car_fault="fuel_leak"), CAR, "car.60d_safety", VEHICLE, True),
    Case("battery fire", car(30, km=1000, car_fault="battery_fire"), CAR, "car.60d_safety", VEHICLE, True),
    Case(
        "appearance fault on day 3: repair",
        car(3, car_fault="engine", fault_kind="appearance"),
        CAR,
        "car.repair_period",
        FREE,
        True,
    ),
]

VALIDITY = [
    Case(
        "safety fault repaired twice",
        car(400, safety_fault=True, same_issue_repairs=2),
        CAR,
        "car.validity_serious",
        VEHICLE,
        True,
    ),
    Case(
        "safety fault repaired once",
        car(400, safety_fault=True, same_issue_repairs=1),
        CAR,
        "car.repair_period",
        FREE,
        True,
    ),
    Case("not a safety fault, repaired twice", car(400, same_issue_repairs=2), CAR, "car.repair_period", FREE, True),
    Case("assembly replaced once", car(400, assembly_replacements=1), CAR, "car.repair_period", FREE, True),
    Case(
        "assembly replaced twice", car(400, assembly_replacements=2), CAR, "car.assembly_replaced_twice", VEHICLE, True
    ),
    Case(
        "repairs (30, 100, 500) h = 2 + 5 + 21 = 28 days",
        car(400, repair_hours=(30, 100, 500)),
        CAR,
        "car.repair_period",
        FREE,
        True,
    ),
    Case(
        "repairs (30, 100, 500, 60) h = 31 days",
        car(400, repair_hours=(30, 100, 500, 60)),
        CAR,
        "car.cumulative_30d",
        VEHICLE,
        True,
    ),
    Case("one repair of 720 h = 30 days", car(400, repair_hours=(720,)), CAR, "car.repair_period", FREE, True),
    Case("one repair of 721 h = 31 days", car(400, repair_hours=(721,)), CAR, "car.cumulative_30d", VEHICLE, True),
    Case("same problem repaired 4 times", car(400, same_issue_repairs=4), CAR, "car.repair_period", FREE, True),
    Case("same problem repaired 5 times", car(400, same_issue_repairs=5), CAR, "car.repeat_issue", VEHICLE, True),
    Case("validity at 50,000 km", car(400, km=50_000, same_issue_repairs=5), CAR, "car.repeat_issue", VEHICLE, True),
    Case("validity over at 50,001 km", car(400, km=50_001, same_issue_repairs=5), CAR, "car.repair_period", FREE, True),
    Case("validity, last day", car(on=d(2027, 3, 3), same_issue_repairs=5), CAR, "car.repeat_issue", VEHICLE, True),
    Case("validity, day after", car(on=d(2027, 3, 4), same_issue_repairs=5), CAR, "car.repair_period", FREE, True),
    Case(
        "repair period, last day",
        car(on=d(2028, 3, 3)),
        CAR,
        "car.repair_period",
        FREE,
        True,
        {"period_end": d(2028, 3, 3)},
    ),
    Case(
        "repair period, day after",
        car(on=d(2028, 3, 4)),
        CAR,
        "car.out_of_period",
        PAID,
        False,
        {"period_end": d(2028, 3, 3)},
    ),
    Case("repair period at 60,000 km", car(400, km=60_000), CAR, "car.repair_period", FREE, True),
    Case("repair period over at 60,001 km", car(400, km=60_001), CAR, "car.out_of_period", PAID, False),
]

USAGE_FEES = [
    Case(
        "200,000 × 20,000 km / 1,000 × 0.5 % = 20,000.00",
        car(400, km=20_000, same_issue_repairs=5, price=PRICE),
        CAR,
        "car.repeat_issue",
        VEHICLE,
        True,
        {"usage_fee": Decimal("20000.00"), "refund_amount": Decimal("180000.00")},
    ),
    Case(
        "158,800 × 12,345 km / 1,000 × 0.4 % = 7,841.54",
        car(400, km=12_345, assembly_replacements=2, price=Decimal("158800")),
        replace(CAR, car_usage_rate=Decimal("0.004")),
        "car.assembly_replaced_twice",
        VEHICLE,
        True,
        {"usage_fee": Decimal("7841.54"), "refund_amount": Decimal("150958.46")},
    ),
    Case(
        "no price: no fee amount",
        car(400, km=20_000, same_issue_repairs=5),
        CAR,
        "car.repeat_issue",
        VEHICLE,
        True,
        {"usage_fee": None, "refund_amount": None},
    ),
]

LOANERS = [
    Case(
        "repair open 5 days: no loaner",
        car(400, open_repair=OpenRepair(5, "repairer")),
        CAR,
        "car.repair_period",
        FREE,
        True,
        {"loaner": False},
    ),
    Case(
        "repair open 6 days: loaner",
        car(400, open_repair=OpenRepair(6, "repairer")),
        CAR,
        "car.repair_period",
        (*FREE, "loaner"),
        True,
        {"loaner": True},
    ),
    Case(
        "waiting for parts 6 days: loaner",
        car(400, open_repair=OpenRepair(6, "no_parts")),
        CAR,
        "car.repair_period",
        (*FREE, "loaner"),
        True,
        {"loaner": True},
    ),
    Case(
        "loaner added to a replacement",
        car(400, same_issue_repairs=5, open_repair=OpenRepair(8, "repairer")),
        CAR,
        "car.repeat_issue",
        (*VEHICLE, "loaner"),
        True,
        {"loaner": True},
    ),
    Case(
        "out of period: no loaner",
        car(on=d(2028, 3, 4), open_repair=OpenRepair(10, "repairer")),
        CAR,
        "car.out_of_period",
        PAID,
        False,
        {"loaner": False},
    ),
    Case(
        "misuse: no loaner",
        car(400, fault_kind="misuse", open_repair=OpenRepair(10, "repairer")),
        CAR,
        "exclusion.misuse",
        PAID,
        False,
        {"loaner": False},
    ),
]

EXCLUSIONS = [
    Case(
        "independent garage is not an exclusion",
        car(400, fault_kind="unauthorized_repair"),
        CAR,
        "car.repair_period",
        FREE,
        True,
    ),
    Case(
        "independent garage within 6 months, even with a finding",
        car(30, fault_kind="unauthorized_repair", misuse_found_by_technician=True),
        CAR,
        "car.repair_period",
        FREE,
        True,
    ),
    Case("misuse after 6 months", car(400, fault_kind="misuse"), CAR, "exclusion.misuse", PAID, False),
    Case(
        "misuse within 6 months, found",
        car(30, fault_kind="misuse", misuse_found_by_technician=True),
        CAR,
        "exclusion.misuse",
        PAID,
        False,
    ),
    Case("force majeure", car(30, fault_kind="force_majeure"), CAR, "exclusion.force_majeure", PAID, False),
    Case("no invoice and no card", car(30, proof=Proof()), CAR, "exclusion.no_proof", PAID, False),
]

CASES = WINDOWS + VALIDITY + USAGE_FEES + LOANERS + EXCLUSIONS


@pytest.mark.parametrize("case", cases(WINDOWS))
def test_the_7_day_and_60_day_windows(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", cases(VALIDITY))
def test_validity_and_repair_periods(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", cases(USAGE_FEES))
def test_usage_fee(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", cases(LOANERS))
def test_loaner_from_day_6(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", cases(EXCLUSIONS))
def test_car_exclusions(case: Case) -> None:
    check(case)


def test_an_independent_garage_is_explained() -> None:
    decision = decide(car(400, fault_kind="unauthorized_repair"), CAR)
    assert [reason.code for reason in decision.reasons] == ["note.independent_garage", "car.repair_period"]
