"""A claim as the rules see it: the facts checked, the periods worked out once.

Also the two shapes every rule shares: a :class:`Rule` answers with an :class:`Outcome` or
None (does not apply); an :class:`Addition` adds remedies to the deciding outcome.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .facts import (
    ACCESSORY_PREFIX,
    MAIN_PART_PREFIX,
    MAIN_PREFIX,
    MAJOR_ASSEMBLIES,
    WHOLE,
    CarFault,
    Facts,
    FactsError,
    Family,
    FaultKind,
    Policy,
    Proof,
    Reason,
    RepairCause,
)
from .periods import elapsed_days, period_end, window_end

# The 2001 mobile phone rules: a phone with no proof of purchase at all starts its period 90
# days after the manufacture date its IMEI encodes.
IMEI_START_OFFSET = dt.timedelta(days=90)
# Within 6 months of purchase the business carries the burden of proving misuse.
BURDEN_OF_PROOF_MONTHS = 6
# Cars: the 60-day / 3,000 km window for safety faults and main parts.
CAR_SAFETY_DAYS = 60
CAR_SAFETY_KM = 3_000

UNDATED = _("No date shows when this product's guarantee started: enter it.")
UNDATED_PHONE = _(
    "No date shows when this phone's guarantee started: enter the start date from the invoice or warranty card "
    "or, with neither, the manufacture date from the IMEI."
)

COUNT_FIELDS = ("prior_repairs", "repair_days", "waiting_days", "km", "same_issue_repairs", "assembly_replacements")


@dataclass(frozen=True)
class Claim:
    facts: Facts
    policy: Policy
    # The day the purchase is taken to have happened: the start date, or IMEI + 90 days
    # (then any start date given is ignored and ``notes`` say so).
    purchase_start: dt.date
    imei_only: bool
    # The fault kind after the burden of proof and the independent-garage rule.
    fault_kind: str
    notes: tuple[Reason, ...]
    elapsed: int
    return_end: dt.date
    replace_end: dt.date
    whole_end: dt.date
    part_months: int | None
    part_end: dt.date | None
    validity_end: dt.date
    repair_end: dt.date
    car_safety_end: dt.date

    @property
    def family(self) -> str:
        return self.policy.family

    @property
    def component_kind(self) -> str:
        return self.facts.component.split(":", 1)[0]

    @property
    def component_name(self) -> str:
        return self.facts.component.split(":", 1)[1] if ":" in self.facts.component else WHOLE

    @property
    def is_performance(self) -> bool:
        return self.fault_kind == FaultKind.PERFORMANCE

    @property
    def is_unit_fault(self) -> bool:
        """The whole unit or one of its main components, not an accessory."""
        return self.component_kind != "accessory"

    @property
    def has_dated_purchase(self) -> bool:
        return self.facts.proof.dates_the_purchase or self.imei_only

    @property
    def in_whole_period(self) -> bool:
        return self.facts.claim_date <= self.whole_end

    @property
    def in_part_period(self) -> bool:
        return self.part_end is not None and self.facts.claim_date <= self.part_end

    @property
    def covered(self) -> bool:
        """Inside the period that gives the claimed part free repair (cars: see ``in_repair_period``)."""
        return self.coverage_end is not None and self.facts.claim_date <= self.coverage_end

    @property
    def in_validity(self) -> bool:
        return self.facts.claim_date <= self.validity_end and self.facts.km <= self.policy.validity_km

    @property
    def in_repair_km(self) -> bool:
        return self.facts.km <= self.policy.repair_period_km

    @property
    def in_repair_period(self) -> bool:
        return self.facts.claim_date <= self.repair_end and self.in_repair_km

    @property
    def in_car_safety_window(self) -> bool:
        return self.facts.claim_date <= self.car_safety_end and self.facts.km <= CAR_SAFETY_KM

    @property
    def coverage_end(self) -> dt.date | None:
        """The last day the claimed part is covered by free repair; None when nothing dates the purchase."""
        if not self.has_dated_purchase:
            return None
        if self.component_kind == "accessory":
            return self.part_end
        if self.family == Family.CAR:
            return self.repair_end
        if self.component_kind == "main" and self.part_end is not None:
            return max(self.whole_end, self.part_end)
        return self.whole_end


@dataclass(frozen=True)
class Outcome:
    remedies: tuple[str, ...]
    free: bool
    reasons: tuple[Reason, ...]
    refund_amount: Decimal | None = None
    usage_fee: Decimal | None = None


@dataclass(frozen=True)
class Rule:
    """One statutory rule: the families it covers and a check that answers or passes (None)."""

    code: str
    families: frozenset[str]
    apply: Callable[[Claim], Outcome | None]


@dataclass(frozen=True)
class Addition:
    """A remedy added on top of the deciding rule's (the car loaner, the brand's extras)."""

    code: str
    families: frozenset[str]
    apply: Callable[[Claim, Outcome], Outcome | None]


def imei_period_start(proof: Proof, family: str) -> dt.date | None:
    """The day a phone's period starts when only its IMEI dates it: the manufacture date + 90 days.

    The 2001 mobile phone rules: a phone with neither an invoice nor a warranty card (nor any
    other proof dating the purchase) is taken to have been sold 90 days after it was made, and
    its period is counted from then; a start date given without proof proves nothing, so it is
    ignored. No other statute dates a product from its manufacture: general goods (1995),
    computers (2002) and cars (2021) with no proof are not covered (``exclusion.no_proof``).
    None when the rule does not apply.
    """
    if family != Family.PHONE or proof.dates_the_purchase or proof.imei_date is None:
        return None
    return proof.imei_date + IMEI_START_OFFSET


def _check_facts(facts: Facts, policy: Policy, *, imei_start: dt.date | None) -> dt.date:
    """Raise :class:`FactsError` for facts that cannot be true of any claim; answer the day the
    claim's periods are counted from (the IMEI rule's day, else the start date)."""
    if imei_start is None and facts.start_date is None:
        undated_phone = policy.family == Family.PHONE and not facts.proof.dates_the_purchase
        raise FactsError("start_date", UNDATED_PHONE if undated_phone else UNDATED)
    if imei_start is None and facts.claim_date < facts.start_date:
        raise FactsError("claim_date", _("The claim date cannot be before the start date."))
    for name in COUNT_FIELDS:
        if getattr(facts, name) < 0:
            raise FactsError(name, _("This cannot be negative."))
    if any(hours < 0 for hours in facts.repair_hours):
        raise FactsError("repair_hours", _("Repair hours cannot be negative."))
    if facts.price is not None and facts.price < 0:
        raise FactsError("price", _("The price cannot be negative."))
    if facts.fault_kind not in FaultKind.values:
        raise FactsError("fault_kind", _("Unknown fault kind."))
    if facts.fault_kind == FaultKind.VIRUS and policy.family != Family.COMPUTER:
        raise FactsError("fault_kind", _("A virus or pirated software fault applies to computers only."))
    _check_component(facts.component, policy)
    if facts.open_repair is not None:
        if facts.open_repair.days_open < 0:
            raise FactsError("open_repair.days_open", _("This cannot be negative."))
        if facts.open_repair.cause not in RepairCause.values:
            raise FactsError("open_repair.cause", _("Unknown cause."))
    # Under the IMEI rule the unit exists from its manufacture date, and may be claimed for
    # (and replaced) before its period starts.
    earliest = facts.proof.imei_date if imei_start is not None else facts.start_date
    for name in ("whole_unit_replaced_on", "component_replaced_on"):
        replaced_on = getattr(facts, name)
        if replaced_on is not None and not earliest <= replaced_on <= facts.claim_date:
            raise FactsError(name, _("The replacement date must be between the start date and the claim date."))
    if facts.component_replaced_on is not None and not facts.component.startswith(MAIN_PREFIX):
        raise FactsError("component_replaced_on", _("Only a main component claim has a component replacement date."))
    if facts.proof.imei_date is not None and facts.proof.imei_date > facts.claim_date:
        raise FactsError("proof.imei_date", _("The manufacture date cannot be after the claim date."))
    if facts.car_fault is not None:
        _check_car_fault(facts.car_fault, policy)
    return imei_start or facts.start_date


def _check_component(component: str, policy: Policy) -> None:
    if component == WHOLE:
        return
    for prefix, months_of in ((MAIN_PREFIX, policy.main_component_period), (ACCESSORY_PREFIX, policy.accessory_period)):
        if component.startswith(prefix) and component != prefix:
            if months_of(component.removeprefix(prefix)) is None:
                raise FactsError("component", _("This product category has no such component."))
            return
    raise FactsError("component", _('Give "whole", "main:<name>" or "accessory:<name>".'))


def _check_car_fault(car_fault: str, policy: Policy) -> None:
    if policy.family != Family.CAR:
        raise FactsError("car_fault", _("Only a car has a car fault."))
    assembly = car_fault.removeprefix(MAIN_PART_PREFIX)
    known = assembly in MAJOR_ASSEMBLIES if car_fault.startswith(MAIN_PART_PREFIX) else car_fault in CarFault.values
    if not known:
        raise FactsError("car_fault", _("Unknown car fault."))


def build_claim(facts: Facts, policy: Policy) -> Claim:
    """Check the facts, then work out every date the rules compare the claim date with.

    Every period and window counts from ``purchase_start``: the start date, or under the IMEI
    rule the manufacture date + 90 days. A claim made before the IMEI rule's day (the phone
    was plainly sold earlier) has used no days of its period.
    """
    imei_start = imei_period_start(facts.proof, policy.family)
    purchase_start = _check_facts(facts, policy, imei_start=imei_start)
    unit_start = facts.whole_unit_replaced_on or purchase_start
    counting = {"count_start_day": policy.count_start_day, "holidays": facts.holidays}
    extended = {**counting, "extension_days": facts.repair_days + facts.waiting_days}

    part_months, part_start = _part_period(facts, policy, unit_start)
    part_end = None if part_months is None else period_end(part_start, part_months, **extended)

    fault_kind, notes = _fault_kind_after_burden_of_proof(facts, policy, purchase_start)
    return Claim(
        facts=facts,
        policy=policy,
        purchase_start=purchase_start,
        imei_only=imei_start is not None,
        fault_kind=fault_kind,
        notes=(*_ignored_start_date(facts, imei_start), *notes),
        elapsed=max(0, elapsed_days(purchase_start, facts.claim_date, count_start_day=policy.count_start_day)),
        return_end=window_end(purchase_start, policy.return_days, **counting),
        replace_end=window_end(purchase_start, policy.replace_days, **counting),
        whole_end=period_end(unit_start, policy.whole_unit_months, **extended),
        part_months=part_months,
        part_end=part_end,
        validity_end=period_end(unit_start, policy.validity_months, **extended),
        repair_end=period_end(unit_start, policy.repair_period_months, **extended),
        car_safety_end=window_end(purchase_start, CAR_SAFETY_DAYS, **counting),
    )


def _ignored_start_date(facts: Facts, imei_start: dt.date | None) -> tuple[Reason, ...]:
    """Say so when the IMEI rule sets aside a start date that was given (and differs from its day)."""
    if imei_start is None or facts.start_date is None or facts.start_date == imei_start:
        return ()
    return (Reason("note.imei_start_ignored", {"given": facts.start_date, "start": imei_start}),)


def _part_period(facts: Facts, policy: Policy, unit_start: dt.date) -> tuple[int | None, dt.date]:
    """The months and start of the claimed main component's or accessory's own period.

    Replacing the whole unit restarts every period; replacing the main component concerned
    restarts that component's period only.
    """
    component = facts.component
    if component.startswith(MAIN_PREFIX):
        name = component.removeprefix(MAIN_PREFIX)
        return policy.main_component_period(name), max(unit_start, facts.component_replaced_on or unit_start)
    if component.startswith(ACCESSORY_PREFIX):
        return policy.accessory_period(component.removeprefix(ACCESSORY_PREFIX)), unit_start
    return None, unit_start


def _fault_kind_after_burden_of_proof(
    facts: Facts, policy: Policy, purchase_start: dt.date
) -> tuple[str, tuple[Reason, ...]]:
    """Misuse and unauthorised repair only count against the customer when they can be held to them.

    Cars: servicing at an independent garage does not void the 2021 guarantees, so a car's
    "unauthorised repair" is a product fault. Everyone else: within 6 months of purchase the
    business must prove misuse or unauthorised repair, so without a technician's recorded
    finding the fault is treated as a performance fault.
    """
    kind = facts.fault_kind
    if kind == FaultKind.UNAUTHORIZED_REPAIR and policy.family == Family.CAR:
        return FaultKind.PERFORMANCE, (Reason("note.independent_garage", {}),)
    if kind in (FaultKind.MISUSE, FaultKind.UNAUTHORIZED_REPAIR) and not facts.misuse_found_by_technician:
        until = period_end(
            purchase_start, BURDEN_OF_PROOF_MONTHS, count_start_day=policy.count_start_day, holidays=facts.holidays
        )
        if facts.claim_date <= until:
            return FaultKind.PERFORMANCE, (Reason("note.burden_of_proof", {"until": until}),)
    return kind, ()
