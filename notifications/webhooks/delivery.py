"""Delivering webhook events: sign, POST with short timeouts, record every attempt, and say when
to retry, with growing pauses (issue 7). The tasks that run it are in tasks.py beside it."""

import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import WebhookDelivery, WebhookDeliveryStatus
from notifications.webhooks.addresses import CheckedHTTPHandler, CheckedHTTPSHandler
from notifications.webhooks.subscriptions import receives

logger = logging.getLogger(__name__)

# Attempts per delivery, the first included; the pause after attempt n is 30 s × 2^(n-1).
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30
# How much of a receiver's answer is kept on the row, and how many attempts the log keeps.
RESPONSE_KEPT = 2048
LOG_RESPONSE_KEPT = 200
LOG_KEPT = 50
# A retry may fire a little before its time (clocks of two machines); it is still due.
EARLY_TOLERANCE = dt.timedelta(seconds=5)
USER_AGENT = "Aftersales-Webhooks/1.0"


def timeout() -> float:
    """Seconds to wait for a receiver to connect, and then for each read."""
    return float(getattr(settings, "WEBHOOK_TIMEOUT", 5))


def _lease() -> dt.timedelta:
    """How long an attempt under way holds its delivery: the connect and read timeouts, and a margin."""
    return dt.timedelta(seconds=2 * timeout() + 30)


def backoff_seconds(attempts: int) -> int:
    """The pause after the ``attempts``-th failed attempt: 30 s, 1, 2, 4 … minutes."""
    return FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Aftersales-Signature`` header: HMAC-SHA256 of ``"<timestamp>.<body>"``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def body_of(payload: dict) -> bytes:
    """The exact bytes sent (and signed) for a stored payload."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Answer:
    """What one POST got: an HTTP status and the start of the body, or the error instead."""

    status_code: int | None
    text: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Outcome:
    """What became of a task run: ``retry_in`` seconds when another attempt is owed."""

    delivered: bool = False
    retry_in: int | None = None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as the failure it is: a receiver gives its final URL."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# Straight to the receiver, at an address checked to be public (addresses.py); proxies from the
# environment are not used, since the check must see the receiver's own address.
_opener = urllib.request.build_opener(
    urllib.request.ProxyHandler({}), CheckedHTTPHandler, CheckedHTTPSHandler, _NoRedirects
)


def _read(response) -> str:
    try:
        return response.read(RESPONSE_KEPT).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""


def post(url: str, body: bytes, headers: dict[str, str], *, seconds: float) -> Answer:
    """POST ``body`` to ``url``; never raises for what the network or the receiver does."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with _opener.open(request, timeout=seconds) as response:
            return Answer(response.status, _read(response), "", took())
    except urllib.error.HTTPError as exc:
        with exc:
            return Answer(exc.code, _read(exc), "", took())
    except (OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return Answer(None, "", f"{type(exc).__name__}: {reason}"[:2000], took())


def take_for_attempt(pk: int, now: dt.datetime) -> WebhookDelivery | None:
    """Take the delivery for one attempt if it is pending and due, and lease it for the attempt."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("subscription__owner")
            .filter(pk=pk, status=WebhookDeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now + EARLY_TOLERANCE:
            return None  # an attempt is under way, or the next one is not due yet
        if not receives(delivery.subscription):
            delivery.status = WebhookDeliveryStatus.FAILED
            delivery.last_error = "The subscription was deleted or deactivated, or its owner may no longer receive it."
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
            return None
        delivery.next_attempt_at = now + _lease()
        delivery.save(update_fields=["next_attempt_at"])
        return delivery


def _record(pk: int, answer: Answer, *, started: dt.datetime, finished: dt.datetime) -> Outcome:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=pk)
        delivery.attempts += 1
        entry = {
            "attempt": delivery.attempts,
            "at": timezone.localtime(started).isoformat(),
            "status_code": answer.status_code,
            "error": answer.error,
            "duration_ms": answer.duration_ms,
            "response": answer.text[:LOG_RESPONSE_KEPT],
        }
        delivery.attempt_log = [*delivery.attempt_log, entry][-LOG_KEPT:]
        delivery.last_status_code = answer.status_code
        delivery.last_response = answer.text
        delivery.last_error = answer.error
        outcome = Outcome()
        if answer.ok:
            delivery.status = WebhookDeliveryStatus.DELIVERED
            delivery.delivered_at = finished
            delivery.next_attempt_at = None
            outcome = Outcome(delivered=True)
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = WebhookDeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            pause = backoff_seconds(delivery.attempts)
            delivery.next_attempt_at = finished + dt.timedelta(seconds=pause)
            outcome = Outcome(retry_in=pause)
        delivery.save(
            update_fields=[
                "attempts",
                "attempt_log",
                "last_status_code",
                "last_response",
                "last_error",
                "status",
                "delivered_at",
                "next_attempt_at",
            ]
        )
    log = logger.info if answer.ok else logger.warning
    log(
        "Webhook delivery %s (%s) attempt %s: %s",
        pk,
        delivery.event,
        delivery.attempts,
        answer.status_code or answer.error,
    )
    return outcome


def attempt_delivery(pk: int, *, now: dt.datetime | None = None) -> Outcome:
    """Make the delivery's next attempt if it is due, and record it. Idempotent: a delivered
    or failed delivery, or one whose attempt is under way elsewhere, is left alone."""
    clock: Callable[[], dt.datetime] = (lambda: now) if now is not None else timezone.now
    started = clock()
    delivery = take_for_attempt(pk, started)
    if delivery is None:
        return Outcome()
    body = body_of(delivery.payload)
    stamp = str(int(started.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Aftersales-Event": delivery.event,
        "X-Aftersales-Delivery": str(delivery.uuid),
        "X-Aftersales-Timestamp": stamp,
        "X-Aftersales-Signature": signature(delivery.subscription.secret, stamp, body),
    }
    answer = post(delivery.subscription.url, body, headers, seconds=timeout())
    return _record(pk, answer, started=started, finished=clock())
