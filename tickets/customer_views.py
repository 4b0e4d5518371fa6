"""The desk's customer page and the customer's message settings set from it.

Agents, managers and administrators, who may edit customers, see a customer's products and
tickets and set how the customer is reached: language, channel (email only to a confirmed
address), and whether they receive reminders and offers. An email staff type is confirmed
(customers/preferences.py). Anyone else is refused and nothing changes.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.access import all_tickets_required
from aftersales.errors import add_errors_to_form
from customers.forms import MessagePreferencesForm
from customers.models import Customer
from customers.preferences import customer_preferences_set
from customers.selectors import units_with_warranty
from tickets import selectors


class DeskMessagePreferencesForm(MessagePreferencesForm):
    """The customer's message settings in the agent's words."""

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, customer=customer, **kwargs)
        fields = self.fields
        fields["preferred_language"].label = gettext_lazy("Language of the messages")
        fields["optional_messages"].label = gettext_lazy("Reminders and offers")
        fields["optional_messages"].help_text = gettext_lazy(
            "Maintenance reminders and warranty offers. Messages about the customer's requests are always sent."
        )
        fields["preferred_channel"].help_text = gettext_lazy("By email only to a confirmed email address.")
        if customer.email and not customer.email_verified:
            fields["email"].help_text = _(
                "On record, not confirmed: %(email)s. Nothing is sent to it. Type it here once the customer "
                "confirms it."
            ) % {"email": customer.email}


def _customer_page(
    request: HttpRequest, customer: Customer, form: DeskMessagePreferencesForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "units": units_with_warranty(customer, timezone.localdate()),
            "history": selectors.customer_history(customer, limit=50),
            "preferences_form": form or DeskMessagePreferencesForm(customer=customer),
        },
        status=status,
    )


def _customer(pk: int) -> Customer:
    return get_object_or_404(Customer.objects.select_related("representative", "referred_by"), pk=pk)


@all_tickets_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _customer_page(request, _customer(pk))


@all_tickets_required
@require_POST
def customer_preferences(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the customer's message settings; the page again with field errors on bad input."""
    customer = _customer(pk)
    form = DeskMessagePreferencesForm(request.POST, customer=customer)
    if form.is_valid():
        try:
            customer_preferences_set(customer=customer, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("The customer's message settings are saved."))
            return redirect(reverse("desk:customer", args=[customer.pk]) + "#messages")
    return _customer_page(request, customer, form, status=400)
