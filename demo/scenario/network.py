"""The demo's service network: three authorised service providers, the stations they run, their
staff (an agent, a manager and a technician each, members of their provider) and the tickets
dispatched to them. Headquarters' staff belong to no provider and see everything.

Every ticket the story gives to a provider's station is dispatched to that provider and worked
by the provider's technician; :func:`dispatch_to_provider` is the one place that records the
dispatch. Loaded with the demo, or added once to a database loaded before the network existed
(:func:`load_network_demo`).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce

from aftersales.roles import Role
from demo.data.providers import ACCEPTED_AFTER_MINUTES, PROVIDER_STATIONS, PROVIDER_USERS, PROVIDERS
from demo.scenario.field import equip_stations
from demo.scenario.setting import PASSWORD
from demo.scenario.settlement import add_rates
from network.models import ProviderMember, ServiceProvider
from tickets.models import ServiceStation, Ticket
from tickets.services import provider_offers


def network_demo_loaded() -> bool:
    """The demo's first provider exists: the network was loaded before."""
    return ServiceProvider.objects.filter(code=PROVIDERS[0][0]).exists()


def add_network(stations: list[ServiceStation] | None = None) -> dict[str, ServiceProvider]:
    """The providers, the stations they opened, which stations each runs, and their staff.

    ``stations``: the demo's station objects in memory, given their provider too, so the story
    that follows dispatches to it. Safe to run twice (everything is found by its code)."""
    providers = {}
    for code, name, name_zh, contact, phone, email, accept_hours, _stations in PROVIDERS:
        providers[code], _ = ServiceProvider.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "contact_name": contact,
                "phone": phone,
                "email": email,
                "accept_hours": accept_hours,
            },
        )
    for code, name, name_zh, region, address, phone in PROVIDER_STATIONS:
        ServiceStation.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_zh": name_zh, "region": region, "address": address, "phone": phone},
        )
    runs = {station: providers[code] for code, *_rest, codes in PROVIDERS for station in codes}
    for station_code, provider in runs.items():
        ServiceStation.objects.filter(code=station_code).update(provider=provider)
    for station in stations or []:
        station.provider = runs.get(station.code)
    _staff(providers)
    return providers


def _staff(providers: dict[str, ServiceProvider]) -> None:
    User = get_user_model()
    for username, role, first, last, provider_code in PROVIDER_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@{providers[provider_code].code}.example",
                "is_staff": role == Role.MANAGER,
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        ProviderMember.objects.get_or_create(user=user, defaults={"provider": providers[provider_code]})


def provider_technicians() -> dict[int, AbstractBaseUser]:
    """Each provider's technician, by provider id."""
    usernames = {username: code for username, role, *_names, code in PROVIDER_USERS if role == Role.TECHNICIAN}
    users = get_user_model().objects.filter(username__in=usernames).select_related("provider_membership")
    return {user.provider_membership.provider_id: user for user in users}


def dispatch_to_provider(ticket: Ticket, station: ServiceStation, when: dt.datetime) -> Ticket:
    """Headquarters offers the ticket to the provider running ``station`` at ``when``
    (tickets/services/provider_offers.py), and the provider's agent accepts it a few minutes
    later; the station's technician is assigned after. A headquarters station offers nothing."""
    provider = station.provider
    if provider is None:
        return ticket
    if ticket.provider_id != provider.pk:
        headquarters = get_user_model().objects.filter(groups__name=Role.MANAGER, provider_membership__isnull=True)
        ticket = provider_offers.offer(
            ticket=ticket, provider=provider, station=station, by=headquarters.order_by("pk").first(), now=when
        )
    if ticket.provider_accepted_at is None:
        accepted = when + dt.timedelta(minutes=ACCEPTED_AFTER_MINUTES)
        ticket = provider_offers.accept(ticket=ticket, by=_provider_agent(provider), now=accepted)
    return ticket


def _provider_agent(provider: ServiceProvider) -> AbstractBaseUser:
    return get_user_model().objects.get(groups__name=Role.AGENT, provider_membership__provider=provider)


def dispatch_station_tickets() -> int:
    """Every ticket at a provider's station that is not dispatched yet goes to that provider, as
    :func:`dispatch_to_provider` records it, offered when the ticket was dispatched (or logged).
    Set-based, one update per provider: a database seeded at volume has many such tickets."""
    offered = Coalesce(F("dispatched_at"), F("created_at"))
    dispatched = 0
    for provider in ServiceProvider.objects.filter(stations__isnull=False).distinct():
        dispatched += Ticket.objects.filter(station__provider=provider, provider__isnull=True).update(
            provider=provider,
            provider_offered_at=offered,
            provider_accept_due=offered + dt.timedelta(hours=provider.accept_hours),
            provider_accepted_at=offered + dt.timedelta(minutes=ACCEPTED_AFTER_MINUTES),
        )
    return dispatched


@transaction.atomic
def load_network_demo(out: OutputWrapper) -> None:
    """Add the network to a database with the demo loaded before it existed: providers, stations
    and staff, the tickets at their stations dispatched to them, their technicians' profiles,
    the new stations' visit slots and opening stock, and the rates."""
    if network_demo_loaded():
        return
    providers = add_network()
    dispatched = dispatch_station_tickets()
    equip_stations(out)
    rates = add_rates()
    out.write(network_summary(providers) + f" {dispatched} tickets dispatched to them; {rates} rates.")


def network_summary(providers: dict[str, ServiceProvider]) -> str:
    stations = ServiceStation.objects.filter(provider__in=providers.values()).count()
    members = ProviderMember.objects.filter(provider__in=providers.values()).count()
    return f"Service network: {len(providers)} providers running {stations} stations with {members} staff."
