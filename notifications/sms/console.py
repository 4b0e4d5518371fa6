"""Prints each SMS on one line of the console: where a developer reads the sign-in codes."""

import sys
import threading
from typing import Any, TextIO

import phonenumbers

from notifications.sms.base import BaseSmsBackend, SmsMessage, SmsResult


def international(e164: str) -> str:
    """``+8613812345678`` as ``+86 138 1234 5678``; the text as given when it is no number."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def one_line(message: SmsMessage) -> str:
    """``SMS to +86 138 1234 5678 [code] 您的验证码是 123456 …`` — the whole text, on one line."""
    return f"SMS to {international(message.to)} [{message.template}] {' '.join(message.text.split())}"


class SmsBackend(BaseSmsBackend):
    def __init__(self, *, stream: TextIO | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.stream = stream
        self._lock = threading.RLock()

    def send(self, message: SmsMessage) -> SmsResult:
        stream = self.stream or sys.stdout
        with self._lock:
            stream.write(one_line(message) + "\n")
            stream.flush()
        return SmsResult(sent=True, vendor_id=f"console-{message.message_id or 0}")
