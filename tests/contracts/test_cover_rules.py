"""Who pays for a job (contracts/cover_rules.py), table-driven against the real three-guarantees
engine: the statutory decision comes from ``decide`` with the statutory catalogue, never typed in.
No database."""

import datetime as dt
import itertools

import pytest

from contracts.cover_rules import ContractTerms, JobFacts, Statutory, entitlement, reason_texts
from warranty import three_guarantees as tg

DAY = dt.date(2026, 6, 15)
WASHER = tg.STATUTORY_POLICIES["washing_machine"]
CAR = tg.STATUTORY_POLICIES["car"]


def statutory(policy=WASHER, *, bought_days_ago: int, fault_kind=tg.FaultKind.PERFORMANCE, km=0, **facts):
    decision = tg.decide(
        tg.Facts(
            claim_date=DAY,
            start_date=DAY - dt.timedelta(days=bought_days_ago),
            proof=tg.Proof(invoice=True),
            fault_kind=fault_kind,
            km=km,
            price=None,
            **facts,
        ),
        policy,
    )
    return decision, Statutory(free=decision.free, remedies=decision.remedies, rule=decision.rule)


def terms(number="SC-2026-000001", *, kind="extended_warranty", coverage="both", starts=-100, ends=200, **extra):
    return ContractTerms(
        number=number,
        kind=kind,
        coverage=coverage,
        starts_on=DAY + dt.timedelta(days=starts),
        ends_on=DAY + dt.timedelta(days=ends),
        **extra,
    )


# (name, engine facts, contracts, job facts, expected basis, parts free, labour free, contract, last reason code)
FRESH = {"bought_days_ago": 30}  # inside the washer's 12 months: a free repair
OLD = {"bought_days_ago": 800}  # past 12 months and the motor's 36 months for the whole unit: paid
CASES = [
    ("statutory free, no contract", FRESH, [], {}, "statutory", True, True, "", "statutory.free"),
    ("statutory free + contract: still statutory", FRESH, [terms()], {}, "statutory", True, True, "", "contract.not_needed"),
    ("statutory free + parts-only contract: still all free", FRESH, [terms(coverage="parts")], {}, "statutory", True, True, "", "contract.not_needed"),
    ("paid, no contract", OLD, [], {}, "paid", False, False, "", "paid.no_contract"),
    ("paid + extended warranty both", OLD, [terms()], {}, "contract", True, True, "SC-2026-000001", "contract.covers"),
    ("paid + parts only", OLD, [terms(coverage="parts")], {}, "contract", True, False, "SC-2026-000001", "contract.covers_parts"),
    ("paid + labour only", OLD, [terms(coverage="labour")], {}, "contract", False, True, "SC-2026-000001", "contract.covers_labour"),
    ("paid + expired yesterday", OLD, [terms(ends=-1)], {}, "paid", False, False, "", "contract.expired"),
    ("paid + ends today: still covered", OLD, [terms(ends=0)], {}, "contract", True, True, "SC-2026-000001", "contract.covers"),
    ("paid + starts tomorrow", OLD, [terms(starts=1)], {}, "paid", False, False, "", "contract.not_started"),
    ("paid + starts today: covered", OLD, [terms(starts=0)], {}, "contract", True, True, "SC-2026-000001", "contract.covers"),
    ("paid + cancelled", OLD, [terms(cancelled=True)], {}, "paid", False, False, "", "contract.cancelled"),
    ("paid + excluded fault", OLD, [terms()], {"fault_excluded": True}, "paid", False, False, "", "contract.fault_excluded"),
    ("paid + plan on a repair", OLD, [terms(kind="maintenance_plan", visits_left=2)], {}, "paid", False, False, "", "contract.maintenance_only"),
    ("plan on a maintenance visit", OLD, [terms(kind="maintenance_plan", visits_left=1)], {"maintenance": True}, "contract", True, True, "SC-2026-000001", "contract.covers"),
    ("plan used up", OLD, [terms(kind="maintenance_plan", visits_left=0)], {"maintenance": True}, "paid", False, False, "", "contract.visits_used"),
    ("extended warranty on maintenance", OLD, [terms()], {"maintenance": True}, "paid", False, False, "", "contract.repairs_only"),
    (
        "labour-only and both: the widest wins",
        OLD,
        [terms("SC-A", coverage="labour"), terms("SC-B", coverage="both")],
        {},
        "contract", True, True, "SC-B", "contract.covers",
    ),
    (
        "expired one and one in force",
        OLD,
        [terms("SC-A", ends=-10), terms("SC-B", starts=-9, coverage="parts")],
        {},
        "contract", True, False, "SC-B", "contract.covers_parts",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("facts", "contracts", "job", "basis", "parts", "labour", "number", "last_code"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_entitlement_table(facts, contracts, job, basis, parts, labour, number, last_code):
    decision, law = statutory(**facts)
    found = entitlement(law, contracts, JobFacts(day=DAY, **job))
    assert (found.basis, found.parts_free, found.labour_free, found.contract_number) == (basis, parts, labour, number)
    assert found.reasons[-1].code == last_code
    assert found.remedies == decision.remedies
    assert all(reason_texts(found))


def test_the_engine_decides_the_table_as_assumed():
    """The table's premises: 30 days after purchase a washer's repair is free, 800 days after it is not."""
    assert statutory(**FRESH)[0].free is True
    assert statutory(**OLD)[0].free is False
    assert statutory(**OLD)[0].rule == "general.out_of_period"


def test_misuse_is_paid_under_the_statute_and_under_a_contract():
    decision, law = statutory(bought_days_ago=400, fault_kind=tg.FaultKind.MISUSE, misuse_found_by_technician=True)
    assert decision.free is False and decision.rule == "exclusion.misuse"
    found = entitlement(law, [terms()], JobFacts(day=DAY, fault_excluded=True))
    assert found.basis == "paid"
    assert [reason.code for reason in found.reasons] == ["statutory.paid", "contract.fault_excluded"]


@pytest.mark.parametrize(
    ("km", "end_km", "basis", "last"),
    [
        (120_000, 100_000, "paid", "contract.km_exceeded"),
        (100_000, 100_000, "contract", "contract.covers"),  # at the end reading: still in
        (80_000, 100_000, "contract", "contract.covers"),
        (None, 100_000, "contract", "contract.km_unknown"),
    ],
)
def test_a_car_contract_ends_by_distance(km, end_km, basis, last):
    # 40 months and 70,000 km: past the car's 3-year / 60,000 km repair period.
    decision, law = statutory(CAR, bought_days_ago=1220, km=70_000)
    assert decision.free is False
    found = entitlement(law, [terms(end_km=end_km)], JobFacts(day=DAY, km=km))
    assert (found.basis, found.reasons[-1].code) == (basis, last)


def test_a_car_in_its_repair_period_stays_statutory_whatever_the_contract():
    decision, law = statutory(CAR, bought_days_ago=200, km=10_000)
    assert decision.free is True
    found = entitlement(law, [terms(end_km=5_000, coverage="labour")], JobFacts(day=DAY, km=10_000))
    assert (found.basis, found.parts_free, found.labour_free) == ("statutory", True, True)


CONTRACT_SETS = [
    [],
    [terms()],
    [terms(coverage="parts")],
    [terms(coverage="labour")],
    [terms(ends=-1)],
    [terms(cancelled=True)],
    [terms(kind="maintenance_plan", visits_left=3)],
    [terms(end_km=1)],
]
GRID = list(
    itertools.product(
        [WASHER, tg.STATUTORY_POLICIES["mobile_phone"], tg.STATUTORY_POLICIES["laptop"], CAR],
        [3, 10, 20, 100, 400, 800, 1500],
        [tg.FaultKind.PERFORMANCE, tg.FaultKind.APPEARANCE],
        [0, 2],
    )
)


@pytest.mark.parametrize("contracts", CONTRACT_SETS, ids=range(len(CONTRACT_SETS)))
@pytest.mark.parametrize("maintenance", [False, True])
def test_a_contract_never_gives_less_than_the_statute(contracts, maintenance):
    """For every remedy the engine gives (returns, replacements, free repairs, paid repairs), with
    any contract: the remedies are the engine's, and a free decision stays free on both counts."""
    remedies_seen = set()
    for policy, days, fault_kind, prior in GRID:
        decision, law = statutory(
            policy, bought_days_ago=days, fault_kind=fault_kind, prior_repairs=prior, km=days * 50
        )
        remedies_seen.update(decision.remedies)
        for excluded in (False, True):
            job = JobFacts(day=DAY, km=days * 50, fault_excluded=excluded, maintenance=maintenance)
            found = entitlement(law, contracts, job)
            assert found.remedies == decision.remedies
            if decision.free:
                assert (found.basis, found.parts_free, found.labour_free) == ("statutory", True, True)
            else:
                assert found.basis in ("contract", "paid")
    # The grid reaches returns, replacements, free and paid repairs.
    assert {"return_full", "replace", "repair_free", "repair_paid"} <= remedies_seen
