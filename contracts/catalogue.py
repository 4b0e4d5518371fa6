"""The one write path of the contract catalogue (headquarters keeps it: the API and the admin).

A product's rules beyond its fields' own: a maintenance plan includes at least one visit and says
how far apart they are; an extended warranty includes none; a distance between visits needs a
distance term (it is a car's plan). A product already sold keeps its kind and category: the
contracts sold copied its cover, and reports group them by both.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.choices import ContractKind
from contracts.models import ContractProduct, ServiceContract


def product_errors(values: dict, *, product: ContractProduct | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    kind = values.get("kind")
    visits = values.get("included_visits") or 0
    if kind == ContractKind.MAINTENANCE_PLAN:
        if visits < 1:
            errors["included_visits"] = _("A maintenance plan includes at least one visit.")
        elif not values.get("visit_interval_months"):
            errors["visit_interval_months"] = _("Say how many months apart the plan's visits are.")
    elif visits:
        errors["included_visits"] = _("An extended warranty includes no maintenance visits.")
    if values.get("visit_interval_km") and not values.get("term_km"):
        errors["visit_interval_km"] = _("Visits timed by distance need a term in km too (a car's plan).")
    if product is not None and product.pk and ServiceContract._base_manager.filter(product=product).exists():
        if kind != product.kind:
            errors["kind"] = _("This product was sold already: its kind cannot change.")
        if values.get("category") is not None and values["category"].pk != product.category_id:
            errors["category"] = _("This product was sold already: its category cannot change.")
    return errors


@transaction.atomic
def product_save(*, product: ContractProduct | None, data: dict, by: AbstractBaseUser | None) -> ContractProduct:
    """Create (``product`` None) or change a catalogue product; field errors, nothing written."""
    current = {}
    if product is not None:
        product = ContractProduct.objects.select_for_update().get(pk=product.pk)
        current = {field.name: getattr(product, field.name) for field in ContractProduct._meta.concrete_fields}
        current["category"] = product.category
    values = {**current, **data}
    errors = product_errors(values, product=product)
    if errors:
        raise ValidationError(errors)
    target = product or ContractProduct()
    for name, value in data.items():
        setattr(target, name, value)
    target.full_clean()
    target.save()
    return target
