"""The read replicas against a real streaming replica of the local PostgreSQL (tests/replicas/streaming.py).

Where each request's reads went is checked on the server side: the queries the replica's own
connection ran, and ``pg_is_in_recovery()`` asked on that same connection (true on a standby,
false on the primary). The tests commit what they write (``transaction=True``), since only
committed changes stream to the replica.
"""

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from aftersales.replicas import health
from aftersales.replicas.config import replica_databases
from aftersales.roles import Role
from tests import factories
from tests.conftest import REQUIRED
from tests.replicas import streaming
from tests.replicas.support import database_alias, unpinned

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica_1"]),
]

TICKETS = "/api/tickets/"
DASHBOARD = "/dashboard/"


@pytest.fixture(scope="module")
def replica(django_db_setup):
    """A streaming replica of the primary, holding the test database, as ``replica_1``."""
    primary = connections["default"].settings_dict
    if primary["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    host, port, user = primary["HOST"] or "127.0.0.1", int(primary["PORT"] or 5432), primary["USER"] or "postgres"
    replica = streaming.StreamingReplica(host, port, user)
    reason = streaming.missing(replica.bin)
    if reason is not None:
        if "postgres" in REQUIRED:
            pytest.fail(f"postgres is required here (AFTERSALES_REQUIRE) but {reason}", pytrace=False)
        pytest.skip(reason)
    with replica.running() as running:
        settings_dict = replica_databases([running.url(primary["NAME"])], primary=primary)["replica_1"]
        with database_alias("replica_1", settings_dict):
            yield running


@pytest.fixture(autouse=True)
def configured(replicas):
    replicas("replica_1")


def _manager(username: str):
    user = factories.UserFactory(roles=[Role.MANAGER], username=username)
    unpinned(user)
    return user


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user, expiry=None)[1]}")
    return client


def _references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["reference"] for row in response.json()["results"])


def _tables(queries: CaptureQueriesContext) -> set[str]:
    """The tables the captured queries read first (their FROM)."""
    return {query["sql"].split(" FROM ", 1)[1].split()[0].strip('"') for query in queries if " FROM " in query["sql"]}


def _in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


class _Served:
    """The queries each of the primary's and the replica's connections ran during a request."""

    def __enter__(self):
        self.primary = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections["replica_1"]).__enter__()
        return self

    def __exit__(self, *exc_info):
        self.replica.__exit__(*exc_info)
        self.primary.__exit__(*exc_info)


def test_a_managers_ticket_list_and_dashboard_are_read_from_the_replica(replica):
    manager = _manager("manager1")
    tickets = factories.TicketFactory.create_batch(3)
    replica.caught_up()
    client = _signed_in(manager)

    with _Served() as served:
        listing = client.get(TICKETS)

    assert _references(listing) == sorted(ticket.reference for ticket in tickets)
    assert "tickets_ticket" in _tables(served.replica)
    # Who asks is read from the primary, before the view runs (the session from the cache, the
    # user and roles from the primary: the memo never reads a replica); nothing else is.
    assert _tables(served.primary) == {"auth_user"}
    assert _in_recovery("replica_1") is True
    assert _in_recovery("default") is False

    with _Served() as served:
        dashboard = client.get(DASHBOARD)

    assert dashboard.status_code == 200
    assert served.replica.captured_queries
    assert _tables(served.primary) <= {"auth_user"}


def test_a_write_is_read_back_at_once_by_its_author_while_others_read_the_replica(replica):
    author, other = _manager("author"), _manager("other")
    as_author, as_other = _with_token(author), _with_token(other)
    customer = factories.CustomerFactory()
    earlier = factories.TicketFactory(customer=customer)
    replica.caught_up()

    # The replica stops replaying: it lags behind what is written now, for as long as the test says.
    with replica.replay_paused():
        created = as_author.post(
            TICKETS,
            {"customer": customer.pk, "kind": "repair", "channel": "phone", "description": "Does not spin."},
            format="json",
        )
        assert created.status_code == 201, created.content
        new = created.json()["reference"]

        with _Served() as served:
            mine = as_author.get(TICKETS)
        assert _references(mine) == sorted([earlier.reference, new])
        assert "tickets_ticket" in _tables(served.primary)
        assert not served.replica.captured_queries

        with _Served() as served:
            theirs = as_other.get(TICKETS)
        assert _references(theirs) == [earlier.reference]
        assert "tickets_ticket" in _tables(served.replica)
        assert "tickets_ticket" not in _tables(served.primary)

    replica.caught_up()
    assert _references(as_other.get(TICKETS)) == sorted([earlier.reference, new])


def test_while_the_replica_is_stopped_the_app_answers_from_the_primary(replica):
    manager = _manager("manager2")
    tickets = factories.TicketFactory.create_batch(2)
    replica.caught_up()
    client = _signed_in(manager)
    with _Served() as served:
        assert _references(client.get(TICKETS)) == sorted(ticket.reference for ticket in tickets)
    assert "tickets_ticket" in _tables(served.replica)

    replica.stop()
    try:
        with CaptureQueriesContext(connections["default"]) as on_primary:
            listing = client.get(TICKETS)
        assert _references(listing) == sorted(ticket.reference for ticket in tickets)
        assert "tickets_ticket" in _tables(on_primary)
        assert "replica_1" in health._down_until
        assert connections["replica_1"].connection is None

        assert client.get(DASHBOARD).status_code == 200
        assert connections["replica_1"].connection is None
    finally:
        replica.start()
