"""The one way a message is written: to a customer on their channel, a code to a phone, an
email to a staff member.

Every message is a row in the outbox written in the caller's transaction (so it exists exactly
when the change it tells about was committed) and handed to Celery after the commit. When the
broker is down the row waits for the sweep; sending locks the row and checks its status, so a
message goes out once however many workers, retries and sweeps reach it
(``notifications.delivery``).
"""

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from customers.models import Channel, Customer
from notifications.models import OutboundMessage
from notifications.tasks import send_message_task

logger = logging.getLogger(__name__)

# How long a one-time code is valid, shown in its SMS, unless the caller says otherwise.
DEFAULT_CODE_MINUTES = 10


def customer_channel(customer: Customer) -> tuple[str, str]:
    """The channel and address a customer is reached on: email when they prefer it and their
    address is confirmed (only a confirmed email receives messages), SMS to their phone
    otherwise (a customer always has a phone)."""
    if customer.preferred_channel == Channel.EMAIL and customer.email and customer.email_verified:
        return Channel.EMAIL, customer.email
    return Channel.SMS, customer.phone


def notify_customer(
    *,
    customer: Customer,
    template: str,
    context: dict[str, Any],
    essential: bool = True,
    ticket_reference: str = "",
    dedupe_key: str | None = None,
) -> OutboundMessage | None:
    """Write a message to a customer on their channel, in their language, sent after the commit.

    A message a case does not need (``essential=False``: reminders, offers) is not written for
    a customer who opted out of them. Returns the row, or None when nothing was written: the
    customer opted out, or a message with the same ``dedupe_key`` exists (repeating an event
    never sends twice). ``context`` holds plain JSON values (datetimes are stored as ISO text)
    with names already in the customer's language.
    """
    if not essential and not customer.optional_messages:
        return None
    channel, recipient = customer_channel(customer)
    return queue_message(
        channel=channel,
        recipient=recipient,
        template=template,
        language=customer.preferred_language,
        context=context,
        customer=customer,
        essential=essential,
        ticket_reference=ticket_reference,
        dedupe_key=dedupe_key,
    )


def send_code(
    *, phone: str, code: str, language: str, purpose: str, minutes: int = DEFAULT_CODE_MINUTES
) -> OutboundMessage:
    """Write an SMS carrying a one-time code to ``phone`` (E.164), whoever it belongs to.

    Essential; never de-duplicated (each code is a new message). The code stays in the outbox
    only until the message is sent or given up on, then it is blanked. ``purpose`` (sign-in,
    sign-up, reset…) is kept on the row for the admin; the text is the same for every purpose.
    """
    message = queue_message(
        channel=Channel.SMS,
        recipient=phone,
        template="code",
        language=language,
        context={"code": code, "minutes": minutes, "purpose": purpose},
        essential=True,
    )
    assert message is not None  # no dedupe key: always written
    return message


def notify_staff(
    *, user: AbstractBaseUser, template: str, context: dict[str, Any], dedupe_key: str | None = None
) -> OutboundMessage | None:
    """Email a staff member (managers' alerts, a dissatisfied customer) in the product's
    language. Returns None when the user has no email or the ``dedupe_key`` exists."""
    email = getattr(user, "email", "")
    if not email:
        return None
    return queue_message(
        channel=Channel.EMAIL,
        recipient=email,
        template=template,
        language=settings.LANGUAGE_CODE,
        context=context,
        essential=True,
        dedupe_key=dedupe_key,
    )


def queue_message(
    *,
    channel: str,
    recipient: str,
    template: str,
    language: str,
    context: dict[str, Any],
    customer: Customer | None = None,
    essential: bool = True,
    ticket_reference: str = "",
    dedupe_key: str | None = None,
) -> OutboundMessage | None:
    """Write one message to the outbox in the caller's transaction and send it after the commit.
    None when there is no recipient or the ``dedupe_key`` was already used."""
    if not recipient:
        return None
    fields = {
        "channel": channel,
        "recipient": recipient,
        "template": template,
        "language": language,
        "context": context,
        "customer": customer,
        "essential": essential,
        "ticket_reference": ticket_reference,
    }
    if dedupe_key is None:
        message = OutboundMessage.objects.create(**fields)
    else:
        message, created = OutboundMessage.objects.get_or_create(dedupe_key=dedupe_key, defaults=fields)
        if not created:
            return None
    pk = message.pk
    transaction.on_commit(lambda: dispatch(pk))
    return message


def dispatch(pk: int) -> None:
    """Hand a message to Celery. Runs after the commit, inside the request that made the change:
    whatever goes wrong reaching the broker is logged, never raised, because the change is
    saved and the row waits for the sweep."""
    try:
        send_message_task.delay(pk)
    except Exception:  # noqa: BLE001 - any publishing failure leaves the row for the sweep
        logger.warning("Could not queue message %s; the outbox sweep will send it", pk, exc_info=True)
