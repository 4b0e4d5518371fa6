"""Which reads go to a replica: the middleware's decision per request and the router's per query.

``replica_1`` here is a second connection to the test database (as a replica, it holds the same
rows); ``replica_2`` a PostgreSQL server that is not there. Both run on SQLite too: nothing here
needs a real replica (tests/replicas/test_streaming_replica.py starts one).
"""

import socket
import time
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.test import Client

from aftersales.replicas import health
from aftersales.replicas.config import replica_databases
from aftersales.roles import Role
from tests import factories
from tests.replicas.support import database_alias, unpinned

pytestmark = pytest.mark.urls("tests.replicas.urls")
BOTH = ["default", "replica_1", "replica_2"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module", autouse=True)
def replica_aliases(django_db_setup):
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    gone = replica_databases(
        [f"postgres://postgres@127.0.0.1:{_closed_port()}/gone"], primary={"ENGINE": "django.db.backends.postgresql"}
    )["replica_1"]
    with database_alias("replica_1", primary), database_alias("replica_2", gone):
        yield


@pytest.fixture
def users():
    first = factories.UserFactory(roles=[Role.MANAGER], username="first")
    second = factories.UserFactory(roles=[Role.MANAGER], username="second")
    unpinned(first, second)
    return first, second


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=BOTH)
def test_a_tolerant_view_reads_from_the_replica_and_any_other_from_the_primary(replicas, users):
    replicas("replica_1")
    client = _client(users[0])

    assert client.get("/tolerant/").content == b"replica_1"
    assert client.get("/plain/").content == b"default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=BOTH)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_request_that_may_write_reads_from_the_primary(replicas, users, method):
    replicas("replica_1")
    client = _client(users[0])

    assert getattr(client, method)("/tolerant/").content == b"default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=BOTH)
def test_after_a_write_its_author_reads_from_the_primary_for_the_pin_window(replicas, users):
    author, other = users
    replicas("replica_1", pin_seconds=1)
    as_author, as_other = _client(author), _client(other)

    assert as_author.post("/plain/").status_code == 200

    assert as_author.get("/tolerant/").content == b"default"
    assert as_other.get("/tolerant/").content == b"replica_1"
    time.sleep(1.2)
    assert as_author.get("/tolerant/").content == b"replica_1"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=BOTH)
def test_a_write_that_failed_pins_nobody(replicas, users):
    replicas("replica_1")
    client = _client(users[0])

    assert client.post("/plain/?status=400").status_code == 400

    assert client.get("/tolerant/").content == b"replica_1"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=BOTH)
def test_once_a_request_wrote_it_reads_from_the_primary(replicas, users):
    replicas("replica_1")

    assert _client(users[0]).get("/writes-between-reads/").content == b"replica_1,default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=BOTH)
def test_reads_in_a_transaction_on_the_primary_stay_there(replicas, users):
    replicas("replica_1")

    assert _client(users[0]).get("/reads-in-a-transaction/").content == b"replica_1,default,replica_1"


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=BOTH)
def test_a_replica_that_cannot_be_reached_is_skipped_and_left_alone_for_a_while(replicas, users, monkeypatch):
    tried = []
    answers = health._answers
    monkeypatch.setattr(health, "_answers", lambda alias: tried.append(alias) or answers(alias))
    replicas("replica_2", retry_seconds=60)
    client = _client(users[0])

    assert client.get("/tolerant/").content == b"default"
    assert client.get("/tolerant/").content == b"default"
    assert tried == ["replica_2"]

    replicas("replica_1", "replica_2", retry_seconds=60)
    assert [client.get("/tolerant/").content for _ in range(4)] == [b"replica_1"] * 4
    assert "replica_2" not in tried[1:]

    later = health.monotonic() + 61
    monkeypatch.setattr(health, "monotonic", lambda: later)
    replicas("replica_2", retry_seconds=60)
    assert client.get("/tolerant/").content == b"default"
    assert tried[-1] == "replica_2"
    assert connections["replica_2"].connection is None


def _row(db: str) -> SimpleNamespace:
    """A model instance as the router sees it: read from ``db``."""
    return SimpleNamespace(_state=SimpleNamespace(db=db))


def test_outside_a_request_every_read_goes_to_the_primary(replicas):
    replicas("replica_1")

    assert router.db_for_read(get_user_model()) == DEFAULT_DB_ALIAS


def test_a_row_read_from_a_replica_is_written_to_the_primary(replicas):
    replicas("replica_1")

    assert router.db_for_write(get_user_model(), instance=_row("replica_1")) == DEFAULT_DB_ALIAS


def test_rows_of_the_primary_and_its_replicas_may_be_related(replicas):
    replicas("replica_1")

    assert router.allow_relation(_row("default"), _row("replica_1")) is True
    assert router.allow_relation(_row("replica_1"), _row("archive")) is False


def test_migrations_run_on_the_primary_only(replicas):
    replicas("replica_1")

    assert router.allow_migrate("replica_1", "tickets", model_name="ticket") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "tickets", model_name="ticket") is True


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=BOTH)
def test_what_the_process_keeps_is_read_from_the_primary_even_where_a_replica_may_answer(replicas, users):
    """A memo filled from a lagging replica would keep the old rows under the new version."""
    replicas("replica_1")
    client = _client(users[0])

    assert client.get("/memo-row/").content == b"default,replica_1"
