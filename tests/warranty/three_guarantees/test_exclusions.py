"""Exclusions (for the fault concerned only), the 6-month burden of proof, and proof of purchase.

docs/three-guarantees.md#exclusions. No database.
"""

import pytest

from warranty.three_guarantees import Policy, Proof, decide

from .builders import FREE, FRIDGE, LAPTOP, PAID, PHONE, RETURN_7D, WASHER, Case, cases, check, claim, d

# 2025-03-03 + 6 months: the last day the business carries the burden of proof.
BURDEN_ENDS = d(2025, 9, 3)

EXCLUSIONS = [
    Case("misuse after 6 months", claim(200, fault_kind="misuse"), FRIDGE, "exclusion.misuse", PAID, False),
    Case(
        "misuse within 6 months, found by a technician",
        claim(100, fault_kind="misuse", misuse_found_by_technician=True),
        FRIDGE,
        "exclusion.misuse",
        PAID,
        False,
        {"period_end": d(2026, 3, 3)},
    ),
    Case(
        "misuse within 6 months, no finding: a product fault",
        claim(100, fault_kind="misuse"),
        FRIDGE,
        "general.repair_in_period",
        FREE,
        True,
    ),
    Case(
        "misuse claimed on day 3, no finding: return still owed",
        claim(3, fault_kind="misuse"),
        FRIDGE,
        "general.return_7d",
        RETURN_7D,
        True,
    ),
    Case(
        "burden of proof, last day",
        claim(on=BURDEN_ENDS, fault_kind="misuse"),
        FRIDGE,
        "general.repair_in_period",
        FREE,
        True,
    ),
    Case(
        "burden of proof, day after",
        claim(on=d(2025, 9, 4), fault_kind="misuse"),
        FRIDGE,
        "exclusion.misuse",
        PAID,
        False,
    ),
    Case(
        "unauthorised repair after 6 months",
        claim(200, fault_kind="unauthorized_repair"),
        WASHER,
        "exclusion.unauthorized_repair",
        PAID,
        False,
    ),
    Case(
        "unauthorised repair within 6 months, found by a technician",
        claim(30, fault_kind="unauthorized_repair", misuse_found_by_technician=True),
        WASHER,
        "exclusion.unauthorized_repair",
        PAID,
        False,
    ),
    Case(
        "unauthorised repair within 6 months, no finding",
        claim(30, fault_kind="unauthorized_repair"),
        WASHER,
        "general.repair_in_period",
        FREE,
        True,
    ),
    Case(
        "force majeure on day 3", claim(3, fault_kind="force_majeure"), WASHER, "exclusion.force_majeure", PAID, False
    ),
    Case("laptop virus", claim(30, fault_kind="virus"), LAPTOP, "exclusion.virus", PAID, False),
    Case(
        "an excluded fault out of period is still the exclusion",
        claim(on=d(2027, 1, 1), fault_kind="force_majeure"),
        WASHER,
        "exclusion.force_majeure",
        PAID,
        False,
    ),
]

PROOF = [
    Case("invoice only", claim(100, proof=Proof(invoice=True)), WASHER, "general.repair_in_period", FREE, True),
    Case("warranty card only", claim(100, proof=Proof(card=True)), WASHER, "general.repair_in_period", FREE, True),
    Case("other proof only", claim(100, proof=Proof(other_proof=True)), WASHER, "general.repair_in_period", FREE, True),
    Case(
        "no invoice and no card",
        claim(100, proof=Proof()),
        WASHER,
        "exclusion.no_proof",
        PAID,
        False,
        {"period_end": None},
    ),
    Case(
        "documents not matching the unit",
        claim(100, proof=Proof(invoice=True, card=True, documents_match=False)),
        WASHER,
        "exclusion.documents_mismatch",
        PAID,
        False,
    ),
    Case("phone, no proof, no IMEI date", claim(5, proof=Proof()), PHONE, "exclusion.no_proof", PAID, False),
    Case(
        "phone, no proof: IMEI + 90 days, free repair only",
        claim(5, proof=Proof(imei_date=d(2025, 1, 1))),
        PHONE,
        "phone.imei_no_proof",
        FREE,
        True,
        {"period_end": d(2026, 4, 1), "refund_amount": None},
    ),
    Case(
        "phone, IMEI period, last day",
        claim(on=d(2026, 4, 1), proof=Proof(imei_date=d(2025, 1, 1))),
        PHONE,
        "phone.imei_no_proof",
        FREE,
        True,
    ),
    Case(
        "phone, IMEI period, day after",
        claim(on=d(2026, 4, 2), proof=Proof(imei_date=d(2025, 1, 1))),
        PHONE,
        "phone.imei_no_proof",
        PAID,
        False,
        {"period_end": d(2026, 4, 1)},
    ),
    Case(
        "phone, IMEI period, battery: 6 months from IMEI + 90 days",
        claim(on=d(2025, 10, 1), component="accessory:battery", proof=Proof(imei_date=d(2025, 1, 1))),
        PHONE,
        "phone.imei_no_proof",
        FREE,
        True,
    ),
    Case(
        "phone, IMEI period, battery day after",
        claim(on=d(2025, 10, 2), component="accessory:battery", proof=Proof(imei_date=d(2025, 1, 1))),
        PHONE,
        "phone.imei_no_proof",
        PAID,
        False,
    ),
    Case(
        "phone with an invoice: the IMEI date does not matter",
        claim(5, proof=Proof(invoice=True, imei_date=d(2025, 1, 1))),
        PHONE,
        "general.return_7d",
        RETURN_7D,
        True,
    ),
    Case(
        "not a phone: an IMEI date is no proof",
        claim(5, proof=Proof(imei_date=d(2025, 1, 1))),
        WASHER,
        "exclusion.no_proof",
        PAID,
        False,
    ),
    Case(
        "phone, IMEI only, misuse found: the exclusion first",
        claim(5, proof=Proof(imei_date=d(2025, 1, 1)), fault_kind="misuse", misuse_found_by_technician=True),
        PHONE,
        "exclusion.misuse",
        PAID,
        False,
    ),
]

CASES = EXCLUSIONS + PROOF


@pytest.mark.parametrize("case", cases(EXCLUSIONS))
def test_exclusions_and_the_burden_of_proof(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", cases(PROOF))
def test_proof_of_purchase(case: Case) -> None:
    check(case)


@pytest.mark.parametrize(
    ("excluded_kind", "policy"),
    [("misuse", FRIDGE), ("unauthorized_repair", WASHER), ("force_majeure", WASHER), ("virus", LAPTOP)],
)
def test_an_exclusion_only_affects_the_fault_concerned(excluded_kind: str, policy: Policy) -> None:
    unit = {"start": d(2025, 3, 3), "on": d(2025, 12, 1), "misuse_found_by_technician": True}
    excluded = decide(claim(fault_kind=excluded_kind, **unit), policy)
    other_fault = decide(claim(fault_kind="performance", **unit), policy)
    assert (excluded.remedies, excluded.free) == (PAID, False)
    assert (other_fault.rule, other_fault.remedies, other_fault.free) == ("general.repair_in_period", FREE, True)


def test_treating_misuse_as_a_product_fault_is_explained() -> None:
    decision = decide(claim(100, fault_kind="misuse"), FRIDGE)
    assert decision.reasons[0].code == "note.burden_of_proof"
    assert decision.reasons[0].params == {"until": BURDEN_ENDS}
