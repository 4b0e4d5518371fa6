"""notifications/pruning.py, its nightly task and ``manage.py prune_history``: finished messages and
webhook deliveries past their retention go, in batches; waiting and retrying ones stay, and so do
the tickets' timelines. Rows are made at controlled moments (time-machine), the pruning runs at NOW."""

import datetime as dt
import importlib
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from aftersales.settings import messaging
from notifications.models import MessageStatus, OutboundMessage, WebhookDelivery, WebhookDeliveryStatus
from notifications.pruning import delete_in_batches, prune_history
from notifications.tasks import prune_history_task
from tests import factories
from tickets.choices import Channel, Kind
from tickets.models import TicketEvent
from tickets.services import ticket_create, ticket_transition

NOW = dt.datetime(2026, 6, 30, 18, 30, tzinfo=dt.UTC)
PRUNE_ENTRY = "Prune finished messages and webhook deliveries"


def at(days_ago: float):
    return time_machine.travel(NOW - dt.timedelta(days=days_ago), tick=False)


def message(status: str, days_ago: float, **fields) -> OutboundMessage:
    """An outbox row created ``days_ago`` before NOW, in ``status``."""
    with at(days_ago):
        return OutboundMessage.objects.create(
            channel="sms",
            recipient="+8613812345678",
            template="status_cancelled",
            language="en",
            context={"reference": "AS-2026-000042"},
            status=status,
            **fields,
        )


def delivery(subscription, status: str, days_ago: float, **fields) -> WebhookDelivery:
    """A webhook delivery created ``days_ago`` before NOW, in ``status``."""
    with at(days_ago):
        return WebhookDelivery.objects.create(
            subscription=subscription,
            event="ticket.created",
            payload={"event": "ticket.created"},
            status=status,
            **fields,
        )


def attempts(count: int) -> list[dict]:
    return [
        {"attempt": n, "status_code": 503, "error": "", "duration_ms": 40, "response": "busy"} for n in range(count)
    ]


def pks(model) -> set[int]:
    return set(model.objects.values_list("pk", flat=True))


@pytest.fixture
def timeline(agent) -> list[tuple]:
    """A ticket logged and cancelled 400 days before NOW: its timeline is older than any retention."""
    customer = factories.CustomerFactory()
    with at(400):
        ticket = ticket_create(
            customer=customer, kind=Kind.REPAIR, channel=Channel.PHONE, description="Leaks.", by=agent
        )
        ticket_transition(ticket=ticket, move="cancel", by=agent, note="Fixed itself.", tell_customer=False)
    return list(TicketEvent.objects.order_by("pk").values_list("pk", "ticket_id", "kind", "created_at"))


@pytest.mark.django_db
def test_the_nightly_task_prunes_exactly_the_finished_rows_past_their_retention(timeline):
    subscription = factories.WebhookSubscriptionFactory()
    gone_messages = {
        message(MessageStatus.SENT, 181, sent_at=NOW - dt.timedelta(days=181)).pk,
        message(MessageStatus.FAILED, 400, attempts=8, error_code="unavailable").pk,
    }
    kept_messages = {
        # Still retrying, however old.
        message(MessageStatus.PENDING, 400, attempts=3, error_code="unavailable").pk,
        # Exactly 180 days old: not older than its retention yet.
        message(MessageStatus.SENT, 180).pk,
        message(MessageStatus.FAILED, 179, attempts=1, error_code="recipient_refused").pk,
        message(MessageStatus.SENT, 0).pk,
    }
    gone_deliveries = {
        delivery(subscription, WebhookDeliveryStatus.DELIVERED, 91, attempts=1, attempt_log=attempts(1)).pk,
        # Given up on after eight attempts: its attempts (attempt_log) go with it.
        delivery(subscription, WebhookDeliveryStatus.FAILED, 200, attempts=8, attempt_log=attempts(8)).pk,
    }
    kept_deliveries = {
        # Retrying: its next attempt is due tomorrow.
        delivery(
            subscription,
            WebhookDeliveryStatus.PENDING,
            200,
            attempts=5,
            attempt_log=attempts(5),
            next_attempt_at=NOW + dt.timedelta(days=1),
        ).pk,
        delivery(subscription, WebhookDeliveryStatus.DELIVERED, 90).pk,
        delivery(subscription, WebhookDeliveryStatus.FAILED, 30, attempts=8, attempt_log=attempts(8)).pk,
    }
    assert len(timeline) == 2

    with time_machine.travel(NOW, tick=False):
        assert prune_history_task.apply().get() == {"messages": 2, "webhook_deliveries": 2}
        assert pks(OutboundMessage) == kept_messages
        assert pks(WebhookDelivery) == kept_deliveries
        # A second run finds nothing more to prune.
        assert prune_history_task.apply().get() == {"messages": 0, "webhook_deliveries": 0}

    assert not gone_messages & pks(OutboundMessage)
    assert not gone_deliveries & pks(WebhookDelivery)
    # The timeline is the record: never pruned, whatever its age.
    assert list(TicketEvent.objects.order_by("pk").values_list("pk", "ticket_id", "kind", "created_at")) == timeline
    # The subscription of the pruned deliveries stays.
    assert WebhookDelivery.objects.filter(subscription=subscription).count() == 3


@pytest.mark.django_db
def test_zero_days_keeps_every_row(settings, timeline):
    settings.OUTBOX_RETENTION_DAYS = 0
    settings.WEBHOOK_RETENTION_DAYS = 0
    subscription = factories.WebhookSubscriptionFactory()
    kept_messages = {message(MessageStatus.SENT, 3650).pk, message(MessageStatus.FAILED, 3650).pk}
    kept_deliveries = {delivery(subscription, WebhookDeliveryStatus.DELIVERED, 3650).pk}

    assert prune_history(now=NOW).as_dict() == {"messages": 0, "webhook_deliveries": 0}
    assert pks(OutboundMessage) == kept_messages
    assert pks(WebhookDelivery) == kept_deliveries
    assert TicketEvent.objects.count() == len(timeline)


@pytest.mark.django_db
def test_each_table_has_its_own_retention(settings):
    settings.OUTBOX_RETENTION_DAYS = 0
    settings.WEBHOOK_RETENTION_DAYS = 7
    subscription = factories.WebhookSubscriptionFactory()
    kept = message(MessageStatus.SENT, 30)
    delivery(subscription, WebhookDeliveryStatus.DELIVERED, 8)
    recent = delivery(subscription, WebhookDeliveryStatus.DELIVERED, 6)

    assert prune_history(now=NOW).as_dict() == {"messages": 0, "webhook_deliveries": 1}
    assert pks(OutboundMessage) == {kept.pk}
    assert pks(WebhookDelivery) == {recent.pk}


def old_sent_messages() -> list[OutboundMessage]:
    """Seven sent messages 200 to 206 days old, then three written in one instant 190 days ago
    (one event's messages)."""
    rows = [message(MessageStatus.SENT, 206 - n) for n in range(7)]
    with at(190):
        rows += [
            OutboundMessage.objects.create(
                channel="email", recipient=f"m{n}@example.com", template="x", language="en", status=MessageStatus.SENT
            )
            for n in range(3)
        ]
    return rows


@pytest.mark.django_db
def test_rows_go_oldest_first_never_more_than_a_batch_at_a_time():
    rows = old_sent_messages()
    kept = message(MessageStatus.SENT, 10)
    cutoff = NOW - dt.timedelta(days=180)
    batches = delete_in_batches(OutboundMessage, status=MessageStatus.SENT, cutoff=cutoff, batch_size=3)

    # The oldest three first; the three of one instant are split like any others.
    assert next(batches) == 3
    assert pks(OutboundMessage) == {row.pk for row in rows[3:]} | {kept.pk}
    assert next(batches) == 3
    assert next(batches) == 3
    assert pks(OutboundMessage) == {rows[-1].pk, kept.pk}
    assert list(batches) == [1]
    assert pks(OutboundMessage) == {kept.pk}


@pytest.mark.django_db
def test_each_batch_is_one_query_for_where_it_ends_and_one_delete(settings, django_assert_num_queries):
    settings.WEBHOOK_RETENTION_DAYS = 0
    rows = old_sent_messages()
    kept = message(MessageStatus.SENT, 10)

    # "failed": nothing (2 queries); "sent": batches of 3, 3, 3 and the last 1 (8 queries).
    with django_assert_num_queries(10):
        pruned = prune_history(now=NOW, batch_size=3)

    assert pruned.messages == len(rows) == 10
    assert pks(OutboundMessage) == {kept.pk}


@pytest.mark.django_db
def test_a_dry_run_counts_and_deletes_nothing(settings):
    subscription = factories.WebhookSubscriptionFactory()
    rows = {message(MessageStatus.SENT, 181).pk, message(MessageStatus.PENDING, 181).pk}
    delivery(subscription, WebhookDeliveryStatus.FAILED, 91)

    assert prune_history(now=NOW, dry_run=True).as_dict() == {"messages": 1, "webhook_deliveries": 1}
    assert pks(OutboundMessage) == rows
    assert WebhookDelivery.objects.count() == 1


@pytest.mark.django_db
def test_the_command_prunes_by_hand_and_says_how_many(settings):
    subscription = factories.WebhookSubscriptionFactory()
    message(MessageStatus.SENT, 181)
    message(MessageStatus.FAILED, 182)
    delivery(subscription, WebhookDeliveryStatus.DELIVERED, 91)

    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("prune_history", "--dry-run", stdout=out)
        assert (OutboundMessage.objects.count(), WebhookDelivery.objects.count()) == (2, 1)
        settings.WEBHOOK_RETENTION_DAYS = 0
        call_command("prune_history", "--batch-size", "1", stdout=out)

    assert out.getvalue().splitlines() == [
        "Would delete 2 messages (finished ones are kept 180 days).",
        "Would delete 1 webhook deliveries (finished ones are kept 90 days).",
        "Deleted 2 messages (finished ones are kept 180 days).",
        "Deleted 0 webhook deliveries (kept forever).",
    ]
    assert (OutboundMessage.objects.count(), WebhookDelivery.objects.count()) == (0, 1)
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        call_command("prune_history", "--batch-size", "0", stdout=out)


def test_nothing_points_at_the_pruned_rows():
    """Deleting a message or a delivery must take nothing else with it, or be stopped by a
    protecting key: no model refers to them. A new reference must decide (keep the row, or
    SET_NULL) and be tested with the pruning."""
    pruned = (OutboundMessage, WebhookDelivery)
    references = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model in pruned
    ]
    assert references == []


def test_retention_defaults_and_a_negative_value_stops_the_product_at_start(monkeypatch):
    assert (django_settings.OUTBOX_RETENTION_DAYS, django_settings.WEBHOOK_RETENTION_DAYS) == (180, 90)
    try:
        monkeypatch.setenv("OUTBOX_RETENTION_DAYS", "0")
        monkeypatch.setenv("WEBHOOK_RETENTION_DAYS", "30")
        importlib.reload(messaging)
        assert (messaging.OUTBOX_RETENTION_DAYS, messaging.WEBHOOK_RETENTION_DAYS) == (0, 30)
        monkeypatch.setenv("WEBHOOK_RETENTION_DAYS", "-1")
        with pytest.raises(ImproperlyConfigured, match="WEBHOOK_RETENTION_DAYS must be at least 0, got '-1'"):
            importlib.reload(messaging)
        monkeypatch.setenv("WEBHOOK_RETENTION_DAYS", "ninety")
        with pytest.raises(ImproperlyConfigured, match="WEBHOOK_RETENTION_DAYS must be an integer"):
            importlib.reload(messaging)
    finally:
        monkeypatch.delenv("OUTBOX_RETENTION_DAYS")
        monkeypatch.delenv("WEBHOOK_RETENTION_DAYS")
        importlib.reload(messaging)


def _daily_minute(entry: dict) -> int | None:
    """The minute of the day a daily entry runs at, in business time; None for the others."""
    hour = str(getattr(entry["schedule"], "_orig_hour", "*"))
    return int(hour) * 60 + int(entry["schedule"]._orig_minute) if hour.isdigit() else None


def test_the_pruning_runs_at_night_clear_of_the_other_night_jobs():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert schedule[PRUNE_ENTRY]["task"] == "notifications.prune_history_task"
    prune = _daily_minute(schedule[PRUNE_ENTRY])
    assert prune == 4 * 60 + 30
    others = [
        minute
        for name, entry in schedule.items()
        if name != PRUNE_ENTRY and (minute := _daily_minute(entry)) is not None
    ]
    # Three quarters of an hour at least from every other daily job (the closest: leads at 03:45).
    assert min(abs(minute - prune) for minute in others) == 45
