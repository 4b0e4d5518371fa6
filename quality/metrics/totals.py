"""Every family's counts at once (a snapshot row's totals), and the KPIs worked out from them."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal

from django.utils import timezone

from quality import rates
from quality.metrics.callbacks import callback_counts
from quality.metrics.complaints import complaint_closure_counts, complaint_counts
from quality.metrics.dimensions import EVERYWHERE, Dimensions
from quality.metrics.first_time_fix import first_time_fix_counts
from quality.metrics.omissions import omission_counts
from quality.metrics.period import Period
from quality.metrics.satisfaction import satisfaction_counts
from quality.metrics.timeliness import TIMELINESS_CLOCKS, timeliness_counts
from quality.rates import (
    CallbackCounts,
    ComplaintClosureCounts,
    ComplaintCounts,
    FirstTimeFixCounts,
    OmissionCounts,
    Rate,
    SatisfactionCounts,
    TimelinessCounts,
)


@dataclass(frozen=True)
class Totals:
    """Every count behind every KPI, as one snapshot row stores them. Sums of totals are totals."""

    service_completed: int = 0
    service_complaints: int = 0
    product_complaints: int = 0
    cases_due: int = 0
    cases_with_omission: int = 0
    omission_unrecorded: int = 0
    omission_late: int = 0
    omission_no_callback: int = 0
    omission_no_feedback: int = 0
    ratings: int = 0
    low_ratings: int = 0
    top2_ratings: int = 0
    callback_complaints: int = 0
    unrated_complaints: int = 0
    callback_attempted: int = 0
    callback_reached: int = 0
    repairs: int = 0
    fixed_first_time: int = 0
    contact_due: int = 0
    contact_on_time: int = 0
    arrival_due: int = 0
    arrival_on_time: int = 0
    completion_due: int = 0
    completion_on_time: int = 0
    complaints_opened: int = 0
    complaints_closed_7_days: int = 0

    def __add__(self, other: "Totals") -> "Totals":
        if not isinstance(other, Totals):
            return NotImplemented
        return Totals(**{name: getattr(self, name) + getattr(other, name) for name in TOTAL_FIELDS})

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in TOTAL_FIELDS}


TOTAL_FIELDS = tuple(field.name for field in fields(Totals))


def _family_totals(
    period: Period, dimensions: Dimensions, group_by: tuple[str, ...], now: dt.datetime
) -> list[tuple[object, dict[str, int]]]:
    """Every family's counts as ``(key, {total field: count})`` pairs, ten queries in all (satisfaction takes two)."""
    pieces: list[tuple[object, dict[str, int]]] = []

    def add(result, convert) -> None:
        items = result.items() if group_by else [((), result)]
        pieces.extend((key, convert(counts)) for key, counts in items)

    add(
        complaint_counts(period, dimensions, group_by),
        lambda t: {
            "service_completed": t.counts.service_tickets_completed,
            "service_complaints": t.counts.valid_service_complaints,
            "product_complaints": t.product_quality_complaints,
        },
    )
    add(
        omission_counts(period, dimensions, group_by, now=now),
        lambda c: {
            "cases_due": c.cases_due,
            "cases_with_omission": c.cases_with_omission,
            "omission_unrecorded": c.unrecorded,
            "omission_late": c.late,
            "omission_no_callback": c.no_callback_attempt,
            "omission_no_feedback": c.no_feedback,
        },
    )
    add(
        satisfaction_counts(period, dimensions, group_by),
        lambda c: {
            "ratings": c.valid_ratings,
            "low_ratings": c.low_ratings,
            "top2_ratings": c.top2_ratings,
            "callback_complaints": c.callback_complaints,
            "unrated_complaints": c.unrated_complaints,
        },
    )
    add(
        callback_counts(period, dimensions, group_by),
        lambda c: {"callback_attempted": c.attempted_within_72h, "callback_reached": c.reached_within_72h},
    )
    add(
        first_time_fix_counts(period, dimensions, group_by),
        lambda c: {"repairs": c.repairs, "fixed_first_time": c.fixed_first_time},
    )
    for clock in TIMELINESS_CLOCKS:
        add(
            timeliness_counts(clock, period, dimensions, group_by, now=now),
            lambda c, clock=clock: {f"{clock}_due": c.due, f"{clock}_on_time": c.on_time},
        )
    add(
        complaint_closure_counts(period, dimensions, group_by, now=now),
        lambda c: {"complaints_opened": c.complaints_opened, "complaints_closed_7_days": c.closed_within_7_days},
    )
    return pieces


def totals(period: Period, dimensions: Dimensions = EVERYWHERE, *, now: dt.datetime | None = None) -> Totals:
    """Every count for one slice, straight from the tickets (ten queries)."""
    merged: dict[str, int] = {}
    for _key, counts in _family_totals(period, dimensions, (), now or timezone.now()):
        merged.update(counts)
    return Totals(**merged)


def totals_by(
    period: Period,
    group_by: tuple[str, ...],
    dimensions: Dimensions = EVERYWHERE,
    *,
    now: dt.datetime | None = None,
) -> dict[tuple, Totals]:
    """Every count grouped by ``group_by`` (``("day",)``, ``("day", "station")``, ``("model",)``…),
    ten queries whatever the number of groups. Keys are tuples of the group values (dates for
    ``day``, strings for a dimension)."""
    merged: dict[tuple, dict[str, int]] = {}
    for key, counts in _family_totals(period, dimensions, tuple(group_by), now or timezone.now()):
        merged.setdefault(key, {}).update(counts)
    return {key: Totals(**counts) for key, counts in merged.items()}


def _omissions(t: Totals) -> OmissionCounts:
    return OmissionCounts(
        cases_due=t.cases_due,
        cases_with_omission=t.cases_with_omission,
        unrecorded=t.omission_unrecorded,
        late=t.omission_late,
        no_callback_attempt=t.omission_no_callback,
        no_feedback=t.omission_no_feedback,
    )


def _satisfaction(t: Totals) -> SatisfactionCounts:
    return SatisfactionCounts(
        valid_ratings=t.ratings,
        low_ratings=t.low_ratings,
        top2_ratings=t.top2_ratings,
        callback_complaints=t.callback_complaints,
        unrated_complaints=t.unrated_complaints,
    )


def _callbacks(t: Totals) -> CallbackCounts:
    return CallbackCounts(
        tickets_completed=t.service_completed,
        attempted_within_72h=t.callback_attempted,
        reached_within_72h=t.callback_reached,
    )


SUBRATES = {
    "omission_unrecorded": ("unrecorded", "unrecorded_threshold"),
    "omission_late": ("late", "late_threshold"),
    "omission_no_callback": ("no_callback_attempt", "no_callback_threshold"),
    "omission_no_feedback": ("no_feedback", "no_feedback_threshold"),
}


def rates_of(
    totals: Totals, thresholds: Mapping[str, Decimal] | None = None, keys: Iterable[str] | None = None
) -> dict[str, Rate]:
    """The KPIs of docs/kpis.md from a :class:`Totals`, through the pure rate functions,
    keyed as :data:`rates.KPIS` (all of them, or only ``keys``); ``thresholds`` overrides a
    KPI's default threshold by key. Each counts object is built once, however many KPIs use it."""
    thresholds = thresholds or {}
    keys = tuple(rates.KPIS if keys is None else keys)
    t = totals

    def threshold(key: str) -> Decimal:
        return thresholds.get(key, rates.KPIS[key].default_threshold)

    result: dict[str, Rate] = {}
    omissions = satisfaction = callbacks = None
    if "omission_rate" in keys or any(key in SUBRATES for key in keys):
        omissions = _omissions(t)
    if "dissatisfaction_rate" in keys or "satisfaction_top2" in keys:
        satisfaction = _satisfaction(t)
    if "callback_coverage" in keys or "callback_reach" in keys:
        callbacks = _callbacks(t)
    wanted_subrates = [key for key in keys if key in SUBRATES]
    if wanted_subrates:
        subrates = rates.omission_subrates(omissions, **{SUBRATES[key][1]: threshold(key) for key in SUBRATES})
        for key in wanted_subrates:
            result[key] = getattr(subrates, SUBRATES[key][0])
    for key in keys:
        if key in result:
            continue
        if key == "complaint_rate":
            counts = ComplaintCounts(
                valid_service_complaints=t.service_complaints, service_tickets_completed=t.service_completed
            )
            result[key] = rates.complaint_rate(counts, threshold(key))
        elif key == "omission_rate":
            result[key] = rates.omission_rate(omissions, threshold(key))
        elif key == "dissatisfaction_rate":
            result[key] = rates.dissatisfaction_rate(satisfaction, threshold(key))
        elif key == "satisfaction_top2":
            result[key] = rates.satisfaction_top2(satisfaction, threshold(key))
        elif key == "callback_coverage":
            result[key] = rates.callback_coverage(callbacks, threshold(key))
        elif key == "callback_reach":
            result[key] = rates.callback_reach(callbacks, threshold(key))
        elif key == "first_time_fix_rate":
            counts = FirstTimeFixCounts(repairs=t.repairs, fixed_first_time=t.fixed_first_time)
            result[key] = rates.first_time_fix_rate(counts, threshold(key))
        elif key == "contact_timeliness":
            counts = TimelinessCounts(due=t.contact_due, on_time=t.contact_on_time)
            result[key] = rates.contact_timeliness(counts, threshold(key))
        elif key == "arrival_timeliness":
            counts = TimelinessCounts(due=t.arrival_due, on_time=t.arrival_on_time)
            result[key] = rates.arrival_timeliness(counts, threshold(key))
        elif key == "completion_timeliness":
            counts = TimelinessCounts(due=t.completion_due, on_time=t.completion_on_time)
            result[key] = rates.completion_timeliness(counts, threshold(key))
        elif key == "complaints_closed_within_7_days":
            counts = ComplaintClosureCounts(
                complaints_opened=t.complaints_opened, closed_within_7_days=t.complaints_closed_7_days
            )
            result[key] = rates.complaints_closed_within_7_days(counts, threshold(key))
        else:
            raise KeyError(key)
    return {key: result[key] for key in keys}


def rates_for(
    period: Period,
    *,
    thresholds: Mapping[str, Decimal] | None = None,
    now: dt.datetime | None = None,
    **filters,
) -> dict[str, Rate]:
    """Every rate for one slice straight from the tickets; ``filters`` are :class:`Dimensions`
    fields. Ten queries, one per family and two for satisfaction."""
    return rates_of(totals(period, Dimensions(**filters), now=now), thresholds)
