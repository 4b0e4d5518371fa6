"""What the booking tests share: a station working 09:00–17:00 on weekdays in half-day slots,
its technicians, and tickets to book.

The clock of every test is an explicit ``now``: Monday 2 March 2026, 08:00 in Shanghai. The
national days are those the migration loaded (2026: National Day 1–7 October, make-up Saturday
10 October).
"""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from customers.models import BusinessCalendar
from fieldwork.models import StationSlots, TechnicianProfile
from tests import factories
from tickets.choices import Status

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)
MONDAY = dt.date(2026, 3, 2)
_numbers = itertools.count(1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def field_calendar(name: str = "Field hours", **hours) -> BusinessCalendar:
    """Weekdays 09:00–17:00, closed at weekends; make-up days work Monday's hours."""
    fields = {
        f"{day}_{edge}": value
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
        for edge, value in (("opens", dt.time(9)), ("closes", dt.time(17)))
    }
    fields |= {"saturday_opens": None, "saturday_closes": None, "sunday_opens": None, "sunday_closes": None}
    return BusinessCalendar.objects.create(name=name, time_zone="Asia/Shanghai", **(fields | hours))


def field_station(*, slot_minutes: int = 240, cutoff: int = 12, days_ahead: int = 14, region: str = "Qingdao", **kw):
    calendar = kw.pop("calendar", None) or field_calendar(name=f"Field hours {next(_numbers)}")
    station = factories.ServiceStationFactory(region=region, calendar=calendar, **kw)
    StationSlots.objects.create(
        station=station, slot_minutes=slot_minutes, change_cutoff_hours=cutoff, days_ahead=days_ahead
    )
    return station


def technician_at(*stations, user=None, per_slot: int = 1, categories=(), **fields) -> TechnicianProfile:
    user = user or factories.UserFactory(roles=["technician"])
    profile = TechnicianProfile.objects.create(user=user, visits_per_slot=per_slot, **fields)
    profile.stations.set(stations)
    profile.categories.set(categories)
    return profile


def repair_ticket(**fields):
    fields.setdefault("status", Status.ACKNOWLEDGED)
    fields.setdefault("customer", factories.CustomerFactory(preferred_language="en"))
    return factories.TicketFactory(**fields)
