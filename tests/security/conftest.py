"""Fixtures of the security tests: every test starts with no rate-limit counters."""

import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def fresh_counters():
    """Rate-limit and throttle counters live in the shared cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def agent(db):
    return factories.UserFactory(username="agent-sec", email="agent-sec@example.com", roles=["agent"])
