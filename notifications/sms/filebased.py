"""Appends each SMS to ``settings.SMS_FILE_PATH`` as one JSON line (UTF-8, readable as is)."""

import json
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from notifications.sms.base import BaseSmsBackend, SmsMessage, SmsResult

_lock = threading.Lock()


class SmsBackend(BaseSmsBackend):
    def __init__(self, *, file_path: str | Path | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.file_path = Path(file_path or settings.SMS_FILE_PATH)

    def send(self, message: SmsMessage) -> SmsResult:
        line = json.dumps(
            {
                "at": timezone.now().isoformat(),
                "to": message.to,
                "template": message.template,
                "language": message.language,
                "params": message.params,
                "text": message.text,
                "message_id": message.message_id,
            },
            ensure_ascii=False,
        )
        self.file_path.parent.mkdir(parents=True, exist_ok=True)
        with _lock, self.file_path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")
        return SmsResult(sent=True, vendor_id=f"file-{message.message_id or 0}")
