"""Writes for product units: registration (by staff, or by the owner on the portal), the
warranty period derived from the policy in force, and the unit's status after a claim
(docs/architecture.md#house-rules; one module writes ``ProductUnit.status``)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, ProductModel, ProductUnit, UnitStatus
from customers.selectors import policy_in_force
from customers.services import Contact, customer_for_contact
from customers.warranty_periods import add_months, warranty_start


def compute_unit_warranty(unit: ProductUnit) -> None:
    """Set the derived warranty start and end of ``unit`` from the policy in force when its
    warranty started (the whole-unit period; docs/three-guarantees.md)."""
    category = unit.model.category
    # A replacement unit's periods restart on the day it was handed over.
    start = unit.replacement_date or warranty_start(
        category.warranty_start_basis,
        invoice_date=unit.invoice_date,
        delivery_date=unit.delivery_date,
        installation_date=unit.installation_date,
    )
    policy = policy_in_force(category.pk, start)
    unit.warranty_start = start
    unit.warranty_end = add_months(start, policy.whole_unit_months) if start and policy else None


def unit_register(
    *,
    owner: Customer,
    model: ProductModel | None,
    serial: str,
    batch: str = "",
    invoice_date: dt.date | None = None,
    delivery_date: dt.date | None = None,
    installation_date: dt.date | None = None,
    dealer: str = "",
    price: Decimal | None = None,
    has_invoice: bool = False,
    has_warranty_card: bool = False,
    manufacture_date: dt.date | None = None,
    replacement_date: dt.date | None = None,
    today: dt.date | None = None,
    by: AbstractBaseUser | None = None,
    serial_is_new: bool = False,
) -> ProductUnit:
    """Register a product unit for its owner and derive its warranty period.

    A serial is unique per model; dates cannot lie in the future; delivery and installation
    cannot precede the invoice. ``serial_is_new``: the caller has just looked this model and
    serial up in this transaction and found none, so they are not looked up again.
    """
    today = today or timezone.localdate()
    serial = (serial or "").strip()
    errors: dict[str, str] = {}
    if model is None:
        errors["model"] = _("Choose a known product model.")
    if not serial:
        errors["serial"] = _("Enter the serial number.")
    elif (
        model is not None
        and not serial_is_new
        and ProductUnit._base_manager.filter(model=model, serial__iexact=serial).exists()
    ):
        errors["serial"] = _("A unit of this model with this serial number is already registered.")
    for field, value in (
        ("invoice_date", invoice_date),
        ("delivery_date", delivery_date),
        ("installation_date", installation_date),
        ("manufacture_date", manufacture_date),
        ("replacement_date", replacement_date),
    ):
        if value and value > today:
            errors[field] = _("This date is in the future.")
    if invoice_date and delivery_date and delivery_date < invoice_date and "delivery_date" not in errors:
        errors["delivery_date"] = _("Delivery cannot be before the invoice date.")
    if invoice_date and installation_date and installation_date < invoice_date and "installation_date" not in errors:
        errors["installation_date"] = _("Installation cannot be before the invoice date.")
    if price is not None and price < 0:
        errors["price"] = _("The price cannot be negative.")
    if errors:
        raise ValidationError(errors)
    unit = ProductUnit(
        owner=owner,
        model=model,
        serial=serial,
        batch=(batch or "").strip(),
        invoice_date=invoice_date,
        delivery_date=delivery_date,
        installation_date=installation_date,
        dealer=(dealer or "").strip(),
        price=price,
        has_invoice=has_invoice,
        has_warranty_card=has_warranty_card,
        manufacture_date=manufacture_date,
        replacement_date=replacement_date,
    )
    compute_unit_warranty(unit)
    # The columns' own limits (lengths, digits): a field error, not a database error.
    unit.full_clean(exclude=["owner", "model", "replaced_by"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"serial": _("A unit of this model with this serial number is already registered.")}
        ) from exc
    return unit


@transaction.atomic
def unit_register_by_owner(
    *,
    contact: Contact,
    model: ProductModel | None,
    serial: str,
    purchase_date: dt.date | None,
    installation_date: dt.date | None = None,
    dealer: str = "",
    price: Decimal | None = None,
    has_invoice: bool = False,
    has_warranty_card: bool = False,
) -> ProductUnit:
    """Warranty registration of a purchased product by its owner.

    The owner is the customer with the phone typed, created from the typed details when new. A
    known customer's record is not changed, and with no request to keep them on, the details
    typed that differ from it are not kept: the registration page tells the visitor that the
    details on file stay as they are, to be changed on a request or by a call to the desk."""
    customer = customer_for_contact(contact)
    looked_up = False
    if model is not None and (serial or "").strip():
        existing = ProductUnit._base_manager.filter(model=model, serial__iexact=serial.strip()).first()
        if existing is not None:
            if existing.owner_id == customer.pk:
                raise ValidationError({"serial": _("You have already registered this product.")})
            raise ValidationError(
                {"serial": _("This serial number is already registered. If the product changed hands, call us.")}
            )
        looked_up = True
    return unit_register(
        serial_is_new=looked_up,
        owner=customer,
        model=model,
        serial=serial,
        invoice_date=purchase_date,
        installation_date=installation_date,
        dealer=dealer,
        price=price,
        has_invoice=has_invoice,
        has_warranty_card=has_warranty_card,
        by=None,
    )


def unit_replaced(*, unit: ProductUnit, replacement: ProductUnit) -> ProductUnit:
    """``unit`` was replaced under the three guarantees by ``replacement`` (a unit just
    registered for the same owner): it is no longer in use, and points at what replaced it."""
    unit.status = UnitStatus.REPLACED
    unit.replaced_by = replacement
    unit.save(update_fields=["status", "replaced_by"])
    return unit


def unit_returned(*, unit: ProductUnit) -> ProductUnit:
    """``unit`` was returned under the three guarantees (its price, or a depreciated part of it,
    refunded): it is no longer in use."""
    unit.status = UnitStatus.RETURNED
    unit.save(update_fields=["status"])
    return unit
