"""Which replicas answer: one that cannot be reached is left alone for a while.

Before a request's first read from a replica, the replica's connection is checked (a reused one
with ``SELECT 1``, as Django checks it once per request anyway, or a new one opened within the
connect timeout). A replica that fails is marked down in this process for
``REPLICA_RETRY_SECONDS`` and the request reads from another replica or the primary instead,
so a replica that stops costs one failed check per process and interval, not a failed request.
A replica that stops in the middle of a request fails that request's next read, as the
primary would.
"""

import logging
import random
from time import monotonic

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

# The monotonic() until which a replica is not tried, by alias; shared by the threads of
# this process.
_down_until: dict[str, float] = {}


def usable_replica(aliases: list[str]) -> str | None:
    """A replica that answers, chosen at random among those not marked down; None when none does."""
    now = monotonic()
    candidates = [alias for alias in aliases if _down_until.get(alias, 0.0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        if _answers(alias):
            return alias
    return None


def _answers(alias: str) -> bool:
    connection = connections[alias]
    try:
        # Check a connection kept from an earlier request even where no request_started signal
        # asked for it (a test client, a thread of its own).
        connection.health_check_done = False
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as exc:
        _down_until[alias] = monotonic() + settings.REPLICA_RETRY_SECONDS
        logger.warning(
            "Replica %s cannot be reached (%s); reading from the primary for %s s",
            alias,
            exc,
            settings.REPLICA_RETRY_SECONDS,
        )
        try:
            connection.close()
        except DatabaseError:
            pass
        return False
    return True
