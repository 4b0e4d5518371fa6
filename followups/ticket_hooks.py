"""What follow-ups add to a ticket's life, registered in tickets/hooks.py by ``FollowupsConfig.ready()``:
the work done on a resolution and a reopening, the guard on verifying, the survey link of the
"resolved" message, and the ratings and callbacks on the desk's ticket page."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from followups.callbacks.services import cancel_due_after_service, schedule_after_resolution
from followups.choices import CallbackKind, CallbackStatus
from followups.feedback.services import open_feedback_for_resolution
from followups.messages import survey_url_for_resolution
from followups.models import CallbackVisit
from tickets.models import Ticket


def on_resolved(ticket: Ticket, *, by: AbstractBaseUser | None, now: dt.datetime) -> None:
    """In the resolving transaction: schedule the re-check with the customer (no-leak 3), then
    feed a repair's quality fault back to its department (no-leak 4)."""
    schedule_after_resolution(ticket, now=now)
    open_feedback_for_resolution(ticket, now=now)


def on_reopened(ticket: Ticket, *, by: AbstractBaseUser | None, now: dt.datetime) -> None:
    """In the reopening transaction: the re-check of the resolution now reopened is moot."""
    cancel_due_after_service(ticket)


def callback_not_settled(ticket: Ticket) -> str | None:
    """The guard on verifying a resolved ticket (and so on closing it): every handling result is
    re-checked with the customer before the case ends (no-leak 3)."""
    due = CallbackVisit.objects.filter(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE)
    if due.exists():
        return _("Call the customer back first: the after-service callback is not done yet.")
    return None


def resolved_message_context(ticket: Ticket) -> dict[str, Any]:
    """The "resolved" message links to the after-service survey the resolution scheduled."""
    return {"survey_url": survey_url_for_resolution(ticket)}


def ticket_page_context(ticket: Ticket) -> dict[str, Any]:
    """The desk's ticket page shows the ticket's ratings and its callbacks with their calls."""
    return {
        "ratings": list(ticket.ratings.all()),
        "callbacks": list(ticket.callbacks.select_related("complaint_ticket").prefetch_related("attempts")),
    }
