"""What the seeded rows refer to: the catalogue, stations, fault categories and codes and staff
already in the database (the demo's, usually), with a minimal set created where none exist."""

from dataclasses import dataclass
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from aftersales import table_memo
from aftersales.roles import Role
from customers.models import ProductCategory, ProductModel
from demo.data.catalogue import CATEGORIES, CATEGORY_FAULTS, CATEGORY_WEIGHTS, FAULT_CODES, FAULTS, MODELS
from demo.data.network import STATIONS
from demo.seed.run import Weighted
from tickets.models import FaultCategory, FaultCode, ServiceStation

# The product faults of a ticket without a unit: a phone's.
PHONE_FAULTS = ("battery_fault", "display_fault", "wont_start", "overheating")


@dataclass
class ReferenceData:
    """Ids and rows the generated rows point at, each list in primary-key order."""

    station_ids: list[int]
    stations_by_region: dict[str, list[int]]
    technician_ids: list[int]
    agent_ids: list[int]
    # Quality fault codes: code -> department (no-leak 4).
    quality_codes: dict[str, str]
    department_user_ids: list[int]
    models: list[ProductModel]
    list_prices: dict[str, int]
    model_draw: Weighted
    faults_by_code: dict[str, FaultCategory]
    faults_by_group: dict[str, list[FaultCategory]]
    # The product faults a unit of each category reports (phones' for a ticket without a unit).
    faults_for_category: dict[str, list[FaultCategory]]
    regions: list[str]


def reference_data() -> ReferenceData:
    """Reuse the catalogue, stations, faults and staff; create a minimal set where none exist.

    Everything is read in primary-key order: the same seed on the same data makes the same rows.
    """
    _minimal_catalogue()
    User = get_user_model()
    stations = list(ServiceStation.objects.filter(is_active=True).order_by("pk"))
    station_ids = [station.pk for station in stations]
    stations_by_region: dict[str, list[int]] = {}
    for station in stations:
        stations_by_region.setdefault(station.region, []).append(station.pk)
    technician_ids = list(
        User.objects.filter(is_active=True, groups__name=Role.TECHNICIAN).order_by("pk").values_list("pk", flat=True)
    )
    if not technician_ids:
        group = Group.objects.get_or_create(name=Role.TECHNICIAN)[0]
        for station in stations:
            user = User.objects.create_user(username=f"tech-{station.code}"[:150], first_name="Technician")
            user.groups.add(group)
            technician_ids.append(user.pk)
    agent_ids = list(
        User.objects.filter(is_active=True, groups__name=Role.AGENT).order_by("pk").values_list("pk", flat=True)
    )
    if not FaultCode.objects.exists():
        table_memo.bump(FaultCode)  # a bulk insert sends no signal (aftersales/table_memo.py)
        FaultCode.objects.bulk_create(
            FaultCode(code=code, component=component, department=department, name=name, name_zh=name_zh)
            for code, component, department, name, name_zh in FAULT_CODES
        )
    quality_codes = dict(
        FaultCode.objects.filter(is_active=True).exclude(department="").values_list("code", "department")
    )
    department_user_ids = list(
        User.objects.filter(is_active=True, groups__name=Role.DEPARTMENT).order_by("pk").values_list("pk", flat=True)
    )
    if not department_user_ids:
        # A department user with no membership answers for every department.
        user = User.objects.create_user(username="quality-office", first_name="Quality office")
        user.groups.add(Group.objects.get_or_create(name=Role.DEPARTMENT)[0])
        department_user_ids.append(user.pk)
    models = list(ProductModel.objects.select_related("category").order_by("pk"))
    faults = list(FaultCategory.objects.filter(is_active=True).order_by("pk"))
    faults_by_code = {f.code: f for f in faults}
    faults_by_group: dict[str, list[FaultCategory]] = {}
    for fault in faults:
        faults_by_group.setdefault(fault.group, []).append(fault)
    return ReferenceData(
        station_ids=station_ids,
        stations_by_region=stations_by_region,
        technician_ids=technician_ids,
        agent_ids=agent_ids,
        quality_codes=quality_codes,
        department_user_ids=department_user_ids,
        models=models,
        list_prices={row[1]: row[6] for row in MODELS},
        model_draw=Weighted(tuple(models), tuple(accumulate(CATEGORY_WEIGHTS.get(m.category.code, 5) for m in models))),
        faults_by_code=faults_by_code,
        faults_by_group=faults_by_group,
        faults_for_category={
            category: [faults_by_code[c] for c in codes if c in faults_by_code]
            for category, codes in [*CATEGORY_FAULTS.items(), ("", PHONE_FAULTS)]
        },
        regions=sorted(stations_by_region) or ["Qingdao"],
    )


def _minimal_catalogue() -> None:
    """The demo's categories, models, fault categories and stations where the tables are empty."""
    if not ProductModel.objects.exists():
        categories = {}
        for code, name, name_zh, basis in CATEGORIES:
            categories[code], _ = ProductCategory.objects.get_or_create(
                code=code, defaults={"name": name, "name_zh": name_zh, "warranty_start_basis": basis}
            )
        for category, code, name, name_zh, components, interval, _price in MODELS:
            ProductModel.objects.get_or_create(
                code=code,
                defaults={
                    "category": categories[category],
                    "name": name,
                    "name_zh": name_zh,
                    "main_components": components,
                    "maintenance_interval_days": interval,
                },
            )
    if not FaultCategory.objects.exists():
        for code, group, name, name_zh, category in FAULTS:
            FaultCategory.objects.get_or_create(
                code=code,
                defaults={
                    "group": group,
                    "name": name,
                    "name_zh": name_zh,
                    "product_category": ProductCategory.objects.filter(code=category).first(),
                },
            )
    if not ServiceStation.objects.filter(is_active=True).exists():
        for code, name, name_zh, region, address, phone in STATIONS:
            ServiceStation.objects.get_or_create(
                code=code,
                defaults={"name": name, "name_zh": name_zh, "region": region, "address": address, "phone": phone},
            )
