"""A product's history in the customer's portal account (docs/archive.md): its purchase,
requests, claims, parts, contracts, visits, calls, ratings and recalls, as the customer may
read them (archive/selectors.py: no internal notes, costs or staff beyond first names).

Only the signed-in customer with a proven account, and only their own units: another
customer's unit answers exactly as a unit that does not exist.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from archive.selectors import unit_for_customer, unit_history
from customers.models import ProductUnit
from portal.accounts.views import customer_required


@customer_required
@require_GET
def unit_history_page(request: HttpRequest, pk: int) -> HttpResponse:
    customer = request.user.customer
    unit = unit_for_customer(customer, pk)
    if unit is None:
        raise Http404

    def history_url(other: ProductUnit) -> str:
        # A replacement chain links only the customer's own units.
        return reverse("portal:unit_history", args=[other.pk]) if other.owner_id == customer.pk else ""

    history = unit_history(unit, for_customer=True, history_url=history_url)
    return render(request, "portal/account/unit_history.html", {"history": history, "unit": unit, "nav": "account"})
