"""Reads for recall campaigns: their progress, their units, and the open batch alerts a recall
may answer (docs/kpis.md#batch-early-warning). Each selector counts SQL-side and returns its rows with the
joins done, so templates never query (docs/architecture.md#house-rules).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from followups.choices import CallbackStatus
from quality.alerts import open_alerts
from quality.models import AlertKind, QualityAlert, RecallCampaign, RecallUnit
from quality.recalls.services import pending_units
from tickets.choices import OPEN_STATUSES, Status

# --- progress ---------------------------------------------------------------------------------------

# Ticket statuses by how far the recall work is: still to do, fixed (awaiting or past the
# customer's confirmation), closed, and cancelled or merged into another ticket.
RESOLVED_STATUSES = (Status.RESOLVED, Status.VERIFIED)
CANCELLED_STATUSES = (Status.CANCELLED, Status.MERGED)


def _units(condition: Q | None = None) -> Count:
    return Count("units", filter=condition)


PROGRESS_COUNTS = {
    "units_opened": _units(),
    "tickets_open": _units(Q(units__ticket__status__in=OPEN_STATUSES)),
    "tickets_resolved": _units(Q(units__ticket__status__in=RESOLVED_STATUSES)),
    "tickets_closed": _units(Q(units__ticket__status=Status.CLOSED)),
    "tickets_cancelled": _units(Q(units__ticket__status__in=CANCELLED_STATUSES)),
    "callbacks_due": _units(Q(units__callback__status=CallbackStatus.DUE)),
    "callbacks_done": _units(Q(units__callback__status=CallbackStatus.DONE)),
    "callbacks_unreachable": _units(Q(units__callback__status=CallbackStatus.UNREACHABLE)),
}


def campaigns_with_progress() -> QuerySet[RecallCampaign]:
    """Every campaign, newest first, with who started it, its model and alert, and its progress
    counts (the ``PROGRESS_COUNTS`` names) counted SQL-side in the same query."""
    return (
        RecallCampaign.objects.select_related("model", "started_by", "alert")
        .annotate(**PROGRESS_COUNTS)
        .order_by("-started_at", "-id")
    )


@dataclass(frozen=True)
class BarSegment:
    name: str
    count: int
    percent: float


@dataclass(frozen=True)
class RecallProgress:
    """Where a campaign stands: its tickets by status group, its callbacks by outcome, and the
    units whose ticket is still to open. Done means nothing is left for the service network:
    the fix is made (resolved or closed) or the ticket was cancelled."""

    pending: int
    tickets_open: int
    tickets_resolved: int
    tickets_closed: int
    tickets_cancelled: int
    callbacks_due: int
    callbacks_done: int
    callbacks_unreachable: int
    units_opened: int

    @property
    def units(self) -> int:
        return self.units_opened + self.pending

    @property
    def done(self) -> int:
        return self.tickets_resolved + self.tickets_closed + self.tickets_cancelled

    @property
    def percent_done(self) -> int:
        """Rounded down, so 100 % means every unit is done."""
        return self.done * 100 // self.units if self.units else 0

    @property
    def bar(self) -> list[BarSegment]:
        """The progress bar's segments, in order, each with its share of the units."""
        parts = (
            ("closed", self.tickets_closed),
            ("resolved", self.tickets_resolved),
            ("cancelled", self.tickets_cancelled),
            ("open", self.tickets_open),
            ("pending", self.pending),
        )
        total = self.units
        return [BarSegment(name, count, round(count * 100 / total, 1)) for name, count in parts if count and total]


def progress_of(campaign: RecallCampaign, *, pending: int = 0) -> RecallProgress:
    """The progress of a campaign from ``campaigns_with_progress``; ``pending`` is the number of
    units still to open (see :func:`pending_count`)."""
    return RecallProgress(pending=pending, **{name: getattr(campaign, name) for name in PROGRESS_COUNTS})


def pending_count(campaign: RecallCampaign) -> int:
    """Units still without their ticket: none once the campaign is opened (one query before)."""
    return 0 if campaign.opened_at is not None else pending_units(campaign).count()


def campaign_unit_rows(campaign: RecallCampaign) -> QuerySet[RecallUnit]:
    """The campaign's units with owner, ticket and callback joined, in the order opened."""
    return (
        RecallUnit.objects.filter(campaign=campaign).select_related("unit__owner", "ticket", "callback").order_by("id")
    )


# --- the batch alerts a recall may answer --------------------------------------------------------


def percent(fraction: Decimal) -> Decimal:
    """A stored rate (0.125) as a percentage with one decimal (12.5)."""
    return (fraction * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class BatchAlertRow:
    alert: QualityAlert
    rate_percent: Decimal
    threshold_percent: Decimal
    recalls_started: int


def open_batch_alerts() -> list[BatchAlertRow]:
    """The open batch alerts, the highest failure rate first, each with its model, its figures
    as percentages and how many recalls were started from it (one query)."""
    alerts = (
        open_alerts(AlertKind.BATCH)
        .select_related("model")
        .annotate(recalls_started=Count("recalls"))
        .order_by("-rate", "-id")
    )
    return [
        BatchAlertRow(
            alert=alert,
            rate_percent=percent(alert.rate),
            threshold_percent=percent(alert.threshold),
            recalls_started=alert.recalls_started,
        )
        for alert in alerts
    ]


def open_batch_alert(pk: int) -> QualityAlert | None:
    """One open batch alert with its model, or None (cleared, another kind, or none)."""
    return open_alerts(AlertKind.BATCH).select_related("model").filter(pk=pk).first()
