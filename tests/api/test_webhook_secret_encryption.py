"""Webhook signing secrets are encrypted at rest (aftersales/encryption.py): what the database
holds, reading them back, rotating the key, the migration that encrypted existing secrets, and
production refusing to start without the key."""

import importlib
import io
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from notifications.models import WebhookSubscription
from notifications.webhooks.delivery import signature
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "a3f5c0de" * 8
NEW_KEY = Fernet.generate_key().decode()


def raw_secret(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM tickets_webhooksubscription WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def set_raw_secret(pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tickets_webhooksubscription SET secret = %s WHERE id = %s", [value, pk])


def test_the_column_holds_no_secret_and_the_model_reads_it_back(settings):
    subscription = factories.WebhookSubscriptionFactory(secret=SECRET)

    stored = raw_secret(subscription.pk)
    assert SECRET not in stored
    assert Fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(stored.encode()).decode() == SECRET
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == SECRET


def test_two_subscriptions_with_one_secret_store_different_ciphertexts():
    first = factories.WebhookSubscriptionFactory(secret=SECRET)
    second = factories.WebhookSubscriptionFactory(secret=SECRET)

    assert raw_secret(first.pk) != raw_secret(second.pk)


def test_a_secret_read_back_signs_as_the_one_the_receiver_was_given():
    subscription = factories.WebhookSubscriptionFactory(secret=SECRET)
    loaded = WebhookSubscription.objects.get(pk=subscription.pk)

    assert signature(loaded.secret, "1700000000", b"{}") == signature(SECRET, "1700000000", b"{}")


def test_a_secret_no_configured_key_opens_is_an_error_not_a_wrong_signature(settings):
    subscription = factories.WebhookSubscriptionFactory(secret=SECRET)
    settings.FIELD_ENCRYPTION_KEY = NEW_KEY

    with pytest.raises(ImproperlyConfigured, match="notifications.WebhookSubscription.secret cannot be decrypted"):
        WebhookSubscription.objects.get(pk=subscription.pk)


def test_rotating_the_key(settings):
    old_key = settings.FIELD_ENCRYPTION_KEY
    subscription = factories.WebhookSubscriptionFactory(secret=SECRET)
    other = factories.WebhookSubscriptionFactory(secret="another-secret")

    # The new key encrypts, the old one still opens what it encrypted.
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_KEY_FALLBACKS = NEW_KEY, [old_key]
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == SECRET
    out = io.StringIO()
    call_command("reencrypt_secrets", stdout=out)

    assert "notifications.WebhookSubscription: 2 re-encrypted (secret)" in out.getvalue()
    for pk, secret in ((subscription.pk, SECRET), (other.pk, "another-secret")):
        assert Fernet(NEW_KEY).decrypt(raw_secret(pk).encode()).decode() == secret
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(raw_secret(pk).encode())
    # The old key can go.
    settings.FIELD_ENCRYPTION_KEY_FALLBACKS = []
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == SECRET


# --- the migration that encrypted the secrets kept in clear --------------------------------------

migration = importlib.import_module("tickets.migrations.0020_webhook_secret_encrypted")


class _Editor:
    connection = connection

    @staticmethod
    def quote_name(name: str) -> str:
        return connection.ops.quote_name(name)


def test_the_migration_encrypts_secrets_kept_in_clear_once_and_back():
    subscription = factories.WebhookSubscriptionFactory()
    already = factories.WebhookSubscriptionFactory(secret="encrypted-already")
    kept = raw_secret(already.pk)
    set_raw_secret(subscription.pk, SECRET)  # as an installation stored it before

    migration.encrypt_secrets(apps, _Editor)
    encrypted = raw_secret(subscription.pk)
    migration.encrypt_secrets(apps, _Editor)

    assert SECRET not in encrypted
    assert raw_secret(subscription.pk) == encrypted  # a second run changes nothing
    assert raw_secret(already.pk) == kept
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == SECRET

    migration.decrypt_secrets(apps, _Editor)

    assert (raw_secret(subscription.pk), raw_secret(already.pk)) == (SECRET, "encrypted-already")


# --- production settings ---------------------------------------------------------------------------


def _check(tmp_path, **overrides: str) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "FIELD_ENCRYPTION_KEY"}
    }
    env.update(DJANGO_SETTINGS_MODULE="aftersales.settings", DEBUG="0", SECRET_KEY="x" * 50)
    env.update(ALLOWED_HOSTS="example.com", AFTERSALES_VAR_DIR=str(tmp_path), **overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "Set FIELD_ENCRYPTION_KEY"),
        ({"FIELD_ENCRYPTION_KEY": "not-a-fernet-key"}, "must be Fernet keys"),
        ({"FIELD_ENCRYPTION_KEY": NEW_KEY, "FIELD_ENCRYPTION_KEY_FALLBACKS": "short"}, "must be Fernet keys"),
    ],
)
def test_production_refuses_to_start_without_a_valid_key(tmp_path, overrides, message):
    result = _check(tmp_path, **overrides)

    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_key(tmp_path):
    result = _check(tmp_path, FIELD_ENCRYPTION_KEY=NEW_KEY)

    assert result.returncode == 0, result.stderr
