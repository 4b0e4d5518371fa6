"""Taking a request in one step: find or create the caller, their product, and the ticket.

The desk's new-ticket page and, later, the portal both call this. It runs in one transaction:
when any part is invalid nothing is saved, and every message comes back on the field the
user typed it in (docs/architecture.md#quality-bars: nothing half-saved).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from customers.models import Customer, ProductModel, ProductUnit
from customers.referral_choices import ReferralChannel
from customers.referrals import referral_record
from customers.selectors import customer_with_phone
from customers.services import customer_create
from customers.units import unit_register
from tickets.models import FaultCategory, Ticket
from tickets.services import ticket_create


@dataclass(frozen=True)
class NewCustomer:
    name: str
    email: str = ""
    address: str = ""
    region: str = ""
    preferred_language: str = "zh-hans"


@dataclass(frozen=True)
class NewUnit:
    model: ProductModel | None
    serial: str
    batch: str = ""
    invoice_date: dt.date | None = None
    installation_date: dt.date | None = None
    dealer: str = ""
    price: Decimal | None = None
    has_invoice: bool = False
    has_warranty_card: bool = False


def _prefixed(exc: ValidationError, prefix: str) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({f"{prefix}{field}": errors for field, errors in exc.error_dict.items()})


@transaction.atomic
def intake_request(
    *,
    phone: str,
    kind: str,
    channel: str,
    description: str,
    priority: str,
    fault_category: FaultCategory | None,
    by: AbstractBaseUser | None,
    new_customer: NewCustomer | None = None,
    unit: ProductUnit | None = None,
    new_unit: NewUnit | None = None,
    contacted_at: dt.datetime | None = None,
    complaint_about: Ticket | None = None,
    referral_code: str = "",
) -> Ticket:
    """Log a request for the caller on ``phone``: the existing customer when the number is
    known (never a second customer for the same number), else ``new_customer``.

    ``contacted_at`` is when the customer first got in touch (no-leak 1 counts a ticket logged
    more than 2 hours after it as not recorded in time); it is never in the future. A complaint
    names in ``complaint_about`` the caller's ticket it is about, and counts against that
    ticket's station, product, region and agent in the quality figures.

    A ``referral_code`` counts for a new caller (created now, or with no ticket or product yet),
    recorded before their product and ticket are written (customers/referrals.py).

    Error fields: ``phone``, ``customer_<field>``, ``unit``, ``unit_<field>``, ``contacted_at``,
    ``complaint_about``, ``referral_code``, and the ticket's own.
    """
    errors: dict[str, list] = {}
    # Whoever may see them: one number is one customer, also for a provider that never served them.
    customer: Customer | None = customer_with_phone(phone)
    if customer is None:
        if new_customer is None:
            raise ValidationError({"customer_name": _("This caller is new: enter their name to create the customer.")})
        try:
            customer = customer_create(
                name=new_customer.name,
                phone=phone,
                email=new_customer.email,
                address=new_customer.address,
                region=new_customer.region,
                preferred_language=new_customer.preferred_language,
                by=by,
                phone_is_new=True,
            )
        except ValidationError as exc:
            exc = _prefixed(exc, "customer_")
            errors.update({("phone" if k == "customer_phone" else k): v for k, v in exc.error_dict.items()})
    if customer is not None and not errors and (referral_code or "").strip():
        try:
            customer = referral_record(customer=customer, code=referral_code, channel=ReferralChannel.DESK, by=by)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if unit is not None and customer is not None and unit.owner_id != customer.pk:
        errors["unit"] = [_("This product is registered to another customer.")]
    if new_unit is not None and customer is not None and not errors:
        try:
            unit = unit_register(
                owner=customer,
                model=new_unit.model,
                serial=new_unit.serial,
                batch=new_unit.batch,
                invoice_date=new_unit.invoice_date,
                installation_date=new_unit.installation_date,
                dealer=new_unit.dealer,
                price=new_unit.price,
                has_invoice=new_unit.has_invoice,
                has_warranty_card=new_unit.has_warranty_card,
                by=by,
            )
        except ValidationError as exc:
            errors.update(_prefixed(exc, "unit_").error_dict)
    if customer is not None and not errors:
        try:
            return ticket_create(
                customer=customer,
                unit=unit,
                kind=kind,
                channel=channel,
                description=description,
                priority=priority,
                fault_category=fault_category,
                by=by,
                contacted_at=contacted_at,
                complaint_about=complaint_about,
            )
        except ValidationError as exc:
            errors.update(exc.error_dict)
    raise ValidationError(errors)
