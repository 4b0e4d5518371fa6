"""Which visit slots are free: per station, per technician, over a range of days.

The slots of a technician at a station come from the technician's business calendar (their
profile's own, else the station's, else the organisation's default) cut into the station's slot
length (fieldwork/slots.py); a slot's free places are the technician's visits per slot minus the
visits holding it, wherever they are (a technician is in one place at a time). Slots already
started, and days beyond the station's bookable days ahead, are not offered.

The queries do not grow with the number of visits or technicians: the station's settings, the
technicians with their users and calendars, the national days, the default calendar, and every
holding visit of those technicians in the range, each read once.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from customers.business_time import CalendarSpec
from customers.calendars import CalendarSpecs
from fieldwork import slots as slot_rules
from fieldwork.models import HOLDING_STATUSES, StationSlots, TechnicianProfile, Visit
from tickets.models import ServiceStation


@dataclass(frozen=True)
class FreeSlot:
    """A slot of one technician at one station with its free places (zero: full)."""

    start: dt.datetime
    end: dt.datetime
    technician: AbstractBaseUser
    free: int

    @property
    def key(self) -> str:
        """What a form posts to pick this slot: its start in ISO form."""
        return self.start.isoformat()


def slot_settings(station: ServiceStation) -> StationSlots:
    """The station's slot settings, or the defaults (half days, 12 hours' cut-off, 14 days
    ahead) when the station has none."""
    found = StationSlots.objects.filter(station=station).first()
    return found if found is not None else StationSlots(station=station)


def technician_profiles(station: ServiceStation, technician: AbstractBaseUser | None = None):
    """The station's technicians who take visits, with their users and calendars."""
    profiles = TechnicianProfile.objects.filter(stations=station, is_active=True, user__is_active=True).select_related(
        "user", "calendar"
    )
    if technician is not None:
        profiles = profiles.filter(user=technician)
    return profiles


def calendar_of(profile: TechnicianProfile, station: ServiceStation, specs: CalendarSpecs) -> CalendarSpec:
    """The technician's working days and hours: their own calendar, else the station's."""
    if profile.calendar_id is not None:
        return specs.for_calendar(profile.calendar)
    return specs.for_station(station)


def last_bookable_day(settings: StationSlots, now: dt.datetime) -> dt.date:
    return timezone.localdate(now) + dt.timedelta(days=settings.days_ahead)


def free_slots(
    station: ServiceStation,
    *,
    date_from: dt.date,
    date_to: dt.date,
    technician: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
    exclude_visit: Visit | None = None,
    include_full: bool = False,
) -> list[FreeSlot]:
    """The slots of the station's active technicians (or of ``technician`` alone) from
    ``date_from`` to ``date_to`` (local days, both included), in order of time then technician,
    each with its free places. Full slots are left out unless ``include_full``; started ones
    always are. ``exclude_visit``'s own place does not count (the slots it may move to)."""
    now = now or timezone.now()
    settings = slot_settings(station)
    date_to = min(date_to, last_bookable_day(settings, now))
    if date_to < date_from:
        return []
    profiles = list(technician_profiles(station, technician))
    if not profiles:
        return []
    specs = CalendarSpecs()
    by_technician: dict[int, list[slot_rules.Slot]] = {}
    for profile in profiles:
        slots = slot_rules.slots_between(
            date_from, date_to, calendar_of(profile, station, specs), settings.slot_minutes
        )
        by_technician[profile.user_id] = [slot for slot in slots if slot.start > now]
    every = [slot for slots in by_technician.values() for slot in slots]
    if not every:
        return []
    first, last = min(slot.start for slot in every), max(slot.end for slot in every)
    holding = Visit.objects.filter(
        technician_id__in=list(by_technician), status__in=HOLDING_STATUSES, start__lt=last, end__gt=first
    )
    if exclude_visit is not None:
        holding = holding.exclude(pk=exclude_visit.pk)
    visits: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for technician_id, start, end in holding.values_list("technician_id", "start", "end"):
        visits.setdefault(technician_id, []).append((start, end))
    found: list[FreeSlot] = []
    for profile in profiles:
        counts = slot_rules.holding_counts(by_technician[profile.user_id], visits.get(profile.user_id, []))
        for slot, count in counts.items():
            free = slot_rules.free_places(profile.visits_per_slot, count)
            if free or include_full:
                found.append(FreeSlot(slot.start, slot.end, profile.user, free))
    found.sort(key=lambda item: (item.start, item.technician.get_full_name(), item.technician.pk))
    return found
