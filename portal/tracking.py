"""Tracking a request on the portal (docs/threat-model.md).

A request is opened with its reference and the phone it was made with (both must match; a
wrong pair gets one answer whichever part was wrong): that shows where it stands. Its details,
files, timeline and actions (add information, cancel, rate) need the phone proven with a code
sent to it ("send me a code" on the page) or a proven customer account whose customer owns it
(portal/access.py). Opening is rate-limited per address and per address and phone, never
per phone alone, and a session that proved the phone is not held by its address's limit.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from aftersales.client_ip import client_ip
from aftersales.errors import add_errors_to_form
from aftersales.ratelimits import is_limited
from aftersales.roles import Role, roles_of, sees_all_tickets
from customers.models import Language
from customers.phone_code_models import CodePurpose
from customers.phone_codes import code_sent_context, code_verify, remember_proven_phone
from customers.referrals import invites_referrals, referral_invitation
from followups.ratings import RATEABLE_STATUSES, rating_record_from_portal
from notifications.codes import code_send
from portal.access import grant, sees_everything, visible_ticket
from portal.accounts.forms import CODE_WRONG, CodeField
from portal.forms import AddInfoForm, CancelForm, RateForm, TrackForm
from portal.phone_limits import address_phone_key, over_limits
from tickets.choices import Status
from tickets.customer_requests import customer_request_add_info, customer_request_cancel
from tickets.models import Attachment, Ticket, TicketEvent
from tickets.selectors import REFERENCE_RE

NOT_FOUND = gettext_lazy("We could not find a request with this reference and phone number.")
TOO_MANY = gettext_lazy("Too many attempts. Please wait a while and try again.")
PROVE_FIRST = gettext_lazy("To see the details of this request or act on it, enter the code we send to your phone.")
# Per address, for a session that has not proven the phone it posts.
TRACK_ADDRESS_RATE = "30/h"


class TrackCodeForm(forms.Form):
    code = CodeField()


# What each status means, in the customer's words.
STATUS_MEANINGS = {
    Status.NEW: gettext_lazy("We have received your request and will contact you soon."),
    Status.ACKNOWLEDGED: gettext_lazy("A service agent has taken up your request and is arranging the service."),
    Status.DISPATCHED: gettext_lazy("A technician has been assigned and will come at the agreed time."),
    Status.IN_PROGRESS: gettext_lazy("The technician is working on it."),
    Status.ON_HOLD: gettext_lazy("Your request is paused while we wait for something from you or for parts."),
    Status.RESOLVED: gettext_lazy("The work is done. Please tell us how satisfied you are."),
    Status.VERIFIED: gettext_lazy("We have checked the result with you."),
    Status.CLOSED: gettext_lazy("Your request is complete. Thank you!"),
    Status.REOPENED: gettext_lazy("The problem is back; we are handling your request again."),
    Status.CANCELLED: gettext_lazy("This request was cancelled."),
    Status.MERGED: gettext_lazy("This request was joined with another one of yours about the same problem."),
}
STEPS = (Status.NEW, Status.ACKNOWLEDGED, Status.DISPATCHED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED)


@ratelimit(group="portal-track-phone", key=address_phone_key, rate="10/h", method="POST", block=False)
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "portal/track.html", {"form": TrackForm(initial=request.GET), "nav": "track"})
    form = TrackForm(request.POST)
    if over_limits(request, group="portal-track-ip", address_rate=TRACK_ADDRESS_RATE):
        form.add_error(None, TOO_MANY)
        return render(request, "portal/track.html", {"form": form, "nav": "track"}, status=429)
    if form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        ticket = (
            Ticket.objects.filter(reference=reference, customer__phone=form.cleaned_data["phone"]).first()
            if REFERENCE_RE.match(reference)
            else None
        )
        if ticket is not None:
            grant(request, ticket)
            return redirect("portal:track_detail", reference=ticket.reference)
        form.add_error(None, NOT_FOUND)
    return render(request, "portal/track.html", {"form": form, "nav": "track"}, status=400)


def _track_page(request: HttpRequest, ticket: Ticket, status: int = 200, **forms) -> HttpResponse:
    """Where the request stands for anyone who opened it; its details, files, timeline and
    actions only for its proven customer (portal/access.py). A customer who rated the
    service already, on the portal or on the phone in a callback, is not asked again."""
    reached = STEPS.index(ticket.status) if ticket.status in STEPS else -1
    steps = [
        {"label": Status(step).label, "done": i < reached, "current": i == reached} for i, step in enumerate(STEPS)
    ]
    context = {
        "ticket": ticket,
        "meaning": STATUS_MEANINGS.get(ticket.status, ""),
        "steps": steps,
        "sees_everything": sees_everything(request, ticket),
        "code_form": forms.get("code_form") or TrackCodeForm(),
        "nav": "track",
        **forms,
    }
    if context["sees_everything"]:
        rating = ticket.ratings.order_by("created_at", "id").first()
        context.update(
            events=TicketEvent.objects.filter(ticket=ticket, is_public=True)
            .exclude(kind="assigned")
            .order_by("created_at", "id"),
            attachments=Attachment.objects.filter(ticket=ticket, uploaded_by_customer=True),
            can_cancel=ticket.status in (Status.NEW, Status.ACKNOWLEDGED),
            can_add=ticket.status not in (Status.CLOSED, Status.CANCELLED, Status.MERGED),
            can_rate=ticket.status in RATEABLE_STATUSES and rating is None,
            rating=rating,
            add_form=forms.get("add_form") or AddInfoForm(),
            cancel_form=forms.get("cancel_form") or CancelForm(),
            rate_form=forms.get("rate_form") or RateForm(),
        )
    return render(request, "portal/track_detail.html", context, status=status)


def _ticket_or_track(request: HttpRequest, reference: str, *, to_act: bool = False) -> Ticket | HttpResponse:
    """The ticket this visitor opened, or where they go instead: the tracking form when they
    have not opened it, its page (which offers the code) when they act without proof."""
    ticket = visible_ticket(request, reference)
    if ticket is None:
        return redirect(f"{reverse('portal:track')}?reference={reference[:20]}")
    if to_act and not sees_everything(request, ticket):
        messages.error(request, PROVE_FIRST)
        return redirect("portal:track_detail", reference=ticket.reference)
    return ticket


@require_GET
def track_detail(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket_or_track(request, reference)
    return ticket if isinstance(ticket, HttpResponse) else _track_page(request, ticket)


@require_POST
@ratelimit(key="ip", rate="30/h", method="POST", block=False)
def track_add(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket_or_track(request, reference, to_act=True)
    if isinstance(ticket, HttpResponse):
        return ticket
    form = AddInfoForm(request.POST, request.FILES)
    if is_limited(request):
        form.add_error(None, TOO_MANY)
        return _track_page(request, ticket, 429, add_form=form)
    if form.is_valid():
        try:
            customer_request_add_info(
                ticket=ticket,
                customer=ticket.customer,
                note=form.cleaned_data["note"],
                photo=form.cleaned_data["photo"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Thank you, we have added it to your request."))
            return redirect("portal:track_detail", reference=ticket.reference)
    return _track_page(request, ticket, 400, add_form=form)


@require_POST
def track_cancel(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket_or_track(request, reference, to_act=True)
    if isinstance(ticket, HttpResponse):
        return ticket
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            customer_request_cancel(ticket=ticket, customer=ticket.customer, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied):
            form.add_error(
                None, _("This request can no longer be cancelled online: a technician is on the way. Call us.")
            )
        else:
            messages.success(request, _("Your request is cancelled."))
            return redirect("portal:track_detail", reference=ticket.reference)
    return _track_page(request, ticket, 400, cancel_form=form)


@require_POST
def track_rate(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket_or_track(request, reference, to_act=True)
    if isinstance(ticket, HttpResponse):
        return ticket
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            rating = rating_record_from_portal(
                ticket=ticket,
                customer=ticket.customer,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            if invites_referrals(score=rating.score, raised_complaint=rating.raised_complaint):
                messages.info(request, referral_invitation(ticket.customer.referral_code))
            return redirect("portal:track_detail", reference=ticket.reference)
    return _track_page(request, ticket, 400, rate_form=form)


@require_POST
def track_code_send(request: HttpRequest, reference: str) -> HttpResponse:
    """Send a code to the phone of the request this visitor opened (the phone they typed to open
    it). The page says the same whatever the limits did (customers/phone_codes.py)."""
    ticket = _ticket_or_track(request, reference)
    if isinstance(ticket, HttpResponse):
        return ticket
    code_send(phone=ticket.customer.phone, purpose=CodePurpose.TRACK, language=Language.active(), ip=client_ip(request))
    return _track_page(request, ticket, **code_sent_context())


@require_POST
def track_code_verify(request: HttpRequest, reference: str) -> HttpResponse:
    """The code sent to the request's phone: right, and the session has proven that phone (for
    every request of that customer); wrong, and the page says so by the field."""
    ticket = _ticket_or_track(request, reference)
    if isinstance(ticket, HttpResponse):
        return ticket
    form = TrackCodeForm(request.POST)
    if form.is_valid():
        phone = ticket.customer.phone
        if code_verify(phone=phone, purpose=CodePurpose.TRACK, code=form.cleaned_data["code"]):
            remember_proven_phone(request, phone)
            return redirect("portal:track_detail", reference=ticket.reference)
        form.add_error("code", CODE_WRONG)
    return _track_page(request, ticket, 400, code_form=form)


@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored file, only to staff who may see its ticket or the customer it belongs to, proven
    by a code or their account (a reference and phone alone open no file)."""
    item = Attachment.objects.select_related("ticket__customer").filter(pk=pk).first()
    if item is None:
        raise Http404
    ticket = item.ticket
    user = request.user
    allowed = (
        sees_all_tickets(user)
        or (Role.TECHNICIAN in roles_of(user) and ticket.assignee_id == user.pk)
        or sees_everything(request, ticket)
    )
    if not allowed:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = "inline" if item.content_type.startswith("image/") else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
