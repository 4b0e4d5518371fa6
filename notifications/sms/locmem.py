"""Keeps each SMS in ``outbox`` (a module-level list) for tests; emptied before every test."""

from notifications.sms.base import BaseSmsBackend, SmsMessage, SmsResult

outbox: list[SmsMessage] = []


class SmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> SmsResult:
        outbox.append(message)
        return SmsResult(sent=True, vendor_id=f"locmem-{len(outbox)}")
