"""A job submission is applied once, however often a weak connection makes the phone send it.

Every job form and API call carries an idempotency key: a UUID the phone makes when the form is
opened and keeps for every resend of it (static/js/job_draft.js; the API's ``Idempotency-Key``
header). The key's row (unique per user and key) is inserted first, in the same transaction as
the change, and holds the first result. A repeat finds the row and gets that result back with
nothing recorded again. Two copies racing each other: the second insert waits on the first
one's row lock, fails once the first commits, and answers the committed result; if the first
rolled back (bad input), the second is applied as if it came first.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fieldwork.models import IdempotencyKey

FIELD = "idempotency_key"


@dataclass(frozen=True)
class Outcome:
    result: dict
    # True when the submission had been applied already and nothing was recorded now.
    replayed: bool


def checked_key(raw: object) -> str:
    """The key as a canonical UUID string, or a field error."""
    try:
        return str(uuid.UUID(str(raw or "").strip()))
    except ValueError as exc:
        raise ValidationError({FIELD: _("This submission has no valid idempotency key: reload the page.")}) from exc


def _replay(done: IdempotencyKey, scope: str) -> Outcome:
    if done.scope != scope:
        raise ValidationError({FIELD: _("This idempotency key was used for another action: reload the page.")})
    return Outcome(done.result, replayed=True)


def run_once(*, user: AbstractBaseUser, key: object, scope: str, action: Callable[[], dict]) -> Outcome:
    """Apply ``action`` once for ``user``'s ``key``: its result is stored with the key in the
    action's own transaction, and a repeat returns it without running ``action`` again.
    ``action`` returns plain JSON data (its result as the caller answers it)."""
    key = checked_key(key)
    done = IdempotencyKey.objects.filter(user=user, key=key).first()
    if done is not None:
        return _replay(done, scope)
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(user=user, key=key, scope=scope)
            result = action()
            row.result = result
            row.save(update_fields=["result"])
    except IntegrityError:
        # The same key, committed meanwhile by a concurrent copy of this submission.
        done = IdempotencyKey.objects.filter(user=user, key=key).first()
        if done is None:
            raise
        return _replay(done, scope)
    return Outcome(result, replayed=False)
