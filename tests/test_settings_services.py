"""The environment switches: REDIS_URL moves the broker and the cache to Redis."""

import uuid

import pytest
from django.conf import settings
from django.core.cache import cache

from aftersales.celery import app


@pytest.mark.redis
def test_redis_url_switches_broker_and_cache_to_redis():
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert settings.CACHES["default"]["BACKEND"] == "aftersales.cache.ResilientRedisCache"
    key = f"probe-{uuid.uuid4()}"
    cache.set(key, {"ok": 1}, 10)
    assert cache.get(key) == {"ok": 1}
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.transport.driver_type == "redis"


def test_embedded_default_needs_no_server(settings):
    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: this run uses Redis")
    assert settings.CELERY_BROKER_URL == "filesystem://"
    assert settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
