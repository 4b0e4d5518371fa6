"""The desk's old-part returns: the list at ``/desk/parts/returns/`` with its filters (status,
overdue), and the ship / receive / inspect actions. Agents and managers see and work every
return, a technician those of their own jobs (parts/selectors.py ``visible_returns``)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.access import desk_required
from parts import returns, selectors
from parts.forms import ReturnFilterForm, ReturnInspectForm, ReturnShipForm
from parts.ticket_views import _errors


@desk_required
def return_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filters = ReturnFilterForm(request.GET)
    filters.is_valid()
    chosen = getattr(filters, "cleaned_data", {})
    rows = selectors.returns_list(
        request.user, status=chosen.get("status") or "", overdue=bool(chosen.get("overdue")), now=now
    )
    page = Paginator(rows, settings.DESK_PAGE_SIZE).get_page(request.GET.get("page"))
    for part_return in page.object_list:
        part_return.is_overdue = part_return.status == "to_return" and part_return.due_by < now
    return render(
        request,
        "parts/returns.html",
        {
            "nav": "returns",
            "filters": filters,
            "page": page,
            # One select per row of the list: no ids, or they would repeat.
            "inspect_form": ReturnInspectForm(auto_id=False),
            "query": request.GET.urlencode(),
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    # Back to the list as it was filtered; only the query string is taken from the form.
    return redirect(reverse("parts:returns") + (f"?{query}" if query and "\n" not in query else ""))


@desk_required
@require_POST
def return_ship(request: HttpRequest, pk: int) -> HttpResponse:
    part_return = selectors.return_for(request.user, pk)
    form = ReturnShipForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _back(request)
    try:
        returns.return_ship(part_return=part_return, tracking=form.cleaned_data["tracking"], by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(rma)s shipped.") % {"rma": part_return.rma_number})
    return _back(request)


@desk_required
@require_POST
def return_receive(request: HttpRequest, pk: int) -> HttpResponse:
    part_return = selectors.return_for(request.user, pk)
    try:
        returns.return_receive(part_return=part_return, by=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(rma)s received.") % {"rma": part_return.rma_number})
    return _back(request)


@desk_required
@require_POST
def return_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    part_return = selectors.return_for(request.user, pk)
    form = ReturnInspectForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _back(request)
    try:
        returns.return_inspect(
            part_return=part_return,
            finding=form.cleaned_data["finding"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(rma)s inspected.") % {"rma": part_return.rma_number})
    return _back(request)
