"""The desk's unit history pages: a serial search at ``/desk/units/?serial=`` and one page per
unit at ``/desk/units/<id>/`` (docs/archive.md).

Agents, managers and administrators, as the customer pages. A provider's staff open only the
units their provider served: any other unit is a 404, as a missing one (archive/selectors.py).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aftersales.access import all_tickets_required
from archive import selectors
from archive.forms import SerialSearchForm


@all_tickets_required
@require_GET
def unit_search(request: HttpRequest) -> HttpResponse:
    form = SerialSearchForm(request.GET or None)
    units = None
    if form.is_valid():
        units = list(selectors.units_by_serial(form.cleaned_data["serial"]))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "archive/unit_search.html", {"form": form, "units": units, "nav": "units"}, status=status)


@all_tickets_required
@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_for_desk(pk)
    if unit is None:
        raise Http404
    history = selectors.unit_history(unit, for_customer=False, history_url=selectors.desk_history_url)
    return render(
        request,
        "archive/unit_history.html",
        {"history": history, "unit": unit, "form": SerialSearchForm(), "nav": "units"},
    )
