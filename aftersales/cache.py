"""The Redis cache, made to degrade instead of fail while Redis is down (issue 8, faults).

The cache holds nothing that must survive: rate-limit and throttle counters. With Django's
own Redis backend every cache call raises while Redis is unreachable, so a customer's portal
request died with a 500 before it reached the database. Here a connection error is logged and
the call answers as a miss (nothing stored, nothing found), so requests go on and are saved;
the limits that count in the cache fail open meanwhile (``RATELIMIT_FAIL_OPEN``), while the
sign-in lock-out counts in the database and keeps working. Any other Redis error is a bug and
still raises.
"""

import logging

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# Only an unreachable or restarting server is tolerated (BusyLoadingError is a ConnectionError).
OUTAGE_ERRORS = (redis.ConnectionError, redis.TimeoutError)
# A server that does not answer (a network partition, not a refused connection) must not hold
# a request for long; unless OPTIONS say otherwise, give up on it after this many seconds.
SOCKET_TIMEOUT_SECONDS = 2


def _outage(operation: str, exc: Exception) -> None:
    logger.warning("Cache unavailable (%s: %s); %s treated as a miss", type(exc).__name__, exc, operation)


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, **options) -> None:
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT_SECONDS)
        super().__init__(servers, **options)
        # One redis-py client per connection pool. Django's client builds a new one for every
        # call, and building one costs more than a round trip to Redis on this network; a client
        # takes a connection from its pool for each command, so threads may share it.
        self._clients: dict[int, redis.Redis] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except OUTAGE_ERRORS as exc:
            _outage("add", exc)
            return False

    def get(self, key, default):
        try:
            return super().get(key, default)
        except OUTAGE_ERRORS as exc:
            _outage("get", exc)
            return default

    def set(self, key, value, timeout):
        try:
            super().set(key, value, timeout)
        except OUTAGE_ERRORS as exc:
            _outage("set", exc)

    def touch(self, key, timeout):
        try:
            return super().touch(key, timeout)
        except OUTAGE_ERRORS as exc:
            _outage("touch", exc)
            return False

    def delete(self, key):
        try:
            return super().delete(key)
        except OUTAGE_ERRORS as exc:
            _outage("delete", exc)
            return False

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except OUTAGE_ERRORS as exc:
            _outage("get_many", exc)
            return {}

    def has_key(self, key):
        try:
            return super().has_key(key)
        except OUTAGE_ERRORS as exc:
            _outage("has_key", exc)
            return False

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except OUTAGE_ERRORS as exc:
            _outage("incr", exc)
            # What the cache API says for a key it does not hold.
            raise ValueError(f"Key '{key}' not found (cache unavailable).") from exc

    def set_many(self, data, timeout):
        try:
            super().set_many(data, timeout)
        except OUTAGE_ERRORS as exc:
            _outage("set_many", exc)

    def delete_many(self, keys):
        try:
            super().delete_many(keys)
        except OUTAGE_ERRORS as exc:
            _outage("delete_many", exc)

    def clear(self):
        try:
            return super().clear()
        except OUTAGE_ERRORS as exc:
            _outage("clear", exc)
            return False


class ResilientRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` whose calls survive a Redis outage."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
