"""Shared fixtures, and the rule for tests that need outside services.

Tests marked ``postgres``, ``redis`` or ``browser`` skip with a reason when the service is
absent, unless ``AFTERSALES_REQUIRE`` names it (CI sets ``postgres,redis,browser``): then a
missing service fails the test instead of skipping it.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import translation
from django_scopes import scopes_disabled

from aftersales import table_memo
from aftersales.roles import Role
from notifications.sms.locmem import outbox as sms_outbox
from notifications.webhooks import listened
from tests import factories

REQUIRED = {name.strip() for name in os.environ.get("AFTERSALES_REQUIRE", "").split(",") if name.strip()}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _redis_reachable() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _missing(marker: str) -> str | None:
    """Why a service a marker needs is missing, or None when it is there."""
    if marker == "postgres" and connection.vendor != "postgresql":
        return "DATABASE_URL does not point at PostgreSQL"
    if marker == "redis" and not _redis_reachable():
        return "REDIS_URL is not set or Redis does not answer"
    if marker == "browser":
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "the playwright package is not installed"
        if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
            return f"Chromium is not at {CHROMIUM}"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _missing(marker)
        if reason is None:
            continue
        if marker in REQUIRED:
            pytest.fail(f"{marker} is required here (AFTERSALES_REQUIRE) but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def whole_organisation_scope():
    """Tests set up and check data for the whole organisation, as Celery tasks and commands do;
    requests made through a test client run in their user's scope, as in production
    (aftersales/scoping.py). A test of a provider's view of a query enters ``scope`` itself."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def nothing_cached_by_earlier_tests():
    """Each test starts without the rendered fragments or the set of listened webhook events an
    earlier test cached: rolled-back tests reuse ids and times, and flushed ones send no signals."""
    caches["fragments"].clear()
    caches["local"].clear()
    caches["default"].delete_many([listened.SET_KEY, listened.TOKEN_KEY])
    # The memo of small tables, too: a rolled-back test's stations and staff are gone.
    table_memo.forget()


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    """Each test starts with no SMS sent (the locmem backend's outbox, like Django's mail.outbox)."""
    sms_outbox.clear()
    yield
    sms_outbox.clear()


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English; a test that switches language cannot leak it into the next."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def agent(db):
    return factories.UserFactory(roles=[Role.AGENT], username="agent1")


@pytest.fixture
def manager(db):
    return factories.UserFactory(roles=[Role.MANAGER], username="manager1")


@pytest.fixture
def technician(db):
    return factories.UserFactory(roles=[Role.TECHNICIAN], username="tech1")


@pytest.fixture
def other_technician(db):
    return factories.UserFactory(roles=[Role.TECHNICIAN], username="tech2")


@pytest.fixture
def department_user(db):
    return factories.UserFactory(roles=[Role.DEPARTMENT], username="quality1")


@pytest.fixture
def business_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo(settings.TIME_ZONE)
