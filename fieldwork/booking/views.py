"""The desk's booking pages under ``/desk/field/``: a ticket's dispatch suggestions with their
free slots, and booking (with dispatch), moving and cancelling a visit. Agents, managers and
administrators only. Each form posts once and returns to the ticket page, with what was done
or why it was refused."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.access import all_tickets_required
from fieldwork.booking import services
from fieldwork.booking.dispatch import suggest_technicians
from fieldwork.booking.forms import BookForm, CancelForm, MoveForm
from fieldwork.models import Visit
from tickets import selectors


def _refused(request: HttpRequest, form_errors: dict | None = None, exc: ValidationError | None = None) -> None:
    texts = []
    if exc is not None:
        texts = exc.messages
    for errors in (form_errors or {}).values():
        texts.extend(errors)
    for text in texts:
        messages.error(request, text)


@all_tickets_required
@require_GET
def dispatch(request: HttpRequest, reference: str) -> HttpResponse:
    """The ranked technicians for the ticket with their free slots, one booking form per slot:
    a fragment the ticket page loads (htmx), or a page of its own without JavaScript."""
    ticket = selectors.ticket_for(request.user, reference)
    context = {
        "ticket": ticket,
        "suggestions": suggest_technicians(ticket),
        "has_visit": Visit.objects.filter(ticket=ticket, status__in=services.CHANGEABLE_STATUSES).exists(),
    }
    template = "fieldwork/partials/dispatch.html" if request.htmx else "fieldwork/dispatch.html"
    return render(request, template, context)


@all_tickets_required
@require_POST
def book(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_for(request.user, reference)
    form = BookForm(request.POST)
    if not form.is_valid():
        _refused(request, form.errors)
        return redirect("desk:ticket", reference=ticket.reference)
    data = form.cleaned_data
    try:
        visit = services.visit_book(
            ticket=ticket,
            technician=data["technician"],
            station=data["station"],
            start=data["start"],
            by=request.user,
            late_reason=data["late_reason"],
        )
    except ValidationError as exc:
        _refused(request, exc=exc)
    else:
        messages.success(
            request,
            _("Visit booked with %(technician)s, %(start)s; the customer is told.")
            % {
                "technician": visit.technician.get_full_name() or visit.technician.get_username(),
                "start": date_format(timezone.localtime(visit.start), "SHORT_DATETIME_FORMAT"),
            },
        )
    return redirect("desk:ticket", reference=ticket.reference)


def _visit_for(request: HttpRequest, pk: int) -> Visit:
    visit = get_object_or_404(Visit.objects.select_related("ticket"), pk=pk)
    selectors.ticket_for(request.user, visit.ticket.reference)  # the desk sees every ticket: a check, not a filter
    return visit


@all_tickets_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        _refused(request, form.errors)
    else:
        try:
            services.visit_move(visit=visit, start=form.cleaned_data["start"], by=request.user)
        except ValidationError as exc:
            _refused(request, exc=exc)
        else:
            messages.success(request, _("Visit moved; the customer is told."))
    return redirect("desk:ticket", reference=visit.ticket.reference)


@all_tickets_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    visit = _visit_for(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        _refused(request, form.errors)
    else:
        try:
            services.visit_cancel(visit=visit, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _refused(request, exc=exc)
        else:
            messages.success(request, _("Visit cancelled."))
    return redirect("desk:ticket", reference=visit.ticket.reference)
