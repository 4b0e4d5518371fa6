"""Which service provider's work a query sees (docs/network.md#who-sees-what).

A provider's staff see only their provider's work; headquarters staff (who belong to no
provider) see everything. This is applied once, here, by the default manager of every model
that belongs to a provider's work (``objects = ProviderScoped(...)``): a desk page, an API
endpoint, an export, a search, a dashboard or an admin page that asks ``Model.objects`` gets the
provider's rows only, with nothing to remember per view.

The scope itself is django-scopes' state. Every request runs inside one
(:class:`ProviderScopeMiddleware`): the provider of whoever is signed in, read when the first
scoped query runs, so an API token authenticated later in the request counts too. Celery tasks,
management commands and tests run with scopes disabled (they act for the whole organisation).

A queryset made with no scope at all (a form's choices, built when its module is imported) takes
the scope it is next copied in: Django copies a form field's queryset for every form, DRF a
related field's for every request. Read with no scope, it raises ``ScopeError`` instead of
answering for everyone: forgetting the scope fails loudly, it never leaks.

Writes are not scoped: ``save()``, deletion and forward relations (``ticket.customer``) use the
model's base manager. A service that must find a row whatever the caller may see (the one
customer with a phone number, before creating another) reads ``Model._base_manager``.
"""

from collections.abc import Callable
from typing import Any

from celery import Task
from django.db import models
from django.db.models import Q
from django.urls import get_resolver
from django_scopes import get_scope, scope, scopes_disabled
from django_scopes.exceptions import ScopeError

from aftersales.roles import provider_of

__all__ = [
    "ProviderScoped",
    "ProviderScopeMiddleware",
    "UnscopedTask",
    "scope",
    "scope_key",
    "scopes_disabled",
    "staff_in_scope",
]

DIMENSION = "provider"
# The scope's value while no provider applies: the whole organisation.
EVERYTHING = None
# No scope at all: neither a request's nor disabled.
UNSCOPED = object()


def _scope_now() -> Any:
    """The provider the current scope limits queries to, EVERYTHING, or UNSCOPED."""
    current = get_scope()
    if not current.get("_enabled", True):
        return EVERYTHING
    if DIMENSION not in current:
        return UNSCOPED
    return _resolve(current[DIMENSION])


def scope_key() -> str | None:
    """What the current scope is, for keys of things worked out in it: ``"all"`` for the whole
    organisation, ``"provider:<id>"`` for a provider's; None outside any scope."""
    provider = _scope_now()
    if provider is UNSCOPED:
        return None
    return "all" if provider is EVERYTHING else f"provider:{provider}"


class ScopedQuerySet(models.QuerySet):
    """A queryset that may still wait for its provider's condition (``_pending``): made with no
    scope, or for the whole organisation, it takes the condition of the first copy made in a
    provider's scope, and refuses to be read before a copy in a request or with scopes disabled.

    Made for the whole organisation, it keeps waiting: a form's choices built while scopes are
    disabled (a module first imported by a command, a task or a test) still answer a provider's
    request with that provider's rows, never with everyone's."""

    _pending = None

    def _clone(self):
        clone = super()._clone()
        pending = self._pending
        if pending is not None:
            provider = _scope_now()
            if provider is UNSCOPED or provider is EVERYTHING:
                clone._pending = pending
            else:
                clone.query.add_q(pending.belongs_to(provider))
        return clone

    def _refuse_unscoped(self) -> None:
        if self._pending is not None and _scope_now() is not EVERYTHING:
            raise ScopeError(f"A scope on dimension(s) {DIMENSION} needs to be active for this query.")

    def _fetch_all(self):
        self._refuse_unscoped()
        super()._fetch_all()

    def count(self):
        self._refuse_unscoped()
        return super().count()

    def exists(self):
        self._refuse_unscoped()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._refuse_unscoped()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._refuse_unscoped()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_unscoped()
        return super().delete()

    def iterator(self, chunk_size=None):
        self._refuse_unscoped()
        return super().iterator(chunk_size=chunk_size)


class ProviderScoped(models.Manager):
    """The default manager of a model that belongs to a provider's work.

    ``paths`` lead from the model to the provider's id (``"provider"``, ``"ticket__provider"``);
    with several, a row belongs to any of them (a transfer, to its two stations' providers).
    ``via`` names a reverse relation when the model belongs to a provider through other rows
    (a customer, through their tickets): the model's rows are those the related rows point to,
    found by a subquery, so no row comes twice. ``shared`` rows, those whose first path is empty
    (the network's default rate card), belong to every provider.
    """

    def __init__(self, *paths: str, via: str | None = None, shared: bool = False) -> None:
        super().__init__()
        # None: a related manager Django made from this class (``ticket.events``), without the
        # arguments; it follows the rule its model's own manager was declared with.
        self._rule = (paths, via, shared) if paths else None

    def _declared(self) -> tuple[tuple[str, ...], str | None, bool]:
        if self._rule is not None:
            return self._rule
        return self.model._default_manager._declared()

    @property
    def paths(self) -> tuple[str, ...]:
        return self._declared()[0]

    @property
    def via(self) -> str | None:
        return self._declared()[1]

    @property
    def shared(self) -> bool:
        return self._declared()[2]

    def get_queryset(self) -> models.QuerySet:
        queryset = ScopedQuerySet(self.model, using=self._db, hints=self._hints)
        provider = _scope_now()
        if provider is UNSCOPED or provider is EVERYTHING:
            queryset._pending = self
            return queryset
        return queryset.filter(self.belongs_to(provider))

    def belongs_to(self, provider: int) -> Q:
        """The rows of ``provider``'s work, as a condition on this model."""
        if self.via is None:
            condition = Q()
            for path in self.paths:
                condition |= Q(**{path: provider})
            if self.shared:
                condition |= Q(**{f"{self.paths[0]}__isnull": True})
            return condition
        relation = self.model._meta.get_field(self.via)
        related = relation.related_model._base_manager.filter(*[Q(**{path: provider}) for path in self.paths]).values(
            relation.field.attname
        )
        return Q(pk__in=related)


def _resolve(value: Any) -> int | None:
    return value() if callable(value) else value


class _ProviderStaff:
    """Users (not a scoped model) as a provider's staff see them: their provider's members."""

    def belongs_to(self, provider: int) -> Q:
        return Q(provider_membership__provider=provider)


PROVIDER_STAFF = _ProviderStaff()


def staff_in_scope(users: models.QuerySet) -> models.QuerySet:
    """``users`` limited to the staff the current scope may pick: a provider's own members for
    its staff (a technician, a station lead, an agent to call back), everyone for headquarters.

    Every picker of users reads its choices through this, as scoped models read theirs through
    their manager; a picker built with no scope yet (a form field's queryset, made when its module
    is imported) takes the scope of the request it is copied in, and refuses to be read before."""
    scoped = ScopedQuerySet(model=users.model, query=users.query.chain(), using=users._db, hints=users._hints)
    provider = _scope_now()
    if provider is UNSCOPED or provider is EVERYTHING:
        scoped._pending = PROVIDER_STAFF
        return scoped
    return scoped.filter(PROVIDER_STAFF.belongs_to(provider))


class ProviderScopeMiddleware:
    """Runs each request in the scope of whoever is signed in (after AuthenticationMiddleware).

    The provider is read from ``request.user`` when a scoped query needs it, not before: an API
    token authenticates inside the view and sets ``request.user`` then."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        # The views, forms and serializers are imported now, when the server starts, not inside
        # the first request: their choices wait for each request's scope, never keep the first
        # user's.
        with scope():
            get_resolver().url_patterns  # noqa: B018

    def __call__(self, request):
        with scope(**{DIMENSION: lambda: provider_of(getattr(request, "user", None))}):
            return self.get_response(request)


class UnscopedTask(Task):
    """Celery tasks act for the whole organisation, also when run eagerly inside a request."""

    def __call__(self, *args, **kwargs):
        with scopes_disabled():
            return super().__call__(*args, **kwargs)
