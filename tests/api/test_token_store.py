"""API keys are stored hashed: what the database holds, how a key is checked, the admin, and the
keys issued before hashing (moved by migration aftersales_api.0001) keep working."""

import importlib
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.test import APIClient

from aftersales.api.authentication import HashedTokenAuthentication
from aftersales.api.token_store import token_create_if_none, token_issue, token_of, token_revoke
from tests import factories
from tests.api.conftest import error

pytestmark = pytest.mark.django_db

TOKEN = "/api/auth/token/"
OLD_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # a DRF key: 40 hex characters


def status_with(header: str):
    return APIClient().get(TOKEN, HTTP_AUTHORIZATION=header)


def raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        return cursor.fetchall()


# --- the store ---------------------------------------------------------------------------------


def test_the_database_holds_no_key(agent):
    issued = token_issue(user=agent)

    [row] = raw_rows()
    assert not [value for value in row if isinstance(value, str) and issued.key in value]
    assert issued.token.digest == hash_token(issued.key)


def test_issuing_replaces_the_users_token(agent):
    first = token_issue(user=agent)
    second = token_issue(user=agent)

    assert list(AuthToken.objects.values_list("digest", flat=True)) == [second.token.digest]
    assert first.key != second.key
    assert token_of(agent).digest == second.token.digest


def test_a_first_token_only_when_there_is_none(agent):
    first = token_create_if_none(user=agent)

    assert first is not None
    assert token_create_if_none(user=agent) is None
    assert list(AuthToken.objects.values_list("digest", flat=True)) == [first.token.digest]


def test_revoking_says_whether_there_was_one(agent):
    token_issue(user=agent)

    assert token_revoke(user=agent) is True
    assert token_revoke(user=agent) is False
    assert token_of(agent) is None


# --- checking a key ----------------------------------------------------------------------------


def test_a_key_is_checked_with_one_query(agent, django_assert_num_queries):
    issued = token_issue(user=agent)
    request = RequestFactory().get(TOKEN, HTTP_AUTHORIZATION=f"Token {issued.key}")

    # the token by its key's indexed prefix, with its user; then a compare of digests
    with django_assert_num_queries(1):
        user, token = HashedTokenAuthentication().authenticate(request)

    assert (user, token) == (agent, issued.token)


def test_a_key_with_the_right_prefix_and_a_wrong_rest_is_refused(agent):
    key = token_issue(user=agent).key
    forged = key[:15] + ("0" if key[15] != "0" else "1") + key[16:]

    assert error(status_with(f"Token {forged}"), 401, "authentication_failed") == "Invalid token."
    assert error(status_with(f"Token {key[:15]}"), 401, "authentication_failed") == "Invalid token."


def test_the_digest_itself_is_not_a_key(agent):
    issued = token_issue(user=agent)

    assert status_with(f"Token {issued.token.digest}").status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        b"Token \xff\xfe\xfd",  # not ASCII
        b"Token " + b"a" * 500,  # longer than any key
        b"Token abc\x00def",  # NUL
        b"Token \x07bell",  # a control character
    ],
)
def test_a_malformed_key_is_a_401_not_an_error(agent, header):
    token_issue(user=agent)
    response = APIClient().get(TOKEN, HTTP_AUTHORIZATION=header.decode("latin-1"))

    assert error(response, 401, "authentication_failed") == "Invalid token."


def test_the_header_keeps_its_format_and_messages(agent):
    key = token_issue(user=agent).key

    assert status_with(f"token {key}").status_code == 200  # the keyword in any case, as DRF's
    assert status_with(f"Token {key} extra").json()["detail"] == (
        "Invalid token header. Token string should not contain spaces."
    )
    assert status_with("Token").json()["detail"] == "Invalid token header. No credentials provided."
    assert error(status_with(f"Bearer {key}"), 401, "not_authenticated")


# --- keys issued before they were hashed --------------------------------------------------------

migration = importlib.import_module("aftersales.api.migrations.0001_hash_drf_tokens")


class _Editor:
    """What the migration uses of a schema editor."""

    connection = connection

    @staticmethod
    def quote_name(name: str) -> str:
        return connection.ops.quote_name(name)

    @staticmethod
    def execute(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_keys_issued_before_hashing_move_to_the_store_and_keep_working(agent, manager):
    from django.apps import apps

    created = timezone.now().replace(microsecond=0) - timezone.timedelta(days=400)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone, "
            "user_id integer NOT NULL)"
            if connection.vendor == "postgresql"
            else "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created datetime, user_id integer)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [OLD_KEY, created if connection.vendor == "postgresql" else created.replace(tzinfo=None), agent.pk],
        )

    migration.hash_drf_tokens(apps, _Editor)

    token = AuthToken.objects.get(user=agent)
    assert (token.digest, token.token_key, token.created, token.expiry) == (
        hash_token(OLD_KEY),
        OLD_KEY[:15],
        created,
        None,
    )
    assert "authtoken_token" not in connection.introspection.table_names()
    created_shown = serializers.DateTimeField().to_representation(created)
    assert status_with(f"Token {OLD_KEY}").json() == {"exists": True, "created": created_shown}


def test_without_the_old_table_the_migration_does_nothing(agent):
    from django.apps import apps

    migration.hash_drf_tokens(apps, _Editor)

    assert not AuthToken.objects.exists()


# --- the admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_admins_issue_and_revoke_any_users_token_and_never_see_a_stored_key(admin_client, agent):
    old = token_issue(user=agent)

    created = admin_client.post(reverse("admin:knox_authtoken_add"), {"user": agent.pk}, follow=True)

    token = AuthToken.objects.get(user=agent)
    body = created.content.decode()
    [key] = re.findall(
        r"API key of agent1 \(shown only now; any earlier key of theirs is revoked\): ([0-9a-f]{64})", body
    )
    assert token.digest == hash_token(key)
    assert status_with(f"Token {old.key}").status_code == 401
    assert status_with(f"Token {key}").status_code == 200

    listed = admin_client.get(reverse("admin:knox_authtoken_changelist"), {"q": "agent"}).content.decode()
    shown = admin_client.get(reverse("admin:knox_authtoken_change", args=[token.pk])).content.decode()
    for page in (listed, shown):
        assert "agent1" in page
        assert key not in page and key[:15] not in page

    revoked = admin_client.post(reverse("admin:knox_authtoken_delete", args=[token.pk]), {"post": "yes"})

    assert revoked.status_code == 302
    assert not AuthToken.objects.filter(user=agent).exists()
    assert status_with(f"Token {key}").status_code == 401


def test_a_token_cannot_be_edited_in_the_admin(admin_client, agent, manager):
    token = token_issue(user=agent).token

    response = admin_client.post(reverse("admin:knox_authtoken_change", args=[token.pk]), {"user": manager.pk})

    assert response.status_code == 403
    assert AuthToken.objects.get().user == agent


# --- the schema ---------------------------------------------------------------------------------


def test_the_schema_describes_the_token_scheme(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()

    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert 'Send "Authorization: Token <key>"' in scheme["description"]
    assert "only its hash is stored" in scheme["description"]
