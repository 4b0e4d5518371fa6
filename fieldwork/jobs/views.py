"""The technician's day and the on-site job, on a phone (docs/technician-day.md).

Only the signed-in technician's own visits: another's visit is a 404. Every job form carries an
idempotency key (fieldwork/jobs/idempotency.py), so a form the phone sends twice records once.
Bad input is answered with the job screen again, the messages next to the fields, status 400.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.access import desk_required
from fieldwork.jobs import actions, selectors
from fieldwork.jobs.idempotency import run_once
from fieldwork.models import ChargeKind, Complexity, JobPhoto, PhotoStage, VisitStatus


def _day(request: HttpRequest) -> dt.date:
    return parse_date(request.GET.get("date") or "") or timezone.localdate()


@require_GET
@desk_required
def today(request: HttpRequest) -> HttpResponse:
    """The signed-in technician's visits of the day (``?date=``), in time order."""
    day = _day(request)
    context = {
        "nav": "today",
        "day": day,
        "is_today": day == timezone.localdate(),
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "cards": selectors.day_of(request.user, day),
    }
    return render(request, "fieldwork/jobs/today.html", context)


def _job_page(request: HttpRequest, visit, *, errors=None, form: str = "", status: int = 200) -> HttpResponse:
    record = selectors.job_of(visit)
    context = {
        "nav": "today",
        "visit": visit,
        "ticket": visit.ticket,
        "record": record,
        "photos": selectors.photos_of(visit),
        "parts_used": selectors.parts_used_on(visit),
        "stock": selectors.parts_in_stock(visit, limit=50),
        "is_open": visit.status not in (VisitStatus.DONE, VisitStatus.CANCELLED),
        "is_checked_in": visit.status == VisitStatus.CHECKED_IN,
        "charge_kinds": ChargeKind.choices,
        "complexities": Complexity.choices,
        "photo_stages": PhotoStage.choices,
        "errors": errors or {},
        "failed_form": form,
        "posted": request.POST if form else {},
        "keys": actions.fresh_keys(),
    }
    return render(request, "fieldwork/jobs/job.html", context, status=status)


@require_GET
@desk_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    return _job_page(request, selectors.own_visit(request.user, pk))


@require_POST
@desk_required
def job_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One job form: check-in, record, photo, part, signature or check-out, applied once per key."""
    visit = selectors.own_visit(request.user, pk)
    if action not in actions.FORM_ACTIONS:
        raise Http404(action)
    try:
        outcome = run_once(
            user=request.user,
            key=request.POST.get("idempotency_key"),
            scope=f"form.{action}",
            action=lambda: actions.apply(action, visit, request.user, request.POST, request.FILES),
        )
    except ValidationError as exc:
        return _job_page(request, visit, errors=exc.message_dict, form=action, status=400)
    if outcome.replayed:
        messages.info(request, _("This was sent already; it is recorded once."))
    else:
        messages.success(request, actions.DONE_MESSAGES[action]())
    page = reverse("fieldwork:job", args=[visit.pk])
    if request.headers.get("X-Job-Draft"):
        # Sent by static/js/job_draft.js: it clears the phone's draft, then opens the page itself
        # (following a redirect inside fetch() would show this message on a page nobody sees).
        # The page itself, without the anchor: a change of anchor alone would not load it again.
        return JsonResponse({"location": page})
    return redirect(f"{page}#{action}")


@require_GET
@desk_required
def parts_search(request: HttpRequest, pk: int) -> JsonResponse:
    """Parts in stock at the visit's station matching ``q`` (part number or name), as JSON."""
    visit = selectors.own_visit(request.user, pk)
    return JsonResponse({"results": selectors.parts_in_stock(visit, request.GET.get("q", ""))})


@require_GET
@desk_required
def photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    """A job photo, only to the visit's technician."""
    visit = selectors.own_visit(request.user, pk)
    item = JobPhoto.objects.filter(visit=visit, pk=photo_pk).first()
    if item is None:
        raise Http404(photo_pk)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@desk_required
def signature(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's signature on the job, only to the visit's technician."""
    visit = selectors.own_visit(request.user, pk)
    record = selectors.job_of(visit)
    if record is None or not record.signature:
        raise Http404(pk)
    response = FileResponse(record.signature.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response
