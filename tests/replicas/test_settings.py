"""DATABASE_REPLICA_URL configures the replicas; without it nothing changes, not even a query."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from aftersales.replicas import pins
from aftersales.replicas.config import replica_databases
from aftersales.replicas.middleware import ReplicaReadsMiddleware
from aftersales.roles import Role
from tests import factories

MIDDLEWARE = "aftersales.replicas.middleware.ReplicaReadsMiddleware"
POSTGRESQL = {"ENGINE": "django.db.backends.postgresql"}
PRINT_DATABASES = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'databases': s.DATABASES, 'routers': s.DATABASE_ROUTERS, 'replicas': s.DATABASE_REPLICAS}, default=str))"
)


def test_each_url_is_a_replica_of_its_own_with_the_primarys_options():
    replicas = replica_databases(
        ["postgres://reader@db2:5432/aftersales", "postgres://reader:secret@db3/aftersales?connect_timeout=5"],
        primary=POSTGRESQL,
    )

    assert list(replicas) == ["replica_1", "replica_2"]
    first, second = replicas.values()
    assert (first["HOST"], first["PORT"], first["NAME"], first["USER"]) == ("db2", 5432, "aftersales", "reader")
    assert first["OPTIONS"] == {"options": "-c jit=off -c enable_memoize=off", "connect_timeout": 2}
    assert (first["CONN_MAX_AGE"], first["CONN_HEALTH_CHECKS"]) == (60, True)
    assert first["TEST"] == {"MIRROR": "default"}
    assert (second["HOST"], second["PASSWORD"]) == ("db3", "secret")
    assert second["OPTIONS"]["connect_timeout"] == 5


def test_replicas_are_of_a_postgresql_primary_only():
    assert replica_databases([], primary={"ENGINE": "django.db.backends.sqlite3"}) == {}
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        replica_databases(["postgres://db2/aftersales"], primary={"ENGINE": "django.db.backends.sqlite3"})
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL replicas"):
        replica_databases(["sqlite:///replica.sqlite3"], primary=POSTGRESQL)


def _settings_with(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="tests.settings", AFTERSALES_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", PRINT_DATABASES],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_settings_add_the_replicas_and_their_router(tmp_path):
    result = _settings_with(
        tmp_path,
        DATABASE_URL="postgres://app@db1/aftersales",
        DATABASE_REPLICA_URL="postgres://app@db2/aftersales, postgres://app@db3/aftersales",
    )

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    assert list(printed["databases"]) == ["default", "replica_1", "replica_2"]
    assert [printed["databases"][alias]["HOST"] for alias in printed["databases"]] == ["db1", "db2", "db3"]
    assert printed["routers"] == ["aftersales.replicas.router.ReplicaRouter"]
    assert printed["replicas"] == ["replica_1", "replica_2"]


def test_a_replica_without_a_postgresql_primary_is_refused_at_start(tmp_path):
    result = _settings_with(tmp_path, DATABASE_REPLICA_URL="postgres://app@db2/aftersales")

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs DATABASE_URL" in result.stderr


# --- no replica: nothing changes -------------------------------------------------------------------


def test_with_no_replica_there_is_one_database_no_router_and_no_middleware():
    assert list(settings.DATABASES) == ["default"]
    assert settings.DATABASE_REPLICAS == []
    assert settings.DATABASE_ROUTERS == []
    assert MIDDLEWARE in settings.MIDDLEWARE
    with pytest.raises(MiddlewareNotUsed):
        ReplicaReadsMiddleware(lambda request: None)


@pytest.fixture
def pins_untouched(monkeypatch):
    def never(user_id):
        raise AssertionError("no pin is read or written without a replica")

    monkeypatch.setattr(pins, "pin", never)
    monkeypatch.setattr(pins, "is_pinned", never)


def _queries(client: APIClient, method: str, path: str, data=None) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data, format="json")
    assert response.status_code < 300, response.content
    return [query["sql"] for query in queries]


@pytest.mark.django_db
def test_with_no_replica_a_request_makes_the_same_queries_as_without_the_middleware(settings, pins_untouched):
    manager = factories.UserFactory(roles=[Role.MANAGER])
    customer = factories.CustomerFactory()
    factories.TicketFactory.create_batch(3, customer=customer)
    key = AuthToken.objects.create(user=manager, expiry=None)[1]
    ticket = {"customer": customer.pk, "kind": "repair", "channel": "phone", "description": "Does not spin."}

    def requests() -> list[list[str]]:
        client = APIClient()  # loads the middleware of the settings now
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return [_queries(client, "get", "/api/tickets/"), _queries(client, "post", "/api/tickets/", ticket)]

    requests()  # fills the process's memo of roles, targets and calendars (aftersales/table_memo.py)
    with_it = requests()
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    without_it = requests()

    assert len(with_it[0]) == 2  # the token with its user, the page (the user's groups from the memo)
    assert [len(queries) for queries in with_it] == [len(queries) for queries in without_it]
