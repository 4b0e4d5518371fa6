"""An email backend for development that prints one line per email, not the whole message."""

import sys
import threading
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

# The part of the body shown after the subject: enough to spot a link or a reference.
PREVIEW_CHARS = 160


def one_line(message: EmailMessage) -> str:
    """``Email to li.na@example.com «Subject» first words of the body…`` on one line."""
    body = " ".join(str(message.body).split())
    preview = body if len(body) <= PREVIEW_CHARS else body[: PREVIEW_CHARS - 1] + "…"
    subject = " ".join(str(message.subject).split())
    return f"Email to {', '.join(message.recipients())} «{subject}» {preview}"


class ConsoleEmailBackend(BaseEmailBackend):
    def __init__(self, *args: Any, stream: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream
        self._lock = threading.RLock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        stream = self.stream or sys.stdout
        sent = 0
        with self._lock:
            for message in email_messages:
                if not message.recipients():
                    continue
                stream.write(one_line(message) + "\n")
                sent += 1
            stream.flush()
        return sent
