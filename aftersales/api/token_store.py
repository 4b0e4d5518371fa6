"""A user's API token: issued, looked up and revoked (docs/threat-model.md).

The rule: a user has at most one token, and its key is shown once, in the answer that issued
it. Only a hash of the key is stored (django-rest-knox's ``AuthToken``), so nothing, not even
an administrator or a copy of the database, can show an existing key again: a user who lost
theirs is issued a new one, which replaces the old. Tokens do not expire; revoking one stops
it at once. The API (``aftersales/api/tokens.py``), the desk's API access page
(``aftersales/staff/token_views.py``) and the admin all go through these functions: no other
module writes a token row (tests/customers/test_one_write_path.py).

Why knox rather than DRF's tokens with a hashed key: knox stores exactly that (a SHA-512 digest
and an indexed 15-character prefix), checks with one indexed lookup and a constant-time compare,
and accepts any key length, so the 40-character keys issued before were moved into it as they
were (migration ``aftersales_api.0001``) and keep working. Its one gap, one token per user, is
kept here: issuing locks the user's row and deletes the previous token in the same transaction.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from knox.models import AuthToken


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued and its key: the only moment the key is known."""

    token: AuthToken
    key: str


def token_of(user: AbstractBaseUser) -> AuthToken | None:
    """The user's token (its creation time, never its key), or None."""
    return AuthToken.objects.filter(user=user).only("created").order_by("-created").first()


def _lock(user: AbstractBaseUser) -> None:
    # Two issues for one user at the same moment run one after the other: one token remains.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()


@transaction.atomic
def token_issue(*, user: AbstractBaseUser) -> IssuedToken:
    """A new token for ``user``, replacing any they had: the old key stops working at once."""
    _lock(user)
    AuthToken.objects.filter(user=user).delete()
    token, key = AuthToken.objects.create(user=user, expiry=None)
    return IssuedToken(token=token, key=key)


@transaction.atomic
def token_create_if_none(*, user: AbstractBaseUser) -> IssuedToken | None:
    """A first token for ``user``; None when they already have one, which stays as it is."""
    _lock(user)
    if AuthToken.objects.filter(user=user).exists():
        return None
    token, key = AuthToken.objects.create(user=user, expiry=None)
    return IssuedToken(token=token, key=key)


def token_revoke(*, user: AbstractBaseUser) -> bool:
    """Revoke the user's token; whether there was one."""
    deleted, _rows = AuthToken.objects.filter(user=user).delete()
    return bool(deleted)


def tokens_revoke(*, tokens: QuerySet[AuthToken]) -> int:
    """Revoke the tokens chosen (an administrator's choice in the admin); how many there were."""
    deleted, _rows = tokens.delete()
    return deleted
