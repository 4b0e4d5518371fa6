"""What the jobs part of field service registers in tickets/hooks.py at start-up."""

from tickets import hooks


def register() -> None:
    """Register this part's timeline texts (``job.*``): check-in, job record, photos, parts,
    signature and check-out, read in each reader's language."""
    from fieldwork.jobs.timeline_texts import TEXTS

    hooks.register_timeline_texts(TEXTS)
