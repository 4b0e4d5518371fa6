"""Quality alerts: raised when a rate crosses its threshold or a batch fails far more often than
its model, refreshed while it stays there, cleared when it is back (docs/kpis.md#thresholds-and-alerts).

At most one open alert exists per subject (kind, rate, dimension, value); a database
constraint holds it even when two jobs run at once. Raising emails headquarters' managers (and,
for a provider's alert, that provider's) once per alert; the dashboard shows the open alerts a
viewer may see as a banner.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from aftersales.roles import managers
from customers.models import ProductModel
from notifications import webhooks
from notifications.models import WebhookEvent
from notifications.services import notify_staff
from quality.models import AlertKind, Dimension, QualityAlert
from quality.rates import KPIS
from quality.webhook_payloads import alert_data

SubjectKey = tuple[str, str, str, str]


def minimum_records() -> int:
    """How many records (a rate's denominator) a figure needs before it is judged against its
    threshold: ``QUALITY_MIN_RECORDS``, at least 1."""
    return max(1, settings.QUALITY_MIN_RECORDS)


def has_enough_records(denominator: int, minimum: int | None = None) -> bool:
    """The one "enough records" rule: a rate over fewer than the minimum number of records is
    too few to judge. The dashboard shows such a figure, breakdown row or chart point neutral,
    never as an alert, and :func:`quality.snapshots.check_rate_alerts` raises no alert for it,
    for the whole organisation as for a station or a model: 2 dissatisfied of 3 is 67 %, and it
    says nothing yet."""
    return denominator >= (minimum_records() if minimum is None else minimum)


@dataclass(frozen=True)
class Reading:
    """One subject's figures as the job found them: a rate (or batch failure rate) against the
    threshold it is compared with."""

    kind: str
    kpi: str
    dimension: str
    value: str
    label: str
    numerator: int
    denominator: int
    rate: Decimal
    threshold: Decimal
    window_start: dt.date
    window_end: dt.date
    model: ProductModel | None = None
    batch: str = ""

    @property
    def key(self) -> SubjectKey:
        return (self.kind, self.kpi, self.dimension, self.value)


def open_alerts(kind: str | None = None):
    alerts = QualityAlert.objects.filter(cleared_at__isnull=True)
    if kind is not None:
        alerts = alerts.filter(kind=kind)
    return alerts


def _figures(reading: Reading) -> dict:
    return {
        "label": reading.label[:200],
        "numerator": reading.numerator,
        "denominator": reading.denominator,
        "rate": reading.rate.quantize(Decimal("0.000001")),
        "threshold": reading.threshold,
        "window_start": reading.window_start,
        "window_end": reading.window_end,
        "model": reading.model,
        "batch": reading.batch,
    }


def raise_or_refresh(reading: Reading, *, now: dt.datetime | None = None) -> tuple[QualityAlert, bool]:
    """Open an alert for the reading's subject, or refresh the open one's figures.

    Returns ``(alert, raised)``; a newly raised alert emails every manager after the commit.
    """
    now = now or timezone.now()
    kind, kpi, dimension, value = reading.key
    subject = {"kind": kind, "kpi": kpi, "dimension": dimension, "value": value}
    existing = open_alerts().filter(**subject).first()
    if existing is not None:
        QualityAlert.objects.filter(pk=existing.pk).update(checked_at=now, **_figures(reading))
        existing.refresh_from_db()
        return existing, False
    try:
        with transaction.atomic():
            alert = QualityAlert.objects.create(raised_at=now, checked_at=now, **subject, **_figures(reading))
    except IntegrityError:
        # Another job raised it a moment ago: refresh that one.
        return raise_or_refresh(reading, now=now)
    notify_managers_of_alert(alert)
    webhooks.emit(WebhookEvent.ALERT_RAISED, alert_data(alert), now=now)
    return alert, True


def clear_all_but(kind: str, still_crossed: Iterable[SubjectKey], *, now: dt.datetime | None = None, **scope) -> int:
    """Clear every open alert of ``kind`` (narrowed by ``scope`` field filters) whose subject is
    not in ``still_crossed``: its rate is back within the threshold. Returns how many."""
    now = now or timezone.now()
    keep = set(still_crossed)
    cleared = [
        alert
        for alert in open_alerts(kind).filter(**scope)
        if (alert.kind, alert.kpi, alert.dimension, alert.value) not in keep
    ]
    if not cleared:
        return 0
    count = QualityAlert.objects.filter(pk__in=[alert.pk for alert in cleared]).update(cleared_at=now, checked_at=now)
    for alert in cleared:
        alert.cleared_at = alert.checked_at = now
        webhooks.emit(WebhookEvent.ALERT_CLEARED, alert_data(alert), now=now)
    return count


def alert_recipients(alert: QualityAlert):
    """Who is told of an alert: headquarters' managers (those of no provider), and for an alert
    about one service provider, that provider's managers too. A provider's managers never hear
    of another provider's, station's or technician's figures."""
    condition = Q(provider_membership__isnull=True)
    if alert.dimension == Dimension.PROVIDER and alert.value.isdigit():
        condition |= Q(provider_membership__provider_id=int(alert.value))
    return managers().filter(condition)


def notify_managers_of_alert(alert: QualityAlert) -> int:
    """Email the managers of :func:`alert_recipients` about a newly raised alert, once per alert
    and manager."""
    url = settings.SITE_URL.rstrip("/") + reverse("dashboard:home")
    with translation.override(settings.LANGUAGE_CODE):
        kpi_label = str(KPIS[alert.kpi].label) if alert.kpi in KPIS else ""
        dimension_label = str(Dimension(alert.dimension).label)
    context = {
        "kpi_label": kpi_label,
        "dimension_label": dimension_label,
        "kind": alert.kind,
        "is_batch": alert.kind == AlertKind.BATCH,
        "kpi": alert.kpi,
        "label": alert.label,
        "dimension": alert.dimension,
        "is_whole_organisation": alert.dimension == Dimension.ALL,
        "numerator": alert.numerator,
        "denominator": alert.denominator,
        "percent": str((alert.rate * 100).quantize(Decimal("0.01"))),
        "threshold_percent": str((alert.threshold * 100).quantize(Decimal("0.01"))),
        "window_start": alert.window_start,
        "window_end": alert.window_end,
        "batch": alert.batch,
        "dashboard_url": url,
    }
    sent = 0
    for manager in alert_recipients(alert):
        email = notify_staff(
            user=manager, template="alert_raised", context=context, dedupe_key=f"alert:{alert.pk}:{manager.pk}"
        )
        sent += email is not None
    return sent
