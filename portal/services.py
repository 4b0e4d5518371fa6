"""The customer's rating of a resolved request on the portal (DESIGN.md sections 2, 4 and 8).
The customer's other writes on their requests are tickets/customer_requests.py."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from customers.models import Customer
from followups.choices import RatingSource
from followups.models import SatisfactionRating
from tickets.choices import EventKind, Status
from tickets.models import Ticket
from tickets.services import append_event

RATEABLE = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)


@transaction.atomic
def portal_rate(*, ticket: Ticket, customer: Customer, score: int, comment: str) -> SatisfactionRating:
    """The customer rates a resolved request, 1 to 5, once. The dissatisfaction rate reads it.
    A customer who already rated it, here or to an agent on a callback, is not asked again."""
    if ticket.customer_id != customer.pk:
        raise ValidationError({"score": _("We could not find this request.")})
    if ticket.ratings.exists():
        raise ValidationError({"score": _("You have already rated this request. Thank you!")})
    if ticket.status not in RATEABLE:
        raise ValidationError({"score": _("You can rate the service once your request is resolved.")})
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose from 1 to 5 stars.")})
    try:
        with transaction.atomic():
            rating = SatisfactionRating.objects.create(
                ticket=ticket, source=RatingSource.PORTAL, score=score, comment=(comment or "").strip()
            )
    except IntegrityError as exc:
        raise ValidationError({"score": _("You have already rated this request. Thank you!")}) from exc
    append_event(
        ticket,
        EventKind.RATING,
        None,
        note=rating.comment,
        is_public=True,
        data={"score": score, "source": RatingSource.PORTAL, "by": "customer"},
    )
    return rating
