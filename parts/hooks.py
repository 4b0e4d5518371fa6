"""What parts registers at start-up: its ticket-page context and timeline texts (tickets/hooks.py)
and what follows a part's use on a job (parts/usage.py ``after_use``)."""


def register() -> None:
    """Register the ticket-page context, the timeline texts and the ``after_use`` functions."""
