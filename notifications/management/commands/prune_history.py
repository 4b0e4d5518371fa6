"""``manage.py prune_history``: what the nightly job does, run by hand.

Deletes the finished outbox messages and webhook deliveries older than OUTBOX_RETENTION_DAYS and
WEBHOOK_RETENTION_DAYS (notifications/pruning.py); ``--dry-run`` only counts them. Waiting
messages, deliveries still retrying and the tickets' timelines are never touched.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.pruning import BATCH_SIZE, prune_history, retentions_from_settings


class Command(BaseCommand):
    help = "Delete finished messages and webhook deliveries past their retention (--dry-run: only count them)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted; delete nothing")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="rows per DELETE statement")

    def handle(self, *args, dry_run: bool, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        outbox, webhooks = retentions_from_settings()
        pruned = prune_history(now=timezone.now(), dry_run=dry_run, batch_size=batch_size)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {pruned.messages} messages ({_kept(outbox.days)}).")
        self.stdout.write(f"{verb} {pruned.webhook_deliveries} webhook deliveries ({_kept(webhooks.days)}).")


def _kept(days: int) -> str:
    return f"finished ones are kept {days} days" if days else "kept forever"
