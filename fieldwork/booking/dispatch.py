"""Dispatch suggestions: which technicians to send to a ticket, best first, each with its reasons
and the free slots to book (docs/fieldwork.md#dispatch-ranking).

Technicians are ranked by, in this order:

1. a station of theirs serves the customer's region (the station's region is the customer's);
2. skill for the product: its category is among their skills, and when they list models of that
   category the unit's model is one of them, and when they list brands one is in the model's name
   or code (the catalogue has no brand field);
3. free places on the customer's preferred day (in their preferred time of day, when given);
   without a preferred day, on the first of the days offered;
4. today's load: fewer visits today first;

then by name. Every active technician of an active station is ranked (the desk may still send
someone from further away); each is suggested at the station of theirs that serves the region,
else the ticket's station, else their first. The queries do not grow with the technicians,
stations or visits: the ticket, the profiles with their stations, skills and calendars, the
stations' slot settings, the national days, the default calendar and the holding visits.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers.calendars import CalendarSpecs
from fieldwork import slots as slot_rules
from fieldwork.booking.availability import FreeSlot, calendar_of
from fieldwork.models import HOLDING_STATUSES, StationSlots, TechnicianProfile, Visit
from tickets.choices import SLOT_HOURS
from tickets.models import ServiceStation, Ticket

# Days of free slots shown with each suggestion, from the preferred day (or today) on.
DAYS_SHOWN = 3


@dataclass
class Suggestion:
    """One technician suggested for a ticket, at one of their stations."""

    rank: int
    technician: AbstractBaseUser
    station: ServiceStation
    in_region: bool
    skilled: bool
    free_on_preferred_day: int
    load_today: int
    reasons: list[str] = field(default_factory=list)
    slots: list[FreeSlot] = field(default_factory=list)


def _skill(profile: TechnicianProfile, ticket: Ticket) -> tuple[bool, str]:
    unit = ticket.unit
    if unit is None:
        return True, _("No product on the ticket: any technician will do.")
    model, category = unit.model, unit.model.category
    if category not in profile.categories.all():
        return False, _("Not skilled for %(category)s.") % {"category": category.display_name}
    listed = [item for item in profile.product_models.all() if item.category_id == category.pk]
    if listed and model not in listed:
        return False, _("Skilled for %(category)s, but not for model %(model)s.") % {
            "category": category.display_name,
            "model": model.code,
        }
    if profile.brands:
        names = f"{model.code} {model.name} {model.name_zh}".casefold()
        if not any(str(brand).casefold() in names for brand in profile.brands):
            return False, _("Skilled for %(category)s, but not for this brand.") % {"category": category.display_name}
    if listed:
        return True, _("Skilled for model %(model)s.") % {"model": model.code}
    return True, _("Skilled for %(category)s.") % {"category": category.display_name}


def _station_for(profile: TechnicianProfile, ticket: Ticket) -> ServiceStation | None:
    stations = [station for station in profile.stations.all() if station.is_active]
    region = ticket.customer.region
    for station in stations:
        if region and station.region == region:
            return station
    for station in stations:
        if station.pk == ticket.station_id:
            return station
    return stations[0] if stations else None


def suggest_technicians(ticket: Ticket, *, now: dt.datetime | None = None, limit: int = 5) -> list[Suggestion]:
    """The ``limit`` best technicians for ``ticket``, ranked, with reasons and free slots."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_related("customer", "unit__model__category").get(pk=ticket.pk)
    today = timezone.localdate(now)
    preferred = (
        ticket.preferred_visit_date if ticket.preferred_visit_date and ticket.preferred_visit_date >= today else None
    )
    part = SLOT_HOURS.get(ticket.preferred_visit_slot) if preferred else None
    first_day = preferred or today
    last_day = first_day + dt.timedelta(days=DAYS_SHOWN - 1)
    profiles = list(
        TechnicianProfile.objects.filter(is_active=True, user__is_active=True, stations__is_active=True)
        .distinct()
        .select_related("user", "calendar")
        .prefetch_related(
            Prefetch("stations", queryset=ServiceStation.objects.select_related("calendar")),
            "categories",
            "product_models",
        )
    )
    placed = [(profile, station) for profile in profiles if (station := _station_for(profile, ticket)) is not None]
    if not placed:
        return []
    settings = {row.station_id: row for row in StationSlots.objects.filter(station__in=[s for _, s in placed])}
    specs = CalendarSpecs()
    window_start = dt.datetime.combine(min(today, first_day), dt.time(0), tzinfo=timezone.get_default_timezone())
    window_end = dt.datetime.combine(
        last_day + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_default_timezone()
    )
    visits: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    holding = Visit.objects.filter(
        technician_id__in=[profile.user_id for profile, _ in placed],
        status__in=HOLDING_STATUSES,
        start__lt=window_end,
        end__gt=window_start,
    ).values_list("technician_id", "start", "end")
    for technician_id, start, end in holding:
        visits.setdefault(technician_id, []).append((start, end))
    suggestions = []
    for profile, station in placed:
        slot_settings = settings.get(station.pk) or StationSlots(station=station)
        spec = calendar_of(profile, station, specs)
        own = visits.get(profile.user_id, [])
        days = slot_rules.slots_between(first_day, last_day, spec, slot_settings.slot_minutes)
        counts = slot_rules.holding_counts([slot for slot in days if slot.start > now], own)
        free = [
            FreeSlot(slot.start, slot.end, profile.user, places)
            for slot, count in counts.items()
            if (places := slot_rules.free_places(profile.visits_per_slot, count))
        ]
        on_day = sum(
            item.free
            for item in free
            if timezone.localdate(item.start) == first_day
            and slot_rules.in_day_part(slot_rules.Slot(item.start, item.end), part, timezone.get_default_timezone())
        )
        load = sum(1 for start, _end in own if timezone.localdate(start) == today)
        skilled, skill_reason = _skill(profile, ticket)
        in_region = bool(ticket.customer.region) and station.region == ticket.customer.region
        suggestions.append(
            Suggestion(
                rank=0,
                technician=profile.user,
                station=station,
                in_region=in_region,
                skilled=skilled,
                free_on_preferred_day=on_day,
                load_today=load,
                reasons=[
                    _region_reason(station, ticket, in_region),
                    skill_reason,
                    _capacity_reason(on_day, first_day, preferred is not None, ticket),
                    _load_reason(load),
                ],
                slots=free,
            )
        )
    suggestions.sort(
        key=lambda item: (
            not item.in_region,
            not item.skilled,
            -item.free_on_preferred_day,
            item.load_today,
            item.technician.get_full_name() or item.technician.get_username(),
            item.technician.pk,
        )
    )
    for rank, suggestion in enumerate(suggestions[:limit], start=1):
        suggestion.rank = rank
    return suggestions[:limit]


def _region_reason(station: ServiceStation, ticket: Ticket, in_region: bool) -> str:
    values = {"station": station.display_name, "region": ticket.customer.region or "—"}
    if in_region:
        return _("%(station)s serves the customer's region (%(region)s).") % values
    return _("%(station)s does not serve the customer's region (%(region)s).") % values


def _capacity_reason(free: int, day: dt.date, preferred: bool, ticket: Ticket) -> str:
    values = {"count": free, "day": date_format(day, "SHORT_DATE_FORMAT")}
    if preferred and ticket.preferred_visit_slot:
        values["day"] += f" ({ticket.get_preferred_visit_slot_display()})"
    if preferred:
        return (
            ngettext(
                "%(count)s free place on the customer's preferred day, %(day)s.",
                "%(count)s free places on the customer's preferred day, %(day)s.",
                free,
            )
            % values
        )
    return ngettext("%(count)s free place on %(day)s.", "%(count)s free places on %(day)s.", free) % values


def _load_reason(load: int) -> str:
    return ngettext("%(count)s visit today.", "%(count)s visits today.", load) % {"count": load}
