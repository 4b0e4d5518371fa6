"""The demo's world as it is built (random source, clock, what was created so far) and its
setting: the catalogue, the service stations and the staff accounts."""

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.management.base import OutputWrapper
from django.core.management.color import Style
from django.utils import timezone

from aftersales.roles import Role
from customers.business_time import CalendarSpec
from customers.calendars import calendar_spec_for
from customers.models import Customer, ProductCategory, ProductModel
from demo.data.catalogue import CATEGORIES, FAULT_CODES, FAULTS, MODELS
from demo.data.network import STATIONS
from demo.data.people import USERS
from followups.models import DepartmentMembership
from tickets.models import FaultCategory, FaultCode, ServiceStation

PASSWORD = "aftersales-demo"
RANDOM_SEED = 1234
# The departments the demo's quality user answers for (operations feedback goes to the managers).
QUALITY_DEPARTMENTS = ("production", "design")


@dataclass
class DemoWorld:
    """What every step of the demo reads and adds to: one random source with a fixed seed, the
    moment the demo is loaded at, and the catalogue, stations, staff and customers made so far."""

    out: OutputWrapper
    style: Style
    rng: random.Random
    now: dt.datetime
    tz: ZoneInfo
    calendar: CalendarSpec
    today: dt.date
    categories: dict[str, ProductCategory] = field(default_factory=dict)
    models: dict[str, list[tuple[ProductModel, int]]] = field(default_factory=dict)
    faults: dict[str, FaultCategory] = field(default_factory=dict)
    stations: list[ServiceStation] = field(default_factory=list)
    users: dict[str, AbstractBaseUser] = field(default_factory=dict)
    agents: list[AbstractBaseUser] = field(default_factory=list)
    technicians: list[AbstractBaseUser] = field(default_factory=list)
    # Each service provider's technician, by provider id: they work the provider's tickets.
    provider_technicians: dict[int, AbstractBaseUser] = field(default_factory=dict)
    customers: list[Customer] = field(default_factory=list)
    phones_taken: set[str] = field(default_factory=set)

    @classmethod
    def starting_now(cls, out: OutputWrapper, style: Style) -> "DemoWorld":
        now = timezone.now().replace(microsecond=0)
        tz = ZoneInfo(settings.TIME_ZONE)
        return cls(
            out=out,
            style=style,
            rng=random.Random(RANDOM_SEED),
            now=now,
            tz=tz,
            calendar=calendar_spec_for(None),
            today=now.astimezone(tz).date(),
        )


def demo_loaded() -> bool:
    """The demo's staff exist: the demo was loaded on this database before."""
    return get_user_model().objects.filter(username="agent").exists()


def add_catalogue(world: DemoWorld) -> None:
    # The statutory categories and their policies ship with the migrations.
    for code, name, name_zh, basis in CATEGORIES:
        world.categories[code], _ = ProductCategory.objects.update_or_create(
            code=code, defaults={"name": name, "name_zh": name_zh, "warranty_start_basis": basis}
        )
    for category, code, name, name_zh, components, interval, price in MODELS:
        model, _ = ProductModel.objects.update_or_create(
            code=code,
            defaults={
                "category": world.categories[category],
                "name": name,
                "name_zh": name_zh,
                "main_components": components,
                "maintenance_interval_days": interval,
            },
        )
        world.models.setdefault(category, []).append((model, price))
    for code, group, name, name_zh, category in FAULTS:
        world.faults[code], _ = FaultCategory.objects.update_or_create(
            code=code,
            defaults={
                "group": group,
                "name": name,
                "name_zh": name_zh,
                "product_category": world.categories[category] if category else None,
            },
        )
    for code, component, department, name, name_zh in FAULT_CODES:
        FaultCode.objects.update_or_create(
            code=code,
            defaults={"component": component, "department": department, "name": name, "name_zh": name_zh},
        )


def add_stations(world: DemoWorld) -> None:
    for code, name, name_zh, region, address, phone in STATIONS:
        station, _ = ServiceStation.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_zh": name_zh, "region": region, "address": address, "phone": phone},
        )
        world.stations.append(station)


def add_staff(world: DemoWorld) -> None:
    User = get_user_model()
    for username, role, first, last in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@aftersales.example",
                "is_staff": role in (Role.ADMIN, Role.MANAGER),
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        world.users[username] = user
    for department in QUALITY_DEPARTMENTS:
        DepartmentMembership.objects.get_or_create(user=world.users["quality"], department=department)
    world.agents = [world.users["agent"], world.users["agent2"]]
    world.technicians = [world.users["technician"], world.users["technician2"]]
