"""notifications/retention.py: which messages and webhook deliveries may be pruned. Pure: no database."""

import datetime as dt

import pytest

from notifications.choices import MessageStatus, WebhookDeliveryStatus
from notifications.retention import (
    FINISHED_DELIVERIES,
    FINISHED_MESSAGES,
    Retention,
    outbox_retention,
    webhook_retention,
)

NOW = dt.datetime(2026, 6, 30, 18, 30, tzinfo=dt.UTC)


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def test_finished_means_done_for_good_never_waiting_or_retrying():
    assert FINISHED_MESSAGES == {MessageStatus.SENT, MessageStatus.FAILED}
    assert FINISHED_DELIVERIES == {WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED}
    assert set(MessageStatus.values) - FINISHED_MESSAGES == {"pending"}
    assert set(WebhookDeliveryStatus.values) - FINISHED_DELIVERIES == {"pending"}


@pytest.mark.parametrize(
    ("status", "created", "prunable"),
    [
        ("sent", days_ago(181), True),
        ("failed", days_ago(400), True),
        # The boundary: exactly the retention's age stays, a second older goes.
        ("sent", days_ago(180), False),
        ("sent", days_ago(180) - dt.timedelta(seconds=1), True),
        ("sent", days_ago(179), False),
        ("sent", NOW, False),
        # Waiting or retrying, however old.
        ("pending", days_ago(181), False),
        ("pending", days_ago(3650), False),
    ],
)
def test_outbox_keeps_finished_messages_180_days_and_waiting_ones_always(status, created, prunable):
    assert outbox_retention(180).prunable(status=status, created_at=created, now=NOW) is prunable


@pytest.mark.parametrize(
    ("status", "created", "prunable"),
    [
        ("delivered", days_ago(91), True),
        ("failed", days_ago(91), True),
        ("delivered", days_ago(90), False),
        ("failed", days_ago(89), False),
        ("pending", days_ago(91), False),
        # A message status is not a delivery's: "sent" is no finished delivery.
        ("sent", days_ago(91), False),
    ],
)
def test_webhook_deliveries_are_kept_90_days_once_finished(status, created, prunable):
    assert webhook_retention(90).prunable(status=status, created_at=created, now=NOW) is prunable


def test_cutoff_is_the_retention_before_now():
    assert outbox_retention(180).cutoff(NOW) == dt.datetime(2026, 1, 1, 18, 30, tzinfo=dt.UTC)
    assert webhook_retention(1).cutoff(NOW) == dt.datetime(2026, 6, 29, 18, 30, tzinfo=dt.UTC)


def test_zero_days_keeps_everything_forever():
    forever = outbox_retention(0)
    assert forever.keeps_forever is True
    assert forever.cutoff(NOW) is None
    assert forever.prunable(status="sent", created_at=days_ago(10_000), now=NOW) is False
    assert outbox_retention(1).keeps_forever is False


def test_a_negative_retention_is_refused():
    with pytest.raises(ValueError, match="cannot be negative, got -1 days"):
        Retention(finished=FINISHED_MESSAGES, days=-1)
