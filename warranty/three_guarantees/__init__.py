"""The three guarantees (三包) rule engine. Pure: no ORM, no clock, no settings.

docs/three-guarantees.md#the-engine: ``decide(facts, policy) -> Decision`` runs the statutory rules (general
catalogue goods 1995, mobile phones 2001, microcomputers 2002, household cars 2021) as an
ordered tuple with stable codes, then unions the brand's extra remedies. The claim date is a
fact, statutory holidays are data; :func:`reason_texts` renders the reasons in plain words in
the active language.
"""

from .catalogue import STATUTORY_POLICIES
from .claim import UNDATED, UNDATED_PHONE, imei_period_start
from .engine import ADDITIONS, RULES, decide
from .facts import (
    CarFault,
    Decision,
    Facts,
    FactsError,
    Family,
    FaultKind,
    OpenRepair,
    Policy,
    Proof,
    Reason,
    Remedy,
    RepairCause,
)
from .texts import COMPONENT_LABELS, REASON_TEXTS, component_label, reason_text, reason_texts, stored_reason

__all__ = [
    "ADDITIONS",
    "COMPONENT_LABELS",
    "REASON_TEXTS",
    "RULES",
    "STATUTORY_POLICIES",
    "UNDATED",
    "UNDATED_PHONE",
    "CarFault",
    "Decision",
    "Facts",
    "FactsError",
    "Family",
    "FaultKind",
    "OpenRepair",
    "Policy",
    "Proof",
    "Reason",
    "Remedy",
    "RepairCause",
    "component_label",
    "decide",
    "imei_period_start",
    "reason_text",
    "reason_texts",
    "stored_reason",
]
