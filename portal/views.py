"""The customer portal at ``/``: request service, register a product (tracking a request is in
portal/tracking.py, accounts in portal/accounts/views.py).

No staff account is needed. Submitting is rate-limited per address and per address and phone,
never per phone alone: a flood of junk naming someone's phone from other addresses cannot stop
its owner, and a session that proved the phone is not held by its address's limit
(portal/phone_limits.py). A hidden honeypot field stops simple bots (docs/threat-model.md).
"""

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from aftersales.errors import add_errors_to_form
from aftersales.ratelimits import is_limited
from customers.models import Language
from customers.selectors import active_models
from customers.units import unit_register_by_owner
from portal.access import grant, visible_ticket
from portal.forms import RegisterForm, SubmitForm
from portal.phone_limits import address_phone_key, over_limits
from tickets.customer_requests import customer_request_submit
from warranty import evaluation as warranty
from warranty import three_guarantees as tg

TOO_MANY = gettext_lazy("Too many attempts. Please wait a while and try again.")
# Per address, for a session that has not proven the phone it posts.
SUBMIT_ADDRESS_RATE = "20/h"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"nav": "home"})


def _models_context() -> dict:
    return {"models": active_models()}


# The blank request form is the same for every visitor in a language but costs more to render
# than the rest of the page together (its widgets and the list of models); it is rendered once
# and served from the cache. A model added to the catalogue is offered within this many seconds.
BLANK_FORM_SECONDS = 60


def _blank_fields() -> str:
    key = f"portal:blank-request-form:{translation.get_language()}"
    fields = caches["fragments"].get(key)
    if fields is None:
        fields = render_to_string("portal/_submit_fields.html", {"form": SubmitForm(), **_models_context()})
        caches["fragments"].set(key, fields, BLANK_FORM_SECONDS)
    return mark_safe(fields)  # noqa: S308 - rendered by Django's templates, escaped there


@ratelimit(group="portal-submit-phone", key=address_phone_key, rate="5/h", method="POST", block=False)
def submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(
            request, "portal/submit.html", {"form": SubmitForm(), "nav": "submit", "blank_fields": _blank_fields()}
        )
    form = SubmitForm(request.POST, request.FILES)
    if over_limits(request, group="portal-submit-ip", address_rate=SUBMIT_ADDRESS_RATE):
        form.add_error(None, TOO_MANY)
        return render(request, "portal/submit.html", {"form": form, "nav": "submit", **_models_context()}, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket = customer_request_submit(
                contact=form.contact(Language.active()),
                model=data["model"],
                serial=data["serial"],
                purchase_date=data["purchase_date"],
                kind=data["kind"],
                description=data["description"],
                preferred_visit_date=data["preferred_visit_date"],
                preferred_visit_slot=data["preferred_visit_slot"],
                proof=data["proof"],
                referral_code=data["referral_code"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            grant(request, ticket)
            request.session["portal_submitted"] = ticket.reference
            return redirect("portal:submitted")
    return render(request, "portal/submit.html", {"form": form, "nav": "submit", **_models_context()}, status=400)


@require_GET
def submitted(request: HttpRequest) -> HttpResponse:
    reference = request.session.get("portal_submitted")
    ticket = visible_ticket(request, reference) if reference else None
    if ticket is None:
        return redirect("portal:submit")
    return render(request, "portal/submitted.html", {"ticket": ticket, "nav": "submit"})


@require_GET
def warranty_preview(request: HttpRequest) -> HttpResponse:
    """What the three guarantees give for this model and purchase date, in plain words,
    before the customer submits (assuming they show an invoice or warranty card)."""
    form = SubmitForm(request.GET)
    context: dict = {"decision": None}
    model = purchase_date = None
    try:
        model = form.fields["model"].clean(request.GET.get("model", ""))
        purchase_date = form.fields["purchase_date"].clean(request.GET.get("purchase_date", ""))
    except ValidationError:
        pass
    if model is not None and purchase_date is not None:
        policy = warranty.policy_for_category(model.category.code, purchase_date)
        if policy is not None:
            facts = {"start_date": purchase_date, "claim_date": timezone.localdate(), "proof": {"invoice": True}}
            try:
                decision = warranty.evaluate(facts, policy)
            except tg.FactsError:
                decision = None
            if decision is not None:
                context.update(
                    decision=decision,
                    reasons=tg.reason_texts(decision),
                    remedies=[tg.Remedy(code).label for code in decision.remedies],
                    model=model,
                )
    return render(request, "portal/partials/warranty_preview.html", context)


@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def register_product(request: HttpRequest) -> HttpResponse:
    context = {"nav": "register", **_models_context()}
    if request.method != "POST":
        return render(request, "portal/register.html", {"form": RegisterForm(), **context})
    form = RegisterForm(request.POST)
    if is_limited(request):
        form.add_error(None, TOO_MANY)
        return render(request, "portal/register.html", {"form": form, **context}, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            unit = unit_register_by_owner(
                contact=form.contact(Language.active()),
                model=data["model"],
                serial=data["serial"],
                purchase_date=data["purchase_date"],
                installation_date=data["installation_date"],
                dealer=data["dealer"],
                has_invoice=data["has_invoice"],
                has_warranty_card=data["has_warranty_card"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc, {"invoice_date": "purchase_date"})
        else:
            return render(request, "portal/registered.html", {"unit": unit, **context})
    return render(request, "portal/register.html", {"form": form, **context}, status=400)
