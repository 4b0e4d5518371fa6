"""Reads of the technician's day and jobs: only the signed-in technician's own visits.

A visit of another technician is simply not there (a 404), whatever the caller's role. The day's
page and API read a fixed number of queries however many visits the day holds.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from fieldwork.jobs import guarantees
from fieldwork.models import JobPhoto, JobRecord, Visit, VisitStatus
from parts.models import Part, PartReservation, PartUsage, ReservationStatus, StockLevel
from tickets.choices import Status
from tickets.models import Ticket

HISTORY_PER_UNIT = 5
VISIT_RELATED = ("ticket__customer", "ticket__unit__model__category", "station")


def own_visits(user: AbstractBaseUser) -> QuerySet[Visit]:
    return Visit.objects.filter(technician_id=user.pk).select_related(*VISIT_RELATED)


def own_visit(user: AbstractBaseUser, pk: int) -> Visit:
    """The technician's own visit, or a 404 (another's visit is answered like a missing one)."""
    visit = own_visits(user).filter(pk=pk).first()
    if visit is None:
        raise Http404(pk)
    return visit


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, start + dt.timedelta(days=1)


@dataclass
class DayCard:
    visit: Visit
    guarantee: guarantees.GuaranteeStatus | None
    guarantee_text: str
    history: list[Ticket] = field(default_factory=list)


def _histories(visits: list[Visit]) -> dict[int, list[Ticket]]:
    """Each unit's earlier tickets, newest first (one query for the whole day)."""
    units = {visit.ticket.unit_id for visit in visits if visit.ticket.unit_id}
    current = {visit.ticket_id for visit in visits}
    if not units:
        return {}
    rows = (
        Ticket.objects.filter(unit_id__in=units)
        .exclude(pk__in=current)
        .exclude(status=Status.MERGED)
        .only("pk", "reference", "unit_id", "kind", "status", "created_at", "description", "work_done")
        .order_by("-created_at", "-id")
    )
    history: dict[int, list[Ticket]] = {}
    for ticket in rows:
        kept = history.setdefault(ticket.unit_id, [])
        if len(kept) < HISTORY_PER_UNIT:
            kept.append(ticket)
    return history


def day_of(user: AbstractBaseUser, day: dt.date) -> list[DayCard]:
    """The technician's visits on ``day`` in time order (cancelled ones left out), each with its
    product's warranty and three-guarantees status on that day and the unit's earlier tickets."""
    start, end = day_bounds(day)
    visits = list(own_visits(user).filter(start__gte=start, start__lt=end).exclude(status=VisitStatus.CANCELLED))
    units = [visit.ticket.unit for visit in visits if visit.ticket.unit_id]
    status_of = guarantees.statuses(units, day)
    history = _histories(visits)
    cards = []
    for visit in visits:
        status = status_of.get(visit.ticket.unit_id)
        cards.append(
            DayCard(
                visit=visit,
                guarantee=status,
                guarantee_text=guarantees.status_text(status) if status else "",
                history=history.get(visit.ticket.unit_id, []),
            )
        )
    return cards


def job_of(visit: Visit) -> JobRecord | None:
    return JobRecord.objects.filter(visit=visit).first()


def photos_of(visit: Visit) -> list[JobPhoto]:
    return list(JobPhoto.objects.filter(visit=visit))


def parts_used_on(visit: Visit) -> list[PartUsage]:
    """The parts used on the visit's ticket at the visit's station."""
    return list(
        PartUsage.objects.filter(ticket_id=visit.ticket_id, station_id=visit.station_id)
        .select_related("part")
        .order_by("created_at", "id")
    )


def parts_in_stock(visit: Visit, query: str = "", limit: int = 20) -> list[dict]:
    """Parts the technician can use at the visit's station: free stock there, or reserved for
    the visit's ticket; searched by part number or name (either language)."""
    reserved = PartReservation.objects.filter(
        ticket_id=visit.ticket_id, station_id=visit.station_id, status=ReservationStatus.RESERVED
    ).values("part_id")
    levels = StockLevel.objects.filter(station_id=visit.station_id, part__is_active=True).filter(
        Q(on_hand__gt=F("reserved")) | Q(part_id__in=reserved)
    )
    query = (query or "").strip()
    if query:
        levels = levels.filter(
            Q(part__number__icontains=query) | Q(part__name__icontains=query) | Q(part__name_zh__icontains=query)
        )
    rows = levels.select_related("part").order_by("part__number")[:limit]
    return [
        {
            "id": level.part_id,
            "number": level.part.number,
            "name": level.part.display_name,
            "free": level.on_hand - level.reserved,
        }
        for level in rows
    ]


def usable_part(visit: Visit, number: str) -> Part | None:
    """The active part of that number, if any is in stock at the visit's station for it."""
    number = (number or "").strip()
    if not number:
        return None
    matches = [row for row in parts_in_stock(visit, number, limit=50) if row["number"].lower() == number.lower()]
    if not matches:
        return None
    return Part.objects.filter(pk=matches[0]["id"]).first()
