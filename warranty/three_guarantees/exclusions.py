"""Exclusions and proof of purchase (docs/three-guarantees.md#exclusions).

An exclusion takes the free service away for the fault concerned only: the decision for this
claim is a paid repair, and any other fault of the same unit is judged on its own facts.
Misuse and unauthorised repair have already been turned into performance faults where the
business could not hold the customer to them (see ``claim._fault_kind_after_burden_of_proof``).
"""

from collections.abc import Callable

from .claim import Claim, Outcome
from .facts import FaultKind, Reason, Remedy


def _paid(code: str) -> Outcome:
    return Outcome(remedies=(Remedy.REPAIR_PAID,), free=False, reasons=(Reason(code, {}),))


def _excludes(fault_kind: str, code: str) -> Callable[[Claim], Outcome | None]:
    def apply(claim: Claim) -> Outcome | None:
        return _paid(code) if claim.fault_kind == fault_kind else None

    apply.__doc__ = f"A {fault_kind} fault is not covered: paid repair for this fault only."
    return apply


misuse = _excludes(FaultKind.MISUSE, "exclusion.misuse")
unauthorized_repair = _excludes(FaultKind.UNAUTHORIZED_REPAIR, "exclusion.unauthorized_repair")
force_majeure = _excludes(FaultKind.FORCE_MAJEURE, "exclusion.force_majeure")
# Computers only: the 2002 microcomputer rules exclude viruses and pirated software.
virus = _excludes(FaultKind.VIRUS, "exclusion.virus")


def no_proof(claim: Claim) -> Outcome | None:
    """No invoice and no warranty card (nor other proof dating the purchase): nothing starts a period.

    Phones with an IMEI manufacture date are the exception, handled by :func:`phone_imei_no_proof`.
    """
    return None if claim.has_dated_purchase else _paid("exclusion.no_proof")


def documents_mismatch(claim: Claim) -> Outcome | None:
    """Documents altered or not matching the unit (IMEI, serial number) prove nothing."""
    return None if claim.facts.proof.documents_match else _paid("exclusion.documents_mismatch")


def phone_imei_no_proof(claim: Claim) -> Outcome | None:
    """A phone with no proof at all: its period starts 90 days after the IMEI manufacture date,
    and inside it the phone gets a free repair only (no return, no replacement)."""
    if not claim.imei_only:
        return None
    params = {"imei_date": claim.facts.proof.imei_date, "start": claim.purchase_start, "period_end": claim.coverage_end}
    if claim.covered:
        return Outcome((Remedy.REPAIR_FREE,), True, (Reason("phone.imei_no_proof", params),))
    return Outcome((Remedy.REPAIR_PAID,), False, (Reason("phone.imei_no_proof.out_of_period", params),))
