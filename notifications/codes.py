"""Sending a one-time code by SMS: the code is issued by customers/phone_codes.py (its rules,
limits and stored hash) and the SMS carrying it is written to the outbox here, in one
transaction. Every page that sends a code calls ``code_send``."""

from django.conf import settings
from django.db import transaction

from customers.phone_codes import code_issue
from notifications.services import send_code


@transaction.atomic
def code_send(*, phone: str, purpose: str, language: str, ip: str | None) -> None:
    """Send a new code to ``phone`` (E.164) for ``purpose``, unless a limit holds it back.

    Returns nothing on purpose: the visitor is told the same whether the number is a customer's,
    has an account, or was held back, so this cannot be used to learn who is a customer."""
    code = code_issue(phone=phone, purpose=purpose, ip=ip)
    if code is not None:
        send_code(phone=phone, code=code, language=language, purpose=purpose, minutes=settings.PHONE_CODE_MINUTES)
