"""The warranty periods a visit's three-guarantees remedy starts again, with their new end dates.

docs/three-guarantees.md and warranty/three_guarantees/claim.py: replacing the whole unit
restarts every period of the new unit from the day it was handed over; repairing or replacing
the main component concerned restarts that component's period only, from the day it was done.
The new ends are counted as the engine counts them (``period_end``: the policy's start-day
rule, a last day on a statutory holiday rolls past it), so the report says what a later claim
will be decided on.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from parts.models import PartUsage
from warranty import three_guarantees as tg
from warranty.claims import REPLACEMENTS
from warranty.evaluation import engine_policy, holidays_from
from warranty.models import ClaimStatus, WarrantyClaim
from warranty.three_guarantees.periods import period_end

MAIN_PREFIX = "main:"


@dataclass(frozen=True)
class Restart:
    """One period that starts again: what it covers, from when, until when."""

    what: str
    start: dt.date
    end: dt.date


def restarted_periods(claims: list[WarrantyClaim], *, parts: list[PartUsage], done_on: dt.date | None) -> list[Restart]:
    """The periods the ticket's claims restart, in the active language.

    A replacement counts once carried out (the new unit exists). A main-component remedy counts
    once carried out, or when it is the customer's choice and the visit (done on ``done_on``)
    fitted a main component under warranty: the repair is then done on site today, before the
    desk records the claim as carried out.
    """
    fitted_main = any(usage.part.is_main_component and usage.under_warranty for usage in parts)
    restarts: list[Restart] = []
    for claim in claims:
        remedy = claim.chosen_remedy
        executed_on = timezone.localdate(claim.executed_at) if claim.executed_at else None
        if remedy in REPLACEMENTS and claim.status == ClaimStatus.EXECUTED and claim.replacement_unit:
            restarts.extend(_replacement(claim, executed_on))
        elif remedy == tg.Remedy.MAIN_COMPONENT:
            start = executed_on if claim.status == ClaimStatus.EXECUTED else (done_on if fitted_main else None)
            restart = _main_component(claim, start)
            if restart is not None:
                restarts.append(restart)
    return restarts


def _end(claim: WarrantyClaim, start: dt.date, months: int) -> dt.date:
    return period_end(start, months, count_start_day=claim.policy.count_start_day, holidays=holidays_from(start))


def _replacement(claim: WarrantyClaim, executed_on: dt.date | None) -> list[Restart]:
    unit = claim.replacement_unit
    start = unit.replacement_date or executed_on
    if start is None:
        return []
    policy = claim.policy
    restarts = [
        Restart(
            _("Whole product: the replacement unit %(serial)s") % {"serial": unit.serial},
            start,
            _end(claim, start, policy.whole_unit_months),
        )
    ]
    for name, months in engine_policy(policy).main_components:
        period = policy.main_component_months if months is None else months
        label = _("Main component: %(name)s") % {"name": tg.component_label(name)}
        restarts.append(Restart(label, start, _end(claim, start, period)))
    return restarts


def _main_component(claim: WarrantyClaim, start: dt.date | None) -> Restart | None:
    component = str((claim.facts or {}).get("component") or "")
    if start is None or not component.startswith(MAIN_PREFIX):
        return None
    name = component.removeprefix(MAIN_PREFIX)
    months = engine_policy(claim.policy).main_component_period(name) or claim.policy.main_component_months
    label = _("Main component: %(name)s") % {"name": tg.component_label(name)}
    return Restart(label, start, _end(claim, start, months))
