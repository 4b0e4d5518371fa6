"""Webhook signing secrets are stored encrypted (FIELD_ENCRYPTION_KEY), no longer in clear.

The column becomes text (a Fernet token is longer than the secret), then every secret still in
clear is encrypted in place; one already encrypted is left as it is, so running it twice is
harmless. Receivers notice nothing: the secret they verify with is the same. Going back
decrypts them again.
"""

from cryptography.fernet import InvalidToken
from django.db import migrations

import aftersales.encryption

TABLE = "tickets_webhooksubscription"


def _rows(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {schema_editor.quote_name(TABLE)}")
        return cursor.fetchall()


def _is_encrypted(value: str) -> bool:
    try:
        aftersales.encryption.fernet().decrypt(value.encode())
    except InvalidToken:
        return False
    return True


def _write(schema_editor, pk: int, value: str) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"UPDATE {schema_editor.quote_name(TABLE)} SET secret = %s WHERE id = %s", [value, pk])


def encrypt_secrets(apps, schema_editor):
    fernet = aftersales.encryption.fernet()
    for pk, secret in _rows(schema_editor):
        if secret and not _is_encrypted(secret):
            _write(schema_editor, pk, fernet.encrypt(secret.encode()).decode())


def decrypt_secrets(apps, schema_editor):
    fernet = aftersales.encryption.fernet()
    for pk, secret in _rows(schema_editor):
        if secret and _is_encrypted(secret):
            _write(schema_editor, pk, fernet.decrypt(secret.encode()).decode())


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0019_event_message_code"),
    ]

    operations = [
        migrations.AlterField(
            model_name="webhooksubscription",
            name="secret",
            field=aftersales.encryption.EncryptedSecretField(
                editable=False, max_length=100, verbose_name="signing secret"
            ),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
