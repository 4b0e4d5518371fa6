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


def dispatch_to_provider(ticket: Ticket, when: dt.datetime) -> Ticket:
    """Record that the ticket, given to a provider's station at ``when``, went to that provider,
    who accepted it within minutes. A ticket at a headquarters station is left as it is."""
    provider = ticket.station.provider if ticket.station_id else None
    if provider is None or ticket.provider_id == provider.pk:
        return ticket
    ticket.provider = provider
    ticket.provider_offered_at = when
    ticket.provider_accept_due = when + dt.timedelta(hours=provider.accept_hours)
    ticket.provider_accepted_at = when + dt.timedelta(minutes=ACCEPTED_AFTER_MINUTES)
    Ticket.objects.filter(pk=ticket.pk).update(
        provider=provider,
        provider_offered_at=ticket.provider_offered_at,
        provider_accept_due=ticket.provider_accept_due,
        provider_accepted_at=ticket.provider_accepted_at,
    )
    return ticket


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
