"""Reads for customers and units (STYLE.md: selectors read, with their joins done)."""

from django.db.models import BooleanField, Case, QuerySet, Value, When

from customers.models import Customer, ProductModel, ProductUnit
from customers.phones import try_normalize_phone


def customer_by_phone(raw_phone: str) -> Customer | None:
    """The customer who owns this number, however it was typed; None when unknown or not a number."""
    phone = try_normalize_phone(raw_phone)
    if phone is None:
        return None
    return Customer.objects.filter(phone=phone).first()


def units_of(customer: Customer) -> QuerySet[ProductUnit]:
    return (
        ProductUnit.objects.filter(owner=customer)
        .select_related("model", "model__category")
        .order_by("status", "-registered_at", "-id")
    )


def active_models() -> QuerySet[ProductModel]:
    return ProductModel.objects.filter(is_active=True).select_related("category").order_by("category__code", "code")


def units_with_warranty(customer: Customer, today) -> QuerySet[ProductUnit]:
    """The customer's units, each annotated ``in_warranty`` as of ``today``."""
    return units_of(customer).annotate(
        in_warranty=Case(
            When(warranty_end__gte=today, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
