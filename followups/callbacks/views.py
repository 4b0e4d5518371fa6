"""The callback queue in the desk: the calls to make, one call's page, recording an attempt.

Views parse input, call one service or selector, and render (docs/architecture.md#house-rules). The rules
(unreachable after three failed calls on two days, a dissatisfied customer reopening the
case) live in followups.callbacks.services.record_attempt.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.access import all_tickets_required
from aftersales.errors import add_errors_to_form
from aftersales.pagination import PAGE_SIZES, CappedPaginator, page_size_from
from followups.callbacks import selectors
from followups.callbacks.forms import ASSIGNED_TO_ME, NOT_REACHED_BUTTONS, CallbackAttemptForm, CallbackQueueFilterForm
from followups.callbacks.offer_forms import CallbackOfferForm
from followups.callbacks.offer_page import offer_context
from followups.callbacks.services import record_attempt
from followups.choices import CallbackResult, CallbackStatus
from followups.csi.phone import phone_script, scripted_call
from followups.models import CallbackVisit
from tickets.choices import Status
from tickets.models import Ticket


@all_tickets_required
@require_GET
def callback_queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = CallbackQueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.callback_queue(
        now=now,
        kind=filters.get("kind", ""),
        assigned_to=request.user if filters.get("assigned") == ASSIGNED_TO_ME else None,
        overdue_only=filters.get("overdue", False),
        search=filters.get("q", ""),
    )
    paginator = CappedPaginator(rows, page_size_from(request, settings.DESK_PAGE_SIZE), cap=settings.DESK_COUNT_CAP)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "followups/queue.html",
        {
            "nav": "callbacks",
            "filter_form": form,
            "page": page,
            "query_string": params.urlencode(),
            "page_sizes": PAGE_SIZES,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _render_call(
    request: HttpRequest,
    visit: CallbackVisit,
    form: CallbackAttemptForm,
    status: int = 200,
    offer_form: CallbackOfferForm | None = None,
    script=None,
):
    return render(
        request,
        "followups/callback.html",
        {
            "nav": "callbacks",
            "visit": visit,
            "ticket": visit.ticket,
            "attempts": list(visit.attempts.all()),
            "form": form,
            "not_reached_buttons": NOT_REACHED_BUTTONS,
            "is_due": visit.status == CallbackStatus.DUE,
            "now": timezone.now(),
            # A CSI program's questions replace the four scores when one applies (followups/csi/phone.py).
            "csi_script": script if script is not None else phone_script(visit),
            **offer_context(visit, offer_form),
        },
        status=status,
    )


@all_tickets_required
@require_GET
def callback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_call(request, selectors.callback_for_call(pk), CallbackAttemptForm())


def _outcome_message(visit: CallbackVisit, result: str, status_before: str | None) -> str:
    """What the agent is told after the call, in the order it matters to them."""
    if visit.complaint_ticket is not None:
        complaint = visit.complaint_ticket.reference
        if visit.ticket is None:
            return _("Complaint %(complaint)s opened.") % {"complaint": complaint}
        values = {"reference": visit.ticket.reference, "complaint": complaint}
        status_now = Ticket.objects.values_list("status", flat=True).get(pk=visit.ticket_id)
        if status_now == Status.REOPENED and status_before != Status.REOPENED:
            return _("Ticket %(reference)s reopened; complaint %(complaint)s opened.") % values
        return _("Complaint %(complaint)s opened about ticket %(reference)s.") % values
    if visit.status == CallbackStatus.UNREACHABLE:
        return _("Customer marked unreachable.")
    if visit.status == CallbackStatus.DONE:
        return _("Call recorded: the callback to %(name)s is done.") % {"name": visit.customer.name}
    return _("%(result)s recorded for %(name)s; the callback stays in the queue.") % {
        "result": CallbackResult(result).label,
        "name": visit.customer.name,
    }


@all_tickets_required
@require_POST
def callback_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.callback_for_call(pk)
    form = CallbackAttemptForm(request.POST)
    script = phone_script(visit, request.POST)
    if script is not None and request.POST.get("result") == CallbackResult.REACHED:
        return scripted_call(request, visit, form, script, render_call=_render_call, outcome=_outcome_message)
    if form.is_valid():
        data = form.cleaned_data
        status_before = visit.ticket.status if visit.ticket is not None else None
        try:
            recorded = record_attempt(
                visit=visit,
                result=data["result"],
                by=request.user,
                note=data["note"],
                scores=form.scores(),
                comment=data["comment"],
                raised_complaint=data["raised_complaint"],
                complaint_class=form.complaint_class_chosen(),
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _outcome_message(recorded, data["result"], status_before))
            return redirect("followups:queue")
    return _render_call(request, visit, form, status=400)
