"""aftersales/cache.py: the Redis cache while Redis cannot be reached (no server needed).

The Redis-down fault test (tests/faults/test_redis_down.py) shows the whole story with a real
Redis stopped; this checks each cache call's answer and the rate limiter on a port where
nothing listens.
"""

import pytest
from django.test import RequestFactory, override_settings
from django_ratelimit.core import is_ratelimited

from aftersales.cache import ResilientRedisCache

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable() -> ResilientRedisCache:
    return ResilientRedisCache(NOBODY_LISTENS, {})


def test_every_call_answers_as_a_miss_while_redis_is_unreachable(unreachable, caplog):
    assert unreachable.get("k", "default") == "default"
    assert unreachable.add("k", 1, 10) is False
    unreachable.set("k", 1, 10)
    assert unreachable.get_many(["k", "l"]) == {}
    assert unreachable.has_key("k") is False
    assert unreachable.touch("k", 10) is False
    assert unreachable.delete("k") is False
    unreachable.set_many({"k": 1}, 10)
    unreachable.delete_many(["k"])
    # What the cache API says of a key it does not hold.
    with pytest.raises(ValueError, match="not found"):
        unreachable.incr("k")
    assert "Cache unavailable (ConnectionError" in caplog.text


def test_a_request_is_not_rate_limited_while_the_cache_is_unreachable():
    request = RequestFactory().post("/request/", REMOTE_ADDR="10.0.0.1")
    caches = {"default": {"BACKEND": "aftersales.cache.ResilientRedisCache", "LOCATION": NOBODY_LISTENS}}
    with override_settings(CACHES=caches, RATELIMIT_IP_META_KEY="REMOTE_ADDR"):
        assert is_ratelimited(request, group="probe", key="ip", rate="1/h", increment=True) is False
