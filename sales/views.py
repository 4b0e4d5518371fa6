"""The desk's leads, under ``/desk/leads/``: the list with its filters, a lead's page (unit,
ticket, why it was found, the consent recorded, history, moves), the moves themselves, and the
customer's offers consent recorded from the customer's page (docs/sales.md#working-a-lead).

Sales staff, agents, managers and administrators; a dealer's staff see their dealer's leads only
(the scoped manager: another dealer's lead is a 404, as a missing one). The services in
sales/leads.py decide and write; their errors come back on the form, the page re-rendered with a 400.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.access import sales_required
from aftersales.errors import add_errors_to_form
from aftersales.roles import provider_of
from customers.models import Customer
from network.models import ServiceProvider
from sales import leads, selectors
from sales.forms import AssignForm, ContactForm, LeadFilterForm, LoseForm, OffersConsentForm, WinForm
from sales.models import Lead

FORMS = {"contact": ContactForm, "win": WinForm, "lose": LoseForm, "assign": AssignForm}
DONE = {
    "contact": gettext_lazy("The contact is recorded."),
    "win": gettext_lazy("The lead is won."),
    "lose": gettext_lazy("The lead is closed as lost."),
    "assign": gettext_lazy("The lead has a new owner."),
}


@sales_required
@require_GET
def lead_list(request: HttpRequest) -> HttpResponse:
    filters = LeadFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    dealer = chosen.get("dealer")
    rows = selectors.lead_list(
        request.user,
        status=chosen.get("status") or "",
        kind=chosen.get("kind") or "",
        owner=chosen.get("owner"),
        dealer=dealer.pk if dealer else None,
        mine=bool(chosen.get("mine")),
    )
    return render(request, "sales/lead_list.html", {"nav": "leads", "filters": filters, "leads": rows[:200]})


def _assign_form(request: HttpRequest, lead: Lead, data=None) -> AssignForm:
    # A dealer's staff give leads among themselves; headquarters to anyone who works leads.
    own = provider_of(request.user)
    owners = leads.lead_owners(own) if own is not None else leads.sales_staff()
    return AssignForm(
        data,
        prefix="assign",
        owners=owners,
        dealers=ServiceProvider.objects.order_by("code"),
        initial={"owner": lead.owner_id, "dealer": lead.owner_provider.code if lead.owner_provider else None},
    )


def _page(request: HttpRequest, lead: Lead, bound: dict | None = None, status: int = 200) -> HttpResponse:
    bound = bound or {}
    forms = {}
    for move, form_class in FORMS.items():
        _to, sources = leads.MOVES[move]
        if move in bound:
            # The form just sent, with its errors, even for a move the status no longer allows.
            forms[move] = bound[move]
        elif lead.status not in sources:
            continue
        elif move == "assign":
            forms[move] = _assign_form(request, lead)
        else:
            forms[move] = form_class(prefix=move)
    history = list(selectors.lead_history(lead))
    return render(
        request,
        "sales/lead.html",
        {
            "nav": "leads",
            "lead": lead,
            "reason": sorted((lead.reason or {}).items()),
            "may_offer": leads.may_offer(lead.customer),
            "opted_out": leads.OPTED_OUT,
            "forms": forms,
            "history": history,
        },
        status=status,
    )


@sales_required
@require_GET
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.lead_for(request.user, pk))


@sales_required
@require_POST
def lead_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    lead = selectors.lead_for(request.user, pk)
    if move not in FORMS:
        raise Http404(move)
    form = _assign_form(request, lead, request.POST) if move == "assign" else FORMS[move](request.POST, prefix=move)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if move == "contact":
                leads.lead_contact(lead=lead, note=data["note"], by=request.user)
            elif move == "win":
                leads.lead_win(lead=lead, value=data["value"], note=data["note"], by=request.user)
            elif move == "lose":
                leads.lead_lose(lead=lead, reason=data["reason"], by=request.user)
            else:
                leads.lead_assign(lead=lead, owner=data["owner"], dealer=data["dealer"], by=request.user)
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, DONE[move])
            return redirect("sales:lead", pk=lead.pk)
    return _page(request, selectors.lead_for(request.user, pk), bound={move: form}, status=400)


@sales_required
@require_POST
def customer_offers_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """Record, from the desk's customer page, what the customer said about offers (an opt-out
    closes their open leads); back to the customer's page, the error shown there."""
    customer = get_object_or_404(Customer.objects.all(), pk=pk)
    form = OffersConsentForm(request.POST)
    back = reverse("desk:customer", args=[customer.pk]) + "#offers"
    if not form.is_valid():
        messages.error(request, _("Choose whether the customer agrees to offers or opts out, and where they said so."))
        return redirect(back)
    try:
        leads.offers_consent_record(
            customer=customer, consent=form.cleaned_data["consent"], source=form.cleaned_data["source"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The customer's answer about offers is recorded."))
    return redirect(back)
