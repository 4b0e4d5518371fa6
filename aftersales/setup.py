"""Keeps the role groups and their admin permissions in place after every migrate."""

from django.apps import apps as global_apps

from aftersales.roles import Role

# Apps whose models administrators manage in the Django admin.
ADMIN_APPS = (
    "customers",
    "tickets",
    "warranty",
    "followups",
    "quality",
    "notifications",
    "fieldwork",
    "parts",
    "contracts",
    "sales",
    "django_celery_beat",
    "auth",
)
# Managers edit the catalogue, the stations, the technicians' profiles and slots, the parts
# catalogue and the stations' reorder points; everyone else
# works in the desk only.
MANAGER_MODELS = (
    "customers.productcategory",
    "customers.productmodel",
    "tickets.servicestation",
    "tickets.faultcategory",
    "fieldwork.technicianprofile",
    "fieldwork.stationslots",
    "parts.part",
    "parts.stocklevel",
)
# What managers look up in the admin without changing it: the visits and what was done on site.
MANAGER_VIEWED_MODELS = (
    "fieldwork.visit",
    "fieldwork.jobrecord",
    "fieldwork.jobphoto",
    "fieldwork.servicereport",
    "parts.stockmovement",
    "parts.stocktransfer",
    "parts.partreservation",
    "parts.partsorder",
    "parts.partusage",
    "parts.partreturn",
)


def sync_role_groups(sender=None, apps=global_apps, using: str = "default", **kwargs) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    groups = {role: Group.objects.using(using).get_or_create(name=role)[0] for role in Role.values}
    admin_perms = Permission.objects.using(using).filter(content_type__app_label__in=ADMIN_APPS)
    groups[Role.ADMIN].permissions.add(*admin_perms)
    manager_perms = [
        perm
        for perm in Permission.objects.using(using)
        .filter(content_type__app_label__in=["customers", "tickets", "fieldwork", "parts"])
        .select_related("content_type")
        if f"{perm.content_type.app_label}.{perm.content_type.model}" in MANAGER_MODELS
        or (
            f"{perm.content_type.app_label}.{perm.content_type.model}" in MANAGER_VIEWED_MODELS
            and perm.codename.startswith("view_")
        )
    ]
    groups[Role.MANAGER].permissions.add(*manager_perms)
