"""Webhooks: integrators are told of ticket, claim, callback and alert events (issue 7).

This package is generic: it knows the event names (``notifications.models.WebhookEvent``), the
subscriptions, the outbox of deliveries and how to send them, never what a ticket, claim,
callback or alert is. The app that owns an event builds its ``data`` (``tickets``,
``warranty``, ``followups`` and ``quality``, each in its ``webhook_payloads.py``) and calls
:func:`emit`.

How an event reaches a receiver, and why each step is where it is:

1. A service that changes something calls :func:`emit` inside its own transaction. ``emit``
   writes one ``WebhookDelivery`` row per active subscription that asked for the event, so a
   delivery exists exactly when the change was committed (the outbox pattern, like the emails
   in notifications/services.py), and queues ``deliver_webhook_task`` after the commit. Nothing
   is sent from the request: a slow or failing receiver never slows down or breaks it, and a
   broker that is down only delays the delivery (the sweep sends it later). Which events have
   any subscriber at all is cached (:mod:`notifications.webhooks.listened`), so an event nobody
   listens to costs no query.
2. The task (tasks.py, :func:`attempt_delivery`) POSTs the payload as JSON with a short timeout
   (``WEBHOOK_TIMEOUT``, 5 s by default) and records the attempt on the row: status code,
   the start of the answer, the error, how long it took. A 2xx answer delivers it; anything
   else is tried again after 30 s, 1, 2, 4 … minutes, :data:`MAX_ATTEMPTS` attempts in all.
   Redirects are not followed. While an attempt is under way the row carries a lease
   (``next_attempt_at`` in the future), so a retry, the sweep and a duplicate task never send
   one attempt twice at once.
3. :func:`webhook_sweep` (beat, every two minutes) queues the deliveries still pending well
   past their time: written while the broker was down, or whose retry died with a worker.

What a receiver gets::

    POST <url>
    Content-Type: application/json
    X-Aftersales-Event: ticket.status_changed
    X-Aftersales-Delivery: <uuid of this delivery; the same on every retry of it>
    X-Aftersales-Timestamp: <Unix time of this attempt, in seconds>
    X-Aftersales-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret>

    {"id": "<event uuid>", "event": "ticket.status_changed", "occurred_at": "<ISO 8601>",
     "data": {...}}

To verify: compute ``hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body,
hashlib.sha256).hexdigest()`` over the raw body bytes, compare it with the header in constant
time (``hmac.compare_digest``), and reject timestamps more than a few minutes old (replays).
Deduplicate on ``X-Aftersales-Delivery``: a delivery may arrive more than once.

What a payload holds: the event name, when it happened, and the resource's ids, reference and
key fields (statuses, kinds, remedies, scores, rates). Never a name, phone number, address,
email or free text a customer wrote: subscriptions belong to managers and administrators, who
may read those through the API by id, and a receiver URL is a place data leaves the product.
A subscription whose owner is deactivated or no longer a manager is sent nothing.
"""

from notifications.webhooks.delivery import (
    MAX_ATTEMPTS,
    RESPONSE_KEPT,
    Outcome,
    attempt_delivery,
    backoff_seconds,
    body_of,
    signature,
    take_for_attempt,
)
from notifications.webhooks.events import PING, emit, ping, redeliver
from notifications.webhooks.subscriptions import (
    check_events,
    check_url,
    deliveries_of,
    new_secret,
    receives,
    subscription_change,
    subscription_create,
    subscription_delete,
    subscriptions_of,
)
from notifications.webhooks.tasks import webhook_sweep

__all__ = [
    "MAX_ATTEMPTS",
    "PING",
    "RESPONSE_KEPT",
    "Outcome",
    "attempt_delivery",
    "backoff_seconds",
    "body_of",
    "check_events",
    "check_url",
    "deliveries_of",
    "emit",
    "new_secret",
    "ping",
    "receives",
    "redeliver",
    "signature",
    "subscription_change",
    "subscription_create",
    "subscription_delete",
    "subscriptions_of",
    "take_for_attempt",
    "webhook_sweep",
]
