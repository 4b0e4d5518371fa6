"""The portal account's "Send me offers" choice (docs/sales.md#consent-and-opting-out).

The signed-in customer with a proven account agrees to offers or opts out; it is recorded as said
on the portal. Opting out closes their open leads (sales/leads.py). Only their own record: the
customer is the signed-in account's, never one named in the request.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.referral_choices import OffersConsent, ReferralChannel
from portal.accounts.views import customer_required
from sales.leads import offers_consent_record


@customer_required
@require_POST
def offers(request: HttpRequest) -> HttpResponse:
    customer = request.user.customer
    wanted = request.POST.get("offers") == "yes"
    offers_consent_record(
        customer=customer,
        consent=OffersConsent.GIVEN if wanted else OffersConsent.REFUSED,
        source=ReferralChannel.PORTAL,
        by=request.user,
    )
    if wanted:
        messages.success(request, _("We may send you offers. You can stop them here at any time."))
    else:
        messages.success(request, _("We will not send you offers."))
    return redirect(reverse("portal:account") + "#offers")
