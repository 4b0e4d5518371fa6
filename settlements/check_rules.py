"""The automatic checks of a settlement line, as rules on plain facts (docs/settlement.md#checks).

Pure: settlements/checks.py reads the facts with set-based queries and hands them in; nothing
here touches the database, the settings or the clock. Each rule answers the parameters of its
flag (a dict) or None when the line passes.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# A claim of the same unit and fault this many days after an earlier one (or fewer) is a repeat.
REPEAT_CLAIM_DAYS = 30
# The window of the repeat-repair rate, in days up to the statement month's last day.
REPEAT_RATE_WINDOW_DAYS = 90
# A repair counts as repeated when the same unit needs another repair this many days after its resolution.
REPEAT_REPAIR_DAYS = 30
# A provider is far above the network when its rate is more than this many times the network's…
REPEAT_RATE_FACTOR = Decimal("2")
# …over at least this many repairs in the window (fewer is too few to judge).
REPEAT_RATE_MIN_REPAIRS = 20
# Old-part returns in these states count as received.
RECEIVED_RETURNS = frozenset({"received", "inspected"})


@dataclass(frozen=True)
class Claim:
    """A settlement line as the repeat rule sees it."""

    line_id: int
    reference: str
    unit_id: int | None
    fault_category_id: int | None
    fault_code: str
    job_date: dt.date


def same_fault(a: Claim, b: Claim) -> bool:
    """The same fault: the same fault category, or the same fault code (both recorded)."""
    if a.fault_category_id is not None and a.fault_category_id == b.fault_category_id:
        return True
    return bool(a.fault_code) and a.fault_code == b.fault_code


def repeat_of(claim: Claim, others: Iterable[Claim]) -> dict | None:
    """The earlier claim this one repeats: the same unit and fault, claimed 0 to 30 days before
    (day 30 is a repeat, day 31 is not; on the same day the line made first is the earlier)."""
    if claim.unit_id is None:
        return None
    earlier = [
        other
        for other in others
        if other.line_id != claim.line_id
        and other.unit_id == claim.unit_id
        and same_fault(claim, other)
        and 0 <= (claim.job_date - other.job_date).days <= REPEAT_CLAIM_DAYS
        and (other.job_date, other.line_id) < (claim.job_date, claim.line_id)
    ]
    if not earlier:
        return None
    first = max(earlier, key=lambda other: (other.job_date, other.line_id))
    return {
        "ticket": first.reference,
        "date": first.job_date.isoformat(),
        "days": (claim.job_date - first.job_date).days,
    }


def callback_unverified(last_status: str | None) -> dict | None:
    """The after-service callback of the last resolution was not done (none, the customer
    unreachable, or cancelled): the work was never confirmed with the customer."""
    if last_status == "done":
        return None
    return {"status": last_status or "none"}


def parts_not_returned(uses: Iterable[tuple[str, str | None]]) -> dict | None:
    """Warranty parts (part number, old-part return status or None) whose old part was not received."""
    missing = sorted({number for number, status in uses if status not in RECEIVED_RETURNS})
    return {"parts": ", ".join(missing)} if missing else None


def outside_warranty(job_date: dt.date, *, has_unit: bool, start: dt.date | None, end: dt.date | None) -> dict | None:
    """The unit was not in warranty on the job's date: no unit named, its warranty not known,
    or the date before its start or after its last day."""
    if not has_unit:
        return {"reason": "no_unit"}
    if end is None:
        return {"reason": "unknown"}
    if job_date > end:
        return {"reason": "ended", "end": end.isoformat()}
    if start is not None and job_date < start:
        return {"reason": "not_started", "start": start.isoformat()}
    return None


def labour_above_card(*, labour: Decimal, extras: Decimal, card_labour: Decimal | None) -> dict | None:
    """More is claimed for the work than the card pays: labour above the card's, or extras added."""
    if card_labour is None:
        return None
    if labour > card_labour or extras > 0:
        return {"labour": format(labour + extras, "f"), "card": format(card_labour, "f")}
    return None


@dataclass(frozen=True)
class RepeatCounts:
    repairs: int
    repeats: int


def rate(counts: RepeatCounts) -> Decimal:
    return Decimal(counts.repeats) / Decimal(counts.repairs) if counts.repairs else Decimal(0)


def percent(value: Decimal) -> str:
    return format((value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f")


def high_repeat_providers(by_provider: dict[int, RepeatCounts]) -> dict[int, dict]:
    """Providers whose repeat-repair rate is more than twice the network's, with at least 20
    repairs in the window: {provider id: flag parameters}. The network's rate is over every
    provider's repairs; a network with no repeats flags nobody."""
    network = RepeatCounts(
        repairs=sum(c.repairs for c in by_provider.values()), repeats=sum(c.repeats for c in by_provider.values())
    )
    network_rate = rate(network)
    if network_rate == 0:
        return {}
    return {
        provider: {
            "rate": percent(rate(counts)),
            "network": percent(network_rate),
            "repairs": counts.repairs,
        }
        for provider, counts in by_provider.items()
        if counts.repairs >= REPEAT_RATE_MIN_REPAIRS and rate(counts) > REPEAT_RATE_FACTOR * network_rate
    }
