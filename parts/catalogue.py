"""Writing the parts catalogue from the API (the admin imports whole files, parts/resources.py).

A part is known by its number, unique; the models it fits are given by their model codes. Field
errors name the field; nothing is written when one is found."""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import ProductModel
from parts.models import Part

FIELDS = ("number", "name", "name_zh", "is_main_component", "standard_cost", "price", "warranty_days", "is_active")


def _check(part: Part, codes: list[str] | None) -> list[ProductModel] | None:
    """The models ``codes`` name (None when not given); every error found, by field."""
    errors = {}
    found = None
    if codes is not None:
        wanted = {code.strip() for code in codes if code.strip()}
        found = list(ProductModel.objects.filter(code__in=wanted))
        unknown = sorted(wanted - {model.code for model in found})
        if unknown:
            errors["fits"] = _("Unknown model code: %(codes)s.") % {"codes": ", ".join(unknown)}
    if Part.objects.filter(number__iexact=part.number).exclude(pk=part.pk).exists():
        errors["number"] = _("Another part has this number.")
    for field in ("standard_cost", "price"):
        if getattr(part, field) < Decimal("0"):
            errors[field] = _("A cost cannot be negative.")
    if errors:
        raise ValidationError(errors)
    return found


@transaction.atomic
def part_create(*, by: AbstractBaseUser, fits: list[str] | None = None, **values) -> Part:
    """Add a part to the catalogue."""
    part = Part(**{name: value for name, value in values.items() if name in FIELDS})
    part.number = part.number.strip()
    models = _check(part, fits or [])
    part.save()
    part.fits.set(models)
    return part


@transaction.atomic
def part_update(*, part: Part, by: AbstractBaseUser, fits: list[str] | None = None, **values) -> Part:
    """Change a part of the catalogue; ``fits`` (when given) replaces the models it fits."""
    for name, value in values.items():
        if name in FIELDS:
            setattr(part, name, value.strip() if name == "number" else value)
    models = _check(part, fits)
    part.save()
    if models is not None:
        part.fits.set(models)
    return part
