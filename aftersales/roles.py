"""Staff roles, kept as Django groups (docs/architecture.md#who-uses-it).

Customers are not staff and have no role here. A superuser counts as an administrator.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales import table_memo


class Role(models.TextChoices):
    AGENT = "agent", _("Service agent")
    TECHNICIAN = "technician", _("Technician")
    MANAGER = "manager", _("Manager")
    DEPARTMENT = "department", _("Quality department")
    SALES = "sales", _("Sales staff")
    ADMIN = "admin", _("Administrator")


# Roles that work tickets at the desk; department users only answer feedback.
DESK_ROLES = frozenset({Role.AGENT, Role.TECHNICIAN, Role.MANAGER, Role.ADMIN})
# Roles that see every ticket, not only their own jobs.
ALL_TICKETS_ROLES = frozenset({Role.AGENT, Role.MANAGER, Role.ADMIN})
# Roles that watch and steer service quality: the dashboard, thresholds, alerts, recalls.
QUALITY_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
# Roles that work the leads found in service and sell contracts beside the desk's agents.
SALES_ROLES = frozenset({Role.SALES, Role.AGENT, Role.MANAGER, Role.ADMIN})
# Roles that answer quality feedback: the departments, and managers who follow it up.
FEEDBACK_ROLES = frozenset({Role.DEPARTMENT, Role.MANAGER, Role.ADMIN})


def roles_of(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The user's roles, cached on the user object for the length of a request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_aftersales_roles", None)
    if cached is None:
        _read_roles_and_provider(user)
        cached = user._aftersales_roles
    return cached


def provider_of(user: AbstractBaseUser | AnonymousUser | None) -> int | None:
    """The id of the service provider ``user`` works for, or None: headquarters staff, customers
    and visitors belong to no provider (docs/network.md). Read with the roles, in one query."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_aftersales_provider"):
        _read_roles_and_provider(user)
    return user._aftersales_provider


# What a user's roles and provider are read from: kept in the process while none of these changes
# (aftersales/table_memo.py; the users' groups count as the users table).
ROLE_TABLES = ("auth.user", "network.providermember")


def _read_roles_and_provider(user: AbstractBaseUser) -> None:
    """The user's groups and their provider, cached on the user object for the length of a
    request (:func:`roles_and_provider_by_id`)."""
    note_roles(user, *roles_and_provider_by_id(user.pk))


def note_roles(user: AbstractBaseUser, roles: frozenset[str], provider: int | None) -> None:
    """Cache ``user``'s roles and provider, as read by :func:`roles_and_provider_by_id`, on the
    user object for the length of a request."""
    user._aftersales_roles = roles | {Role.ADMIN} if user.is_superuser else roles
    user._aftersales_provider = provider


def roles_and_provider_by_id(user_id: int) -> tuple[frozenset[str], int | None]:
    """The roles of the user's groups (a superuser's administrator role aside) and their provider
    (``network.ProviderMember``, by the reverse name of its user field): read in one query, and
    kept from one request to the next until a user, a group membership or a provider membership
    changes anywhere."""

    def read() -> tuple[frozenset[str], int | None]:
        rows = list(
            get_user_model()
            ._base_manager.filter(pk=user_id)
            .values_list("groups__name", "provider_membership__provider")
        )
        names = {name for name, _provider in rows if name}
        provider = next((provider for _name, provider in rows if provider is not None), None)
        return frozenset(name for name in names if name in Role.values), provider

    return table_memo.derived(ROLE_TABLES, ("roles", user_id), read)


def has_any_role(user: AbstractBaseUser | AnonymousUser, roles: frozenset[str] | set[str]) -> bool:
    return bool(roles_of(user) & set(roles))


def works_in_sales(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Sales staff, agents, managers and administrators: contracts, leads and referrals."""
    return has_any_role(user, SALES_ROLES)


def is_desk_user(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_any_role(user, DESK_ROLES)


def sees_all_tickets(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_any_role(user, ALL_TICKETS_ROLES)


def manages_quality(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_any_role(user, QUALITY_ROLES)


def answers_feedback(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_any_role(user, FEEDBACK_ROLES)


def at_headquarters(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A signed-in user who works for no service provider: headquarters staff, who see the whole
    network (docs/network.md#who-sees-what)."""
    return user.is_authenticated and provider_of(user) is None


def manages_network_quality(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Headquarters' managers and administrators: quality alerts, thresholds, recall campaigns and
    webhooks look at the whole network, so a provider's managers are refused them."""
    return manages_quality(user) and at_headquarters(user)


def managers():
    """The active headquarters managers who can be emailed: those told of a dissatisfied customer,
    a missed deadline with no station lead, a quality alert. A provider's managers are not: the
    news is about the whole network."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.MANAGER, provider_membership__isnull=True)
        .exclude(email="")
        .distinct()
    )
