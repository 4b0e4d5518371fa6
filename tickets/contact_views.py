"""The desk takes over contact details a customer typed on the portal (tickets/submitted_contact.py).

Agents, managers and administrators, who may edit customers, choose on the ticket page which of
the typed details replace the record. Anyone else is refused and nothing changes.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.access import all_tickets_required
from tickets import selectors
from tickets.submitted_contact import CUSTOMER_FIELDS, LABELS, customer_apply_submitted_contact


class ApplyContactForm(forms.Form):
    fields = forms.MultipleChoiceField(
        choices=[(field, LABELS[field]) for field in CUSTOMER_FIELDS],
        error_messages={
            "required": gettext_lazy("Tick the details to use."),
            "invalid_choice": gettext_lazy("Tick only the details offered."),
        },
    )


@all_tickets_required
@require_POST
def ticket_contact_apply(request: HttpRequest, reference: str) -> HttpResponse:
    """Take the ticked details over; back to the ticket page with what happened."""
    ticket = selectors.ticket_for(request.user, reference)
    form = ApplyContactForm(request.POST)
    if not form.is_valid():
        for message in form.errors["fields"]:
            messages.error(request, message)
        return redirect("desk:ticket", reference=ticket.reference)
    try:
        customer_apply_submitted_contact(ticket=ticket, fields=form.cleaned_data["fields"], by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The customer's details are updated."))
    return redirect("desk:ticket", reference=ticket.reference)
