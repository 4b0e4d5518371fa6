"""Recording the offer's outcome on a warranty-expiry or renewal call, in the desk
(followups/offers.py decides)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.access import all_tickets_required
from aftersales.errors import add_errors_to_form
from followups.callbacks import selectors
from followups.callbacks.forms import CallbackAttemptForm
from followups.callbacks.offer_forms import CallbackOfferForm
from followups.callbacks.offer_page import offer_products
from followups.callbacks.views import _render_call  # the call page, shown again with the form's errors
from followups.choices import OfferOutcome
from followups.offers import callback_offer_record


@all_tickets_required
@require_POST
def callback_offer(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.callback_for_call(pk)
    form = CallbackOfferForm(request.POST, products=offer_products(visit))
    if form.is_valid():
        data = form.cleaned_data
        try:
            recorded = callback_offer_record(
                visit=visit,
                outcome=data["outcome"],
                by=request.user,
                product=data["product"],
                payment_reference=data["payment_reference"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            if recorded.offer_outcome == OfferOutcome.ACCEPTED:
                messages.success(
                    request, _("Contract %(number)s sold on this call.") % {"number": recorded.offer_contract.number}
                )
            else:
                messages.success(request, _("The offer's outcome is recorded."))
            return redirect("followups:callback", pk=pk)
    return _render_call(request, visit, CallbackAttemptForm(), status=400, offer_form=form)
