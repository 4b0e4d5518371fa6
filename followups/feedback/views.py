"""The feedback inbox of the design, production and operations departments (no-leak 4).

Views parse input, call one service or selector, and render (docs/architecture.md#house-rules). Bad input is
answered with the form again and status 400; a stale acknowledgement or answer with 409; an
item of another department is not found.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.access import feedback_required
from aftersales.errors import add_errors_to_form
from aftersales.pagination import PAGE_SIZES, CappedPaginator, page_size_from
from aftersales.roles import sees_all_tickets
from followups.feedback import services as feedback
from followups.feedback.forms import GROUPS_VIEW, FeedbackAnswerForm, FeedbackFilterForm
from followups.models import FeedbackItem
from tickets.models import FaultCode


@feedback_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = FeedbackFilterForm(request.GET or None, departments=feedback.departments_of(request.user))
    valid = form.is_bound and form.is_valid()
    filters = form.cleaned_data if valid else {}
    items = feedback.feedback_inbox(
        request.user,
        now=now,
        status=filters.get("status", ""),
        department=filters.get("department", ""),
        model_id=filters["model"].pk if filters.get("model") else None,
        batch=filters.get("batch", "").strip(),
        component=filters.get("component", "").strip(),
        overdue=filters.get("overdue", False),
    )
    size = page_size_from(request, settings.DESK_PAGE_SIZE)
    if form.grouped:
        page = Paginator(feedback.feedback_groups(items, now=now), size).get_page(request.GET.get("page"))
        page.object_list = feedback.as_groups(page.object_list)
    else:
        page = CappedPaginator(items, size, cap=settings.DESK_COUNT_CAP).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    # The same filters, as a list of items or grouped.
    as_list = params.copy()
    as_list.pop("view", None)
    as_groups = as_list.copy()
    as_groups["view"] = GROUPS_VIEW
    return render(
        request,
        "feedback/inbox.html",
        {
            "nav": "feedback",
            "filter_form": form,
            "grouped": form.grouped,
            "page": page,
            "query_string": params.urlencode(),
            "list_query": as_list.urlencode(),
            "groups_query": as_groups.urlencode(),
            "page_sizes": PAGE_SIZES,
        },
        status=400 if form.is_bound and not valid else 200,
    )


def _render_item(
    request: HttpRequest, item: FeedbackItem, *, answer_form: FeedbackAnswerForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "feedback/item.html",
        {
            "nav": "feedback",
            "item": item,
            "ticket": item.ticket,
            "fault_code": FaultCode.objects.filter(code=item.fault_code).first(),
            "sees_ticket": sees_all_tickets(request.user),
            "answer_form": answer_form or FeedbackAnswerForm(),
        },
        status=status,
    )


@feedback_required
@require_GET
def item(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_item(request, feedback.feedback_item_for(request.user, pk, now=timezone.now()))


def _refused(request: HttpRequest, pk: int, exc: ValidationError, form: FeedbackAnswerForm | None = None):
    """The item page again, with why nothing was saved: 409 when the item moved on, else 400."""
    conflict = getattr(exc, "code", None) == "conflict"
    if form is not None and not conflict:
        add_errors_to_form(form, exc)
    else:
        form = None  # the item moved on: the form it was meant for no longer applies
        for message in exc.messages:
            messages.error(request, message)
    fresh = feedback.feedback_item_for(request.user, pk, now=timezone.now())
    return _render_item(request, fresh, answer_form=form, status=409 if conflict else 400)


@feedback_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    found = feedback.feedback_item_for(request.user, pk, now=timezone.now())
    try:
        feedback.feedback_acknowledge(item=found, by=request.user)
    except ValidationError as exc:
        return _refused(request, pk, exc)
    messages.success(request, _("Feedback acknowledged."))
    return redirect("feedback:item", pk=found.pk)


@feedback_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    found = feedback.feedback_item_for(request.user, pk, now=timezone.now())
    form = FeedbackAnswerForm(request.POST)
    if not form.is_valid():
        return _render_item(request, found, answer_form=form, status=400)
    try:
        feedback.feedback_answer(
            item=found,
            by=request.user,
            cause=form.cleaned_data["cause"],
            corrective_action=form.cleaned_data["corrective_action"],
        )
    except ValidationError as exc:
        return _refused(request, pk, exc, form)
    messages.success(request, _("Answer saved: the feedback is closed."))
    return redirect("feedback:item", pk=found.pk)
