"""Recall campaigns in the manager's pages (``/dashboard/recalls/``): the campaigns and the
open batch alerts, starting a recall (with a preview of the units it reaches), one campaign's
progress and units. Managers and administrators only.

Views parse input, call one service or selector, and render (docs/architecture.md#house-rules); the rules live
in quality/recalls/services.py.
"""

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from aftersales.access import network_manager_required
from aftersales.errors import add_errors_to_form
from aftersales.pagination import PAGE_SIZES, CappedPaginator, page_size_from
from quality.recalls import selectors as recall_selectors
from quality.recalls import services as recalls
from quality.recalls.forms import RecallForm, initial_from_alert

# The submit buttons of the recall form: check the units it reaches, go back to edit, start it.
PREVIEW, EDIT, CONFIRM = "preview", "edit", "confirm"


def _page(request: HttpRequest, rows):
    paginator = CappedPaginator(rows, page_size_from(request, settings.DESK_PAGE_SIZE), cap=settings.DESK_COUNT_CAP)
    return paginator.get_page(request.GET.get("page"))


def _query_string(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@network_manager_required
@require_GET
def recall_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, recall_selectors.campaigns_with_progress())
    return render(
        request,
        "recalls/list.html",
        {
            "nav": "recalls",
            "page": page,
            # Still-opening campaigns show what is opened so far; their page counts the rest.
            "rows": [(campaign, recall_selectors.progress_of(campaign)) for campaign in page.object_list],
            "alerts": recall_selectors.open_batch_alerts(),
            "query_string": _query_string(request),
            "page_sizes": PAGE_SIZES,
        },
    )


def _render_form(
    request: HttpRequest,
    form: RecallForm,
    *,
    alert=None,
    preview: recalls.RecallPreview | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "recalls/new.html",
        {
            "nav": "recalls",
            "form": form,
            "alert": alert,
            "preview": preview,
            # A new key for each preview: confirming it twice starts one recall.
            "request_key": uuid.uuid4().hex if preview is not None else "",
        },
        status=status,
    )


@network_manager_required
@require_http_methods(["GET", "POST"])
def recall_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        alert_id = request.GET.get("alert", "")
        alert = recall_selectors.open_batch_alert(int(alert_id)) if alert_id.isdigit() else None
        form = RecallForm(initial=initial_from_alert(alert) if alert is not None else None)
        return _render_form(request, form, alert=alert)

    form = RecallForm(request.POST)
    if not form.is_valid():
        return _render_form(request, form, status=400)
    alert = form.cleaned_data["alert"]
    action = request.POST.get("action", PREVIEW)
    if action == EDIT:
        return _render_form(request, form, alert=alert)
    try:
        preview = recalls.recall_preview(**form.recall_input())
    except ValidationError as exc:
        add_errors_to_form(form, exc)
        return _render_form(request, form, alert=alert, status=400)
    if action != CONFIRM:
        return _render_form(request, form, alert=alert, preview=preview)
    try:
        campaign = recalls.start_recall(
            **form.recall_input(),
            by=request.user,
            alert=alert,
            request_key=request.POST.get("request_key", "")[:64],
        )
    except ValidationError as exc:
        add_errors_to_form(form, exc)
        return _render_form(request, form, alert=alert, status=400)
    messages.success(
        request,
        _("Recall started: the tickets and calls for %(units)d units are being opened.") % {"units": preview.units},
    )
    return redirect("recalls:detail", pk=campaign.pk)


@network_manager_required
@require_GET
def recall_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(recall_selectors.campaigns_with_progress(), pk=pk)
    page = _page(request, recall_selectors.campaign_unit_rows(campaign))
    return render(
        request,
        "recalls/detail.html",
        {
            "nav": "recalls",
            "campaign": campaign,
            "progress": recall_selectors.progress_of(campaign, pending=recall_selectors.pending_count(campaign)),
            "page": page,
            "query_string": _query_string(request),
            "page_sizes": PAGE_SIZES,
        },
    )
