"""What the booking part of field service registers in tickets/hooks.py at start-up."""


def register() -> None:
    """Register this part's ticket-page context and timeline texts."""
