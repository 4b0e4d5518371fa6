"""The records behind every figure of the dashboard, and how many there are (docs/kpis.md#the-records-behind-a-figure:
"every figure drills down to the tickets behind it").

Each figure links to one list here. The list holds exactly the records its figure counts, with
the figure's anchors and conditions (those of :mod:`quality.metrics`), so its count equals
the figure: the numerator for a rate where lower is better (complaints, omissions,
dissatisfied responses), the denominator less the numerator for one where higher is better
(the repairs not fixed first time, the deadlines missed, the callbacks not made). The rates
counted from ratings count responses, not tickets: a ticket rated badly twice is two
dissatisfied responses, and is listed once.

The three controlled rates and the four no-leaks use :func:`quality.metrics.drilldown`; the
service KPIs' lists are defined here from the same conditions as their counts.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followups.models import SatisfactionRating
from followups.ratings import dissatisfied_q, low_rating_q
from quality import metrics
from quality.metrics import COMPLAINT_CLOSURE_WINDOW, EVERYWHERE, Dimensions, Period
from quality.metrics.callbacks import after_service_attempt
from quality.metrics.complaints import closed_within_7_days_q, service_completed_q
from quality.metrics.grouping import counted_tickets
from quality.metrics.satisfaction import TOP2_RATING_AT_LEAST
from quality.metrics.timeliness import on_time_q, timeliness_due_q
from tickets.choices import Kind


@dataclass(frozen=True)
class Drilldown:
    """A figure's list: which figure it is behind, and whether it lists the figure's numerator
    or what the denominator holds besides it (``complement``)."""

    kind: str
    figure: str
    complement: bool = False
    # Counted in responses (ratings), not tickets.
    counts_ratings: bool = False


DRILLDOWN_LIST = (
    Drilldown("service_complaints", "complaint_rate"),
    Drilldown("omission", "omission_rate"),
    Drilldown("unrecorded", "omission_unrecorded"),
    Drilldown("late", "omission_late"),
    Drilldown("no_callback_attempt", "omission_no_callback"),
    Drilldown("no_feedback", "omission_no_feedback"),
    Drilldown("dissatisfied", "dissatisfaction_rate", counts_ratings=True),
    Drilldown("not_first_time", "first_time_fix_rate", complement=True),
    Drilldown("contact_late", "contact_timeliness", complement=True),
    Drilldown("arrival_late", "arrival_timeliness", complement=True),
    Drilldown("completion_late", "completion_timeliness", complement=True),
    Drilldown("callback_not_attempted", "callback_coverage", complement=True),
    Drilldown("callback_not_reached", "callback_reach", complement=True),
    Drilldown("complaints_open_after_7_days", "complaints_closed_within_7_days", complement=True),
    Drilldown("not_top2", "satisfaction_top2", complement=True, counts_ratings=True),
)
BY_KIND = {drilldown.kind: drilldown for drilldown in DRILLDOWN_LIST}
# The list behind each figure.
OF_FIGURE = {drilldown.figure: drilldown for drilldown in DRILLDOWN_LIST}

DRILLDOWNS = {
    **metrics.DRILLDOWNS,
    "contact_late": _("Customers not contacted in time"),
    "arrival_late": _("Technicians not arrived in time"),
    "completion_late": _("Tickets not completed in time"),
    "callback_not_attempted": _("No callback attempt within 72 hours of completion"),
    "callback_not_reached": _("Customers not reached within 72 hours of completion"),
    "complaints_open_after_7_days": _("Complaints not closed within 7 days"),
    "not_top2": _("Ratings below 4 out of 5"),
}
TIMELINESS = {"contact_late": "contact", "arrival_late": "arrival", "completion_late": "completion"}


def _ratings(period: Period, dimensions: Dimensions) -> QuerySet:
    return SatisfactionRating.objects.filter(
        period.q("created_at"), metrics.counted_tickets_q("ticket__"), dimensions.q("ticket__")
    ).order_by()


def _rating_condition(kind: str) -> Q:
    if kind == "dissatisfied":
        return dissatisfied_q()
    # Not satisfied: below the top two boxes, or a survey contact point rated 1–2.
    return Q(score__lt=TOP2_RATING_AT_LEAST) | low_rating_q()


def drilldown(
    kind: str, period: Period, dimensions: Dimensions = EVERYWHERE, *, now: dt.datetime | None = None
) -> QuerySet:
    """The tickets behind one figure, newest first. ``kind`` is a key of :data:`DRILLDOWNS`."""
    now = now or timezone.now()
    if kind in metrics.DRILLDOWNS:
        return metrics.drilldown(kind, period, dimensions, now=now)
    tickets = counted_tickets(dimensions)
    if kind in TIMELINESS:
        clock = TIMELINESS[kind]
        deadline, _step = metrics.CLOCKS[clock]
        tickets = tickets.filter(period.q(deadline), timeliness_due_q(clock, now)).exclude(on_time_q(clock))
    elif kind in ("callback_not_attempted", "callback_not_reached"):
        reached = kind == "callback_not_reached"
        # The callback KPIs' own conditions, so the list cannot drift from the count.
        tickets = tickets.filter(service_completed_q(), period.q("resolved_at")).exclude(
            after_service_attempt(reached=reached)
        )
    elif kind == "complaints_open_after_7_days":
        tickets = tickets.filter(
            period.q("created_at"), kind=Kind.COMPLAINT, created_at__lte=now - COMPLAINT_CLOSURE_WINDOW
        ).exclude(closed_within_7_days_q())
    elif kind == "not_top2":
        rated = _ratings(period, dimensions).filter(_rating_condition(kind))
        tickets = tickets.filter(pk__in=list(rated.values_list("ticket_id", flat=True).distinct()))
    else:
        raise ValueError(f"unknown drill-down {kind!r}")
    return tickets.order_by("-created_at", "-id")


def drilldown_count(
    kind: str, period: Period, dimensions: Dimensions = EVERYWHERE, *, now: dt.datetime | None = None
) -> int:
    """How many records the list of ``kind`` holds, as its figure counts them (one query):
    tickets, or for the rates counted from ratings, the responses."""
    if kind not in DRILLDOWNS:
        raise ValueError(f"unknown drill-down {kind!r}")
    if BY_KIND[kind].counts_ratings:
        return _ratings(period, dimensions).filter(_rating_condition(kind)).count()
    return drilldown(kind, period, dimensions, now=now).order_by().count()
