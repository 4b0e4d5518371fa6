"""Callback visits: scheduling them, recording each call, cancelling them
(docs/lifecycle.md#callbacks-close-the-case). The one writer of a visit's status and call results, and of its attempts.

No-leak 3: every resolved case is re-checked with the customer. Resolving a ticket creates
its after-service callback, due within 72 hours, in the same transaction; completing an
installation also creates the 7- and 30-day callbacks. Three failed attempts on two
different days make the customer unreachable. A reached customer who rates the service 1–2
or raises a complaint reopens the ticket, gets a linked complaint ticket, and the managers
are told; the rating itself is recorded by followups/ratings.py. Reopening a ticket cancels
its after-service callbacks still to make. Every scheduler is idempotent through the visit's
unique ``dedupe_key``.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import ServiceContract
from customers.models import Customer, ProductUnit
from followups.choices import CallbackKind, CallbackResult, CallbackStatus, RatingSource
from followups.messages import notify_managers_of_dissatisfaction
from followups.models import CallbackAttempt, CallbackVisit
from followups.ratings import is_dissatisfied, rating_record
from followups.webhook_payloads import callback_data
from notifications import webhooks
from notifications.models import WebhookEvent
from tickets.choices import COMPLAINT_CLASS_GROUPS, EventKind, Kind, Status
from tickets.models import FaultCategory, Ticket
from tickets.services import append_event, ticket_create, ticket_transition

AFTER_SERVICE_WITHIN = dt.timedelta(hours=72)
INSTALLATION_CALLS = ((CallbackKind.INSTALLATION_7D, 7), (CallbackKind.INSTALLATION_30D, 30))
UNREACHABLE_AFTER_ATTEMPTS = 3
UNREACHABLE_AFTER_DAYS = 2


def schedule(
    *,
    kind: str,
    customer: Customer,
    due_at: dt.datetime,
    dedupe_key: str,
    ticket: Ticket | None = None,
    unit: ProductUnit | None = None,
    extended_warranty_offer: bool = False,
    contract: ServiceContract | None = None,
) -> CallbackVisit | None:
    """Create a callback unless one with ``dedupe_key`` exists; None when it already did.

    The unique key, not a prior read, decides: two schedulers racing on two workers create
    one visit. The visit goes to the customer's own service representative when they have one.
    """
    try:
        with transaction.atomic():
            return CallbackVisit.objects.create(
                kind=kind,
                customer=customer,
                ticket=ticket,
                unit=unit,
                due_at=due_at,
                dedupe_key=dedupe_key,
                assigned_to_id=customer.representative_id,
                extended_warranty_offer=extended_warranty_offer,
                contract=contract,
            )
    except IntegrityError:
        return None


def schedule_after_resolution(ticket: Ticket, *, now: dt.datetime) -> list[CallbackVisit]:
    """The callbacks a resolution owes: after service (each resolution of the case), and
    after an installation its 7- and 30-day calls."""
    customer = ticket.customer
    created = [
        schedule(
            kind=CallbackKind.AFTER_SERVICE,
            customer=customer,
            ticket=ticket,
            unit=ticket.unit,
            due_at=now + AFTER_SERVICE_WITHIN,
            dedupe_key=f"after_service:{ticket.pk}:{ticket.reopened_count}",
        )
    ]
    if ticket.kind == Kind.INSTALLATION:
        created += [
            schedule(
                kind=kind,
                customer=customer,
                ticket=ticket,
                unit=ticket.unit,
                due_at=now + dt.timedelta(days=days),
                dedupe_key=f"{kind}:{ticket.pk}",
            )
            for kind, days in INSTALLATION_CALLS
        ]
    return [visit for visit in created if visit is not None]


def cancel_due_after_service(ticket: Ticket) -> int:
    """Cancel the ticket's after-service callback still due: the resolution it would re-check was
    reopened, and the next resolution schedules its own. Returns how many were cancelled."""
    return CallbackVisit.objects.filter(
        ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE
    ).update(status=CallbackStatus.CANCELLED)


def _failed_attempts_make_unreachable(visit: CallbackVisit) -> bool:
    failed = [a.at for a in visit.attempts.all() if a.result != CallbackResult.REACHED]
    days = {timezone.localdate(at) for at in failed}
    return len(failed) >= UNREACHABLE_AFTER_ATTEMPTS and len(days) >= UNREACHABLE_AFTER_DAYS


def _check_score(name: str, value: int | None, *, required: bool) -> None:
    if value is None:
        if required:
            raise ValidationError({name: _("Give the customer's overall rating from 1 to 5.")})
        return
    if not 1 <= value <= 5:
        raise ValidationError({name: _("Choose from 1 to 5.")})


@transaction.atomic
def record_attempt(
    *,
    visit: CallbackVisit,
    result: str,
    by: AbstractBaseUser | None,
    note: str = "",
    scores: dict[str, int | None] | None = None,
    comment: str = "",
    raised_complaint: bool = False,
    at: dt.datetime | None = None,
    source: str = RatingSource.CALLBACK,
    customer: Customer | None = None,
    complaint_class: FaultCategory | None = None,
    low_contact_point: bool = False,
) -> CallbackVisit:
    """Record one call (or the customer's own survey answer, ``source=survey``).

    A reached customer settles the visit: their ratings are stored (the overall one where the
    dissatisfaction rate reads it); 1–2 or a complaint reopens the ticket, opens a complaint
    ticket and tells the managers. The complaint is about the callback's ticket
    (``complaint_about``), so it counts against that ticket's station, product, region and agent,
    and takes ``complaint_class`` as its class: a service class (attitude, delay, no-show,
    overcharging, workmanship) enters the complaint rate, a product fault the product-quality
    count. Failed calls count towards "unreachable". ``low_contact_point``: a CSI program's answers
    rated a contact point 1–2, so the rating counts as dissatisfied (followups/csi/services.py).
    """
    at = at or timezone.now()
    note = (note or "").strip()
    # Only the visit row is locked: its ticket is optional (an outer join PostgreSQL cannot lock).
    visit = CallbackVisit.objects.select_for_update(of=("self",)).select_related("ticket", "customer").get(pk=visit.pk)
    if visit.status != CallbackStatus.DUE:
        raise ValidationError({"result": _("This callback is already finished.")})
    if result not in CallbackResult.values:
        raise ValidationError({"result": _("Choose the result of the call.")})
    if complaint_class is not None and complaint_class.group not in COMPLAINT_CLASS_GROUPS:
        raise ValidationError({"complaint_class": _("Choose a service complaint class or a product fault.")})
    scores = scores or {}
    reached = result == CallbackResult.REACHED
    if reached:
        for name in ("score_attitude", "score_punctuality", "score_quality"):
            _check_score(name, scores.get(name), required=False)
        _check_score(
            "score_overall",
            scores.get("score_overall"),
            required=visit.kind == CallbackKind.AFTER_SERVICE and not raised_complaint,
        )
    CallbackAttempt.objects.create(visit=visit, result=result, note=note, by=by, at=at)
    ticket = visit.ticket
    if reached:
        for name in ("score_attitude", "score_punctuality", "score_quality", "score_overall"):
            setattr(visit, name, scores.get(name))
        visit.comment = (comment or "").strip()
        visit.raised_complaint = raised_complaint
        visit.status = CallbackStatus.DONE
        visit.completed_at = at
        overall = visit.score_overall
        if ticket is not None and overall is not None:
            rating_record(
                ticket=ticket,
                source=source,
                score=overall,
                comment=visit.comment,
                raised_complaint=raised_complaint,
                low_contact_point=low_contact_point,
            )
        if is_dissatisfied(score=overall, raised_complaint=raised_complaint):
            # No-leak 1: a complaint on any call, with or without a ticket behind it, is logged.
            reason = ("callback.dissatisfied", {"score": overall, "comment": visit.comment})
            if ticket is not None and ticket.status in (Status.RESOLVED, Status.VERIFIED, Status.CLOSED):
                if customer is not None:
                    ticket_transition(ticket=ticket, move="customer_reopen", by=None, customer=customer, message=reason)
                else:
                    ticket_transition(ticket=ticket, move="reopen", by=by, message=reason)
            if visit.comment:
                said = visit.comment
            elif overall is not None:
                said = _("rated %(score)s/5") % {"score": overall}
            else:
                said = _("no comment")
            about = ticket.reference if ticket is not None else CallbackKind(visit.kind).label
            complaint = ticket_create(
                customer=visit.customer,
                unit=ticket.unit if ticket is not None else visit.unit,
                kind=Kind.COMPLAINT,
                fault_category=complaint_class,
                channel="phone" if source == RatingSource.CALLBACK else "web",
                description=_("Raised on the callback about %(reference)s: %(comment)s")
                % {"reference": about, "comment": said},
                by=by,
                complaint_about=ticket,
            )
            visit.complaint_ticket = complaint
            if ticket is not None:
                append_event(
                    ticket,
                    EventKind.NOTE,
                    by,
                    message=("callback.complaint_opened", {"reference": complaint.reference}),
                    data={"complaint": complaint.reference},
                )
            notify_managers_of_dissatisfaction(
                ticket=ticket or complaint, complaint=complaint, score=overall, comment=visit.comment
            )
    elif _failed_attempts_make_unreachable(visit):
        visit.status = CallbackStatus.UNREACHABLE
        visit.completed_at = at
    visit.save()
    if ticket is not None:
        append_event(
            ticket,
            EventKind.CALLBACK,
            by,
            message=("callback.result_noted", {"result": result, "note": note})
            if note
            else ("callback.result", {"result": result}),
            data={
                "visit": visit.pk,
                "kind": visit.kind,
                "result": result,
                "status": visit.status,
                "score": visit.score_overall,
                "source": source,
            },
        )
    if visit.status != CallbackStatus.DUE:
        webhooks.emit(WebhookEvent.CALLBACK_COMPLETED, callback_data(visit), now=at)
    return visit
