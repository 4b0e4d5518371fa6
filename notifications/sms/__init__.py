"""SMS: the backend interface and the backends (console, file, in-memory, vendors)."""

from notifications.sms.base import (
    TRANSIENT_SMS_ERRORS,
    BaseSmsBackend,
    SmsError,
    SmsMessage,
    SmsResult,
    get_sms_backend,
)

__all__ = [
    "TRANSIENT_SMS_ERRORS",
    "BaseSmsBackend",
    "SmsError",
    "SmsMessage",
    "SmsResult",
    "get_sms_backend",
]
