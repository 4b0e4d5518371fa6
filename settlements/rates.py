"""The rate cards in force and a settlement line's arithmetic (docs/settlement.md): pure rules.

No ORM, no clock, no settings: the caller hands in the candidate cards and bands as plain
dataclasses and the job's date. Amounts are Decimals; a total is rounded to the cent, half up.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# The job types a rate card prices (settlements.choices.JobType holds their labels).
INSTALLATION = "installation"
MAINTENANCE = "maintenance"
REPAIR_SIMPLE = "repair_simple"
REPAIR_STANDARD = "repair_standard"
REPAIR_COMPLEX = "repair_complex"
REPAIR_BY_BAND = {"simple": REPAIR_SIMPLE, "standard": REPAIR_STANDARD, "complex": REPAIR_COMPLEX}
# A repair checked out without a band is paid as a standard one.
DEFAULT_BAND = "standard"


@dataclass(frozen=True)
class Card:
    """A labour rate: ``provider_id`` None is the network's default, ``category_id`` None is
    every product category."""

    id: int
    provider_id: int | None
    category_id: int | None
    job_type: str
    labour: Decimal
    currency: str
    effective_from: dt.date


@dataclass(frozen=True)
class Band:
    """A travel allowance for ``min_km`` ≤ distance < ``max_km`` (None: no upper end)."""

    id: int
    provider_id: int | None
    min_km: int
    max_km: int | None
    allowance: Decimal
    currency: str
    effective_from: dt.date


def job_type_for(kind: str, complexity: str = "") -> str | None:
    """The job type a ticket of ``kind`` is paid as: an installation, a maintenance, or a repair by
    its complexity band (standard when none was recorded); None for a kind no card prices."""
    if kind == "installation":
        return INSTALLATION
    if kind == "maintenance":
        return MAINTENANCE
    if kind == "repair":
        return REPAIR_BY_BAND.get(complexity or DEFAULT_BAND, REPAIR_STANDARD)
    return None


def card_in_force(
    cards: Iterable[Card], *, provider_id: int, category_id: int | None, job_type: str, on: dt.date
) -> Card | None:
    """The labour rate in force on ``on`` for this provider, category and job type.

    Of the cards for the job type that took effect on or before the day, the provider's own come
    before the default, a card of the unit's category before one for every category (in that
    order: the provider's card for every category beats the default card for the category), and
    among those the latest ``effective_from``. None when no card applies."""
    best: tuple[tuple[int, int, dt.date], Card] | None = None
    for card in cards:
        if card.job_type != job_type or card.effective_from > on:
            continue
        if card.provider_id not in (None, provider_id):
            continue
        if card.category_id is not None and card.category_id != category_id:
            continue
        rank = (int(card.provider_id is not None), int(card.category_id is not None), card.effective_from)
        if best is None or rank > best[0]:
            best = (rank, card)
    return best[1] if best else None


def band_in_force(bands: Iterable[Band], *, provider_id: int, km: int, on: dt.date) -> Band | None:
    """The travel band for ``km`` in force on ``on``.

    A table of bands is the provider's own when it has any in force on the day, else the default;
    within it, the bands of the latest ``effective_from`` on or before the day are the table in
    force, and the band holding the distance is chosen. None when no band holds it."""
    usable = [b for b in bands if b.effective_from <= on and b.provider_id in (None, provider_id)]
    own = [b for b in usable if b.provider_id is not None]
    table = own or [b for b in usable if b.provider_id is None]
    if not table:
        return None
    latest = max(b.effective_from for b in table)
    for band in sorted((b for b in table if b.effective_from == latest), key=lambda b: b.min_km):
        if band.min_km <= km and (band.max_km is None or km < band.max_km):
            return band
    return None


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parts_cost(uses: Iterable[tuple[int, Decimal]]) -> Decimal:
    """Parts at standard cost: the sum of quantity × unit cost, to the cent."""
    return cents(sum((Decimal(quantity) * cost for quantity, cost in uses), ZERO))


def claimed(*, labour: Decimal, parts: Decimal, travel: Decimal, extras: Decimal) -> Decimal:
    """What a line claims: labour + parts + travel + extras, to the cent."""
    return cents(labour + parts + travel + extras)
