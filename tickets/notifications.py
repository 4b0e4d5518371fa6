"""Customer emails through the outbox (DESIGN.md section 7; issue 4 point 3, issue 5 point 7).

An email is a row in ``OutboundEmail`` written in the same transaction as the change it
tells about, so it exists exactly when that change was committed. After the commit a
Celery task sends it; when the broker is down the row waits and the periodic sweep sends
it once things are back. Sending locks the row and checks its status, so however many
workers, retries and sweeps reach one email, it goes out once.

Templates live in ``templates/emails/<template>.subject.txt``, ``.txt`` and ``.html`` and are
rendered in the customer's language from the context stored on the row.
"""

import datetime as dt
import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from tickets.choices import CallbackKind, CallbackStatus, Kind, Status
from tickets.models import CallbackVisit, EmailStatus, OutboundEmail, Ticket, TicketEvent
from tickets.survey_links import survey_token

logger = logging.getLogger(__name__)

# After this many failed sends an email is given up on (status ``failed``).
MAX_ATTEMPTS = 8
# The mail server may be down or slow for a while: these are worth another try later.
# A refused recipient is not: the address is wrong and will stay wrong.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)
PERMANENT_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPRecipientsRefused,)
# The mail server cannot be reached at all: every other email would fail the same way.
UNREACHABLE_ERRORS: tuple[type[Exception], ...] = (OSError, smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)
# The row stays locked while the mail server answers; never wait on it for long.
SEND_TIMEOUT_SECONDS = 30
# The sweep leaves a fresh email to the send scheduled at commit, and waits longer after
# each failed attempt (1, 2, 4 ... minutes) so a mail server that is down for an hour does
# not burn every attempt in minutes.
SWEEP_GRACE = dt.timedelta(minutes=1)
SWEEP_BATCH = 500

# Context values stored as ISO text (JSON has no dates) and turned back into datetimes, so
# templates format them in the email's language and the business time zone.
DATETIME_KEYS = ("received_at", "appointment_start", "appointment_end")

# Customer-visible milestones that send an email, by the status the ticket moved to.
STATUS_TEMPLATES: dict[str, str] = {
    Status.DISPATCHED: "tickets/status_dispatched",
    Status.RESOLVED: "tickets/status_resolved",
    Status.CANCELLED: "tickets/status_cancelled",
}


def queue_email(
    *,
    template: str,
    to_email: str,
    language: str,
    context: dict[str, Any],
    ticket: Ticket | None = None,
    dedupe_key: str | None = None,
) -> OutboundEmail | None:
    """Write an email to the outbox in the caller's transaction and send it after the commit.

    Returns the new row, or None when nothing was queued: no address, or an email with the
    same ``dedupe_key`` already exists (so repeating an event never sends twice).
    """
    if not to_email:
        return None
    fields = {"template": template, "to_email": to_email, "language": language, "context": context, "ticket": ticket}
    if dedupe_key is None:
        email = OutboundEmail.objects.create(**fields)
    else:
        email, created = OutboundEmail.objects.get_or_create(dedupe_key=dedupe_key, defaults=fields)
        if not created:
            return None
    pk = email.pk
    transaction.on_commit(lambda: dispatch(pk))
    return email


def dispatch(pk: int) -> None:
    """Hand an email to Celery. Runs after the commit, inside the request that made the
    change: whatever goes wrong reaching the broker is logged, never raised, because the
    change is saved and the row waits for the sweep."""
    from tickets.tasks import send_email_task

    try:
        send_email_task.delay(pk)
    except Exception:  # noqa: BLE001 - any publishing failure leaves the row for the sweep
        logger.warning("Could not queue email %s; the outbox sweep will send it", pk, exc_info=True)


def render_email(email: OutboundEmail) -> tuple[str, str, str]:
    """The subject, plain text and HTML of an email, in the email's language."""
    context = dict(email.context)
    for key in DATETIME_KEYS:
        if isinstance(context.get(key), str):
            context[key] = parse_datetime(context[key])
    with translation.override(email.language):
        subject = render_to_string(f"emails/{email.template}.subject.txt", context)
        text = render_to_string(f"emails/{email.template}.txt", context)
        html = render_to_string(f"emails/{email.template}.html", context)
    return " ".join(subject.split()), text, html


def deliver(pk: int) -> bool:
    """Send one outbox email if it is still waiting. Returns True when it was sent now.

    The row is locked for the send and its status checked first, so two workers (or a
    retry and the sweep) sending the same email at once send it once. A transient mail
    error is recorded and raised again so the task retries; after ``MAX_ATTEMPTS`` failed
    sends, or when the recipient is refused, the email is marked failed.
    """
    error: Exception | None = None
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=pk, status=EmailStatus.PENDING).first()
        if email is None:
            return False
        subject, text, html = render_email(email)
        message = EmailMultiAlternatives(
            subject,
            text,
            settings.DEFAULT_FROM_EMAIL,
            [email.to_email],
            connection=get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or SEND_TIMEOUT_SECONDS),
        )
        message.attach_alternative(html, "text/html")
        try:
            message.send()
        except TRANSIENT_ERRORS as exc:
            error = exc
            email.attempts += 1
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if isinstance(exc, PERMANENT_ERRORS) or email.attempts >= MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
        else:
            email.status = EmailStatus.SENT
            email.sent_at = timezone.now()
            email.save(update_fields=["status", "sent_at"])
            return True
    if email.status == EmailStatus.FAILED:
        logger.error("Gave up on email %s after %s attempts: %s", pk, email.attempts, email.last_error)
        return False
    raise error


def outbox_sweep(*, now: dt.datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Send the emails still waiting: those whose send was never queued (broker down) or
    failed on a transient error. Returns how many were sent. Idempotent: a sent email is
    never picked again, and ``deliver`` re-checks under a row lock.

    One email that cannot be sent does not hold up the others; a mail server that cannot be
    reached ends the run, and the next run tries again."""
    now = now or timezone.now()
    due = Q()
    for attempts in range(MAX_ATTEMPTS):
        due |= Q(attempts=attempts, created_at__lte=now - SWEEP_GRACE * 2**attempts)
    pks = list(
        OutboundEmail.objects.filter(due, status=EmailStatus.PENDING)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in pks:
        try:
            if deliver(pk):
                sent += 1
        except UNREACHABLE_ERRORS:
            logger.warning("Mail server unreachable; the outbox sweep stops until its next run", exc_info=True)
            break
        except Exception:  # noqa: BLE001 - one bad email must not hold up the others
            logger.warning("Outbox sweep could not send email %s", pk, exc_info=True)
    return sent


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _ticket_context(ticket: Ticket) -> dict[str, Any]:
    """What every ticket email shows, with names in the language active at the call."""
    unit = ticket.unit
    return {
        "customer_name": ticket.customer.name,
        "reference": ticket.reference,
        "kind": str(Kind(ticket.kind).label),
        "product": unit.model.display_name if unit else "",
        "serial": unit.serial if unit else "",
        "track_url": _absolute(reverse("portal:track")) + f"?reference={ticket.reference}",
    }


def notify_request_received(ticket: Ticket) -> OutboundEmail | None:
    """Confirm a new request to the customer: the reference, what happens next, where to
    track it (issue 4 point 3). Call inside the transaction that created the ticket."""
    customer = ticket.customer
    if not customer.email:
        return None
    with translation.override(customer.preferred_language):
        context = _ticket_context(ticket) | {"received_at": ticket.created_at}
    return queue_email(
        template="tickets/request_received",
        to_email=customer.email,
        language=customer.preferred_language,
        context=context,
        ticket=ticket,
        dedupe_key=f"ticket:{ticket.pk}:received",
    )


def notify_status_changed(ticket: Ticket, event: TicketEvent) -> OutboundEmail | None:
    """Tell the customer about a milestone they care about: dispatched (with the
    appointment window), resolved (with the link to the after-service survey), cancelled.
    Other moves send nothing. Call inside the transaction that recorded ``event``; one email
    per event."""
    template = STATUS_TEMPLATES.get(event.to_status)
    customer = ticket.customer
    if template is None or not customer.email:
        return None
    with translation.override(customer.preferred_language):
        context = _ticket_context(ticket)
        if event.to_status == Status.DISPATCHED:
            context |= {
                "appointment_start": ticket.appointment_start,
                "appointment_end": ticket.appointment_end,
                "station": ticket.station.display_name if ticket.station else "",
                "technician": ticket.assignee.get_full_name() if ticket.assignee else "",
            }
        elif event.to_status == Status.RESOLVED:
            context |= {
                "work_done": ticket.work_done,
                "rate_url": _absolute(reverse("portal:track_detail", args=[ticket.reference])) + "#rate",
                "survey_url": _survey_url_for_resolution(ticket),
            }
        elif event.to_status == Status.CANCELLED:
            context |= {"reason": event.note if event.is_public else ""}
    return queue_email(
        template=template,
        to_email=customer.email,
        language=customer.preferred_language,
        context=context,
        ticket=ticket,
        dedupe_key=f"event:{event.pk}",
    )


def survey_url_for(visit: CallbackVisit) -> str:
    """The emailed survey link of a callback visit: signed, expiring, single use (issue 5
    point 6). The token lives with the survey itself, in the follow-ups app."""

    return _absolute(reverse("survey:answer", args=[survey_token(visit)]))


def _survey_url_for_resolution(ticket: Ticket) -> str:
    """The survey link of the after-service callback the resolution just scheduled, in the
    same transaction (``ticket_transition`` schedules it before telling the customer); empty
    when there is none to answer, and the email then points to the rating on the portal."""
    visit = (
        CallbackVisit.objects.filter(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE)
        .order_by("-pk")
        .first()
    )
    return survey_url_for(visit) if visit is not None else ""


def notify_managers_of_dissatisfaction(
    *, ticket: Ticket, complaint: Ticket, score: int | None, comment: str
) -> list[OutboundEmail]:
    """Tell every manager that a customer was dissatisfied on a callback: the case is reopened
    and a complaint opened (DESIGN.md section 4, no-leak 3). One email per manager and complaint."""
    from tickets.callbacks import managers

    sent = []
    for manager in managers():
        language = settings.LANGUAGE_CODE
        context = {
            "reference": ticket.reference,
            "complaint": complaint.reference,
            "customer_name": ticket.customer.name,
            "score": score,
            "comment": comment,
            "ticket_url": _absolute(reverse("desk:ticket", args=[ticket.reference])),
            "complaint_url": _absolute(reverse("desk:ticket", args=[complaint.reference])),
        }
        email = queue_email(
            template="tickets/manager_dissatisfied",
            to_email=manager.email,
            language=language,
            context=context,
            ticket=ticket,
            dedupe_key=f"dissatisfied:{complaint.pk}:{manager.pk}",
        )
        if email is not None:
            sent.append(email)
    return sent


REMINDER_TEMPLATES = {
    CallbackKind.MAINTENANCE: "tickets/reminder_maintenance",
    CallbackKind.WARRANTY_EXPIRY: "tickets/reminder_warranty",
}


def notify_callback_reminder(visit: CallbackVisit) -> OutboundEmail | None:
    """Remind the customer by email of what the coming call is about: maintenance due, or a
    warranty about to end (with the extended-warranty offer). One email per visit."""
    template = REMINDER_TEMPLATES.get(visit.kind)
    customer = visit.customer
    if template is None or not customer.email or visit.unit is None:
        return None
    unit = visit.unit
    with translation.override(customer.preferred_language):
        context = {
            "customer_name": customer.name,
            "product": unit.model.display_name,
            "serial": unit.serial,
            "warranty_end": unit.warranty_end.isoformat() if unit.warranty_end else "",
            "extended_warranty_offer": visit.extended_warranty_offer,
            "request_url": _absolute(reverse("portal:submit")),
        }
    return queue_email(
        template=template,
        to_email=customer.email,
        language=customer.preferred_language,
        context=context,
        dedupe_key=f"reminder:{visit.pk}",
    )


def notify_appointment(ticket: Ticket, event: TicketEvent) -> OutboundEmail | None:
    """Tell the customer the visit the desk agreed (day and time window). One email per
    agreement: a changed appointment is a new event and so a new email."""
    customer = ticket.customer
    if not customer.email or ticket.appointment_start is None:
        return None
    with translation.override(customer.preferred_language):
        context = _ticket_context(ticket) | {
            "appointment_start": ticket.appointment_start,
            "appointment_end": ticket.appointment_end,
            "station": ticket.station.display_name if ticket.station else "",
        }
    return queue_email(
        template="tickets/appointment",
        to_email=customer.email,
        language=customer.preferred_language,
        context=context,
        ticket=ticket,
        dedupe_key=f"event:{event.pk}",
    )
