"""The customer portal at ``/``: request service, track it, rate it, register a product.

No staff account is needed. A request is opened for tracking with its reference and the
phone number it was made with (both must match; a wrong pair gets one answer whichever part
was wrong), or through a customer account. Submitting and tracking are rate-limited per
address and per phone; a hidden honeypot field stops simple bots (DESIGN.md section 8).
"""

from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from aftersales.errors import add_errors_to_form
from aftersales.ratelimits import is_limited, posted_phone_key
from aftersales.roles import Role, roles_of, sees_all_tickets
from customers.models import Language
from customers.selectors import active_models
from tickets import portal, warranty
from tickets import three_guarantees as tg
from tickets.choices import Status
from tickets.models import Attachment, Ticket, TicketEvent
from tickets.portal_forms import AddInfoForm, CancelForm, RateForm, RegisterForm, SubmitForm, TrackForm
from tickets.selectors import REFERENCE_RE

SESSION_KEY = "portal_tickets"
NOT_FOUND = gettext_lazy("We could not find a request with this reference and phone number.")
TOO_MANY = gettext_lazy("Too many attempts. Please wait a while and try again.")

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


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"nav": "home"})


def _models_context() -> dict:
    return {"models": active_models()}


# The blank request form is the same for every visitor in a language but costs more to render
# than the rest of the page together (its widgets and the list of models); it is rendered once
# and served from the cache. A model added to the catalogue is offered within this many seconds.
BLANK_FORM_SECONDS = 60


def _blank_fields() -> str:
    key = f"portal:blank-request-form:{translation.get_language()}"
    fields = caches["fragments"].get(key)
    if fields is None:
        fields = render_to_string("portal/_submit_fields.html", {"form": SubmitForm(), **_models_context()})
        caches["fragments"].set(key, fields, BLANK_FORM_SECONDS)
    return mark_safe(fields)  # noqa: S308 - rendered by Django's templates, escaped there


@ratelimit(key="ip", rate="20/h", method="POST", block=False)
@ratelimit(key=posted_phone_key, rate="5/h", method="POST", block=False)
def submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(
            request, "portal/submit.html", {"form": SubmitForm(), "nav": "submit", "blank_fields": _blank_fields()}
        )
    form = SubmitForm(request.POST, request.FILES)
    if is_limited(request):
        form.add_error(None, TOO_MANY)
        return render(request, "portal/submit.html", {"form": form, "nav": "submit", **_models_context()}, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            ticket = portal.portal_submit(
                contact=form.contact(Language.active()),
                model=data["model"],
                serial=data["serial"],
                purchase_date=data["purchase_date"],
                kind=data["kind"],
                description=data["description"],
                preferred_visit_date=data["preferred_visit_date"],
                preferred_visit_slot=data["preferred_visit_slot"],
                proof=data["proof"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            _grant(request, ticket)
            request.session["portal_submitted"] = ticket.reference
            return redirect("portal:submitted")
    return render(request, "portal/submit.html", {"form": form, "nav": "submit", **_models_context()}, status=400)


@require_GET
def submitted(request: HttpRequest) -> HttpResponse:
    reference = request.session.get("portal_submitted")
    ticket = _granted(request, reference) if reference else None
    if ticket is None:
        return redirect("portal:submit")
    return render(request, "portal/submitted.html", {"ticket": ticket, "nav": "submit"})


@require_GET
def warranty_preview(request: HttpRequest) -> HttpResponse:
    """What the three guarantees give for this model and purchase date, in plain words,
    before the customer submits (assuming they show an invoice or warranty card)."""
    form = SubmitForm(request.GET)
    context: dict = {"decision": None}
    model = purchase_date = None
    try:
        model = form.fields["model"].clean(request.GET.get("model", ""))
        purchase_date = form.fields["purchase_date"].clean(request.GET.get("purchase_date", ""))
    except ValidationError:
        pass
    if model is not None and purchase_date is not None:
        policy = warranty.policy_for_category(model.category.code, purchase_date)
        if policy is not None:
            facts = {"start_date": purchase_date, "claim_date": timezone.localdate(), "proof": {"invoice": True}}
            try:
                decision = warranty.evaluate(facts, policy)
            except tg.FactsError:
                decision = None
            if decision is not None:
                context.update(
                    decision=decision,
                    reasons=tg.reason_texts(decision),
                    remedies=[tg.Remedy(code).label for code in decision.remedies],
                    model=model,
                )
    return render(request, "portal/partials/warranty_preview.html", context)


@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def register_product(request: HttpRequest) -> HttpResponse:
    context = {"nav": "register", **_models_context()}
    if request.method != "POST":
        return render(request, "portal/register.html", {"form": RegisterForm(), **context})
    form = RegisterForm(request.POST)
    if is_limited(request):
        form.add_error(None, TOO_MANY)
        return render(request, "portal/register.html", {"form": form, **context}, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            unit = portal.portal_register_unit(
                contact=form.contact(Language.active()),
                model=data["model"],
                serial=data["serial"],
                purchase_date=data["purchase_date"],
                installation_date=data["installation_date"],
                dealer=data["dealer"],
                has_invoice=data["has_invoice"],
                has_warranty_card=data["has_warranty_card"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc, {"invoice_date": "purchase_date"})
        else:
            return render(request, "portal/registered.html", {"unit": unit, **context})
    return render(request, "portal/register.html", {"form": form, **context}, status=400)


# --- tracking -------------------------------------------------------------------------------


def _grant(request: HttpRequest, ticket: Ticket) -> None:
    allowed = request.session.get(SESSION_KEY, [])
    if ticket.pk not in allowed:
        request.session[SESSION_KEY] = [*allowed[-19:], ticket.pk]


def _granted(request: HttpRequest, reference: str | None) -> Ticket | None:
    """The ticket if this visitor proved they may see it (reference + phone this session, or
    their own account); None otherwise, whether or not it exists."""
    if not reference or not REFERENCE_RE.match(reference):
        return None
    ticket = (
        Ticket.objects.select_related("customer", "unit__model", "assignee", "station")
        .filter(reference=reference.upper())
        .first()
    )
    if ticket is None:
        return None
    if ticket.pk in request.session.get(SESSION_KEY, []):
        return ticket
    customer = getattr(request.user, "customer", None) if request.user.is_authenticated else None
    return ticket if customer is not None and customer.pk == ticket.customer_id else None


@ratelimit(key="ip", rate="30/h", method="POST", block=False)
@ratelimit(key=posted_phone_key, rate="10/h", method="POST", block=False)
def track(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "portal/track.html", {"form": TrackForm(initial=request.GET), "nav": "track"})
    form = TrackForm(request.POST)
    if is_limited(request):
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
            _grant(request, ticket)
            return redirect("portal:track_detail", reference=ticket.reference)
        form.add_error(None, NOT_FOUND)
    return render(request, "portal/track.html", {"form": form, "nav": "track"}, status=400)


def _track_page(request: HttpRequest, ticket: Ticket, status: int = 200, **forms) -> HttpResponse:
    events = (
        TicketEvent.objects.filter(ticket=ticket, is_public=True).exclude(kind="assigned").order_by("created_at", "id")
    )
    reached = STEPS.index(ticket.status) if ticket.status in STEPS else -1
    steps = [
        {"label": Status(step).label, "done": i < reached, "current": i == reached} for i, step in enumerate(STEPS)
    ]
    rated = ticket.ratings.filter(source="portal").first()
    return render(
        request,
        "portal/track_detail.html",
        {
            "ticket": ticket,
            "events": events,
            "meaning": STATUS_MEANINGS.get(ticket.status, ""),
            "steps": steps,
            "attachments": Attachment.objects.filter(ticket=ticket, uploaded_by_customer=True),
            "can_cancel": ticket.status in (Status.NEW, Status.ACKNOWLEDGED),
            "can_add": ticket.status not in (Status.CLOSED, Status.CANCELLED, Status.MERGED),
            "can_rate": ticket.status in portal.RATEABLE and rated is None,
            "rating": rated,
            "add_form": forms.get("add_form") or AddInfoForm(),
            "cancel_form": forms.get("cancel_form") or CancelForm(),
            "rate_form": forms.get("rate_form") or RateForm(),
            "nav": "track",
        },
        status=status,
    )


def _ticket_or_track(request: HttpRequest, reference: str) -> Ticket | HttpResponse:
    ticket = _granted(request, reference)
    if ticket is None:
        return redirect(f"{reverse('portal:track')}?reference={reference[:20]}")
    return ticket


@require_GET
def track_detail(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket_or_track(request, reference)
    return ticket if isinstance(ticket, HttpResponse) else _track_page(request, ticket)


@require_POST
@ratelimit(key="ip", rate="30/h", method="POST", block=False)
def track_add(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket_or_track(request, reference)
    if isinstance(ticket, HttpResponse):
        return ticket
    form = AddInfoForm(request.POST, request.FILES)
    if is_limited(request):
        form.add_error(None, TOO_MANY)
        return _track_page(request, ticket, 429, add_form=form)
    if form.is_valid():
        try:
            portal.portal_add_info(
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
    ticket = _ticket_or_track(request, reference)
    if isinstance(ticket, HttpResponse):
        return ticket
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            portal.portal_cancel(ticket=ticket, customer=ticket.customer, reason=form.cleaned_data["reason"])
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
    ticket = _ticket_or_track(request, reference)
    if isinstance(ticket, HttpResponse):
        return ticket
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            portal.portal_rate(
                ticket=ticket,
                customer=ticket.customer,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("portal:track_detail", reference=ticket.reference)
    return _track_page(request, ticket, 400, rate_form=form)


@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    """A stored file, only to staff who may see its ticket or the customer it belongs to."""
    item = Attachment.objects.select_related("ticket").filter(pk=pk).first()
    if item is None:
        raise Http404
    ticket = item.ticket
    user = request.user
    allowed = (
        sees_all_tickets(user)
        or (Role.TECHNICIAN in roles_of(user) and ticket.assignee_id == user.pk)
        or _granted(request, ticket.reference) is not None
    )
    if not allowed:
        raise Http404
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = "inline" if item.content_type.startswith("image/") else "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
