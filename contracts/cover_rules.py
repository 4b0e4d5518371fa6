"""Who pays for a job: the three guarantees, a service contract, or the customer. Pure: no ORM,
no clock, no settings (docs/contracts.md#entitlement).

``entitlement(statutory, contracts, job) -> Entitlement`` takes the statutory three-guarantees
decision as it came out of the engine (free or not, the remedies allowed, the deciding rule), the
unit's contracts and the job's facts, and says whether the job's parts and labour are free and on
what basis, with the reasons as stable codes rendered in the reader's language only when asked
for (:func:`reason_texts`).

The one invariant: a contract only adds cover. Whatever the statutory decision gives (a free
repair, a replacement, a return) is kept as it is, remedies and all; a contract is looked at only
when the three guarantees leave the job to be paid, and then it can make the parts, the labour
or both free. Nothing a contract says (its coverage, its dates, its kilometres, its exclusions)
can turn a statutory free job into a paid one.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models.enums import TextChoices
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contracts.choices import ContractKind, Coverage


class Basis(TextChoices):
    STATUTORY = "statutory", _("Free under the three guarantees")
    CONTRACT = "contract", _("Covered by a service contract")
    PAID = "paid", _("Paid by the customer")


# The faults no contract covers, as the statute does not: the customer's own doing or an outside event.
EXCLUDED_FAULT_KINDS = frozenset({"misuse", "unauthorized_repair", "force_majeure", "virus"})


@dataclass(frozen=True, kw_only=True)
class Statutory:
    """The three-guarantees decision for the job: whether it is free, the remedies it allows
    and the code of the rule that decided (``exclusion.*`` for an excluded fault)."""

    free: bool
    remedies: tuple[str, ...] = ()
    rule: str = ""


@dataclass(frozen=True, kw_only=True)
class ContractTerms:
    """One contract on the unit, as sold: its kind, what it covers, its dates and, for a car,
    the odometer reading it ends at. ``visits_left`` counts a maintenance plan's included visits
    not yet used."""

    number: str
    kind: str
    coverage: str
    starts_on: dt.date
    ends_on: dt.date
    end_km: int | None = None
    cancelled: bool = False
    visits_left: int = 0


@dataclass(frozen=True, kw_only=True)
class JobFacts:
    """The job: its day, a car's odometer reading (None when not read), whether the fault is
    one no contract covers (misuse, unauthorised repair, force majeure, a virus) and whether it
    is a maintenance visit rather than a repair."""

    day: dt.date
    km: int | None = None
    fault_excluded: bool = False
    maintenance: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Entitlement:
    """Who pays: ``basis`` is statutory, contract or paid; ``remedies`` are the statutory
    decision's, unchanged; ``contract_number`` is the contract that covers the job (or, when the
    three guarantees already do, none)."""

    basis: str
    parts_free: bool
    labour_free: bool
    remedies: tuple[str, ...]
    contract_number: str = ""
    reasons: tuple[Reason, ...] = ()

    @property
    def free(self) -> bool:
        return self.parts_free and self.labour_free

    @property
    def label(self) -> str:
        return str(Basis(self.basis).label)


def _coverage(coverage: str) -> tuple[bool, bool]:
    return coverage in (Coverage.PARTS, Coverage.BOTH), coverage in (Coverage.LABOUR, Coverage.BOTH)


def _why_not(terms: ContractTerms, job: JobFacts) -> Reason | None:
    """Why this contract does not cover the job, or None when it does."""
    number = {"number": terms.number}
    if terms.cancelled:
        return Reason("contract.cancelled", number)
    if job.day < terms.starts_on:
        return Reason("contract.not_started", {**number, "starts": terms.starts_on})
    if job.day > terms.ends_on:
        return Reason("contract.expired", {**number, "ends": terms.ends_on})
    if terms.end_km is not None and job.km is not None and job.km > terms.end_km:
        return Reason("contract.km_exceeded", {**number, "end_km": terms.end_km, "km": job.km})
    if terms.kind == ContractKind.MAINTENANCE_PLAN:
        if not job.maintenance:
            return Reason("contract.maintenance_only", number)
        if terms.visits_left <= 0:
            return Reason("contract.visits_used", number)
    elif job.maintenance:
        return Reason("contract.repairs_only", number)
    if job.fault_excluded:
        return Reason("contract.fault_excluded", number)
    return None


def _best(covering: list[ContractTerms]) -> ContractTerms:
    # The widest cover first (both, then parts, then labour), then the one that runs longest.
    rank = {Coverage.BOTH: 0, Coverage.PARTS: 1, Coverage.LABOUR: 2}
    return sorted(covering, key=lambda terms: (rank.get(terms.coverage, 3), -terms.ends_on.toordinal()))[0]


def entitlement(statutory: Statutory, contracts: Iterable[ContractTerms], job: JobFacts) -> Entitlement:
    """Who pays for ``job``. Statutory free: the three guarantees, whatever the contracts say.
    Otherwise the contract in force that covers the job (the widest cover), parts and labour as
    its coverage says; otherwise the customer, with why no contract covered it."""
    contracts = list(contracts)
    remedies = tuple(statutory.remedies)
    if statutory.free:
        reasons = [Reason("statutory.free", {"rule": statutory.rule})]
        covering = [terms for terms in contracts if _why_not(terms, job) is None]
        if covering:
            reasons.append(Reason("contract.not_needed", {"number": _best(covering).number}))
        return Entitlement(
            basis=Basis.STATUTORY, parts_free=True, labour_free=True, remedies=remedies, reasons=tuple(reasons)
        )
    statutory_reason = Reason("statutory.paid", {"rule": statutory.rule}) if statutory.rule else None
    refusals = []
    covering = []
    for terms in contracts:
        refusal = _why_not(terms, job)
        if refusal is None:
            covering.append(terms)
        else:
            refusals.append(refusal)
    head = (statutory_reason,) if statutory_reason else ()
    if covering:
        terms = _best(covering)
        parts_free, labour_free = _coverage(terms.coverage)
        code = {(True, True): "contract.covers", (True, False): "contract.covers_parts"}.get(
            (parts_free, labour_free), "contract.covers_labour"
        )
        reasons = [Reason(code, {"number": terms.number, "kind": terms.kind, "ends": terms.ends_on})]
        if terms.end_km is not None and job.km is None:
            reasons.append(Reason("contract.km_unknown", {"number": terms.number, "end_km": terms.end_km}))
        return Entitlement(
            basis=Basis.CONTRACT,
            parts_free=parts_free,
            labour_free=labour_free,
            remedies=remedies,
            contract_number=terms.number,
            reasons=(*head, *reasons),
        )
    tail = tuple(refusals) or (Reason("paid.no_contract"),)
    return Entitlement(basis=Basis.PAID, parts_free=False, labour_free=False, remedies=remedies, reasons=(*head, *tail))


REASON_TEXTS: dict[str, Promise] = {
    "statutory.free": _("The three guarantees make this job free of charge; the remedies they allow are kept."),
    "statutory.paid": _("The three guarantees do not make this job free."),
    "contract.not_needed": _(
        "Contract %(number)s is in force too, but the three guarantees already cover this job; the contract is not used."
    ),
    "contract.covers": _("Contract %(number)s (%(kind)s, until %(ends)s) makes the parts and the labour free."),
    "contract.covers_parts": _(
        "Contract %(number)s (%(kind)s, until %(ends)s) covers the parts only: the labour is paid."
    ),
    "contract.covers_labour": _(
        "Contract %(number)s (%(kind)s, until %(ends)s) covers the labour only: the parts are paid."
    ),
    "contract.km_unknown": _(
        "Contract %(number)s ends at %(end_km)s km, and no odometer reading was recorded for this job: "
        "record it to be sure the car is still covered."
    ),
    "contract.cancelled": _("Contract %(number)s was cancelled."),
    "contract.not_started": _("Contract %(number)s only starts on %(starts)s."),
    "contract.expired": _("Contract %(number)s ended on %(ends)s."),
    "contract.km_exceeded": _("Contract %(number)s ended at %(end_km)s km; the car has done %(km)s km."),
    "contract.maintenance_only": _("Contract %(number)s is a maintenance plan: it covers its maintenance visits only."),
    "contract.visits_used": _("All the maintenance visits of plan %(number)s have been used."),
    "contract.repairs_only": _("Contract %(number)s is an extended warranty: it covers repairs, not maintenance."),
    "contract.fault_excluded": _(
        "Contract %(number)s does not cover a fault caused by misuse, unauthorised repair, force majeure or a virus."
    ),
    "paid.no_contract": _("No service contract is in force on this product: the customer pays."),
}


def _format(key: str, value: object) -> object:
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    if key == "kind":
        return str(ContractKind(value).label) if value in ContractKind.values else value
    return value


def reason_text(reason: Reason) -> str:
    """One reason in the active language."""
    return str(REASON_TEXTS[reason.code] % {key: _format(key, value) for key, value in reason.params.items()})


def reason_texts(found: Entitlement) -> list[str]:
    return [reason_text(reason) for reason in found.reasons]
