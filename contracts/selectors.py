"""Reads of service contracts, with their joins done (docs/contracts.md).

``ServiceContract.objects`` is scoped: a provider's staff see the contracts their provider sold,
headquarters every contract. Who may work contracts at all is :func:`aftersales.roles.works_in_sales`.
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet

from contracts.choices import ContractStatus
from contracts.models import ContractProduct, ServiceContract
from customers.models import ProductUnit
from customers.phones import try_normalize_phone

ENDING_SOON_DAYS = 30
# The list's "when" filter: in force today, or in force and ending within 30 days.
IN_FORCE = "in_force"
ENDING_SOON = "ending_soon"
# Bought on the portal, the payment not yet found by staff.
PAYMENT_TO_CONFIRM = "payment_to_confirm"
LIST_RELATED = ("product", "unit__model", "customer", "provider", "station")


def filtered(
    rows: QuerySet[ServiceContract],
    *,
    status: str = "",
    kind: str = "",
    when: str = "",
    search: str = "",
    today: dt.date,
) -> QuerySet[ServiceContract]:
    """``rows`` filtered as the desk's list and the API filter them. ``when`` is in force today,
    ending within 30 days, or (bought on the portal) with its payment still to confirm; ``search`` finds a contract number, the customer's phone (typed any
    way) or the unit's serial."""
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if when in (IN_FORCE, ENDING_SOON):
        rows = rows.filter(status=ContractStatus.ACTIVE, starts_on__lte=today, ends_on__gte=today)
    if when == ENDING_SOON:
        rows = rows.filter(ends_on__lte=today + dt.timedelta(days=ENDING_SOON_DAYS))
    if when == PAYMENT_TO_CONFIRM:
        rows = rows.filter(status=ContractStatus.ACTIVE, payment_confirmed_at__isnull=True)
    search = search.strip()
    if search:
        match = Q(number__iexact=search) | Q(unit__serial__iexact=search)
        if phone := try_normalize_phone(search):
            match |= Q(customer__phone=phone)
        rows = rows.filter(match)
    return rows


def contract_list(
    *, status: str = "", kind: str = "", when: str = "", search: str = "", today: dt.date
) -> QuerySet[ServiceContract]:
    """The contracts the caller may see (the scope), filtered, newest first."""
    rows = ServiceContract.objects.select_related(*LIST_RELATED)
    return filtered(rows, status=status, kind=kind, when=when, search=search, today=today).order_by(
        "-created_at", "-id"
    )


def contract_detail(pk: int) -> ServiceContract:
    """One contract the caller may see, with its visits counted; ``DoesNotExist`` otherwise."""
    return (
        ServiceContract.objects.select_related(*LIST_RELATED, "unit__model__category", "sold_by", "renews")
        .annotate(visits_used=Count("visits"))
        .get(pk=pk)
    )


def contract_visits(contract: ServiceContract):
    return contract.visits.select_related("ticket", "recorded_by").order_by("number")


def renewal_of(contract: ServiceContract) -> ServiceContract | None:
    """The contract that renewed this one, if any (seen through the base manager: a renewal
    sold elsewhere still means this one was renewed)."""
    return ServiceContract._base_manager.filter(renews=contract).only("pk", "number", "provider_id").first()


def products_for_unit(unit: ProductUnit) -> QuerySet[ContractProduct]:
    """The contracts on sale for the unit's category."""
    return ContractProduct.objects.filter(category_id=unit.model.category_id, is_active=True).order_by("code")


def sellable_unit(pk: int) -> ProductUnit:
    """A unit the caller may see (units are scoped to the provider's tickets), with its owner."""
    return ProductUnit.objects.select_related("model__category", "owner").get(pk=pk)
