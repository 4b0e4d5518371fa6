"""Pruning the finished messages and webhook deliveries past their retention (the rule is
notifications/retention.py; the settings OUTBOX_RETENTION_DAYS and WEBHOOK_RETENTION_DAYS).

Run nightly by ``notifications.prune_history_task`` and by hand with ``manage.py prune_history``.
A delivery's attempts are its ``attempt_log``: they go with it. Nothing else points at these
rows (tests/notifications/test_pruning.py checks that no foreign key does), and the tickets'
timelines are not touched.

The rows go in batches, oldest first, one short ``DELETE`` each in its own transaction, so memory
and lock time stay bounded whatever the backlog: at millions of rows (the first run on an old
installation) the job takes longer, never holds more. Each batch is found through the
``(status, created_at)`` index and starts where the last one ended, so it never walks over the
rows already deleted: on PostgreSQL (2 cores) a batch of 1,000 takes about 5 ms, 200,000 rows
about a second. Idempotent: a second run finds nothing left to prune.
"""

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import models

from notifications.models import OutboundMessage, WebhookDelivery
from notifications.retention import Retention, outbox_retention, webhook_retention

logger = logging.getLogger(__name__)

# Rows per DELETE: a few milliseconds of locks on PostgreSQL and SQLite alike.
BATCH_SIZE = 1000


@dataclass(frozen=True)
class Pruned:
    """How many rows went (or, in a dry run, would go)."""

    messages: int
    webhook_deliveries: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def retentions_from_settings() -> tuple[Retention, Retention]:
    """The outbox's retention and the webhook deliveries', from the settings."""
    return outbox_retention(settings.OUTBOX_RETENTION_DAYS), webhook_retention(settings.WEBHOOK_RETENTION_DAYS)


def prune_history(*, now: dt.datetime, dry_run: bool = False, batch_size: int = BATCH_SIZE) -> Pruned:
    """Delete the finished messages and webhook deliveries past their retention at ``now``;
    with ``dry_run`` only count them. Returns the counts, and logs them."""
    outbox, webhooks = retentions_from_settings()
    pruned = Pruned(
        messages=_prune(OutboundMessage, outbox, now=now, dry_run=dry_run, batch_size=batch_size),
        webhook_deliveries=_prune(WebhookDelivery, webhooks, now=now, dry_run=dry_run, batch_size=batch_size),
    )
    logger.info(
        "%s %s messages and %s webhook deliveries (kept %s and %s days; 0 keeps them forever)",
        "Would prune" if dry_run else "Pruned",
        pruned.messages,
        pruned.webhook_deliveries,
        outbox.days,
        webhooks.days,
    )
    return pruned


def _prune(model: type[models.Model], retention: Retention, *, now: dt.datetime, dry_run: bool, batch_size: int) -> int:
    cutoff = retention.cutoff(now)
    if cutoff is None:
        return 0
    if dry_run:
        return model._default_manager.filter(status__in=retention.finished, created_at__lt=cutoff).count()
    return sum(
        deleted
        for status in sorted(retention.finished)
        for deleted in delete_in_batches(model, status=status, cutoff=cutoff, batch_size=batch_size)
    )


def delete_in_batches(model: type[models.Model], *, status: str, cutoff: dt.datetime, batch_size: int) -> Iterator[int]:
    """Delete the rows in ``status`` created before ``cutoff``, at most ``batch_size`` at a time,
    oldest first (by creation, then id: rows written in one instant, like an event's deliveries
    to several receivers, are split like any others); yields how many each batch deleted. The
    status is checked by each ``DELETE`` itself: a delivery sent again meanwhile is pending and
    stays."""
    old = model._default_manager.filter(status=status, created_at__lt=cutoff)
    rows = old
    while True:
        ends = list(rows.order_by("created_at", "pk").values_list("created_at", "pk")[batch_size - 1 : batch_size])
        if not ends:
            count, _ = rows.delete()
            yield count
            return
        created_at, pk = ends[0]
        count, _ = rows.filter(created_at__lte=created_at).exclude(created_at=created_at, pk__gt=pk).delete()
        yield count
        # The next batch starts after this one's last row.
        rows = old.filter(created_at__gte=created_at).exclude(created_at=created_at, pk__lte=pk)
