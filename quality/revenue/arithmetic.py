"""The revenue figures' arithmetic (docs/revenue.md): counts and sums in, rates and totals out.

Pure: no ORM, no settings, no clock. The selectors count and sum in SQL and hand the numbers
here. Rates are ``Decimal`` fractions rounded half-up to 4 places (``0.6667`` is 66.67 %); a rate
with a zero denominator has no value (``None``), never 0. Money is ``Decimal`` to the cent.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")
HUNDRED = Decimal(100)


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """``numerator ÷ denominator`` rounded half-up to 4 places; None when nothing was counted."""
    if denominator <= 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def percent(rate: Decimal | None) -> Decimal | None:
    """A rate as a percentage with 2 places (exact: the rate has 4)."""
    return None if rate is None else (rate * HUNDRED).quantize(CENT)


def money(amount: Decimal | int | None) -> Decimal:
    """A sum to the cent (a database sum of nothing is None: no money)."""
    return ZERO if amount is None else Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Counts:
    """Everything counted for one row (the whole period, one station, one provider or one month).

    ``ew`` is extended warranties, ``mp`` maintenance plans; *sold* are first sales, *renewed*
    contracts that renew an earlier one (``ServiceContract.renews``)."""

    ew_sold: int = 0
    ew_sold_amount: Decimal = ZERO
    mp_sold: int = 0
    mp_sold_amount: Decimal = ZERO
    ew_renewed: int = 0
    ew_renewed_amount: Decimal = ZERO
    mp_renewed: int = 0
    mp_renewed_amount: Decimal = ZERO
    units_in_use: int = 0
    units_covered: int = 0
    leads_new: int = 0
    leads_contacted: int = 0
    leads_won: int = 0
    leads_lost: int = 0
    leads_closed_won: int = 0
    leads_closed_lost: int = 0
    leads_won_value: Decimal = ZERO
    referrals_made: int = 0
    referrals_converted: int = 0
    paid_repairs: int = 0
    repair_charges: Decimal = ZERO

    def add(self, **values) -> None:
        """Add counted values (a database sum of nothing is None: nothing is added)."""
        for name, value in values.items():
            if value is None:
                continue
            current = getattr(self, name)
            setattr(self, name, money(current + value) if isinstance(current, Decimal) else current + int(value))


@dataclass(frozen=True)
class Figures:
    """One row's figures as the dashboard, the API and the exports show them."""

    counts: Counts
    contracts_sold: int
    contracts_sold_amount: Decimal
    contracts_renewed: int
    contracts_renewed_amount: Decimal
    coverage: Decimal | None
    leads_found: int
    conversion: Decimal | None
    referral_conversion: Decimal | None
    contract_revenue: Decimal
    service_revenue: Decimal

    @property
    def coverage_percent(self) -> Decimal | None:
        return percent(self.coverage)

    @property
    def conversion_percent(self) -> Decimal | None:
        return percent(self.conversion)

    @property
    def referral_conversion_percent(self) -> Decimal | None:
        return percent(self.referral_conversion)


def figures_of(counts: Counts) -> Figures:
    """The row's figures (docs/revenue.md#formulas):

    - contracts sold / renewed: counts and amounts of both kinds added up;
    - coverage = units covered on the last day ÷ units in use registered by then;
    - conversion = leads won ÷ (won + lost), both closed in the period;
    - referral conversion = referred customers converted ÷ referred customers;
    - contract revenue = sold amount + renewed amount;
    - service revenue = contract revenue + paid repair charges + won leads' value.
    """
    sold_amount = money(counts.ew_sold_amount + counts.mp_sold_amount)
    renewed_amount = money(counts.ew_renewed_amount + counts.mp_renewed_amount)
    contract_revenue = money(sold_amount + renewed_amount)
    closed = counts.leads_closed_won + counts.leads_closed_lost
    return Figures(
        counts=counts,
        contracts_sold=counts.ew_sold + counts.mp_sold,
        contracts_sold_amount=sold_amount,
        contracts_renewed=counts.ew_renewed + counts.mp_renewed,
        contracts_renewed_amount=renewed_amount,
        coverage=ratio(counts.units_covered, counts.units_in_use),
        leads_found=counts.leads_new + counts.leads_contacted + counts.leads_won + counts.leads_lost,
        conversion=ratio(counts.leads_closed_won, closed),
        referral_conversion=ratio(counts.referrals_converted, counts.referrals_made),
        contract_revenue=contract_revenue,
        service_revenue=money(contract_revenue + counts.repair_charges + counts.leads_won_value),
    )
