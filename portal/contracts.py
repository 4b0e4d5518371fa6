"""Extended warranties and maintenance plans on the portal: what is on sale for each of the
signed-in customer's units, buying one, and the customer's contracts on their account
(docs/contract-plans-and-offers.md#buying-on-the-portal).

Only a proven account (``account_verified_at``, portal/access.py) sees or buys; a unit is read
among the customer's own, so another customer's unit id answers 404, exactly like a missing
one. The product is read from the address among those on sale for the unit's category, the
price always from the catalogue (contracts/services.py copies it): nothing posted but the
payment reference and the confirmation is read. There is no payment gateway: the customer pays
by bank or WeChat Pay transfer and the reference of that payment is recorded. Buying again a
kind the unit already has renews it: the new contract starts the day after the current one
ends.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from aftersales.errors import add_errors_to_form
from aftersales.ratelimits import is_limited
from contracts.choices import ContractStatus, SaleChannel
from contracts.models import ContractProduct, ServiceContract
from contracts.services import contract_sell
from customers.models import Customer, Language, ProductUnit
from customers.selectors import units_of
from portal.accounts.views import customer_required
from portal.contract_forms import ContractBuyForm
from portal.contract_selectors import contracts_of

# A person buys a contract or two; this stops a script posting references in a loop.
BUY_RATE = "10/h"


def _own_unit(customer: Customer, unit_id: int) -> ProductUnit:
    return get_object_or_404(units_of(customer), pk=unit_id)


def _on_sale(unit: ProductUnit) -> QuerySet[ContractProduct]:
    return ContractProduct.objects.filter(category_id=unit.model.category_id, is_active=True).order_by(
        "kind", "price", "code"
    )


def _with_exclusions(product: ContractProduct) -> ContractProduct:
    """The product with ``exclusions_text`` in the visitor's language."""
    chinese = Language.active() == Language.CHINESE and product.exclusions_zh
    product.exclusions_text = product.exclusions_zh if chinese else product.exclusions
    return product


def _renewable(unit: ProductUnit, kind: str) -> ServiceContract | None:
    """The unit's contract of ``kind`` that a new purchase would follow: the last one not
    cancelled and not ended, unless something already renews it."""
    latest = (
        ServiceContract._base_manager.filter(
            unit=unit, kind=kind, status=ContractStatus.ACTIVE, ends_on__gte=timezone.localdate()
        )
        .order_by("-ends_on", "-id")
        .first()
    )
    if latest is None or ServiceContract._base_manager.filter(renews=latest).exists():
        return None
    return latest


@customer_required
@require_GET
def unit_contracts(request: HttpRequest, unit_id: int) -> HttpResponse:
    customer = request.user.customer
    unit = _own_unit(customer, unit_id)
    return render(
        request,
        "portal/account/unit_contracts.html",
        {
            "unit": unit,
            "products": [_with_exclusions(product) for product in _on_sale(unit)],
            "contracts": contracts_of(customer).filter(unit=unit),
            "nav": "account",
        },
    )


@customer_required
@ratelimit(group="portal-contract-buy", key="user", rate=BUY_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def contract_buy(request: HttpRequest, unit_id: int, code: str) -> HttpResponse:
    """Confirm the purchase with the payment reference; the contract is sold on the portal
    channel with no seller, and then shows on the account."""
    customer = request.user.customer
    unit = _own_unit(customer, unit_id)
    product = _with_exclusions(get_object_or_404(_on_sale(unit), code=code))
    renews = _renewable(unit, product.kind)
    form = ContractBuyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if is_limited(request):
            form.is_valid()
            form.add_error(None, _("Too many attempts. Please wait a while and try again."))
            status = 429
        elif form.is_valid():
            try:
                contract = contract_sell(
                    product=product,
                    unit=unit,
                    customer=customer,
                    channel=SaleChannel.PORTAL,
                    payment_reference=form.cleaned_data["payment_reference"],
                    by=None,
                    renews=renews,
                )
            except ValidationError as exc:
                add_errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: %(contract)s is on your account, number %(number)s. It covers your product "
                        "once we have found your payment, usually within one working day."
                    )
                    % {"contract": product.display_name, "number": contract.number},
                )
                return redirect("portal:unit_contracts", unit_id=unit.pk)
    return render(
        request,
        "portal/account/contract_buy.html",
        {"unit": unit, "product": product, "renews": renews, "form": form, "nav": "account"},
        status=status,
    )
