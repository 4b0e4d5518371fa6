"""The desk's contracts (docs/contracts.md): the list at ``/desk/contracts/``, a contract's page
(cover, dates, kilometres, the plan's visits with the form recording the next one, cancel, renew)
and selling a contract on a unit.

Sales staff, agents, managers and administrators. A provider's staff see the contracts their
provider sold and sell on the units of their provider's tickets (the scoped managers), as their
provider; another provider's contract or unit is a 404, as a missing one. The services in
contracts/services.py decide and write; their errors come back on the form's fields, on the page
re-rendered with a 400.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.access import sales_required
from aftersales.errors import add_errors_to_form
from aftersales.roles import provider_of
from contracts import selectors, services
from contracts.choices import ContractKind, ContractStatus, SaleChannel
from contracts.forms import CancelForm, ContractFilterForm, RenewForm, SellForm, VisitForm
from contracts.models import ServiceContract
from customers.models import ProductUnit
from network.models import ServiceProvider
from tickets.models import ServiceStation

LIST_LIMIT = 200


def seller(request: HttpRequest) -> ServiceProvider | None:
    """The provider a sale is made for: the seller's own, none for headquarters."""
    provider = provider_of(request.user)
    return ServiceProvider._base_manager.get(pk=provider) if provider is not None else None


@sales_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    filters = ContractFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.contract_list(
        status=chosen.get("status") or "",
        kind=chosen.get("kind") or "",
        when=chosen.get("when") or "",
        search=chosen.get("q") or "",
        today=timezone.localdate(),
    )
    return render(
        request,
        "contracts/contract_list.html",
        {"nav": "contracts", "filters": filters, "contracts": rows[:LIST_LIMIT], "limit": LIST_LIMIT},
    )


def _contract(pk: int) -> ServiceContract:
    try:
        return selectors.contract_detail(pk)
    except ServiceContract.DoesNotExist as exc:
        raise Http404(pk) from exc


def _page(request: HttpRequest, contract: ServiceContract, *, status: int = 200, **forms) -> HttpResponse:
    today = timezone.localdate()
    renewal = selectors.renewal_of(contract)
    active = contract.status == ContractStatus.ACTIVE
    is_plan = contract.kind == ContractKind.MAINTENANCE_PLAN
    return render(
        request,
        "contracts/contract_detail.html",
        {
            "nav": "contracts",
            "contract": contract,
            "in_force": active and contract.starts_on <= today <= contract.ends_on,
            "visits": list(selectors.contract_visits(contract)) if is_plan else [],
            "is_plan": is_plan,
            "visits_left": max(0, contract.included_visits - contract.visits_used),
            "renewal": renewal,
            "visit_form": forms.get("visit_form") or (VisitForm(initial={"done_on": today}) if active else None),
            "cancel_form": forms.get("cancel_form") or (CancelForm() if active else None),
            "renew_form": forms.get("renew_form") or (RenewForm() if active and renewal is None else None),
        },
        status=status,
    )


@sales_required
@require_GET
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _contract(pk))


@sales_required
@require_POST
def contract_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.contract_cancel(contract=contract, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("The contract is cancelled."))
            return redirect("contracts:detail", pk=pk)
    return _page(request, contract, status=400, cancel_form=form)


@sales_required
@require_POST
def payment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The payment of a contract bought on the portal is found on the statement: it covers from now."""
    contract = _contract(pk)
    try:
        services.contract_payment_confirm(contract=contract, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The payment is confirmed: the contract covers what it says."))
    return redirect("contracts:detail", pk=pk)


@sales_required
@require_POST
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(pk)
    form = VisitForm(request.POST)
    if form.is_valid():
        try:
            services.plan_visit_record(
                contract=contract,
                done_on=form.cleaned_data["done_on"],
                odometer_km=form.cleaned_data["odometer_km"],
                by=request.user,
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc, {"contract": "__all__"})
        else:
            messages.success(request, _("The maintenance visit is recorded."))
            return redirect("contracts:detail", pk=pk)
    return _page(request, contract, status=400, visit_form=form)


@sales_required
@require_POST
def contract_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """Sell the renewal: the same product, from the day after this contract ends."""
    contract = _contract(pk)
    form = RenewForm(request.POST)
    if form.is_valid():
        provider = seller(request)
        try:
            renewal = services.contract_sell(
                product=contract.product,
                unit=contract.unit,
                customer=contract.unit.owner,
                channel=SaleChannel.RENEWAL,
                payment_reference=form.cleaned_data["payment_reference"],
                start_km=form.cleaned_data["start_km"],
                by=request.user,
                provider=provider,
                station=contract.station if provider is not None and contract.provider_id == provider.pk else None,
                renews=contract,
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc, {"product": "__all__", "renews": "__all__", "unit": "__all__"})
        else:
            messages.success(request, _("Contract %(number)s renews this one.") % {"number": renewal.number})
            return redirect("contracts:detail", pk=renewal.pk)
    return _page(request, contract, status=400, renew_form=form)


def _unit(pk: int) -> ProductUnit:
    try:
        return selectors.sellable_unit(pk)
    except ProductUnit.DoesNotExist as exc:
        raise Http404(pk) from exc


@sales_required
def contract_sell(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """Sell a contract on a unit to its owner, as the seller's provider, at one of its stations."""
    unit = _unit(unit_pk)
    provider = seller(request)
    stations = ServiceStation.objects.filter(provider=provider, is_active=True).order_by("code")
    products = selectors.products_for_unit(unit)
    context = {"nav": "contracts", "unit": unit, "products": products}
    if request.method != "POST":
        form = SellForm(products=products, stations=stations)
        return render(request, "contracts/contract_sell.html", {**context, "form": form})
    form = SellForm(request.POST, products=products, stations=stations)
    if form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_sell(
                product=data["product"],
                unit=unit,
                customer=unit.owner,
                channel=SaleChannel.DESK,
                payment_reference=data["payment_reference"],
                starts_on=data["starts_on"],
                start_km=data["start_km"],
                by=request.user,
                provider=provider,
                station=data["station"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc, {"unit": "__all__"})
        else:
            messages.success(request, _("Contract %(number)s is sold.") % {"number": contract.number})
            return redirect("contracts:detail", pk=contract.pk)
    return render(request, "contracts/contract_sell.html", {**context, "form": form}, status=400)
