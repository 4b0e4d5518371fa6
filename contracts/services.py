"""The one write path of service contracts: selling one on a unit, cancelling it, recording a
plan's maintenance visit and a car's odometer reading (docs/contracts.md).

Every sale, whatever the channel (the desk, the warranty-expiry call, the portal, the API, a
renewal), goes through :func:`contract_sell`: the unit must be registered and in use, owned by
the customer, of the product's category; the product must be on sale; the price, cover and
visits are copied from the product, so what the customer pays is never what a form said. A
second contract of the same kind cannot overlap one in force on the same unit. The unit row is
locked for the sale, so two sales racing for the same unit give one contract.
"""

import datetime as dt
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.choices import ContractKind, ContractStatus, SaleChannel
from contracts.models import ContractProduct, ContractVisit, OdometerReading, ServiceContract
from customers.models import Customer, ProductUnit, UnitStatus
from customers.warranty_periods import add_months
from network.models import ServiceProvider
from tickets.models import ServiceStation, Ticket

MAX_REFERENCE = 80


def contract_number(contract: ServiceContract) -> str:
    """``SC-<year sold>-<id>``: unique because the id is."""
    return f"SC-{timezone.localdate(contract.created_at).year}-{contract.pk:06d}"


def latest_odometer(unit: ProductUnit) -> OdometerReading | None:
    return OdometerReading.objects.filter(unit=unit).order_by("-read_on", "-km", "-id").first()


def in_force_on(unit: ProductUnit, day: dt.date, *, kind: str | None = None):
    """The unit's contracts not cancelled, paid (payment confirmed), whose dates include ``day``
    (any seller: the base manager, because cover belongs to the unit, not to whoever sold it)."""
    contracts = ServiceContract._base_manager.filter(
        unit=unit,
        status=ContractStatus.ACTIVE,
        payment_confirmed_at__isnull=False,
        starts_on__lte=day,
        ends_on__gte=day,
    )
    return contracts.filter(kind=kind) if kind else contracts


def _default_start(product: ContractProduct, unit: ProductUnit, today: dt.date) -> dt.date:
    # An extended warranty takes over the day after the statutory warranty ends; bought after
    # that (or on a unit without a warranty end), it starts today.
    if product.kind == ContractKind.EXTENDED_WARRANTY and unit.warranty_end and unit.warranty_end >= today:
        return unit.warranty_end + dt.timedelta(days=1)
    return today


def _check_sale(
    *, product: ContractProduct, unit: ProductUnit, customer: Customer, starts_on: dt.date, payment_reference: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not product.is_active:
        errors["product"] = _("This contract is no longer on sale.")
    elif product.category_id != unit.model.category_id:
        errors["product"] = _("This contract is not sold for this kind of product.")
    if unit.status != UnitStatus.IN_USE:
        errors["unit"] = _("A contract can only be sold on a unit in use.")
    elif unit.owner_id != customer.pk:
        errors["unit"] = _("This unit is registered to another customer.")
    if not payment_reference:
        errors["payment_reference"] = _("Enter the payment reference: a contract is sold once it is paid.")
    elif len(payment_reference) > MAX_REFERENCE:
        errors["payment_reference"] = _("Keep the payment reference to %(max)d characters.") % {"max": MAX_REFERENCE}
    if starts_on < timezone.localdate() - dt.timedelta(days=1):
        errors["starts_on"] = _("A contract cannot start in the past.")
    return errors


@transaction.atomic
def contract_sell(
    *,
    product: ContractProduct,
    unit: ProductUnit,
    customer: Customer,
    channel: str,
    payment_reference: str,
    by: AbstractBaseUser | None,
    starts_on: dt.date | None = None,
    start_km: int | None = None,
    provider: ServiceProvider | None = None,
    station: ServiceStation | None = None,
    renews: ServiceContract | None = None,
) -> ServiceContract:
    """Sell ``product`` on ``unit`` to its owner ``customer``; the contract is in force from
    ``starts_on`` (see :func:`_default_start`) for the product's term. Field-level
    ``ValidationError`` on anything wrong; nothing is written then."""
    unit = ProductUnit._base_manager.select_for_update().select_related("model").get(pk=unit.pk)
    if renews is not None:
        # As it is now, not as the caller read it: it may have been cancelled or renewed since.
        renews = ServiceContract._base_manager.select_for_update().get(pk=renews.pk)
    today = timezone.localdate()
    payment_reference = (payment_reference or "").strip()
    if renews is not None and starts_on is None:
        starts_on = max(renews.ends_on + dt.timedelta(days=1), today)
    starts_on = starts_on or _default_start(product, unit, today)
    errors = _check_sale(
        product=product, unit=unit, customer=customer, starts_on=starts_on, payment_reference=payment_reference
    )
    if channel not in SaleChannel.values:
        errors["channel"] = _("Choose where the contract was sold.")
    ends_on = add_months(starts_on, product.term_months) - dt.timedelta(days=1)
    if not errors and in_force_between(unit, starts_on, ends_on, kind=product.kind).exists():
        errors["product"] = _("This unit already has a contract of this kind for these dates.")
    errors |= _check_renewal(renews, product=product, unit=unit)
    if station is not None and station.provider_id != (provider.pk if provider else None):
        errors["station"] = _("Choose a station of the provider selling the contract.")
    reading = latest_odometer(unit) if product.term_km else None
    if product.term_km and start_km is None:
        start_km = reading.km if reading else None
        if start_km is None:
            errors["start_km"] = _("Enter the odometer reading: this contract also ends by distance.")
    elif product.term_km and (start_km < 0 or (reading is not None and start_km < reading.km)):
        errors["start_km"] = _("The odometer read %(km)s km on %(day)s; a later reading cannot be lower.") % {
            "km": reading.km if reading else 0,
            "day": reading.read_on.isoformat() if reading else "",
        }
    if errors:
        raise ValidationError(errors)
    contract = ServiceContract.objects.create(
        number=f"pending-{uuid.uuid4().hex[:20]}",
        product=product,
        kind=product.kind,
        unit=unit,
        customer=customer,
        starts_on=starts_on,
        ends_on=ends_on,
        start_km=start_km if product.term_km else None,
        end_km=(start_km + product.term_km) if product.term_km and start_km is not None else None,
        coverage=product.coverage,
        included_visits=product.included_visits,
        visit_interval_months=product.visit_interval_months,
        visit_interval_km=product.visit_interval_km,
        price=product.price,
        currency=product.currency,
        channel=channel,
        payment_reference=payment_reference,
        paid_at=timezone.now(),
        # Staff selling it took the payment; a reference the customer typed on the portal is
        # checked against the account first (contract_payment_confirm).
        payment_confirmed_at=None if channel == SaleChannel.PORTAL else timezone.now(),
        payment_confirmed_by=None if channel == SaleChannel.PORTAL else by,
        sold_by=by,
        provider=provider,
        station=station,
        renews=renews,
    )
    if start_km is not None and product.term_km and (reading is None or reading.km != start_km):
        OdometerReading.objects.create(unit=unit, km=start_km, read_on=today, recorded_by=by)
    contract.number = contract_number(contract)
    contract.save(update_fields=["number"])
    return contract


def _check_renewal(renews: ServiceContract | None, *, product: ContractProduct, unit: ProductUnit) -> dict[str, str]:
    """A renewal continues a contract not cancelled and not renewed yet, on the same unit, of the
    same kind (the product may be another one of that kind)."""
    if renews is None:
        return {}
    if renews.unit_id != unit.pk or renews.kind != product.kind:
        return {"renews": _("A renewal is a contract of the same kind on the same unit.")}
    if renews.status == ContractStatus.CANCELLED:
        return {"renews": _("A cancelled contract cannot be renewed.")}
    if ServiceContract._base_manager.filter(renews=renews).exists():
        return {"renews": _("This contract was already renewed.")}
    return {}


def in_force_between(unit: ProductUnit, first: dt.date, last: dt.date, *, kind: str):
    """The unit's contracts of ``kind``, not cancelled, whose dates overlap ``first``–``last``."""
    return ServiceContract._base_manager.filter(
        unit=unit, kind=kind, status=ContractStatus.ACTIVE, starts_on__lte=last, ends_on__gte=first
    )


@transaction.atomic
def contract_payment_confirm(*, contract: ServiceContract, by: AbstractBaseUser) -> ServiceContract:
    """Staff found the customer's payment (the reference they gave, on the bank or WeChat Pay
    statement): from now the contract covers what it says. A contract whose payment is not found
    is cancelled instead, with the reason (:func:`contract_cancel`)."""
    contract = ServiceContract._base_manager.select_for_update().get(pk=contract.pk)
    if contract.status == ContractStatus.CANCELLED:
        raise ValidationError({"status": _("This contract is cancelled.")})
    if contract.payment_confirmed_at is not None:
        raise ValidationError({"payment_reference": _("The payment of this contract is already confirmed.")})
    contract.payment_confirmed_at = timezone.now()
    contract.payment_confirmed_by = by
    contract.save(update_fields=["payment_confirmed_at", "payment_confirmed_by"])
    return contract


@transaction.atomic
def contract_cancel(*, contract: ServiceContract, reason: str, by: AbstractBaseUser | None) -> ServiceContract:
    contract = ServiceContract._base_manager.select_for_update().get(pk=contract.pk)
    reason = (reason or "").strip()
    if contract.status == ContractStatus.CANCELLED:
        raise ValidationError({"status": _("This contract is already cancelled.")})
    if not reason:
        raise ValidationError({"reason": _("Say why the contract is cancelled.")})
    contract.status = ContractStatus.CANCELLED
    contract.cancelled_at = timezone.now()
    contract.cancel_reason = reason
    contract.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    return contract


@transaction.atomic
def odometer_record(
    *, unit: ProductUnit, km: int, read_on: dt.date, by: AbstractBaseUser | None, ticket: Ticket | None = None
) -> OdometerReading:
    """A car's odometer read at a visit. A reading below an earlier one is refused: odometers
    only go forward."""
    if km is None or km < 0:
        raise ValidationError({"odometer_km": _("Enter the odometer reading in km.")})
    if read_on > timezone.localdate():
        raise ValidationError({"read_on": _("A reading cannot be in the future.")})
    earlier = OdometerReading.objects.filter(unit=unit, read_on__lte=read_on).order_by("-km").first()
    if earlier and km < earlier.km:
        raise ValidationError(
            {
                "odometer_km": _("The odometer read %(km)s km on %(day)s; a later reading cannot be lower.")
                % {"km": earlier.km, "day": earlier.read_on.isoformat()}
            }
        )
    return OdometerReading.objects.create(unit=unit, km=km, read_on=read_on, ticket=ticket, recorded_by=by)


@transaction.atomic
def plan_visit_record(
    *,
    contract: ServiceContract,
    done_on: dt.date,
    by: AbstractBaseUser | None,
    odometer_km: int | None = None,
    ticket: Ticket | None = None,
) -> ContractVisit:
    """Record one of a maintenance plan's included visits as done (the next number), with the
    car's odometer reading when it is a car plan. Refused on a plan used up, not in force that
    day, or cancelled."""
    contract = ServiceContract._base_manager.select_for_update().get(pk=contract.pk)
    if contract.kind != ContractKind.MAINTENANCE_PLAN:
        raise ValidationError({"contract": _("Only a maintenance plan includes visits.")})
    if contract.status == ContractStatus.CANCELLED:
        raise ValidationError({"contract": _("This contract is cancelled.")})
    if not contract.starts_on <= done_on <= contract.ends_on:
        raise ValidationError({"done_on": _("The plan was not in force on that day.")})
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A visit cannot be recorded before it is done.")})
    used = contract.visits.count()
    if used >= contract.included_visits:
        raise ValidationError({"contract": _("All the visits this plan includes have been used.")})
    if contract.visit_interval_km and odometer_km is None:
        raise ValidationError(
            {"odometer_km": _("Enter the odometer reading: this plan's visits are timed by distance too.")}
        )
    if odometer_km is not None:
        odometer_record(unit=contract.unit, km=odometer_km, read_on=done_on, by=by, ticket=ticket)
    return ContractVisit.objects.create(
        contract=contract, number=used + 1, done_on=done_on, odometer_km=odometer_km, ticket=ticket, recorded_by=by
    )
