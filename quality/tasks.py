"""Celery tasks of the quality app: thin wrappers that call a service."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from aftersales.celery import RETRY_TRANSIENT
from quality import batches, snapshots
from quality.dashboard import rendering
from quality.models import RecallCampaign
from quality.recalls import services as recalls


@shared_task(name="followups.quality_snapshot_task", **RETRY_TRANSIENT)
def quality_snapshot_task(days: int = 2) -> dict:
    """Recompute the rate snapshots of the last ``days`` days (today included), raise and clear
    rate alerts, and render the dashboard's most used views for the new figures. Hourly with 2 days keeps the dashboard fresh; nightly with
    ``QUALITY_RECOMPUTE_DAYS`` settles the days whose windows have closed. Idempotent."""
    now = timezone.now()
    rows = snapshots.refresh_recent(days or settings.QUALITY_RECOMPUTE_DAYS, now=now)
    raised, cleared = snapshots.check_rate_alerts(now=now)
    # The new figures, rendered before a manager asks for them.
    views = rendering.prerender_figures(now=now)
    return {"rows": rows, "alerts_raised": raised, "alerts_cleared": cleared, "views_rendered": views}


@shared_task(name="followups.batch_warning_task", **RETRY_TRANSIENT)
def batch_warning_task() -> dict:
    """Raise an alert for every production batch failing far more often than the rest of its
    model, and clear those back to normal (quality/batches.py). Daily. Idempotent."""
    check = batches.check_batch_alerts(now=timezone.now())
    return {"flagged": check.flagged, "alerts_raised": check.raised, "alerts_cleared": check.cleared}


@shared_task(name="followups.recall_open_tickets_task", **RETRY_TRANSIENT)
def recall_open_tickets_task(campaign_id: int) -> int:
    """Open the next chunk of a recall's tickets, then queue the next chunk while units are
    left and the chunk made progress (a chunk that opened nothing would only loop: the sweep
    tries it again later). Idempotent: safe to run twice or on two workers at once."""
    campaign = RecallCampaign.objects.select_related("started_by").filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    result = recalls.open_recall_tickets(campaign=campaign)
    if result.remaining and result.opened:
        recalls.queue_recall_opening(campaign_id)
    return result.opened


@shared_task(name="followups.recall_sweep_task", **RETRY_TRANSIENT)
def recall_sweep_task() -> int:
    """Queue the opening of every recall left unfinished: its task was never queued (broker
    down) or died. Every ten minutes. Idempotent."""
    stalled = recalls.stalled_campaign_ids(now=timezone.now())
    for campaign_id in stalled:
        recalls.queue_recall_opening(campaign_id)
    return len(stalled)
