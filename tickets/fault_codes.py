"""How a fault code is written: one spelling per code. Pure: no ORM, no clock, no settings.

A technician typing ``q 12`` and the catalogue's ``Q12`` mean the same quality fault. Every
place that stores a code (the ticket's resolution, the fault-code catalogue, the feedback
item) stores :func:`normalise_fault_code` of it, so the feedback item and the no-feedback
omission (no-leak 4) compare codes with plain equality and always agree.
"""

import re

_WHITESPACE = re.compile(r"\s+")


def normalise_fault_code(text: str | None) -> str:
    """Upper case, every whitespace character removed: ``" q 12\\t"`` → ``"Q12"``."""
    return _WHITESPACE.sub("", text or "").upper()
