"""The world of the offer tests: a customer's washing machine nearing the end of its warranty,
the extended warranty on sale for washing machines, one for fridges, and the call."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from contracts.choices import ContractKind, Coverage
from contracts.models import ContractProduct, ServiceContract
from customers.models import Customer, ProductCategory, ProductUnit
from followups.callbacks.services import schedule
from followups.choices import CallbackKind
from followups.models import CallbackVisit
from tests import factories
from tests.plans.factories_plans import ContractProductFactory


@dataclass
class OfferWorld:
    customer: Customer
    unit: ProductUnit
    warranty: ContractProduct
    fridge_warranty: ContractProduct
    visit: CallbackVisit


def extended_warranty(code: str, category: ProductCategory, price: str = "399.00") -> ContractProduct:
    return ContractProductFactory(
        code=code,
        kind=ContractKind.EXTENDED_WARRANTY,
        category=category,
        name="Extended warranty 2 years",
        name_zh="两年延保",
        term_months=24,
        price=Decimal(price),
        coverage=Coverage.BOTH,
        included_visits=0,
        visit_interval_months=None,
    )


def offer_world(*, kind: str = CallbackKind.WARRANTY_EXPIRY, contract=None, **customer_fields) -> OfferWorld:
    customer = factories.CustomerFactory(preferred_language="en", name="Li Na", **customer_fields)
    unit = contract.unit if contract is not None else factories.ProductUnitFactory(owner=customer)
    if contract is not None:
        customer = contract.customer
    visit = schedule(
        kind=kind,
        customer=customer,
        unit=unit,
        contract=contract,
        due_at=timezone.now() + dt.timedelta(hours=1),
        dedupe_key=f"test-offer:{unit.pk}:{kind}",
        extended_warranty_offer=kind == CallbackKind.WARRANTY_EXPIRY,
    )
    return OfferWorld(
        customer=customer,
        unit=unit,
        warranty=extended_warranty("ew-washer-2y", unit.model.category),
        fridge_warranty=extended_warranty("ew-fridge-2y", ProductCategory.objects.get(code="fridge"), "1.00"),
        visit=visit,
    )


def snapshot() -> tuple:
    """Every contract and every callback's offer fields: what a denied request must not change."""
    return (
        list(ServiceContract._base_manager.order_by("pk").values()),
        list(
            CallbackVisit._base_manager.order_by("pk").values(
                "pk", "offer_outcome", "offer_decline_reason", "offer_contract"
            )
        ),
    )
