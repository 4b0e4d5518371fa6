"""Read-your-writes: a user who has just changed something reads from the primary for a while.

A replica replays the primary's changes a moment after they are committed. Someone who saves a
ticket and opens the list must see it there, so for ``REPLICA_PIN_SECONDS`` after a request of
theirs wrote, all their reads go to the primary. The pin is kept in the shared cache by user id:
the next request may reach another web machine, and an API client sends a token, not a cookie.

While the cache is unreachable the pins are not seen (aftersales/cache.py answers "nothing
cached"): for that while a change may take the replicas' lag to show to its author.
"""

from django.conf import settings
from django.core.cache import cache

KEY = "replicas:pin:{user_id}"


def pin(user_id: int) -> None:
    """The user's reads go to the primary for the next ``REPLICA_PIN_SECONDS``."""
    cache.set(KEY.format(user_id=user_id), True, settings.REPLICA_PIN_SECONDS)


def is_pinned(user_id: int) -> bool:
    return cache.get(KEY.format(user_id=user_id)) is not None
