"""The tickets behind the controlled rates and the no-leaks, with the same anchors and conditions as their counts."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followups.models import CallbackVisit, SatisfactionRating
from followups.ratings import dissatisfied_q
from quality.metrics.complaints import attributed_q, first_valid_complaint_q
from quality.metrics.dimensions import EVERYWHERE, Dimensions, counted_tickets_q
from quality.metrics.first_time_fix import fixed_first_time_q, repair_outcome_q
from quality.metrics.grouping import counted_tickets
from quality.metrics.omissions import case_anchor, omission_conditions
from quality.metrics.period import Period
from quality.metrics.satisfaction import unrated_complaint_q
from tickets.choices import FaultGroup
from tickets.models import Ticket

DRILLDOWNS = {
    "omission": _("Cases with an omission"),
    "unrecorded": _("Not recorded within 2 hours"),
    "late": _("Dispatched or completed late"),
    "no_callback_attempt": _("No callback attempt within 72 hours"),
    "no_feedback": _("Quality fault not fed back and acknowledged within 7 days"),
    "dissatisfied": _("Dissatisfied customers"),
    "service_complaints": _("Service complaints"),
    "not_first_time": _("Repairs not fixed first time"),
}


def drilldown(
    kind: str, period: Period, dimensions: Dimensions = EVERYWHERE, *, now: dt.datetime | None = None
) -> QuerySet:
    """The tickets behind one figure, with the same anchors and conditions as its count, newest
    first. ``kind`` is a key of :data:`DRILLDOWNS`."""
    now = now or timezone.now()
    tickets = counted_tickets(dimensions)
    if kind in ("omission", "unrecorded", "late", "no_callback_attempt", "no_feedback"):
        conditions = omission_conditions(now)
        if kind == "omission":
            condition = Q()
            for part in conditions.values():
                condition |= part
        else:
            condition = conditions[kind]
        tickets = tickets.alias(anchor=case_anchor()).filter(period.q("anchor")).filter(condition)
    elif kind == "dissatisfied":
        # The rated tickets' ids first (a range of the ratings' index), then those tickets: as a
        # correlated EXISTS under the list's ORDER BY … LIMIT, PostgreSQL walks every recent ticket
        # backwards looking for ratings, which mostly come days after the ticket.
        rated = SatisfactionRating.objects.filter(period.q("created_at"), dissatisfied_q()).order_by()
        unrated = CallbackVisit.objects.filter(unrated_complaint_q(), period.q("completed_at")).order_by()
        ids = rated.values_list("ticket_id", flat=True).union(unrated.values_list("ticket_id", flat=True))
        tickets = tickets.filter(pk__in=list(ids))
    elif kind == "service_complaints":
        # Counted under the original ticket's values, as complaint_counts counts them.
        tickets = Ticket.objects.filter(counted_tickets_q(), attributed_q(dimensions)).filter(
            first_valid_complaint_q(), period.q("created_at"), fault_category__group=FaultGroup.SERVICE
        )
    elif kind == "not_first_time":
        tickets = tickets.filter(repair_outcome_q(), period.q("resolved_at")).exclude(fixed_first_time_q())
    else:
        raise ValueError(f"unknown drill-down {kind!r}")
    return tickets.order_by("-created_at", "-id")
