"""Satisfaction ratings: the one place a rating is recorded, and what counts as dissatisfied.

A customer rates a ticket's service from 1 (very dissatisfied) to 5 on the portal, to an agent
on a callback call, or in the emailed survey; every channel records its rating through
:func:`rating_record`, and the dissatisfaction rate reads the rows whatever the channel
(docs/kpis.md). The portal takes one rating per ticket, and none once the ticket was
rated on any channel (:func:`rating_record_from_portal`). A dissatisfied answer on a call or a
survey reopens the case and tells the managers (followups.callbacks.services.record_attempt).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from customers.models import Customer
from followups.choices import RatingSource
from followups.models import SatisfactionRating
from followups.referral_invite import notify_referral_invitation
from tickets.choices import EventKind, Status
from tickets.models import Ticket
from tickets.services import append_event

# Ratings at or below this count as dissatisfied (docs/kpis.md#dissatisfaction-rate: 1–2 on a 5-point scale).
DISSATISFIED_AT_MOST = 2
# A customer rates a request on the portal once it is resolved.
RATEABLE_STATUSES = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)


def is_dissatisfied(*, score: int | None, raised_complaint: bool) -> bool:
    """A response is dissatisfied when its rating is 1–2 or the customer complained."""
    return raised_complaint or (score is not None and score <= DISSATISFIED_AT_MOST)


def low_rating_q() -> Q:
    """A rating row of 1–2, or one whose CSI program answers rated a contact point 1–2
    (docs/csi.md#dissatisfaction): one dissatisfied response either way."""
    return Q(score__lte=DISSATISFIED_AT_MOST) | Q(low_contact_point=True)


def dissatisfied_q() -> Q:
    """A rating row that counts against the dissatisfaction rate: 1–2, or a complaint on a call
    (:func:`is_dissatisfied`, in SQL)."""
    return low_rating_q() | Q(raised_complaint=True)


def rating_record(
    *,
    ticket: Ticket,
    source: str,
    score: int,
    comment: str = "",
    raised_complaint: bool = False,
    low_contact_point: bool = False,
) -> SatisfactionRating:
    """Store one rating of ``ticket``'s service. The channel has checked the score and says
    whether the customer complained. A ticket has at most one portal rating: a second one, even
    from a request racing the first, is refused as already rated. A good rating (4–5, no
    complaint, no contact point rated 1–2) sends the customer their referral code (followups/referral_invite.py)."""
    row = {
        "ticket": ticket,
        "source": source,
        "score": score,
        "comment": comment,
        "raised_complaint": raised_complaint,
        "low_contact_point": low_contact_point,
    }
    if source != RatingSource.PORTAL:
        rating = SatisfactionRating.objects.create(**row)
    else:
        try:
            with transaction.atomic():
                rating = SatisfactionRating.objects.create(**row)
        except IntegrityError as exc:
            raise ValidationError({"score": _("You have already rated this request. Thank you!")}) from exc
    # A customer unhappy with any contact point is not asked to recommend us, however they rated overall.
    notify_referral_invitation(ticket=ticket, score=score, raised_complaint=raised_complaint or low_contact_point)
    return rating


@transaction.atomic
def rating_record_from_portal(*, ticket: Ticket, customer: Customer, score: int, comment: str) -> SatisfactionRating:
    """The customer rates a resolved request, 1 to 5, once. The dissatisfaction rate reads it.
    A customer who already rated it, here or to an agent on a callback, is not asked again."""
    if ticket.customer_id != customer.pk:
        raise ValidationError({"score": _("We could not find this request.")})
    if ticket.ratings.exists():
        raise ValidationError({"score": _("You have already rated this request. Thank you!")})
    if ticket.status not in RATEABLE_STATUSES:
        raise ValidationError({"score": _("You can rate the service once your request is resolved.")})
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    rating = rating_record(ticket=ticket, source=RatingSource.PORTAL, score=score, comment=(comment or "").strip())
    append_event(
        ticket,
        EventKind.RATING,
        None,
        note=rating.comment,
        is_public=True,
        data={"score": score, "source": RatingSource.PORTAL, "by": "customer"},
    )
    return rating
