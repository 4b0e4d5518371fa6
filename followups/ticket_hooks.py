"""What follow-ups add to a ticket's life, registered in tickets/hooks.py by ``FollowupsConfig.ready()``:
the work done on a resolution and a reopening, the guard on verifying, the survey link of the
"resolved" message, and the ratings and callbacks on the desk's ticket page."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followups.callbacks.services import cancel_due_after_service, schedule_after_resolution
from followups.choices import CallbackKind, CallbackStatus, RatingSource
from followups.feedback.services import open_feedback_for_resolution
from followups.messages import survey_url_for_resolution
from followups.models import CallbackVisit, SatisfactionRating
from tickets import page_rows
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


# Every score a customer gives on a callback call or in the survey, as the call page labels them.
DETAIL_SCORES = (
    ("score_attitude", gettext_lazy("Attitude")),
    ("score_punctuality", gettext_lazy("Punctuality")),
    ("score_quality", gettext_lazy("Quality of work")),
    ("score_overall", gettext_lazy("Overall satisfaction")),
)


def rating_scores(ratings: list[SatisfactionRating], callbacks: list[CallbackVisit]) -> list[SatisfactionRating]:
    """Each rating with ``scores``, every score the customer gave as (label, score or None).

    A portal rating is one overall score. A rating given on a call or in the survey was stored
    from a settled callback (followups.callbacks.services.record_attempt) with that callback's
    overall score and comment, and the callback keeps the detail scores: each such rating takes
    them from the first settled callback of the ticket that matches it and no earlier rating took.
    """
    settled = sorted(
        (visit for visit in callbacks if visit.status == CallbackStatus.DONE and visit.score_overall is not None),
        key=lambda visit: (visit.completed_at, visit.pk),
    )
    overall = str(DETAIL_SCORES[-1][1])
    for rating in sorted(ratings, key=lambda rating: (rating.created_at, rating.pk)):
        rating.scores = [(overall, rating.score)]
        if rating.source == RatingSource.PORTAL:
            continue
        visit = next(
            (
                visit
                for visit in settled
                if (visit.score_overall, visit.comment, visit.raised_complaint)
                == (rating.score, rating.comment, rating.raised_complaint)
            ),
            None,
        )
        if visit is not None:
            settled.remove(visit)
            rating.scores = [(str(label), getattr(visit, name)) for name, label in DETAIL_SCORES]
    return ratings


def ticket_page_context(ticket: Ticket) -> dict[str, Any]:
    """The desk's ticket page shows the ticket's ratings, each with every score given, and its
    callbacks with their calls."""
    callbacks = (
        list(ticket.callbacks.select_related("complaint_ticket").prefetch_related("attempts"))
        if page_rows.may_have(ticket, "callbacks")
        else []
    )
    ratings = list(ticket.ratings.all()) if page_rows.may_have(ticket, "ratings") else []
    return {"ratings": rating_scores(ratings, callbacks), "callbacks": callbacks}
