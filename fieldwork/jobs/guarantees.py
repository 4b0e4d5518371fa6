"""Where a product stands in its warranty and in the three guarantees (三包) on a given day, for
the technician's day page: read-only, and in a fixed number of queries for any number of visits.

The periods are the three-guarantees engine's own day counting (warranty/three_guarantees/periods.py):
the return window, then the replacement window, then the whole-unit repair period, each ending
later if its last day is a statutory holiday, under the policy version in force when the
product's warranty started (customers.selectors.policy_in_force picks the same version).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from customers.models import DayKind, NationalCalendarDay, ProductUnit, WarrantyPolicy
from customers.selectors import version_in_force
from warranty.three_guarantees.periods import period_end, window_end


class Stage:
    RETURN = "return"
    REPLACE = "replace"
    REPAIR = "repair"
    ENDED = "ended"
    UNKNOWN = "unknown"


STAGE_TEXTS = {
    Stage.RETURN: _("Return, replacement or free repair until %(day)s"),
    Stage.REPLACE: _("Replacement or free repair until %(day)s"),
    Stage.REPAIR: _("Free repair until %(day)s"),
    Stage.ENDED: _("Three guarantees ended on %(day)s"),
    Stage.UNKNOWN: _("Three guarantees: purchase date not known"),
}


@dataclass(frozen=True)
class GuaranteeStatus:
    stage: str
    until: dt.date | None
    warranty_end: dt.date | None
    in_warranty: bool | None


def _status(unit: ProductUnit, policy: WarrantyPolicy | None, today: dt.date, holidays: frozenset) -> GuaranteeStatus:
    in_warranty = None if unit.warranty_end is None else today <= unit.warranty_end
    start = unit.warranty_start
    if start is None or policy is None:
        return GuaranteeStatus(Stage.UNKNOWN, None, unit.warranty_end, in_warranty)
    counted = policy.count_start_day
    ends = (
        (Stage.RETURN, window_end(start, policy.return_days, count_start_day=counted, holidays=holidays)),
        (Stage.REPLACE, window_end(start, policy.replace_days, count_start_day=counted, holidays=holidays)),
        (Stage.REPAIR, period_end(start, policy.whole_unit_months, count_start_day=counted, holidays=holidays)),
    )
    for stage, last_day in ends:
        if today <= last_day:
            return GuaranteeStatus(stage, last_day, unit.warranty_end, in_warranty)
    return GuaranteeStatus(Stage.ENDED, ends[-1][1], unit.warranty_end, in_warranty)


def statuses(units: Iterable[ProductUnit], today: dt.date) -> dict[int, GuaranteeStatus]:
    """Each unit's status on ``today``, by unit id; units need ``model`` loaded. Two queries."""
    units = [unit for unit in units if unit is not None]
    if not units:
        return {}
    categories = {unit.model.category_id for unit in units}
    versions: dict[int, list[WarrantyPolicy]] = {}
    for policy in WarrantyPolicy.objects.filter(category_id__in=categories):
        versions.setdefault(policy.category_id, []).append(policy)
    starts = [unit.warranty_start for unit in units if unit.warranty_start is not None]
    holidays = (
        frozenset(
            NationalCalendarDay.objects.filter(kind=DayKind.HOLIDAY, date__gte=min(starts)).values_list(
                "date", flat=True
            )
        )
        if starts
        else frozenset()
    )
    return {
        unit.pk: _status(
            unit, version_in_force(versions.get(unit.model.category_id, []), unit.warranty_start), today, holidays
        )
        for unit in units
    }


def status_text(status: GuaranteeStatus) -> str:
    day = formats.date_format(status.until, "SHORT_DATE_FORMAT") if status.until else ""
    return str(STAGE_TEXTS[status.stage]) % {"day": day}
