"""Managers edit technicians' profiles: stations, skills, capacity and working hours."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.roles import manages_quality
from fieldwork.models import TechnicianProfile

RELATIONS = ("stations", "categories", "product_models")


@transaction.atomic
def technician_profile_save(
    *, profile: TechnicianProfile | None, data: dict, by: AbstractBaseUser
) -> TechnicianProfile:
    """Create (``profile`` None, ``data`` names the user) or change a technician's profile with
    already validated ``data``. Managers and administrators only."""
    if not manages_quality(by):
        raise PermissionDenied(_("Only managers and administrators edit technicians."))
    data = dict(data)
    relations = {name: data.pop(name) for name in RELATIONS if name in data}
    if profile is None:
        profile = TechnicianProfile(user=data.pop("user"))
    else:
        data.pop("user", None)  # a profile stays with its technician
    for name, value in data.items():
        setattr(profile, name, value)
    profile.save()
    for name, value in relations.items():
        getattr(profile, name).set(value)
    return profile
