"""Field service in the demo: the technicians' profiles, the stations' visit slots, the parts
catalogue and each station's stock, and the first technician's visits today, so the
technician's day shows work when the product starts.

Stock is received through the ledger (parts.ledger.stock_move), as goods arriving would be.
The day's visits are written as rows (their customers have agreed them before the demo starts);
their tickets are assigned and dispatched through the ticket services. Loaded once: a database
that has the demo technician's profile already has it all (:func:`field_demo_loaded`).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import OutputWrapper
from django.db import transaction
from django.utils import timezone

from customers.models import ProductCategory, ProductModel
from demo.data.field import (
    DAY_STATION,
    PARTS,
    RECEIPT_BATCH,
    RECEIPT_REASON,
    SHORT_STOCK,
    SLOT_MINUTES,
    TECHNICIANS,
    TODAYS_VISITS,
    VISITS_PER_SLOT,
    money,
)
from fieldwork.models import HOLDING_STATUSES, StationSlots, TechnicianProfile, Visit, VisitStatus
from parts.ledger import stock_move
from parts.models import MovementKind, Part, StockLevel
from tickets.choices import SERVICE_KINDS, Status
from tickets.models import ServiceStation, Ticket
from tickets.services import save_ticket, ticket_assign, ticket_transition

# Tickets the day's visits can be for: waiting for a technician, not yet given to one.
WAITING = (Status.NEW, Status.ACKNOWLEDGED)


def field_demo_loaded() -> bool:
    """The demo technician has a profile: the field-service demo was loaded before."""
    return TechnicianProfile.objects.filter(user__username=next(iter(TECHNICIANS))).exists()


@transaction.atomic
def load_field_demo(out: OutputWrapper, now: dt.datetime | None = None) -> None:
    """Add the field-service demo to a database with the demo's stations, staff and tickets;
    nothing when it is there already."""
    if field_demo_loaded():
        return
    now = now or timezone.now()
    users = {user.username: user for user in get_user_model().objects.filter(username__in=["agent", "manager"])}
    stations, profiles, slots, parts, movements = _equip(users.get("manager"))
    visits = _todays_visits(stations, by=users.get("agent"), now=now)
    out.write(
        f"Field service: {profiles} technician profiles, {slots} stations' visit slots, {len(parts)} spare parts, "
        f"{movements} goods received, {visits} visits today for the first technician."
    )


def equip_stations(out: OutputWrapper) -> None:
    """Give stations and technicians added after the field-service demo (the service network's)
    what the others have: profiles, visit slots and opening stock. What exists is left alone."""
    manager = get_user_model().objects.filter(username="manager").first()
    _stations, profiles, slots, parts, movements = _equip(manager)
    out.write(
        f"Field service: {profiles} technician profiles, {slots} stations' visit slots, {movements} goods received."
    )


def _equip(manager) -> tuple[dict[str, ServiceStation], int, int, dict[str, Part], int]:
    stations = {station.code: station for station in ServiceStation.objects.filter(is_active=True)}
    profiles = _technicians(stations)
    slots = _slots(stations)
    parts = _catalogue()
    movements = _opening_stock(stations, parts, by=manager)
    return stations, profiles, slots, parts, movements


def _technicians(stations: dict[str, ServiceStation]) -> int:
    User = get_user_model()
    made = 0
    for username, (station_codes, category_codes) in TECHNICIANS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        profile, _created = TechnicianProfile.objects.get_or_create(
            user=user, defaults={"visits_per_slot": VISITS_PER_SLOT}
        )
        profile.stations.set([stations[code] for code in station_codes if code in stations])
        profile.categories.set(ProductCategory.objects.filter(code__in=category_codes))
        made += 1
    return made


def _slots(stations: dict[str, ServiceStation]) -> int:
    for station in stations.values():
        StationSlots.objects.get_or_create(station=station, defaults={"slot_minutes": SLOT_MINUTES})
    return len(stations)


def _catalogue() -> dict[str, Part]:
    models = {model.code: model for model in ProductModel.objects.all()}
    parts = {}
    for number, name, name_zh, fits, main, cost, price, warranty_days, _stock, _reorder in PARTS:
        part, _created = Part.objects.update_or_create(
            number=number,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "is_main_component": main,
                "standard_cost": money(cost),
                "price": money(price),
                "warranty_days": warranty_days,
            },
        )
        part.fits.set([models[code] for code in fits if code in models])
        parts[number] = part
    return parts


def _opening_stock(stations: dict[str, ServiceStation], parts: dict[str, Part], *, by) -> int:
    """Each station receives the catalogue's opening stock, except a couple of parts that arrive
    short, at or under their reorder point, so the reorder alerts have something to show."""
    short = {(code, number): quantity for code, number, quantity in SHORT_STOCK}
    received = 0
    for code, station in sorted(stations.items()):
        for number, *_rest, stock, reorder_point in PARTS:
            part = parts[number]
            if StockLevel.objects.filter(station=station, part=part).exists():
                continue  # stock the station already holds is left as it is
            quantity = short.get((code, number), stock)
            stock_move(
                station=station,
                part=part,
                kind=MovementKind.RECEIPT,
                by=by,
                quantity=quantity,
                reason=RECEIPT_REASON,
                batch=RECEIPT_BATCH,
            )
            received += 1
            # The reorder settings are the station's, not stock: the ledger moved the quantity.
            reorder = max(reorder_point, quantity + 1) if (code, number) in short else reorder_point
            StockLevel.objects.filter(station=station, part=part).update(
                reorder_point=reorder, reorder_quantity=max(stock, reorder * 2)
            )
    return received


def _todays_visits(stations: dict[str, ServiceStation], *, by, now: dt.datetime) -> int:
    """Three visits today for the first demo technician, at 09:00, 11:00 and 14:00 business
    time, on open service tickets of the station's region that wait for a technician: each ticket
    is assigned to the technician and dispatched, its appointment the visit's times."""
    username = next(iter(TECHNICIANS))
    technician = get_user_model().objects.filter(username=username).first()
    station = stations.get(DAY_STATION)
    if technician is None or station is None or by is None:
        return 0
    tz = ZoneInfo(settings.TIME_ZONE)
    today = now.astimezone(tz).date()
    if Visit.objects.filter(technician=technician, start__date=today, status__in=HOLDING_STATUSES).exists():
        return 0
    tickets = _tickets_for_the_day(station, technician, len(TODAYS_VISITS))
    for ticket, ((start_h, start_m), (end_h, end_m), status) in zip(tickets, TODAYS_VISITS, strict=False):
        start = dt.datetime.combine(today, dt.time(start_h, start_m), tz)
        end = dt.datetime.combine(today, dt.time(end_h, end_m), tz)
        ticket = ticket_assign(ticket=ticket, station=station, assignee=technician, by=by)
        if ticket.status != Status.DISPATCHED:
            ticket = ticket_transition(ticket=ticket, move="dispatch", by=by)
        ticket.appointment_start, ticket.appointment_end = start, end
        save_ticket(ticket, ["appointment_start", "appointment_end"])
        Visit.objects.create(
            ticket=ticket,
            technician=technician,
            station=station,
            start=start,
            end=end,
            status=status,
            booked_by=by,
            confirmed_at=now if status == VisitStatus.CONFIRMED else None,
        )
    return min(len(tickets), len(TODAYS_VISITS))


def _tickets_for_the_day(station: ServiceStation, technician, count: int) -> list[Ticket]:
    """The oldest open service tickets waiting for a technician, of the station's region and the
    technician's skills where there are enough, else of any region."""
    waiting = Ticket.objects.filter(
        status__in=WAITING, kind__in=SERVICE_KINDS, assignee__isnull=True, unit__isnull=False
    ).order_by("created_at", "pk")
    skills = technician.technician_profile.categories.all()
    for narrowed in (
        waiting.filter(customer__region=station.region, unit__model__category__in=skills),
        waiting.filter(customer__region=station.region),
        waiting,
    ):
        found = list(narrowed[:count])
        if len(found) == count:
            return found
    return found
