"""The SMS backend interface: chosen by ``settings.SMS_BACKEND`` as Django chooses its email backend.

A backend turns one :class:`SmsMessage` into one :class:`SmsResult`. It never raises for a
vendor's answer: a refusal is a result with an :class:`SmsError` code, which the outbox maps to
a status (transient errors are retried with backoff, the others fail the message at once). The
outbox treats any exception a backend does raise as ``UNAVAILABLE``.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class SmsMessage:
    to: str
    """E.164, e.g. ``+8613812345678``."""
    template: str
    """Our template name, e.g. ``code`` or ``request_received``."""
    params: dict[str, str]
    """The template's variables, every value a str, named as ``SMS_PARAMS`` declares them."""
    text: str
    """The whole text rendered in ``language`` (what console and file backends show)."""
    language: str
    message_id: int | None = None
    """The outbox row's id."""


@dataclass(frozen=True)
class SmsResult:
    sent: bool
    vendor_id: str = ""
    """The vendor's id for the message (Alibaba BizId, Tencent SerialNo)."""
    error_code: str = ""
    """An :class:`SmsError` value when not sent."""
    detail: str = ""
    """The vendor's own code and message, shown in the admin."""


class SmsError(models.TextChoices):
    RATE_LIMITED = "rate_limited", _("Rate limited by the SMS vendor")
    UNAVAILABLE = "unavailable", _("SMS vendor unavailable")
    BAD_NUMBER = "bad_number", _("Bad phone number")
    TEMPLATE_NOT_APPROVED = "template_not_approved", _("SMS template not approved")
    SIGNATURE_NOT_APPROVED = "signature_not_approved", _("SMS signature not approved")
    AUTH_FAILED = "auth_failed", _("SMS vendor credentials refused")
    REJECTED = "rejected", _("Refused by the SMS vendor")


# Worth another try later: the vendor is busy or unreachable. Every other error stays true.
TRANSIENT_SMS_ERRORS = frozenset({SmsError.RATE_LIMITED, SmsError.UNAVAILABLE})


class BaseSmsBackend:
    """Sends one SMS. Subclasses take their settings in ``__init__`` (options override them)."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, message: SmsMessage) -> SmsResult:
        raise NotImplementedError


def get_sms_backend(path: str | None = None, **options: Any) -> BaseSmsBackend:
    """An instance of the backend at ``path`` (default ``settings.SMS_BACKEND``)."""
    backend_class = import_string(path or settings.SMS_BACKEND)
    return backend_class(**options)
