"""Which stations' stock a user may see and move (docs/parts.md#who-sees-which-stock).

Agents, managers and administrators see and move the stock of every station. A technician
sees and moves only the stock of the stations they belong to (the stations of their technician
profile). Anyone else — department users, customers — sees no stock. The desk pages and the
API take their querysets from here, so another station's stock is a 404, never a leak.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from aftersales.roles import Role, has_any_role, sees_all_tickets
from tickets.models import ServiceStation

# Roles that see stock at all: the desk roles that work repairs.
STOCK_ROLES = frozenset({Role.AGENT, Role.TECHNICIAN, Role.MANAGER, Role.ADMIN})


def sees_stock(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_any_role(user, STOCK_ROLES)


def sees_every_station(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Agents, managers and administrators: every station's stock."""
    return sees_all_tickets(user)


def stations_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[ServiceStation]:
    """The stations whose stock ``user`` may see and move.

    A technician's are those of their technician profile, read through the reverse name of
    ``TechnicianProfile.stations`` (parts does not import fieldwork)."""
    if sees_every_station(user):
        return ServiceStation.objects.all()
    if not sees_stock(user):
        return ServiceStation.objects.none()
    return ServiceStation.objects.filter(technicians__user=user).distinct()


def may_use_station(user: AbstractBaseUser | AnonymousUser, station: ServiceStation) -> bool:
    """Whether ``user`` may see and move ``station``'s stock."""
    if sees_every_station(user):
        return True
    return stations_for(user).filter(pk=station.pk).exists()
