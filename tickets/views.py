"""The staff desk: queue, new ticket (built for phone calls), ticket page and its actions.

Views parse input, call one service or selector, and render (STYLE.md rule 4). Bad input is
answered with the form again, its messages next to the fields, and status 400.
"""

from dataclasses import replace
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.access import all_tickets_required, desk_required
from aftersales.errors import add_errors_to_form
from aftersales.pagination import PAGE_SIZES, CappedPaginator, page_size_from
from aftersales.roles import Role, roles_of, sees_all_tickets
from customers.models import Language
from customers.phones import display_phone, try_normalize_phone
from customers.selectors import customer_by_phone, units_with_warranty
from tickets import hooks, selectors, services, submitted_contact
from tickets.choices import FINAL_STATUSES, OPEN_STATUSES, EventKind, Kind, Priority, Status
from tickets.filters import TicketQueueFilter
from tickets.forms import NEW_UNIT, AssignForm, IntakeForm, MoveForm, NoteForm, ResolutionForm
from tickets.intake import NewCustomer, NewUnit, intake_request
from tickets.models import Ticket, TicketEvent
from tickets.transitions import blockers, get_move, moves_for


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    # Everyone lands here after signing in (LOGIN_REDIRECT_URL); a department user's page is
    # the feedback inbox.
    if roles_of(request.user) == {Role.DEPARTMENT}:
        return redirect("feedback:inbox")
    return _queue(request)


def choice_labels(choices) -> dict[str, str]:
    """Each choice's label in the active language, translated once for a whole page.

    ``get_FOO_display()`` translates every label of the field at each call, which adds up over
    a page of rows or a long timeline.
    """
    return {value: str(label) for value, label in choices}


# Formatting a number takes phonenumbers' parser; a queue shows the same callers again and again.
phone_display = lru_cache(maxsize=4096)(display_phone)


def datetime_formatter(format_name: str = "SHORT_DATETIME_FORMAT"):
    """A function showing a moment as ``{{ value|date:format_name }}`` does, in the current time
    zone, with the format and the zone looked up once for a whole page."""
    fmt, zone = formats.get_format(format_name), timezone.get_current_timezone()
    return lambda value: dateformat.format(value.astimezone(zone), fmt) if value else ""


def queue_rows(tickets, now) -> list[dict]:
    """The queue's lines, each a dict of what its cells show, labels and dates already formatted.

    Plain dicts: the template engine finds a key at its first try, where a model attribute
    costs a failed key lookup first, for every cell of every row.
    """
    statuses, kinds, priorities = (
        choice_labels(Status.choices),
        choice_labels(Kind.choices),
        choice_labels(Priority.choices),
    )
    short_datetime = datetime_formatter()
    rows = []
    for ticket in tickets:
        customer, unit, station, assignee = ticket.customer, ticket.unit, ticket.station, ticket.assignee
        rows.append(
            {
                "reference": ticket.reference,
                "url": reverse("desk:ticket", args=[ticket.reference]),
                "status": ticket.status,
                "status_label": statuses.get(ticket.status, ticket.status),
                "kind_label": kinds.get(ticket.kind, ticket.kind),
                "priority": ticket.priority,
                "priority_label": priorities.get(ticket.priority, ticket.priority),
                "customer": customer.name,
                "phone": phone_display(customer.phone),
                "model": unit.model.code if unit else "",
                "serial": unit.serial if unit else "",
                "has_unit": unit is not None,
                "station": (station.display_name if station else "") or "—",
                "technician": (assignee.get_full_name() or assignee.get_username()) if assignee else "",
                "overdue": bool(ticket.next_due and ticket.next_due < now),
                "escalated": ticket.escalated_at is not None and ticket.status in OPEN_STATUSES,
                "next_due": short_datetime(ticket.next_due),
                "created": short_datetime(ticket.created_at),
            }
        )
    return rows


def html_attrs(attrs: dict) -> str:
    """Tag attributes as Django's widget templates write them: `` name="value"``, the bare name
    for True, nothing for False."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


def select_tag(field: BoundField) -> dict:
    """A select field's ``name``, ``attrs`` and ``options`` (each ``value``, ``label``,
    ``selected``) as its widget works them out, for tickets/partials/select.html.

    The widget itself renders a template per option, which made the queue's filters take longer
    than its rows. Flat choices only (no option groups).
    """
    attrs = field.build_widget_attrs({})
    if field.auto_id and "id" not in field.field.widget.attrs:
        attrs.setdefault("id", field.auto_id)
    widget = field.field.widget.get_context(field.html_name, field.value(), attrs)["widget"]
    return {
        "name": widget["name"],
        "attrs": html_attrs(widget["attrs"]),
        "options": [
            {"value": str(option["value"]), "label": option["label"], "selected": option["selected"]}
            for _group, options, _index in widget["optgroups"]
            for option in options
        ],
    }


@desk_required
def _queue(request: HttpRequest) -> HttpResponse:
    base = selectors.visible_tickets(request.user)
    filterset = TicketQueueFilter(request.GET or None, queryset=base)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else TicketQueueFilter(queryset=base).qs
    paginator = CappedPaginator(rows, page_size_from(request, settings.DESK_PAGE_SIZE), cap=settings.DESK_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    params = request.GET.copy()
    params.pop("page", None)
    sees_all = sees_all_tickets(request.user)
    # Station and technician are offered to those who see every ticket only.
    selects = ["kind", "priority", "sort", *(["station", "assignee"] if sees_all else [])]
    return render(
        request,
        "tickets/queue.html",
        {
            "filter": filterset,
            "page": page,
            "rows": queue_rows(page.object_list, now),
            "selects": {name: select_tag(filterset.form[name]) for name in selects},
            "now": now,
            "query_string": params.urlencode(),
            "page_sizes": PAGE_SIZES,
            "sees_all": sees_all,
        },
        status=400 if filterset.is_bound and not filterset.is_valid() else 200,
    )


def _caller_context(phone: str) -> dict:
    """What the agent sees as soon as the caller's number is typed."""
    normalized = try_normalize_phone(phone)
    customer = customer_by_phone(phone) if normalized else None
    context = {
        "phone": phone,
        "phone_valid": normalized is not None,
        "customer": customer,
        "units": [],
        "history": None,
        "complaint_subjects": [],
    }
    if customer is not None:
        context["units"] = list(units_with_warranty(customer, timezone.localdate()))
        context["history"] = selectors.customer_history(customer)
        context["complaint_subjects"] = selectors.complaint_subjects(customer)
    return context


def _intake_form(caller: dict, data=None, **kwargs) -> IntakeForm:
    return IntakeForm(
        data,
        customer=caller["customer"],
        units=caller["units"],
        complaint_subjects=caller["complaint_subjects"],
        **kwargs,
    )


@all_tickets_required
@require_GET
def caller_lookup(request: HttpRequest) -> HttpResponse:
    context = _caller_context(request.GET.get("phone", ""))
    context["form"] = _intake_form(context, initial={"phone": context["phone"]})
    return render(request, "tickets/partials/caller.html", context)


@all_tickets_required
@require_GET
def duplicate_check(request: HttpRequest) -> HttpResponse:
    customer = customer_by_phone(request.GET.get("phone", ""))
    duplicates = []
    unit_id, fault_id = request.GET.get("unit", ""), request.GET.get("fault_category", "")
    if customer is not None and unit_id.isdigit() and fault_id.isdigit():
        unit = customer.units.filter(pk=unit_id).first()
        fault = selectors.active_fault_categories().filter(pk=fault_id).first()
        duplicates = list(services.open_duplicates(customer=customer, unit=unit, fault_category=fault)[:5])
    return render(request, "tickets/partials/duplicates.html", {"duplicates": duplicates})


@all_tickets_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    phone = request.POST.get("phone") if request.method == "POST" else request.GET.get("phone", "")
    caller = _caller_context(phone or "")
    if request.method != "POST":
        form = _intake_form(caller, initial={"phone": phone})
        return render(request, "tickets/new.html", {"form": form, **caller})

    form = _intake_form(caller, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        new_unit = None
        if data.get("unit") == NEW_UNIT:
            new_unit = NewUnit(
                model=data["unit_model"],
                serial=data["unit_serial"],
                batch=data["unit_batch"],
                invoice_date=data["unit_invoice_date"],
                installation_date=data["unit_installation_date"],
                dealer=data["unit_dealer"],
                price=data["unit_price"],
                has_invoice=data["unit_has_invoice"],
                has_warranty_card=data["unit_has_warranty_card"],
            )
        new_customer = NewCustomer(
            name=data["customer_name"],
            email=data["customer_email"],
            address=data["customer_address"],
            region=data["customer_region"],
            preferred_language=data["customer_language"] or Language.CHINESE,
        )
        try:
            ticket = intake_request(
                phone=data["phone"],
                kind=data["kind"],
                channel=data["channel"],
                description=data["description"],
                priority=data["priority"],
                fault_category=data["fault_category"],
                by=request.user,
                new_customer=new_customer if caller["customer"] is None else None,
                unit=data.get("unit_object"),
                new_unit=new_unit,
                contacted_at=data["contacted_at"],
                complaint_about=data["complaint_about_ticket"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Ticket %(reference)s logged.") % {"reference": ticket.reference})
            return redirect("desk:ticket", reference=ticket.reference)
    return render(request, "tickets/new.html", {"form": form, **caller}, status=400)


def _move_options(ticket: Ticket, user: AbstractBaseUser) -> list[dict]:
    """The moves the user's role allows from here, each with what still blocks it (if anything)."""
    # The note and the merge target are given in the same form as the move, so the reasons
    # they would clear are not shown in advance.
    state = replace(services.state_of(ticket), has_merge_target=True)
    roles = roles_of(user)
    return [
        {"move": move, "blocked_by": blockers(move, state, roles, note="-" if move.needs_note else "")}
        for move in moves_for(state, roles)
    ]


def _timeline(ticket: Ticket) -> list[TicketEvent]:
    """The ticket's events, each with its kind and statuses labelled (``kind_label``,
    ``from_status_label``, ``to_status_label``)."""
    events = list(selectors.timeline(ticket))
    kinds, statuses = choice_labels(EventKind.choices), choice_labels(Status.choices)
    for event in events:
        event.kind_label = kinds.get(event.kind, event.kind)
        event.from_status_label = statuses.get(event.from_status, event.from_status)
        event.to_status_label = statuses.get(event.to_status, event.to_status)
    return events


def _detail(request: HttpRequest, ticket: Ticket, status: int = 200, **forms) -> HttpResponse:
    is_desk = sees_all_tickets(request.user)
    assign_form = forms.get("assign_form") or (
        AssignForm(initial={"station": ticket.station_id, "assignee": ticket.assignee_id, "version": ticket.version})
        if is_desk
        else None
    )
    context = {
        "ticket": ticket,
        "events": _timeline(ticket),
        "moves": _move_options(ticket, request.user),
        "move_form": forms.get("move_form") or MoveForm(initial={"version": ticket.version}),
        "assign_form": assign_form,
        "assign_selects": {name: select_tag(assign_form[name]) for name in ("station", "assignee", "appointment_slot")}
        if assign_form
        else {},
        "note_form": forms.get("note_form") or NoteForm(),
        "resolution_form": forms.get("resolution_form")
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
        ),
        # The catalogue a technician picks the fault code from (quality codes are fed back).
        "fault_codes": list(selectors.active_fault_codes()) if ticket.status not in FINAL_STATUSES else [],
        # Claims, ratings and callbacks, from the apps above tickets (tickets/hooks.py).
        **hooks.extra_context(hooks.ticket_page_context, ticket),
        "attachments": list(ticket.attachments.all()),
        "now": timezone.now(),
        "today": timezone.localdate(),
        # A missed stage was escalated while the ticket is still being worked (tickets/sla/escalation.py).
        "escalated": ticket.escalated_at is not None and ticket.status in OPEN_STATUSES,
        "sees_all": is_desk,
        # Details typed on the portal that differ from the customer's record, for those who may
        # take them over.
        "contact_offer": submitted_contact.offer_for(ticket) if is_desk else [],
    }
    return render(request, "tickets/detail.html", context, status=status)


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
    form = AssignForm(request.POST)
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
