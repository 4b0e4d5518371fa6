"""An email backend for local runs: one line per email on the console, not its whole text.

A newcomer's ``make run`` shows every message the product sends among the server's log
lines; the full text of every demo email would bury them. The line says who it is for, the
subject and the first link of the email (a tracking or survey link can be opened from there).
"""

import re
import sys
import threading
from collections.abc import Sequence
from typing import TextIO

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

LINK = re.compile(r"https?://[^\s<>\"')]+")


def one_line(message: EmailMessage) -> str:
    """``[email] to a@example.com: Subject · http://…/first-link``, on one line."""
    recipients = ", ".join(message.recipients()) or "(no recipient)"
    subject = " ".join(str(message.subject).split())
    link = LINK.search(str(message.body))
    return f"[email] to {recipients}: {subject}" + (f" · {link.group(0)}" if link else "")


class OneLineConsoleEmailBackend(BaseEmailBackend):
    """Writes one line per email to stdout (or ``stream``) and sends nothing."""

    def __init__(self, *args, stream: TextIO | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        with self._lock:
            for message in email_messages:
                self.stream.write(one_line(message) + "\n")
            self.stream.flush()
        return len(email_messages)
