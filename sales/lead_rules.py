"""Whether a lead rule fires, from plain facts (docs/sales.md#the-rules).

Pure: no ORM, no settings, no clock. sales/finding.py reads the facts (a repair's parts and
charge, a unit's dates, its earlier repairs, its latest odometer reading) and the day, and asks
these functions; each answers with the numbers that fired it (stored as the lead's ``reason``)
or None. Every threshold is strict where the docs say "exceeds"/"older than": a repair costing
exactly the share, or a unit exactly its design life old, does not fire.
"""

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, the day of the month kept (the last day of a shorter month)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# The numbers each trigger needs (a rule without them would never fire).
NEEDS = {"repair_cost_share": ("cost_share_percent",), "repeat_repairs": ("repairs_count", "within_days")}


def rule_errors(trigger: str, values: dict) -> dict:
    """The fields a rule of ``trigger`` is missing, each with its message ({} when complete)."""
    return {name: _("Required for this trigger.") for name in NEEDS.get(trigger, ()) if values.get(name) is None}


@dataclass(frozen=True)
class PartLine:
    quantity: int
    unit_price: Decimal


def repair_cost(parts: Iterable[PartLine], charge: Decimal | None) -> Decimal:
    """A repair's cost: every part used on the job at its price (warranty or not: the cost of the
    repair, not what the customer paid), plus the repair charge recorded on the ticket."""
    total = sum((Decimal(line.quantity) * line.unit_price for line in parts), Decimal("0"))
    return (total + (charge or Decimal("0"))).quantize(CENT, rounding=ROUND_HALF_UP)


def repair_cost_share(*, cost: Decimal, replacement_price: Decimal | None, share_percent: Decimal) -> dict | None:
    """Fires when the repair's cost exceeds ``share_percent`` % of the model's replacement price
    (strictly: a cost equal to the share does not fire). No replacement price: never."""
    if not replacement_price or replacement_price <= 0:
        return None
    threshold = (replacement_price * share_percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    if cost <= threshold:
        return None
    share = (cost * HUNDRED / replacement_price).quantize(CENT, rounding=ROUND_HALF_UP)
    return {
        "cost": money(cost),
        "replacement_price": money(replacement_price),
        "share_percent": str(share_percent),
        "threshold": money(threshold),
        "cost_share_percent": str(share),
    }


def unit_started(
    *,
    replacement_date: dt.date | None,
    installation_date: dt.date | None,
    invoice_date: dt.date | None,
    delivery_date: dt.date | None,
) -> dt.date | None:
    """When a unit's life began: handed over as a replacement, else installed, else invoiced,
    else delivered."""
    return replacement_date or installation_date or invoice_date or delivery_date


def unit_age(*, started: dt.date | None, design_life_months: int | None, today: dt.date) -> dict | None:
    """Fires when the unit is older than its model's design life: from the day after its start
    plus the design life (on that anniversary itself it is exactly its design life old)."""
    if started is None or not design_life_months:
        return None
    end_of_life = add_months(started, design_life_months)
    if today <= end_of_life:
        return None
    return {
        "started": started.isoformat(),
        "design_life_months": design_life_months,
        "end_of_design_life": end_of_life.isoformat(),
        "age_days": (today - started).days,
    }


def repeat_repairs(
    *, this_day: dt.date, earlier_days: Iterable[dt.date], repairs_count: int, within_days: int
) -> dict | None:
    """Fires when this repair is at least the ``repairs_count``-th of the same unit within
    ``within_days``: an earlier repair counts when resolved at most ``within_days`` days before
    this one (365 days before counts for a 365-day window; 366 does not)."""
    counted = sorted(day for day in earlier_days if 0 <= (this_day - day).days <= within_days)
    total = len(counted) + 1
    if total < repairs_count:
        return None
    return {
        "repairs": total,
        "repairs_count": repairs_count,
        "within_days": within_days,
        "first_repair": (counted[0] if counted else this_day).isoformat(),
        "this_repair": this_day.isoformat(),
    }


def consumable_due(
    *,
    since: dt.date,
    today: dt.date,
    every_months: int | None,
    every_km: int | None,
    km_now: int | None,
    km_since: int,
) -> dict | None:
    """Fires when a consumable is due by time (``every_months`` after ``since``, the day the unit
    started or the consumable was last fitted or sold: due on that day) or by distance (the latest
    odometer reading ``every_km`` or more past the reading when it was last fitted), whichever
    comes first."""
    reason: dict = {"since": since.isoformat()}
    if every_months:
        due_on = add_months(since, every_months)
        if today >= due_on:
            reason |= {"by": "months", "every_months": every_months, "due_on": due_on.isoformat()}
            return reason
    if every_km and km_now is not None and km_now - km_since >= every_km:
        reason |= {"by": "km", "every_km": every_km, "km_now": km_now, "km_since": km_since}
        return reason
    return None
