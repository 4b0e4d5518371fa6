"""The customer's confirm-or-move page, opened from the link in the message of a booked visit.

No account is needed: the visit's link key is the key (a random UUID, replaced on every move or
cancellation, so an old link stops working). An unknown key is the site's plain 404, saying
nothing about any visit. Posts are limited per client address like the other public forms.
Changes go through fieldwork/booking/services.py, which logs them on the ticket's timeline and
tells the technician.
"""

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from aftersales.errors import add_errors_to_form
from aftersales.ratelimits import is_limited
from fieldwork.booking.availability import free_slots, slot_settings
from fieldwork.booking.services import customer_may_change, visit_confirm, visit_move
from fieldwork.models import Visit, VisitStatus

TOO_MANY = _("Too many attempts. Please wait a while and try again.")
# Generous for a household sharing one address; tight for anyone trying links in bulk.
VISIT_POST_RATE = "20/h"


class MoveForm(forms.Form):
    """The customer picks one of the free slots offered (the service checks it again, locked)."""

    start = forms.ChoiceField(label=_("New time"), widget=forms.RadioSelect)

    def __init__(self, *args, slots=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = [(slot.key, _slot_label(slot.start, slot.end)) for slot in slots]
        self.days = {slot.key: timezone.localtime(slot.start).date() for slot in slots}

    def by_day(self) -> list[tuple[str, list]]:
        """The slot choices grouped under their day, for a phone: (day, [radio, …])."""
        groups: dict[dt.date, list] = {}
        for radio in self["start"]:
            groups.setdefault(self.days[radio.data["value"]], []).append(radio)
        return [
            (f"{date_format(day, 'l')} {date_format(day, 'SHORT_DATE_FORMAT')}", radios)
            for day, radios in groups.items()
        ]

    def start_moment(self) -> dt.datetime:
        return parse_datetime(self.cleaned_data["start"])


def _slot_label(start: dt.datetime, end: dt.datetime) -> str:
    return f"{time_format(timezone.localtime(start), 'H:i')}–{time_format(timezone.localtime(end), 'H:i')}"


def _visit_for(token) -> Visit:
    visit = (
        Visit.objects.select_related("ticket__customer", "ticket__unit__model", "technician", "station")
        .filter(token=token)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def _move_slots(visit: Visit, settings, now: dt.datetime):
    """The free slots of the visit's technician the customer may move to: from the cut-off on."""
    earliest = now + dt.timedelta(hours=settings.change_cutoff_hours)
    found = free_slots(
        visit.station,
        date_from=timezone.localdate(earliest),
        date_to=timezone.localdate(now) + dt.timedelta(days=settings.days_ahead),
        technician=visit.technician,
        now=now,
        exclude_visit=visit,
    )
    return [slot for slot in found if slot.start >= earliest and slot.start != visit.start]


def _page(request: HttpRequest, visit: Visit, *, move_form=None, error: str = "", status: int = 200, now=None):
    now = now or timezone.now()
    settings = slot_settings(visit.station)
    changeable = customer_may_change(visit, settings, now)
    slots = _move_slots(visit, settings, now) if changeable else []
    unit = visit.ticket.unit
    context = {
        "visit": visit,
        "ticket": visit.ticket,
        "technician_name": visit.technician.first_name or visit.technician.get_username(),
        "product": unit.model.display_name if unit else "",
        "changeable": changeable,
        "finished": visit.status not in (VisitStatus.BOOKED, VisitStatus.CONFIRMED),
        "cutoff_hours": settings.change_cutoff_hours,
        "move_form": move_form or MoveForm(slots=slots),
        "has_slots": bool(slots),
        "error": error,
    }
    return render(request, "fieldwork/visit_links/visit.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@ratelimit(group="visit-link-ip", key="ip", rate=VISIT_POST_RATE, method="POST", block=False)
def visit_link(request: HttpRequest, token) -> HttpResponse:
    visit = _visit_for(token)
    if request.method != "POST":
        return _page(request, visit)
    if is_limited(request):
        return _page(request, visit, error=str(TOO_MANY), status=429)
    customer = visit.ticket.customer
    now = timezone.now()
    try:
        if request.POST.get("action") == "confirm":
            visit_confirm(visit=visit, customer=customer, now=now)
            return redirect("visit:link", token=visit.token)
        settings = slot_settings(visit.station)
        slots = _move_slots(visit, settings, now) if customer_may_change(visit, settings, now) else []
        form = MoveForm(request.POST, slots=slots)
        if not form.is_valid():
            return _page(request, visit, move_form=form, status=400)
        try:
            moved = visit_move(visit=visit, start=form.start_moment(), customer=customer, now=now)
        except ValidationError as exc:
            add_errors_to_form(form, exc)
            return _page(request, visit, move_form=form, status=400)
        return redirect("visit:link", token=moved.token)
    except (ValidationError, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        return _page(request, Visit.objects.get(pk=visit.pk), error=" ".join(messages), status=400)
