"""Daily rate snapshots, thresholds and rate alerts (docs/kpis.md#snapshots).

Celery beat runs :func:`refresh` hourly for today and yesterday and nightly for the last
``QUALITY_RECOMPUTE_DAYS`` days, because a day's figures keep changing until every obligation
anchored on it is due (callbacks 72 h, feedback 7 days, first-time fix 30 days). Each run
replaces the days it covers in one transaction, so running it twice, or on two workers, leaves
the same rows. The dashboard and the metrics API read snapshots, never raw tickets.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import Count, Max, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import ProductCategory, ProductModel
from network.models import ServiceProvider
from quality import alerts
from quality.metrics import (
    DIMENSION_PATHS,
    NO_VALUE,
    TOTAL_FIELDS,
    Period,
    Totals,
    business_today,
    rates_of,
    totals_by,
)
from quality.models import AlertKind, Dimension, KpiThreshold, RateSnapshot
from quality.rates import KPIS, Rate
from quality.rates import Status as RateStatus
from tickets.models import ServiceStation

# The rates whose crossing raises an alert: the three controlled rates of the 1234 model.
ALERTED_KPIS = ("complaint_rate", "omission_rate", "dissatisfaction_rate")
# Breakdowns alerts are raised for (batches have their own early warning).
ALERTED_DIMENSIONS = (
    Dimension.ALL,
    Dimension.CATEGORY,
    Dimension.MODEL,
    Dimension.STATION,
    Dimension.REGION,
    Dimension.AGENT,
    Dimension.TECHNICIAN,
    Dimension.PROVIDER,
)
BREAKDOWNS = tuple(DIMENSION_PATHS)
# How the row of records without a value is shown in every breakdown but the providers'.
NO_VALUE_LABEL = "—"
# The providers' row of tickets dispatched to no provider: headquarters' own work.
HEADQUARTERS_LABEL = gettext_lazy("Headquarters")


def thresholds() -> dict[str, Decimal]:
    """Every KPI's threshold: the manager's setting, else the KPI's default."""
    chosen = dict(KpiThreshold.objects.values_list("kpi", "threshold"))
    return {key: chosen.get(key, kpi.default_threshold) for key, kpi in KPIS.items()}


def set_threshold(kpi: str, threshold: Decimal, *, by) -> KpiThreshold:
    if kpi not in KPIS:
        raise ValidationError({"kpi": _("Choose a rate.")})
    if not isinstance(threshold, Decimal) or not Decimal(0) <= threshold <= Decimal(1):
        raise ValidationError({"threshold": _("Enter a threshold between 0 % and 100 %.")})
    row, _created = KpiThreshold.objects.update_or_create(
        kpi=kpi, defaults={"threshold": threshold.quantize(Decimal("0.0001")), "updated_by": by}
    )
    return row


# --- Writing -----------------------------------------------------------------------------


def compute(period: Period, *, now: dt.datetime | None = None) -> list[RateSnapshot]:
    """The snapshot rows of every day in ``period``, for the whole organisation and for every
    breakdown; ten queries per breakdown (90 in all), whatever the volume."""
    now = now or timezone.now()
    rows: list[RateSnapshot] = []
    for (day,), counts in totals_by(period, ("day",), now=now).items():
        rows.append(RateSnapshot(day=day, dimension=Dimension.ALL, value="", computed_at=now, **counts.as_dict()))
    for dimension in BREAKDOWNS:
        for (day, value), counts in totals_by(period, ("day", dimension), now=now).items():
            rows.append(RateSnapshot(day=day, dimension=dimension, value=value, computed_at=now, **counts.as_dict()))
    return rows


def refresh(period: Period, *, now: dt.datetime | None = None) -> int:
    """Recompute and replace the snapshots of ``period``'s days. Idempotent; returns the rows."""
    now = now or timezone.now()
    rows = compute(period, now=now)
    with transaction.atomic():
        RateSnapshot.objects.filter(day__gte=period.start, day__lte=period.end).delete()
        RateSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def refresh_recent(days: int, *, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return refresh(Period.last_days(days, business_today(now)), now=now)


# --- Reading -----------------------------------------------------------------------------


def _sums() -> dict:
    return {name: Sum(name) for name in TOTAL_FIELDS}


def _totals(row: Mapping) -> Totals:
    return Totals(**{name: row[name] or 0 for name in TOTAL_FIELDS})


def _fetch(queryset) -> list[tuple]:
    """The queryset's rows as the database driver gives them. Every column here is a count or a
    key the driver already returns as the right Python type; the ORM's per-value conversion
    costs more than the query on a breakdown of a thousand batches."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _counts(values: tuple) -> Totals:
    # Sums over at least one row of columns that are never null: never None.
    return Totals(*values)


def totals(period: Period, dimension: str = Dimension.ALL, value: str = "") -> Totals:
    """The counts of one slice summed over the period's days (one query)."""
    row = (
        RateSnapshot.objects.filter(dimension=dimension, value=value, day__gte=period.start, day__lte=period.end)
        .order_by()
        .aggregate(**_sums())
    )
    return _totals(row)


def totals_by_value(period: Period, dimension: str) -> dict[str, Totals]:
    """The counts of every value of a breakdown, summed over the period (one query)."""
    rows = (
        RateSnapshot.objects.filter(dimension=dimension, day__gte=period.start, day__lte=period.end)
        .order_by()
        .values("value")
        .annotate(**_sums())
        .values_list("value", *_sums())
    )
    return {row[0]: _counts(row[1:]) for row in _fetch(rows)}


def daily(period: Period, dimension: str = Dimension.ALL, value: str = "") -> dict[dt.date, Totals]:
    """The counts of one slice day by day, every day of the period present (one query)."""
    rows = RateSnapshot.objects.filter(
        dimension=dimension, value=value, day__gte=period.start, day__lte=period.end
    ).values_list("day", *TOTAL_FIELDS)
    found = {row[0]: _counts(row[1:]) for row in rows}
    return {day: found.get(day, Totals()) for day in period.days}


def rates(period: Period, dimension: str = Dimension.ALL, value: str = "", *, chosen=None) -> dict[str, Rate]:
    return rates_of(totals(period, dimension, value), chosen if chosen is not None else thresholds())


def last_computed() -> dt.datetime | None:
    # Every run writes the whole organisation's rows: the small slice answers for all.
    return RateSnapshot.objects.filter(dimension=Dimension.ALL).aggregate(last=Max("computed_at"))["last"]


@dataclass(frozen=True)
class Generation:
    """Which state of the snapshots a page was worked out from, and when it was computed.

    A run replaces its days' rows with new ones, so any run that writes a row raises the
    highest id; a run that only removes rows (days left without any record) removes the
    whole organisation's rows of those days, so their number falls. Equal generations are
    therefore equal snapshots, and what was worked out from one can be reused until it changes.
    """

    last_id: int
    days: int
    as_of: dt.datetime | None

    @property
    def key(self) -> str:
        return f"{self.last_id}.{self.days}.{self.as_of.timestamp() if self.as_of else 0}"


def generation() -> Generation:
    """The current :class:`Generation` (one query: the highest id from the primary key's index,
    and the whole organisation's rows, one a day)."""
    row = RateSnapshot.objects.filter(dimension=Dimension.ALL).aggregate(
        last_id=Max(Subquery(RateSnapshot.objects.order_by("-pk").values("pk")[:1])),
        days=Count("pk"),
        as_of=Max("computed_at"),
    )
    return Generation(last_id=row["last_id"] or 0, days=row["days"], as_of=row["as_of"])


def labels(dimension: str, values: Iterable[str]) -> dict[str, str]:
    """What each breakdown value is called on screen (a station's name, ``model · batch``…);
    the row of records without a value (:data:`NO_VALUE`) is "—", the providers' "Headquarters".

    A service provider is named in the reader's language, from ``ServiceProvider.objects``: a
    provider's staff, whose queries are scoped to their provider, can have no other named."""
    values = [value for value in values if value]
    if NO_VALUE in values:
        none = str(HEADQUARTERS_LABEL) if dimension == Dimension.PROVIDER else NO_VALUE_LABEL
        return {**labels(dimension, [value for value in values if value != NO_VALUE]), NO_VALUE: none}
    if dimension == Dimension.REGION:
        return {value: value for value in values}
    if dimension == Dimension.BATCH:
        parts = {value: value.partition(":") for value in values}
        model_ids = {int(model_id) for model_id, _sep, _batch in parts.values() if _is_id(model_id)}
        models = {model.pk: model for model in ProductModel.objects.filter(pk__in=model_ids)}
        result = {}
        for value, (model_id, _sep, batch) in parts.items():
            model = models.get(int(model_id)) if _is_id(model_id) else None
            result[value] = f"{model.code if model else model_id} · {batch}"
        return result
    ids = [int(value) for value in values if _is_id(value)]
    if dimension == Dimension.CATEGORY:
        names = {row.pk: row.display_name for row in ProductCategory.objects.filter(pk__in=ids)}
    elif dimension == Dimension.MODEL:
        names = {row.pk: f"{row.code} {row.display_name}" for row in ProductModel.objects.filter(pk__in=ids)}
    elif dimension == Dimension.STATION:
        names = {row.pk: row.display_name for row in ServiceStation.objects.filter(pk__in=ids)}
    elif dimension == Dimension.PROVIDER:
        names = {row.pk: row.display_name for row in ServiceProvider.objects.filter(pk__in=ids)}
    elif dimension in (Dimension.AGENT, Dimension.TECHNICIAN):
        names = {
            user.pk: user.get_full_name() or user.get_username() for user in get_user_model().objects.filter(pk__in=ids)
        }
    else:
        return {value: value for value in values}
    return {value: names.get(int(value), value) for value in values if _is_id(value)}


def _is_id(value: str) -> bool:
    """A primary key: digits that fit a 64-bit integer column."""
    return value.isdigit() and int(value) < 2**63


# --- Alerts ------------------------------------------------------------------------------


def check_rate_alerts(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Compare the three controlled rates over the last ``QUALITY_ALERT_WINDOW_DAYS`` days with
    their thresholds, for the whole organisation and every breakdown value, each only with enough
    records to judge (:func:`alerts.has_enough_records`, ``QUALITY_MIN_RECORDS``); raise an alert
    for each crossing and clear the ones back within. Returns (raised, cleared)."""
    now = now or timezone.now()
    period = Period.last_days(settings.QUALITY_ALERT_WINDOW_DAYS, business_today(now))
    chosen = thresholds()
    crossed: list[alerts.SubjectKey] = []
    raised = 0
    for dimension in ALERTED_DIMENSIONS:
        if dimension == Dimension.ALL:
            by_value = {"": totals(period)}
        else:
            by_value = totals_by_value(period, dimension)
        names = labels(dimension, by_value) if dimension != Dimension.ALL else {}
        for value, counts in by_value.items():
            for key, rate in rates_of(counts, chosen).items():
                if key not in ALERTED_KPIS or rate.status != RateStatus.ALERT:
                    continue
                if not alerts.has_enough_records(rate.denominator):
                    continue
                reading = alerts.Reading(
                    kind=AlertKind.RATE,
                    kpi=key,
                    dimension=dimension,
                    value=value,
                    label=names.get(value, "") if dimension != Dimension.ALL else "",
                    numerator=rate.numerator,
                    denominator=rate.denominator,
                    rate=rate.value,
                    threshold=rate.threshold,
                    window_start=period.start,
                    window_end=period.end,
                )
                crossed.append(reading.key)
                _alert, new = alerts.raise_or_refresh(reading, now=now)
                raised += new
    cleared = alerts.clear_all_but(AlertKind.RATE, crossed, now=now)
    return raised, cleared
