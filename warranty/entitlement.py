"""A ticket's entitlement: free under the three guarantees, free under a contract, or paid
(docs/contracts.md#entitlement). The one place the desk's ticket page, the claim page and the API
ask; the rule itself is contracts/cover_rules.py.

The statutory side is the ticket's latest claim, as it was decided; with no claim yet, a fresh
evaluation of the facts the records hold, prefilled exactly as the claim page prefills them. The
contract side is every contract in force on the unit that day, whoever sold it (cover belongs to
the unit: ``contracts.services.in_force_on`` reads the base manager).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts import cover_rules
from contracts.choices import ContractStatus
from contracts.models import ServiceContract
from contracts.services import in_force_on, latest_odometer
from tickets import page_rows
from tickets.choices import Kind
from tickets.models import Ticket
from warranty import evaluation
from warranty import three_guarantees as tg
from warranty.models import WarrantyClaim
from warranty.selectors import claims_of


class EntitlementSource(TextChoices):
    """What the statutory side was decided from."""

    CLAIM = "claim", _("the latest warranty claim")
    EVALUATION = "evaluation", _("the facts on record (no claim yet)")
    NONE = "none", _("no three-guarantees decision (no policy or no start date)")


SOURCE_CLAIM = EntitlementSource.CLAIM
SOURCE_EVALUATION = EntitlementSource.EVALUATION
SOURCE_NONE = EntitlementSource.NONE


@dataclass
class TicketEntitlement:
    """The entitlement with what it was decided from: the claim (``source`` claim), a fresh
    evaluation (``evaluation``) or nothing the engine could decide (``none``: no policy, or no
    date to count the guarantee from), the job's day and the covering contract."""

    entitlement: cover_rules.Entitlement
    source: str
    day: dt.date
    claim: WarrantyClaim | None = None
    contract: ServiceContract | None = None
    reasons: list[str] = field(default_factory=list)
    remedy_labels: list[str] = field(default_factory=list)


def job_day(ticket: Ticket) -> dt.date:
    """The job's day: the day the customer reported it, the day its cover is judged on."""
    return timezone.localdate(ticket.created_at) if ticket.created_at else timezone.localdate()


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _statutory_from_claim(claim: WarrantyClaim) -> tuple[cover_rules.Statutory, dict]:
    return cover_rules.Statutory(free=claim.free, remedies=tuple(claim.remedies), rule=claim.rule), claim.facts or {}


def _fresh_statutory(ticket: Ticket, day: dt.date) -> tuple[cover_rules.Statutory | None, dict]:
    """The engine's decision on the recorded facts, as the claim page would prefill them."""
    unit = ticket.unit
    policy = evaluation.policy_for_unit(unit)
    if policy is None:
        return None, {}
    facts = evaluation.prefill_for_unit(
        unit, claim_date=day, policy=policy, fault_category=ticket.fault_category, exclude_ticket=ticket, ticket=ticket
    )
    if policy.family == tg.Family.CAR and (reading := latest_odometer(unit)) is not None and reading.read_on <= day:
        # A car's guarantees end by distance too: the latest reading the records hold.
        facts["km"] = reading.km
    if evaluation.guarantee_start(facts, policy.family) is None:
        return None, facts
    try:
        decision = evaluation.evaluate(facts, policy)
    except tg.FactsError:
        return None, facts
    return cover_rules.Statutory(free=decision.free, remedies=decision.remedies, rule=decision.rule), facts


def _terms(contracts: list[ServiceContract]) -> list[cover_rules.ContractTerms]:
    return [
        cover_rules.ContractTerms(
            number=contract.number,
            kind=contract.kind,
            coverage=contract.coverage,
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
            end_km=contract.end_km,
            cancelled=contract.status == ContractStatus.CANCELLED,
            visits_left=max(0, contract.included_visits - contract.visits_used),
        )
        for contract in contracts
    ]


def ticket_entitlement(ticket: Ticket, *, claims: list[WarrantyClaim] | None = None) -> TicketEntitlement | None:
    """Who pays for the ticket's job, or None for a ticket about no registered unit.

    ``claims`` are the ticket's claims newest first when the caller has them already (the
    ticket page does). Reasons are rendered in the active language."""
    if ticket.unit_id is None:
        return None
    claim = (claims[0] if claims else None) if claims is not None else claims_of(ticket).first()
    if claim is not None:
        statutory, facts = _statutory_from_claim(claim)
        day = _date(facts.get("claim_date")) or job_day(ticket)
        source = SOURCE_CLAIM
    else:
        day = job_day(ticket)
        statutory, facts = _fresh_statutory(ticket, day)
        source = SOURCE_EVALUATION if statutory is not None else SOURCE_NONE
    contracts = (
        list(in_force_on(ticket.unit, day).annotate(visits_used=Count("visits")).select_related("product"))
        if page_rows.may_have(ticket, "unit_contracts")  # its page found none (tickets/page_rows.py)
        else []
    )
    km = facts.get("km") or None
    if km is None and any(contract.end_km is not None for contract in contracts):
        reading = latest_odometer(ticket.unit)
        km = reading.km if reading is not None and reading.read_on <= day else None
    job = cover_rules.JobFacts(
        day=day,
        km=km,
        fault_excluded=(facts.get("fault_kind") or "") in cover_rules.EXCLUDED_FAULT_KINDS,
        maintenance=ticket.kind == Kind.MAINTENANCE,
    )
    found = cover_rules.entitlement(statutory or cover_rules.Statutory(free=False), _terms(contracts), job)
    contract = (
        next((c for c in contracts if c.number == found.contract_number), None) if found.contract_number else None
    )
    return TicketEntitlement(
        entitlement=found,
        source=source,
        day=day,
        claim=claim,
        contract=contract,
        reasons=cover_rules.reason_texts(found),
        remedy_labels=[str(tg.Remedy(code).label) for code in found.remedies if code in tg.Remedy.values],
    )
