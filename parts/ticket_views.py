"""Desk actions on a ticket's parts: reserve, order, receive, cancel, release. Each is a POST from
the parts card of the ticket page (templates/parts/partials/ticket_parts.html) and comes back to
it, with the outcome or the field errors as messages. Agents and managers act on any ticket, a
technician on their own jobs (the ticket lookup and the services both check)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.access import desk_required
from parts import demand
from parts.forms import ORDER, RESERVE, PartDemandForm, PartOrderForm
from parts.models import PartReservation, PartsOrder
from tickets import selectors as ticket_selectors
from tickets.models import Ticket


def _back(ticket: Ticket) -> HttpResponse:
    return redirect(reverse("desk:ticket", args=[ticket.reference]) + "#parts")


def _errors(request: HttpRequest, form_or_exc) -> None:
    """Each field error as a message naming the field it is about."""
    if isinstance(form_or_exc, ValidationError):
        items = form_or_exc.message_dict.items() if hasattr(form_or_exc, "error_dict") else [("", form_or_exc.messages)]
        labels = {}
    else:
        items = form_or_exc.errors.items()
        labels = {name: field.label for name, field in form_or_exc.fields.items()}
    for name, errors in items:
        for error in errors:
            label = labels.get(name)
            messages.error(request, f"{label}: {error}" if label else str(error))


def _ticket(request: HttpRequest, reference: str) -> Ticket:
    return ticket_selectors.ticket_for(request.user, reference)


def _run(request: HttpRequest, ticket: Ticket, action, done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, done)
    return _back(ticket)


@desk_required
@require_POST
def part_reserve(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(request, reference)
    form = PartDemandForm(request.POST, prefix=RESERVE)
    if not form.is_valid():
        _errors(request, form)
        return _back(ticket)
    data = form.cleaned_data
    return _run(
        request,
        ticket,
        lambda: demand.part_reserve(
            ticket=ticket, station=data["station"], part=data["part"], quantity=data["quantity"], by=request.user
        ),
        _("Part reserved."),
    )


@desk_required
@require_POST
def part_order(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket(request, reference)
    form = PartOrderForm(request.POST, prefix=ORDER)
    if not form.is_valid():
        _errors(request, form)
        return _back(ticket)
    data = form.cleaned_data
    return _run(
        request,
        ticket,
        lambda: demand.parts_order(
            ticket=ticket,
            station=data["station"],
            part=data["part"],
            quantity=data["quantity"],
            source=data["source"],
            by=request.user,
        ),
        _("Part ordered; the ticket waits for it."),
    )


def _order(ticket: Ticket, pk: int) -> PartsOrder:
    order = PartsOrder.objects.filter(ticket=ticket, pk=pk).first()
    if order is None:
        raise Http404(pk)
    return order


@desk_required
@require_POST
def order_receive(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    ticket = _ticket(request, reference)
    order = _order(ticket, pk)
    return _run(
        request, ticket, lambda: demand.order_receive(order=order, by=request.user), _("Order received and reserved.")
    )


@desk_required
@require_POST
def order_cancel(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    ticket = _ticket(request, reference)
    order = _order(ticket, pk)
    return _run(request, ticket, lambda: demand.order_cancel(order=order, by=request.user), _("Order cancelled."))


@desk_required
@require_POST
def reservation_release(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    ticket = _ticket(request, reference)
    reservation = PartReservation.objects.filter(ticket=ticket, pk=pk).first()
    if reservation is None:
        raise Http404(pk)
    return _run(
        request,
        ticket,
        lambda: demand.reservation_release(reservation=reservation, by=request.user),
        _("Reservation released."),
    )
