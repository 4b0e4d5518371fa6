"""Desk pages for three-guarantees claims: open, decide, choose, carry out, print the record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.access import desk_required
from aftersales.errors import add_errors_to_form
from aftersales.roles import Role, roles_of
from tickets import selectors as ticket_selectors
from tickets.models import Ticket
from warranty import claims, evaluation, selectors
from warranty import three_guarantees as tg
from warranty.entitlement import ticket_entitlement
from warranty.forms import ClaimFactsForm, GoodwillRemedyForm, RemedyChoiceForm, RemedyExecutionForm
from warranty.models import ClaimStatus, WarrantyClaim


def part_label(component: str) -> str:
    """``whole`` / ``main:<name>`` / ``accessory:<name>`` in words."""
    kind, _sep, name = component.partition(":")
    if kind == "main":
        return _("Main component: %(name)s") % {"name": tg.component_label(name)}
    if kind == "accessory":
        return _("Accessory: %(name)s") % {"name": tg.component_label(name)}
    return _("Whole product")


def _ticket_with_unit(request: HttpRequest, reference: str) -> Ticket:
    ticket = ticket_selectors.ticket_for(request.user, reference)
    if ticket.unit is None:
        raise Http404(reference)
    return ticket


@desk_required
def claim_new(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket_with_unit(request, reference)
    policy = evaluation.policy_for_unit(ticket.unit)
    if policy is None:
        messages.error(request, _("No warranty policy is set up for this product's category."))
        return redirect("desk:ticket", reference=reference)
    today = timezone.localdate()
    prefilled = evaluation.prefill_for_unit(
        ticket.unit,
        claim_date=today,
        policy=policy,
        fault_category=ticket.fault_category,
        exclude_ticket=ticket,
        ticket=ticket,
    )
    # The days waiting for parts are counted from the ticket's orders: shown read-only, with how.
    initial = ClaimFactsForm.initial_from(prefilled, today)
    waiting_help = evaluation.waiting_explanation(ticket, today)
    if request.method != "POST":
        form = ClaimFactsForm(initial=initial, policy=policy, waiting_help=waiting_help)
        return render(request, "tickets/claim_new.html", {"ticket": ticket, "form": form, "policy": policy})
    form = ClaimFactsForm(
        request.POST, initial={"waiting_days": initial["waiting_days"]}, policy=policy, waiting_help=waiting_help
    )
    if form.is_valid():
        try:
            claim = claims.claim_evaluate(
                ticket=ticket,
                by=request.user,
                entered=form.facts(),
                correction_reason=form.cleaned_data["correction_reason"],
                claim_date=form.cleaned_data["claim_date"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            return redirect("warranty:claim", reference=reference, pk=claim.pk)
    return render(request, "tickets/claim_new.html", {"ticket": ticket, "form": form, "policy": policy}, status=400)


def _claim(request: HttpRequest, reference: str, pk: int) -> WarrantyClaim:
    ticket = _ticket_with_unit(request, reference)
    try:
        claim = selectors.claim_of(ticket, pk)
    except WarrantyClaim.DoesNotExist as exc:
        raise Http404(pk) from exc
    claim.ticket = ticket
    return claim


def _claim_page(request: HttpRequest, claim: WarrantyClaim, status: int = 200, **forms) -> HttpResponse:
    is_manager = bool(roles_of(request.user) & {Role.MANAGER, Role.ADMIN})
    return render(
        request,
        "tickets/claim_detail.html",
        {
            "ticket": claim.ticket,
            "claim": claim,
            "reasons": evaluation.reasons_from_codes(claim.reason_codes),
            "remedies": [tg.Remedy(code) for code in claim.remedies],
            "chosen": tg.Remedy(claim.chosen_remedy) if claim.chosen_remedy else None,
            "is_manager": is_manager,
            "choose_form": forms.get("choose_form")
            or RemedyChoiceForm(initial={"remedy": claim.chosen_remedy}, remedies=claim.remedies),
            "goodwill_form": forms.get("goodwill_form") or (GoodwillRemedyForm() if is_manager else None),
            "execute_form": forms.get("execute_form")
            or RemedyExecutionForm(
                initial={"refund": claim.refund_amount, "new_model": claim.unit.model_id},
                category_id=claim.unit.model.category_id,
            ),
            "kinds": {
                "repair": claims.REPAIRS,
                "replace": claims.REPLACEMENTS,
                "return": claims.RETURNS,
            },
            "executed": claim.status == ClaimStatus.EXECUTED,
            "fault_label": tg.FaultKind(claim.facts.get("fault_kind") or tg.FaultKind.PERFORMANCE).label,
            "component_label": part_label(claim.facts.get("component") or "whole"),
            "entitlement": ticket_entitlement(claim.ticket),
        },
        status=status,
    )


@desk_required
def claim_detail(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    return _claim_page(request, _claim(request, reference, pk))


@desk_required
@require_POST
def claim_choose(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    claim = _claim(request, reference, pk)
    form = RemedyChoiceForm(request.POST, remedies=claim.remedies)
    if form.is_valid():
        try:
            claims.claim_choose(claim=claim, remedy=form.cleaned_data["remedy"], by=request.user)
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("The customer's choice is recorded."))
            return redirect("warranty:claim", reference=reference, pk=pk)
    return _claim_page(request, claim, 400, choose_form=form)


@desk_required
@require_POST
def claim_goodwill(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    claim = _claim(request, reference, pk)
    form = GoodwillRemedyForm(request.POST)
    if form.is_valid():
        try:
            claims.claim_goodwill(
                claim=claim, remedy=form.cleaned_data["remedy"], reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Goodwill remedy recorded."))
            return redirect("warranty:claim", reference=reference, pk=pk)
    return _claim_page(request, claim, 400, goodwill_form=form)


@desk_required
@require_POST
def claim_execute(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    claim = _claim(request, reference, pk)
    form = RemedyExecutionForm(request.POST, category_id=claim.unit.model.category_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            claims.claim_execute(
                claim=claim,
                by=request.user,
                charge=data["charge"],
                new_serial=data["new_serial"],
                new_model=data["new_model"],
                refund=data["refund"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("The remedy is carried out."))
            return redirect("warranty:claim", reference=reference, pk=pk)
    return _claim_page(request, claim, 400, execute_form=form)


@desk_required
def warranty_record(request: HttpRequest, reference: str) -> HttpResponse:
    """The printable three-guarantees repair record, in the customer's language."""
    ticket = _ticket_with_unit(request, reference)
    with translation.override(ticket.customer.preferred_language):
        record = selectors.warranty_record(ticket.unit)
        for claim in record["claims"]:
            claim.reason_texts = evaluation.reasons_from_codes(claim.reason_codes)
            claim.remedy_labels = [tg.Remedy(code).label for code in claim.remedies]
            claim.chosen_label = tg.Remedy(claim.chosen_remedy).label if claim.chosen_remedy else ""
        return render(
            request,
            "tickets/warranty_record.html",
            {"ticket": ticket, "unit": ticket.unit, "today": timezone.localdate(), **record},
        )
