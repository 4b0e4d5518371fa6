"""Emitting webhook events: one delivery row per subscriber, in the caller's transaction, handed
to Celery after the commit (issue 7). What an event's ``data`` holds is built by the app that
owns the data (``<app>/webhook_payloads.py``)."""

import datetime as dt
import json
import uuid
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import QUALITY_ROLES
from notifications.models import WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription
from notifications.webhooks import listened
from notifications.webhooks.tasks import dispatch

# Sent on request (POST /api/webhooks/{id}/ping/) to check a receiver; nobody subscribes to it.
PING = "ping"


def _live_subscriptions() -> list[WebhookSubscription]:
    """The live subscriptions of managers and administrators (one query), with their events."""
    return list(
        WebhookSubscription.objects.filter(is_active=True, deleted_at__isnull=True, owner__is_active=True)
        .filter(Q(owner__is_superuser=True) | Q(owner__groups__name__in=sorted(QUALITY_ROLES)))
        .distinct()
        .only("pk", "events")
    )


def _subscribers(event: str) -> list[WebhookSubscription]:
    """The live subscriptions of managers and administrators that asked for ``event``: no query
    when the cache knows nobody asked for it (notifications/webhooks/listened.py), one otherwise.
    The event list is matched here, not in SQL: SQLite has no JSON containment, and there are few rows."""
    known, token = listened.lookup()
    if known is not None and event not in known:
        return []
    rows = _live_subscriptions()
    if known is None:
        listened.store(token, frozenset(name for row in rows for name in row.events))
    return [row for row in rows if event in row.events]


def _payload(event: str, data: dict[str, Any], *, event_id: uuid.UUID, now: dt.datetime) -> dict:
    """The body of every delivery of one event; stored as JSON sends it (dates as ISO text)."""
    envelope = {"id": str(event_id), "event": event, "occurred_at": now, "data": data}
    return json.loads(json.dumps(envelope, cls=DjangoJSONEncoder))


def _queue(deliveries: list[WebhookDelivery]) -> list[WebhookDelivery]:
    for delivery in deliveries:
        pk = delivery.pk
        transaction.on_commit(lambda pk=pk: dispatch(pk))
    return deliveries


def emit(event: str, data: dict[str, Any], *, now: dt.datetime | None = None) -> list[WebhookDelivery]:
    """Record ``event`` for every subscription that asked for it, in the caller's transaction,
    and send each after the commit. No query when nobody listens (once the cache knows it)."""
    subscriptions = _subscribers(event)
    if not subscriptions:
        return []
    now = now or timezone.now()
    event_id = uuid.uuid4()
    payload = _payload(event, data, event_id=event_id, now=now)
    rows = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription=subscription, event=event, event_id=event_id, payload=payload, next_attempt_at=now
            )
            for subscription in subscriptions
        ]
    )
    return _queue(rows)


@transaction.atomic
def ping(*, subscription: WebhookSubscription, by: AbstractBaseUser) -> WebhookDelivery:
    """Send the receiver a ``ping`` event, whatever it subscribed to, to check it answers."""
    if subscription.owner_id != by.pk:
        raise PermissionDenied(_("This subscription is someone else's."))
    now = timezone.now()
    event_id = uuid.uuid4()
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event=PING,
        event_id=event_id,
        payload=_payload(PING, {"subscription": subscription.pk}, event_id=event_id, now=now),
        next_attempt_at=now,
    )
    return _queue([delivery])[0]


@transaction.atomic
def redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (the admin's "resend"), with a fresh set of attempts; its log stays."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status = WebhookDeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    return _queue([delivery])[0]
