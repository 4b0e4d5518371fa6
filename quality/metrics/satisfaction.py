"""The dissatisfaction rate and the top-2 box, from every rating and every unrated complaint on a call."""

from collections.abc import Iterable

from django.db.models import Count, F, Q

from followups.choices import CallbackStatus
from followups.models import CallbackVisit, SatisfactionRating
from followups.ratings import low_rating_q
from quality.metrics.dimensions import EVERYWHERE, Dimensions, counted_tickets_q
from quality.metrics.grouping import count_where, grouped_counts, shaped
from quality.metrics.period import Period
from quality.rates import SatisfactionCounts

TOP2_RATING_AT_LEAST = 4


def unrated_complaint_q() -> Q:
    """A call about a ticket that reached the customer, who complained and gave no overall
    rating: one dissatisfied response with no rating row behind it."""
    return Q(ticket__isnull=False, status=CallbackStatus.DONE, raised_complaint=True, score_overall__isnull=True) & Q(
        completed_at__isnull=False
    )


def satisfaction_counts(
    period: Period, dimensions: Dimensions = EVERYWHERE, group_by: Iterable[str] = ()
) -> SatisfactionCounts | dict:
    """Dissatisfaction rate and top-2 box (docs/kpis.md), from the responses given in the period.

    A response is a rating (every rating row: portal, callback call, emailed survey; put on the
    day it was given) or a complaint made on a call about a ticket without an overall rating
    (put on the day of the call). Unreachable customers and customers reached who neither rated
    nor complained leave neither, so they are in no denominator.

    - ``valid_ratings``, ``low_ratings`` (1–2, or a survey contact point rated 1–2),
      ``top2_ratings`` (4–5 and not low): the rating rows;
    - ``callback_complaints``: rating rows of 3–5 whose caller complained (a low rating with a
      complaint is already dissatisfied: each response counts once);
    - ``unrated_complaints``: the complaints without a rating.

    Dissatisfaction = (low + callback complaints + unrated complaints) ÷ (ratings + unrated
    complaints), never above 100 %; satisfaction = top-2 ÷ ratings. Two queries: ratings and
    unrated complaints live in two tables.
    """
    low = low_rating_q()
    queryset = SatisfactionRating.objects.filter(
        period.q("created_at"), counted_tickets_q("ticket__"), dimensions.q("ticket__")
    )
    rows = grouped_counts(
        queryset,
        F("created_at"),
        group_by,
        {
            "valid": Count("pk"),
            "low": count_where(low),
            # A response with a contact point rated 1–2 is dissatisfied, whatever its overall score.
            "top2": count_where(Q(score__gte=TOP2_RATING_AT_LEAST) & ~low),
            "complaints": count_where(Q(raised_complaint=True) & ~low),
        },
        prefix="ticket__",
    )
    unrated = CallbackVisit.objects.filter(
        unrated_complaint_q(), period.q("completed_at"), counted_tickets_q("ticket__"), dimensions.q("ticket__")
    )
    unrated_rows = grouped_counts(unrated, F("completed_at"), group_by, {"unrated": Count("pk")}, prefix="ticket__")
    empty = {"valid": 0, "low": 0, "top2": 0, "complaints": 0}
    merged = {
        key: {**empty, **rows.get(key, {}), **unrated_rows.get(key, {"unrated": 0})} for key in rows | unrated_rows
    }
    return shaped(
        merged,
        group_by,
        lambda row: SatisfactionCounts(
            valid_ratings=row["valid"],
            low_ratings=row["low"],
            top2_ratings=row["top2"],
            callback_complaints=row["complaints"],
            unrated_complaints=row["unrated"],
        ),
    )
