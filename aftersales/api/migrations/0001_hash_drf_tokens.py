"""API tokens issued before keys were hashed move into the hashed store and keep working.

DRF's ``authtoken_token`` kept each key in clear. Each one becomes a knox token (the SHA-512
digest of the key and its first 15 characters, which knox looks it up by), for the same user and
with the same creation time; then the old table, the last copy of the keys in clear, is dropped.
The integrations using those keys notice nothing. Not reversible: a hash gives no key back.
"""

import datetime as dt

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"


def _aware(value):
    """The stored time as an aware datetime (SQLite gives it back naive, in UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, dt.timezone.utc) if timezone.is_naive(value) else value


def hash_drf_tokens(apps, schema_editor):
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return  # a new installation: there never were keys in clear
    AuthToken = apps.get_model("knox", "AuthToken")
    table, key = schema_editor.quote_name(OLD_TABLE), schema_editor.quote_name("key")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, user_id, created FROM {table}")
        rows = cursor.fetchall()
    tokens = [
        AuthToken(digest=hash_token(old_key), token_key=old_key[: CONSTANTS.TOKEN_KEY_LENGTH], user_id=user_id)
        for old_key, user_id, _created in rows
    ]
    AuthToken.objects.bulk_create(tokens)
    # bulk_create stamps "created" with now (auto_now_add): give each its first creation time back.
    for token, (_key, _user, created) in zip(tokens, rows, strict=True):
        token.created = _aware(created)
    AuthToken.objects.bulk_update(tokens, ["created"])
    schema_editor.execute(f"DROP TABLE {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("knox", "0009_extend_authtoken_field"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(hash_drf_tokens, migrations.RunPython.noop, elidable=True)]
