"""How long the outbox and the webhook deliveries are kept: the rule, pure (no ORM, settings or
clock; the caller hands it the time).

The outbox and the deliveries are logs of what was sent. They grow with every ticket (a few
messages each and, per receiver, a few deliveries) and are read while someone looks into a recent
case: did the customer get the SMS, did the dealer's system answer. Past their retention they go;
the tickets' timelines, which say what happened to each case and who did it, are the record and
are never pruned (docs/deployment.md#21-table-growth-and-retention).

A row may go only when it is finished and old:

- finished: a message sent or given up on, a delivery delivered or given up on. A row still
  waiting or retrying is work, not history, and stays however old it is. A delivery the admin
  sends again is waiting again, so it stays until it is finished once more;
- old: created more than the retention's days before now. A row finishes within hours of its
  creation (eight attempts at most), so its creation stands for its age;
- a retention of 0 days keeps every row forever.

A message's ``dedupe_key`` stops an event from being told twice only while its row exists; the
keys name one-off events (a ticket's event, a report, an alert), so a pruned row's event does
not come again.
"""

import datetime as dt
from dataclasses import dataclass

from notifications.choices import MessageStatus, WebhookDeliveryStatus

FINISHED_MESSAGES = frozenset({MessageStatus.SENT, MessageStatus.FAILED})
FINISHED_DELIVERIES = frozenset({WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED})


@dataclass(frozen=True)
class Retention:
    """Rows in one of the ``finished`` statuses are kept ``days`` days after their creation; 0
    keeps them forever."""

    finished: frozenset[str]
    days: int

    def __post_init__(self) -> None:
        if self.days < 0:
            raise ValueError(f"A retention cannot be negative, got {self.days} days")

    @property
    def keeps_forever(self) -> bool:
        return self.days == 0

    def cutoff(self, now: dt.datetime) -> dt.datetime | None:
        """Finished rows created before this moment may go; None when every row is kept."""
        if self.keeps_forever:
            return None
        return now - dt.timedelta(days=self.days)

    def prunable(self, *, status: str, created_at: dt.datetime, now: dt.datetime) -> bool:
        cutoff = self.cutoff(now)
        return cutoff is not None and status in self.finished and created_at < cutoff


def outbox_retention(days: int) -> Retention:
    return Retention(finished=FINISHED_MESSAGES, days=days)


def webhook_retention(days: int) -> Retention:
    return Retention(finished=FINISHED_DELIVERIES, days=days)
