"""Batch early warning: production batches that fail far more often than the rest of their model
(docs/kpis.md#batch-early-warning: "see batch failure trends; start a recall campaign"; section 6: alerts).

A batch's **failure rate** is its repairs per registered unit: the repair tickets logged on its
units in the window (the last ``BATCH_WARNING_WINDOW_DAYS`` days, by ``created_at``), counted
with the KPI exclusions (no test tickets, merged duplicates or tickets cancelled before
dispatch), over every unit of the batch ever registered, whatever its status now (a replaced
unit was still made in that batch). Recall tickets are not failures and are left out: counted,
a recalled batch would read as failing for as long as its recall runs.

The pure part (:class:`BatchPolicy`, :func:`assess`) takes counts and decides; the selector
(:func:`batch_counts`) counts SQL-side in two grouped queries; :func:`check_batch_alerts` raises,
refreshes and clears the alerts through quality/alerts.py.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from customers.models import ProductModel, ProductUnit
from quality.alerts import Reading, clear_all_but, raise_or_refresh
from quality.metrics import counted_tickets_q
from quality.models import AlertKind, Dimension
from tickets.choices import Kind
from tickets.models import Ticket

# Alerts store rates with six decimals.
_ALERT_PLACES = Decimal("0.000001")


# --- pure: counts in, decisions out -----------------------------------------------------------


@dataclass(frozen=True)
class BatchPolicy:
    """When a batch is "far above" its model: its rate is at least ``factor`` times the rest of
    the model's rate **and** at least ``min_margin`` above it (so a model that almost never fails
    does not alert on two repairs), with at least ``min_repairs`` repairs and ``min_units``
    registered units (so a handful of units proves nothing). Rates and margin are fractions:
    0.02 is 2 percentage points."""

    factor: Decimal = Decimal("2.0")
    min_margin: Decimal = Decimal("0.02")
    min_repairs: int = 5
    min_units: int = 20


@dataclass(frozen=True)
class BatchCounts:
    """What the counting query found for one (model, batch); ``batch`` is empty for the units
    registered without one."""

    model_id: int
    batch: str
    units: int
    repairs: int


@dataclass(frozen=True)
class BatchRate:
    """One batch against the rest of its model.

    Rates are exact fractions (repairs per unit), so a rate exactly at the limit compares equal
    instead of falling a rounding error short. ``model_rate`` is over every unit of the model,
    the batch included; ``rest_rate`` over the model's other units, and it is what the batch is
    compared with. It is None when the batch is the whole model: there is nothing to compare.
    """

    model_id: int
    batch: str
    units: int
    repairs: int
    model_units: int
    model_repairs: int
    rate: Fraction
    model_rate: Fraction
    rest_rate: Fraction | None
    limit: Fraction | None
    flagged: bool

    @property
    def rest_units(self) -> int:
        return self.model_units - self.units

    @property
    def rest_repairs(self) -> int:
        return self.model_repairs - self.repairs


def as_decimal(value: Fraction, places: Decimal = _ALERT_PLACES) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places)


def assess(rows: Iterable[BatchCounts], policy: BatchPolicy) -> list[BatchRate]:
    """The failure rate of every batch with at least ``policy.min_units`` units, each compared
    with its model's rate **excluding the batch itself**.

    Excluding it matters: a big bad batch pulls its model's rate up towards its own, and
    compared with a model rate that includes it, it would hide itself. The model's totals sum
    every row of the model, the small batches and the units without a batch included; only
    batches with a name and enough units are assessed. A batch is flagged when
    ``rate >= max(factor × rest_rate, rest_rate + min_margin)`` and it has at least
    ``min_repairs`` repairs. Ordered by model, then batch.
    """
    rows = list(rows)
    model_units: dict[int, int] = {}
    model_repairs: dict[int, int] = {}
    for row in rows:
        model_units[row.model_id] = model_units.get(row.model_id, 0) + row.units
        model_repairs[row.model_id] = model_repairs.get(row.model_id, 0) + row.repairs
    factor, margin = Fraction(policy.factor), Fraction(policy.min_margin)
    assessed = []
    for row in sorted(rows, key=lambda r: (r.model_id, r.batch)):
        if not row.batch or row.units < policy.min_units:
            continue
        units, repairs = model_units[row.model_id], model_repairs[row.model_id]
        rate = Fraction(row.repairs, row.units)
        rest_units = units - row.units
        rest_rate = Fraction(repairs - row.repairs, rest_units) if rest_units else None
        limit = max(factor * rest_rate, rest_rate + margin) if rest_rate is not None else None
        assessed.append(
            BatchRate(
                model_id=row.model_id,
                batch=row.batch,
                units=row.units,
                repairs=row.repairs,
                model_units=units,
                model_repairs=repairs,
                rate=rate,
                model_rate=Fraction(repairs, units),
                rest_rate=rest_rate,
                limit=limit,
                flagged=limit is not None and row.repairs >= policy.min_repairs and rate >= limit,
            )
        )
    return assessed


# --- reads and writes ---------------------------------------------------------------------------


def policy_from_settings() -> BatchPolicy:
    return BatchPolicy(
        factor=Decimal(settings.BATCH_WARNING_FACTOR),
        min_margin=Decimal(settings.BATCH_WARNING_MIN_MARGIN),
        min_repairs=settings.BATCH_WARNING_MIN_REPAIRS,
        min_units=settings.BATCH_WARNING_MIN_UNITS,
    )


def batch_counts(*, since: dt.datetime, until: dt.datetime) -> list[BatchCounts]:
    """Registered units and repairs per (model, batch), counted in the database: one grouped
    query over the units, one over the repair tickets created in ``[since, until]``.

    Repairs are tickets of kind repair on a registered unit, with the KPI exclusions
    (quality.metrics.counted_tickets_q) and without the recall tickets.
    """
    units = (
        ProductUnit.objects.order_by()
        .values("model_id", "batch")
        .annotate(n=Count("pk"))
        .values_list("model_id", "batch", "n")
    )
    repairs = (
        Ticket.objects.filter(
            counted_tickets_q(),
            kind=Kind.REPAIR,
            unit__isnull=False,
            recall__isnull=True,
            created_at__gte=since,
            created_at__lte=until,
        )
        .order_by()
        .values("unit__model_id", "unit__batch")
        .annotate(n=Count("pk"))
        .values_list("unit__model_id", "unit__batch", "n")
    )
    repaired = {(model_id, batch): n for model_id, batch, n in repairs}
    return [
        BatchCounts(model_id=model_id, batch=batch, units=n, repairs=repaired.get((model_id, batch), 0))
        for model_id, batch, n in units
    ]


def window_for(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    return now - dt.timedelta(days=settings.BATCH_WARNING_WINDOW_DAYS), now


def batch_rates(*, now: dt.datetime, policy: BatchPolicy | None = None) -> list[BatchRate]:
    """Every batch large enough to judge, with its rate, its model's and whether it is flagged."""
    since, until = window_for(now)
    return assess(batch_counts(since=since, until=until), policy or policy_from_settings())


@dataclass(frozen=True)
class BatchCheck:
    flagged: int
    raised: int
    cleared: int


def alert_value(model_id: int, batch: str) -> str:
    """The subject key of a batch alert (``QualityAlert.value``)."""
    return f"{model_id}:{batch}"


def check_batch_alerts(*, now: dt.datetime | None = None, policy: BatchPolicy | None = None) -> BatchCheck:
    """Raise an alert for every flagged batch (or refresh its open one), and clear the open
    batch alerts of batches no longer flagged. Idempotent: running it twice, or on two workers
    at once, leaves one open alert per batch and emails the managers once.

    The alert's ``rate`` is the batch's failure rate (``numerator`` repairs over
    ``denominator`` registered units) and its ``threshold`` the rate it was compared with: the
    rest of the model's.
    """
    now = now or timezone.now()
    since, until = window_for(now)
    flagged = [
        rate
        for rate in assess(batch_counts(since=since, until=until), policy or policy_from_settings())
        if rate.flagged
    ]
    models = ProductModel.objects.in_bulk({rate.model_id for rate in flagged})
    still_flagged = []
    raised = 0
    for rate in flagged:
        model = models[rate.model_id]
        reading = Reading(
            kind=AlertKind.BATCH,
            kpi="",
            dimension=Dimension.BATCH,
            value=alert_value(rate.model_id, rate.batch),
            label=model.code,
            numerator=rate.repairs,
            denominator=rate.units,
            rate=as_decimal(rate.rate),
            threshold=as_decimal(rate.rest_rate),
            window_start=timezone.localdate(since),
            window_end=timezone.localdate(until),
            model=model,
            batch=rate.batch,
        )
        _alert, is_new = raise_or_refresh(reading, now=now)
        raised += is_new
        still_flagged.append(reading.key)
    cleared = clear_all_but(AlertKind.BATCH, still_flagged, now=now)
    return BatchCheck(flagged=len(flagged), raised=raised, cleared=cleared)
