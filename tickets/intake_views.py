"""The desk's new ticket, built for phone calls: the caller looked up as the number is typed,
likely duplicates shown as the unit and fault are chosen, then the request logged (with a new
customer or unit where needed) by tickets.intake.

Bad input is answered with the form again, its messages next to the fields, and status 400.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aftersales.access import all_tickets_required
from aftersales.errors import add_errors_to_form
from customers.models import Language
from customers.phones import try_normalize_phone
from customers.selectors import customer_by_phone, units_with_warranty
from tickets import selectors, services
from tickets.forms import NEW_UNIT, IntakeForm
from tickets.intake import NewCustomer, NewUnit, intake_request


def _caller_context(phone: str) -> dict:
    """What the agent sees as soon as the caller's number is typed."""
    normalized = try_normalize_phone(phone)
    customer = customer_by_phone(phone) if normalized else None
    context = {
        "phone": phone,
        "phone_valid": normalized is not None,
        "customer": customer,
        "units": [],
        "history": None,
        "complaint_subjects": [],
    }
    if customer is not None:
        context["units"] = list(units_with_warranty(customer, timezone.localdate()))
        context["history"] = selectors.customer_history(customer)
        context["complaint_subjects"] = selectors.complaint_subjects(customer)
    return context


def _intake_form(caller: dict, data=None, **kwargs) -> IntakeForm:
    return IntakeForm(
        data,
        customer=caller["customer"],
        units=caller["units"],
        complaint_subjects=caller["complaint_subjects"],
        **kwargs,
    )


@all_tickets_required
@require_GET
def caller_lookup(request: HttpRequest) -> HttpResponse:
    context = _caller_context(request.GET.get("phone", ""))
    context["form"] = _intake_form(context, initial={"phone": context["phone"]})
    return render(request, "tickets/partials/caller.html", context)


@all_tickets_required
@require_GET
def duplicate_check(request: HttpRequest) -> HttpResponse:
    customer = customer_by_phone(request.GET.get("phone", ""))
    duplicates = []
    unit_id, fault_id = request.GET.get("unit", ""), request.GET.get("fault_category", "")
    if customer is not None and unit_id.isdigit() and fault_id.isdigit():
        unit = customer.units.filter(pk=unit_id).first()
        fault = selectors.active_fault_categories().filter(pk=fault_id).first()
        duplicates = list(services.open_duplicates(customer=customer, unit=unit, fault_category=fault)[:5])
    return render(request, "tickets/partials/duplicates.html", {"duplicates": duplicates})


@all_tickets_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    phone = request.POST.get("phone") if request.method == "POST" else request.GET.get("phone", "")
    caller = _caller_context(phone or "")
    if request.method != "POST":
        form = _intake_form(caller, initial={"phone": phone})
        return render(request, "tickets/new.html", {"form": form, **caller})

    form = _intake_form(caller, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        new_unit = None
        if data.get("unit") == NEW_UNIT:
            new_unit = NewUnit(
                model=data["unit_model"],
                serial=data["unit_serial"],
                batch=data["unit_batch"],
                invoice_date=data["unit_invoice_date"],
                installation_date=data["unit_installation_date"],
                dealer=data["unit_dealer"],
                price=data["unit_price"],
                has_invoice=data["unit_has_invoice"],
                has_warranty_card=data["unit_has_warranty_card"],
            )
        new_customer = NewCustomer(
            name=data["customer_name"],
            email=data["customer_email"],
            address=data["customer_address"],
            region=data["customer_region"],
            preferred_language=data["customer_language"] or Language.CHINESE,
        )
        try:
            ticket = intake_request(
                phone=data["phone"],
                kind=data["kind"],
                channel=data["channel"],
                description=data["description"],
                priority=data["priority"],
                fault_category=data["fault_category"],
                by=request.user,
                new_customer=new_customer if caller["customer"] is None else None,
                unit=data.get("unit_object"),
                new_unit=new_unit,
                contacted_at=data["contacted_at"],
                complaint_about=data["complaint_about_ticket"],
                referral_code=data["referral_code"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Ticket %(reference)s logged.") % {"reference": ticket.reference})
            return redirect("desk:ticket", reference=ticket.reference)
    return render(request, "tickets/new.html", {"form": form, **caller}, status=400)
