"""Sending outbox messages: once each, retried with backoff while the failure is transient.

``deliver`` locks the row and checks it is still waiting, so two workers (or a retry and the
sweep) reaching one message send it once. A transient failure (mail server down, SMS vendor
busy or unreachable) is recorded and raised so the task retries; after ``MAX_ATTEMPTS`` the
message is failed. A permanent one (address refused, bad number, template not approved…)
fails it at once with its ``error_code``. Once a message is sent or failed, the codes and
signed links in its context are blanked: the outbox never keeps them usable in clear.
"""

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from customers.models import Channel
from notifications.models import EmailError, MessageStatus, OutboundMessage
from notifications.rendering import render_email, render_sms, sms_params
from notifications.sms import TRANSIENT_SMS_ERRORS, SmsError, SmsMessage, get_sms_backend

logger = logging.getLogger(__name__)

# After this many failed sends a message is given up on (status ``failed``).
MAX_ATTEMPTS = 8
# The mail server may be down or slow for a while: these are worth another try later.
# A refused recipient is not: the address is wrong and will stay wrong.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)
PERMANENT_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPRecipientsRefused,)
# The mail server cannot be reached at all: every other email would fail the same way.
UNREACHABLE_ERRORS: tuple[type[Exception], ...] = (OSError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)
# The row stays locked while the mail server answers; never wait on it for long.
SEND_TIMEOUT_SECONDS = 30
# The sweep leaves a fresh message to the send scheduled at commit, and waits longer after
# each failed attempt (1, 2, 4 ... minutes) so a vendor that is down for an hour does not
# burn every attempt in minutes.
SWEEP_GRACE = dt.timedelta(minutes=1)
SWEEP_BATCH = 500

# Context values that let whoever reads them act in the customer's name: one-time codes and
# signed or tokenised links. Blanked once the message is sent or given up on. A key ending in
# ``_token`` is sensitive too.
SENSITIVE_KEYS = frozenset(
    {"code", "survey_url", "rate_url", "feedback_url", "reset_url", "sign_in_url", "confirm_url"}
)


class SmsDeferred(Exception):
    """An SMS the vendor did not take for now (busy, rate limited, unreachable): retried later."""

    def __init__(self, error_code: str, detail: str) -> None:
        super().__init__(f"{error_code}: {detail}" if detail else error_code)
        self.error_code = error_code


# What a task retries: the mail server's transient errors and an SMS deferred by its vendor.
RETRYABLE_ERRORS: tuple[type[Exception], ...] = (*TRANSIENT_ERRORS, SmsDeferred)


@dataclass(frozen=True)
class Outcome:
    sent: bool
    transient: bool = False
    error_code: str = ""
    detail: str = ""
    vendor_id: str = ""
    error: Exception | None = None


def is_sensitive(key: str) -> bool:
    return key in SENSITIVE_KEYS or key.endswith("_token")


def redact(context: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The context with its sensitive values blanked, and the keys that were blanked."""
    removed = sorted(key for key, value in context.items() if is_sensitive(key) and value)
    return {key: "" if key in removed else value for key, value in context.items()}, removed


def _send_email(message: OutboundMessage) -> Outcome:
    subject, text, html = render_email(message)
    email = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [message.recipient],
        connection=get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or SEND_TIMEOUT_SECONDS),
    )
    email.attach_alternative(html, "text/html")
    try:
        email.send()
    except TRANSIENT_ERRORS as exc:
        permanent = isinstance(exc, PERMANENT_ERRORS)
        return Outcome(
            sent=False,
            transient=not permanent,
            error_code=EmailError.RECIPIENT_REFUSED if permanent else EmailError.UNAVAILABLE,
            detail=f"{type(exc).__name__}: {exc}",
            error=exc,
        )
    return Outcome(sent=True)


def _send_sms(message: OutboundMessage) -> Outcome:
    params = sms_params(message.template, message.context, message.language)
    sms = SmsMessage(
        to=message.recipient,
        template=message.template,
        params=params,
        text=render_sms(message.template, params, message.language),
        language=message.language,
        message_id=message.pk,
    )
    try:
        result = get_sms_backend().send(sms)
    except Exception as exc:  # noqa: BLE001 - the interface: any exception means the vendor is unavailable
        detail = f"{type(exc).__name__}: {exc}"
        return Outcome(sent=False, transient=True, error_code=SmsError.UNAVAILABLE, detail=detail)
    if result.sent:
        return Outcome(sent=True, vendor_id=result.vendor_id)
    code = result.error_code or SmsError.REJECTED
    return Outcome(
        sent=False,
        transient=code in TRANSIENT_SMS_ERRORS,
        error_code=code,
        detail=result.detail or code,
        vendor_id=result.vendor_id,
    )


def deliver(pk: int) -> bool:
    """Send one outbox message if it is still waiting. Returns True when it was sent now.

    Raises the mail error, or :class:`SmsDeferred`, after recording a transient failure that
    has attempts left, so the task retries it."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=pk, status=MessageStatus.PENDING).first()
        if message is None:
            return False
        outcome = _send_email(message) if message.channel == Channel.EMAIL else _send_sms(message)
        fields = ["status", "context", "redacted_keys", "error_code", "last_error", "attempts", "vendor_id", "sent_at"]
        message.vendor_id = outcome.vendor_id or message.vendor_id
        if outcome.sent:
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
        else:
            message.attempts += 1
            message.error_code = outcome.error_code
            message.last_error = outcome.detail[:2000]
            if not outcome.transient or message.attempts >= MAX_ATTEMPTS:
                message.status = MessageStatus.FAILED
        if message.status != MessageStatus.PENDING:
            message.context, removed = redact(message.context)
            message.redacted_keys = sorted({*message.redacted_keys, *removed})
        message.save(update_fields=fields)
    if outcome.sent:
        return True
    if message.status == MessageStatus.FAILED:
        logger.error("Gave up on message %s after %s attempts: %s", pk, message.attempts, message.last_error)
        return False
    if outcome.error is not None:
        raise outcome.error
    raise SmsDeferred(outcome.error_code, outcome.detail)


def _unreachable(channel: str, exc: Exception) -> bool:
    """Whether every other message of the channel would fail the same way now."""
    if channel == Channel.EMAIL:
        return isinstance(exc, UNREACHABLE_ERRORS)
    return isinstance(exc, SmsDeferred) and exc.error_code == SmsError.UNAVAILABLE


def outbox_sweep(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Send the messages still waiting: those whose send was never queued (broker down) or
    failed on a transient error. Returns how many were sent. Idempotent: a sent message is
    never picked again, and ``deliver`` re-checks under a row lock.

    One message that cannot be sent does not hold up the others; a mail server or SMS vendor
    that cannot be reached ends that channel's part of the run, and the next run tries again."""
    now = now or timezone.now()
    due = Q()
    for attempts in range(MAX_ATTEMPTS):
        due |= Q(attempts=attempts, created_at__lte=now - SWEEP_GRACE * 2**attempts)
    rows = list(
        OutboundMessage.objects.filter(due, status=MessageStatus.PENDING)
        .order_by("created_at", "id")
        .values_list("pk", "channel")[:limit]
    )
    sent = 0
    down: set[str] = set()
    for pk, channel in rows:
        if channel in down:
            continue
        try:
            if deliver(pk):
                sent += 1
        except Exception as exc:  # noqa: BLE001 - one bad message must not hold up the others
            if _unreachable(channel, exc):
                logger.warning(
                    "%s unreachable; the outbox sweep leaves its messages to its next run", channel, exc_info=True
                )
                down.add(channel)
            else:
                logger.warning("Outbox sweep could not send message %s", pk, exc_info=True)
    return sent
