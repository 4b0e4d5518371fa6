"""Reads of a customer's service contracts for their portal account (portal/contracts.py)."""

from django.db.models import QuerySet

from contracts.models import ServiceContract
from customers.models import Customer


def contracts_of(customer: Customer) -> QuerySet[ServiceContract]:
    """The customer's contracts, whoever sold them (the base manager: they are the customer's),
    latest first, with what the account page shows."""
    return (
        ServiceContract._base_manager.filter(customer=customer)
        .select_related("product", "unit__model")
        .order_by("-starts_on", "-id")
    )
