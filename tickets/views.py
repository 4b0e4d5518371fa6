"""The desk's ticket page and its actions: move, assign, add a note, record the resolution, and
dispatch to a service provider (offer, accept, give back). The queue is tickets/queue_views.py,
the new ticket tickets/intake_views.py.

Views parse input, call one service or selector, and render (docs/architecture.md#house-rules). Bad input is
answered with the form again, its messages next to the fields, and status 400.
"""

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.access import all_tickets_required, desk_required
from aftersales.errors import add_errors_to_form
from aftersales.roles import provider_of, roles_of, sees_all_tickets
from tickets import hooks, page_rows, selectors, services, submitted_contact
from tickets.choices import OPEN_STATUSES, EventKind, Status
from tickets.desk_rendering import choice_labels, select_tag
from tickets.forms import AssignForm, MoveForm, NoteForm, ResolutionForm
from tickets.models import Ticket, TicketEvent
from tickets.provider_forms import AcceptForm, OfferForm, ReturnForm
from tickets.services import provider_offers
from tickets.services.provider_terms import is_headquarters
from tickets.transitions import TicketState, blockers, get_move, may_assign, may_record_resolution, moves_for


def _move_options(state: TicketState, roles: frozenset[str]) -> list[dict]:
    """The moves the user's role allows from here, each with what still blocks it (if anything)."""
    # The note and the merge target are given in the same form as the move, so the reasons
    # they would clear are not shown in advance.
    state = replace(state, has_merge_target=True)
    return [
        {"move": move, "blocked_by": blockers(move, state, roles, note="-" if move.needs_note else "")}
        for move in moves_for(state, roles)
    ]


def _timeline(ticket: Ticket) -> list[TicketEvent]:
    """The ticket's events, each with its kind and statuses labelled (``kind_label``,
    ``from_status_label``, ``to_status_label``)."""
    events = selectors.timeline_rows(ticket)
    kinds, statuses = choice_labels(EventKind.choices), choice_labels(Status.choices)
    for event in events:
        event.kind_label = kinds.get(event.kind, event.kind)
        event.from_status_label = statuses.get(event.from_status, event.from_status)
        event.to_status_label = statuses.get(event.to_status, event.to_status)
    return events


def _detail(request: HttpRequest, ticket: Ticket, status: int = 200, **forms) -> HttpResponse:
    """The ticket page, with only the forms the ticket's state and the user's role allow
    (tickets/transitions.py): a closed ticket offers no assignment that would always fail."""
    is_desk = sees_all_tickets(request.user)
    # Which cards have anything to show, in one query: the others skip theirs (tickets/page_rows.py).
    page_rows.note_present(ticket)
    state, roles = services.state_of(ticket), roles_of(request.user)
    moves = _move_options(state, roles)
    assign_form = (forms.get("assign_form") or AssignForm(ticket=ticket)) if may_assign(state, roles) else None
    resolution_open = may_record_resolution(state, roles)
    dispatch = _dispatch_context(request, ticket, forms)
    for name, shown in (
        ("assign_form", assign_form is not None),
        ("resolution_form", resolution_open),
        ("offer_form", dispatch["offer_form"] is not None),
        ("return_form", dispatch["return_form"] is not None),
    ):
        # A form sent from a page the ticket has since moved on from: its refusal is said above.
        if forms.get(name) is not None and not shown:
            for error in (error for errors in forms[name].errors.values() for error in errors):
                messages.error(request, error)
    context = {
        "ticket": ticket,
        "events": _timeline(ticket),
        "moves": moves,
        # The merge target is asked for only where a merge is one of the moves.
        "offers_merge": any(option["move"].name == "merge" for option in moves),
        "move_form": forms.get("move_form") or MoveForm(initial={"version": ticket.version}),
        "assign_form": assign_form,
        "assign_selects": {name: select_tag(assign_form[name]) for name in ("station", "assignee", "appointment_slot")}
        if assign_form
        else {},
        "note_form": forms.get("note_form") or NoteForm(),
        "resolution_open": resolution_open,
        "resolution_form": (
            forms.get("resolution_form")
            or ResolutionForm(
                initial={
                    "fault_code": ticket.fault_code,
                    "fault_component": ticket.fault_component,
                    "root_cause": ticket.root_cause,
                    "work_done": ticket.work_done,
                    "parts_used": ticket.parts_used,
                    "charge": ticket.charge,
                    "version": ticket.version,
                }
            )
        )
        if resolution_open
        else None,
        # The catalogue a technician picks the fault code from (quality codes are fed back).
        "fault_codes": selectors.fault_code_catalogue() if resolution_open else [],
        # Claims, ratings and callbacks, from the apps above tickets (tickets/hooks.py).
        **hooks.extra_context(hooks.ticket_page_context, ticket),
        "attachments": list(ticket.attachments.all()) if page_rows.may_have(ticket, "attachments") else [],
        "now": timezone.now(),
        "today": timezone.localdate(),
        # A missed stage was escalated while the ticket is still being worked (tickets/sla/escalation.py).
        "escalated": ticket.escalated_at is not None and ticket.status in OPEN_STATUSES,
        "sees_all": is_desk,
        # Details typed on the portal that differ from the customer's record, for those who may
        # take them over.
        "contact_offer": submitted_contact.offer_for(ticket) if is_desk else [],
        **dispatch,
    }
    return render(request, "tickets/detail.html", context, status=status)


def _dispatch_context(request: HttpRequest, ticket: Ticket, forms: dict) -> dict:
    """The dispatch card: headquarters may offer a job no provider has accepted; the provider's
    agents and managers may accept it while offered, and give it back while it is theirs."""
    user, is_open = request.user, ticket.status in OPEN_STATUSES
    offer_form = None
    if is_open and is_headquarters(user) and ticket.provider_accepted_at is None:
        offer_form = forms.get("offer_form") or OfferForm(
            initial={"provider": ticket.provider_id, "station": ticket.station_id, "version": ticket.version}
        )
    own_job = is_open and ticket.provider_id is not None and provider_of(user) == ticket.provider_id
    own_job = own_job and sees_all_tickets(user)
    return {
        "dispatch_by_headquarters": is_headquarters(user),
        "offer_form": offer_form,
        "offer_selects": {name: select_tag(offer_form[name]) for name in ("provider", "station")} if offer_form else {},
        "accept_open": own_job and ticket.provider_accepted_at is None,
        "return_form": (forms.get("return_form") or ReturnForm(initial={"version": ticket.version}))
        if own_job
        else None,
    }


@desk_required
@require_GET
def ticket_detail(request: HttpRequest, reference: str) -> HttpResponse:
    return _detail(request, selectors.ticket_for(request.user, reference))


def _status_for(exc: ValidationError) -> int:
    return 409 if getattr(exc, "code", None) == "conflict" else 400


@desk_required
@require_POST
def ticket_move(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_for(request.user, reference)
    form = MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        merge_into = None
        if data["merge_into"].strip():
            merge_into = selectors.search_tickets(selectors.visible_tickets(request.user), data["merge_into"]).first()
            if merge_into is None:
                form.add_error("merge_into", _("No ticket has this reference."))
        if not form.errors:
            try:
                services.ticket_transition(
                    ticket=ticket,
                    move=data["move"],
                    by=request.user,
                    note=data["note"],
                    merge_into=merge_into,
                    expected_version=data["version"],
                )
            except ValidationError as exc:
                # A missing note is shown on the note field; every other reason above the buttons.
                target = "note" if get_move(data["move"]).needs_note else NON_FIELD_ERRORS
                add_errors_to_form(form, exc, {"move": target})
                return _detail(request, selectors.ticket_for(request.user, reference), _status_for(exc), move_form=form)
            messages.success(request, _("Ticket %(reference)s updated.") % {"reference": ticket.reference})
            return redirect("desk:ticket", reference=ticket.reference)
    return _detail(request, ticket, 400, move_form=form)


@all_tickets_required
@require_POST
def ticket_assign(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_for(request.user, reference)
    form = AssignForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            services.ticket_assign(
                ticket=ticket,
                station=form.cleaned_data["station"],
                assignee=form.cleaned_data["assignee"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
                appointment=form.appointment(),
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
            return _detail(request, selectors.ticket_for(request.user, reference), _status_for(exc), assign_form=form)
        messages.success(request, _("Assignment saved."))
        return redirect("desk:ticket", reference=ticket.reference)
    return _detail(request, ticket, 400, assign_form=form)


@desk_required
@require_POST
def ticket_note(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_for(request.user, reference)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_add_note(
                ticket=ticket, note=form.cleaned_data["note"], is_public=form.cleaned_data["is_public"], by=request.user
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
            return _detail(request, ticket, 400, note_form=form)
        messages.success(request, _("Note added."))
        return redirect("desk:ticket", reference=ticket.reference)
    return _detail(request, ticket, 400, note_form=form)


@desk_required
@require_POST
def ticket_resolution(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = selectors.ticket_for(request.user, reference)
    form = ResolutionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.ticket_record_resolution(
                ticket=ticket,
                by=request.user,
                work_done=data["work_done"],
                fault_code=data["fault_code"],
                fault_component=data["fault_component"],
                root_cause=data["root_cause"],
                parts_used=data["parts_used"],
                charge=data["charge"],
                expected_version=data["version"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
            return _detail(
                request, selectors.ticket_for(request.user, reference), _status_for(exc), resolution_form=form
            )
        messages.success(request, _("Resolution saved."))
        return redirect("desk:ticket", reference=ticket.reference)
    return _detail(request, ticket, 400, resolution_form=form)


@all_tickets_required
@require_POST
def ticket_offer(request: HttpRequest, reference: str) -> HttpResponse:
    """Headquarters offers the job to a service provider (docs/network-dispatch.md)."""
    ticket = selectors.ticket_for(request.user, reference)
    form = OfferForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            provider_offers.offer(
                ticket=ticket,
                provider=data["provider"],
                station=data["station"],
                by=request.user,
                expected_version=data["version"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
            return _detail(request, selectors.ticket_for(request.user, reference), _status_for(exc), offer_form=form)
        messages.success(request, _("Offered to %(provider)s.") % {"provider": data["provider"].display_name})
        return redirect("desk:ticket", reference=ticket.reference)
    return _detail(request, ticket, 400, offer_form=form)


@all_tickets_required
@require_POST
def ticket_accept(request: HttpRequest, reference: str) -> HttpResponse:
    """The provider accepts the job offered to it."""
    ticket = selectors.ticket_for(request.user, reference)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the ticket and try again."))
        return _detail(request, ticket, 400)
    try:
        provider_offers.accept(ticket=ticket, by=request.user, expected_version=form.cleaned_data["version"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _detail(request, selectors.ticket_for(request.user, reference), _status_for(exc))
    messages.success(request, _("Job accepted."))
    return redirect("desk:ticket", reference=ticket.reference)


@all_tickets_required
@require_POST
def ticket_return(request: HttpRequest, reference: str) -> HttpResponse:
    """The provider gives the job back to headquarters with its reason; it leaves the provider's
    desk, so the queue is shown next."""
    ticket = selectors.ticket_for(request.user, reference)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            provider_offers.return_to_headquarters(
                ticket=ticket,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
            return _detail(request, selectors.ticket_for(request.user, reference), _status_for(exc), return_form=form)
        messages.success(request, _("%(reference)s is back with headquarters.") % {"reference": ticket.reference})
        return redirect("desk:queue")
    return _detail(request, ticket, 400, return_form=form)
