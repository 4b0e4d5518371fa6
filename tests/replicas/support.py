"""Pieces the replica tests share: a replica's alias for a while, and users with no pin."""

import copy
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

from aftersales.replicas import pins


@contextmanager
def database_alias(alias: str, settings_dict: dict) -> Iterator[None]:
    """Django's connections know ``alias`` for the while.

    The suite's databases are set up once, from the settings; a replica exists only while the
    tests that need one run, so its alias is added then, as the settings would add it
    (``TEST.MIRROR``: no test database of its own, none flushed after a test)."""
    # A copy all the way down: a replica made from the primary's settings must not change them.
    configured = connections.configure_settings({DEFAULT_DB_ALIAS: {}, alias: copy.deepcopy(settings_dict)})[alias]
    configured["TEST"]["MIRROR"] = DEFAULT_DB_ALIAS
    connections.settings[alias] = configured
    try:
        yield
    finally:
        try:
            connections[alias].close()
            del connections[alias]
        except AttributeError:
            pass  # never connected in this thread
        del connections.settings[alias]


def unpinned(*users) -> None:
    """Forget pins an earlier run left in the shared cache for the same user ids."""
    cache.delete_many([pins.KEY.format(user_id=user.pk) for user in users])
