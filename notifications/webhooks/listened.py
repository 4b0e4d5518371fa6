"""Which events anyone listens to, cached, so that emitting an event nobody subscribed to costs
no database query (most tickets are created while nobody listens to ``ticket.created``).

The cache holds only the set of event names that at least one live subscription of a manager or
administrator asked for; the deliveries themselves are always written from the rows read in the
emitting transaction. So an out-of-date set can never send to a subscription that is gone: at
worst it costs the query that would have been made anyway.

The set is stored with a token, and every change to what it depends on (a subscription, a user,
a role group or a user's groups) replaces the token once it is committed. A set read from the
rows before such a change carries the old token and is read again. A transaction that changed
any of them reads the rows itself, since only it sees its own changes, and never stores what it
saw (it could still roll back). Changes made around the ORM (SQL by hand, a restored backup) are
picked up within :data:`TIMEOUT` seconds.
"""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from notifications.models import WebhookSubscription

SET_KEY = "webhooks:listened"
TOKEN_KEY = "webhooks:listened:token"
# The longest a change made around the ORM can go unnoticed.
TIMEOUT = 300


def _connection():
    return connections[router.db_for_write(WebhookSubscription)]


def forget() -> None:
    """Make every process read the set again: at once outside a transaction, after the commit
    inside one (nothing when it rolls back). Call it after changing what the set depends on
    without saving a model, e.g. with ``QuerySet.update()``."""
    if changed_here():
        return  # already due when this transaction commits
    transaction.on_commit(_replace_token, using=router.db_for_write(WebhookSubscription))


def _replace_token() -> None:
    cache.set(TOKEN_KEY, uuid.uuid4().hex, None)


def changed_here() -> bool:
    """Whether the current transaction changed what the set depends on (not yet committed)."""
    connection = _connection()
    return connection.in_atomic_block and any(entry[1] is _replace_token for entry in connection.run_on_commit)


def lookup() -> tuple[frozenset[str] | None, str | None]:
    """The events some live subscriber asked for when the cache knows them for sure (else None),
    and the token to :func:`store` the set under once it is read from the rows."""
    if changed_here():
        return None, None
    values = cache.get_many([TOKEN_KEY, SET_KEY])
    token, stored = values.get(TOKEN_KEY), values.get(SET_KEY)
    if token is not None and stored is not None and stored[0] == token:
        return stored[1], token
    return None, token


def store(token: str | None, events: frozenset[str]) -> None:
    """Cache ``events``, read from the rows after :func:`lookup` answered ``token``.

    The token was read before the rows: when a change is committed in between, it replaces the
    token, the one stored here no longer matches, and the set is read again next time."""
    if changed_here():
        return
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(TOKEN_KEY, token, None):
            return  # a change set one meanwhile: what was read may already be out of date
    cache.set(SET_KEY, (token, events), TIMEOUT)


# --- what the set depends on ------------------------------------------------------------------


def _subscription_changed(sender, **kwargs) -> None:
    forget()


def _user_changed(sender, update_fields=None, **kwargs) -> None:
    # Signing in only stamps last_login: neither the account's state nor its roles change.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    forget()


def _groups_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        forget()


def connect_signals() -> None:
    """Follow every change the set depends on; called once, when the notifications app is ready."""
    for signal in (post_save, post_delete):
        signal.connect(_subscription_changed, sender=WebhookSubscription, dispatch_uid="webhooks.listened.subscription")
        signal.connect(_user_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="webhooks.listened.user")
        signal.connect(_subscription_changed, sender=Group, dispatch_uid="webhooks.listened.group")
    m2m_changed.connect(
        _groups_changed, sender=get_user_model().groups.through, dispatch_uid="webhooks.listened.user_groups"
    )
