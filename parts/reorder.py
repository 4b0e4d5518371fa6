"""Reorder alerts: a station is told once when its free stock of a part falls to the reorder
point (docs/parts.md#reorder-alerts).

Free stock is on hand less reserved. When a movement takes it to or below the level's reorder
point, the station's staff get one email and the level is stamped ``reorder_alerted_at``; more
movements below the point raise nothing more. When free stock rises above the point again the
stamp is cleared, so the next shortfall raises a new alert. A reorder point of 0 means the
station keeps no minimum of that part: no alert.

Called by parts/ledger.py ``stock_move`` — the one writer of stock — inside its transaction,
so the stamp and the email's outbox row exist exactly when the movement was committed.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from aftersales.roles import managers
from notifications.services import notify_staff
from parts.models import StockLevel
from tickets.messages import absolute

EMAIL_TEMPLATE = "parts_reorder"


def reorder_check(level: StockLevel, now: dt.datetime) -> bool:
    """Update ``level.reorder_alerted_at`` for its new free stock (not saved); True when this
    movement raises an alert."""
    below = level.reorder_point > 0 and level.free <= level.reorder_point
    if below and level.reorder_alerted_at is None:
        level.reorder_alerted_at = now
        return True
    if not below and level.reorder_alerted_at is not None:
        level.reorder_alerted_at = None
    return False


def station_staff(level: StockLevel) -> list[AbstractBaseUser]:
    """Who is told about a station's stock: its lead and its technicians (active, with an email);
    the managers when the station has nobody."""
    station = level.station
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(pk=station.lead_id) | Q(technician_profile__stations=station))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    return list(people) or list(managers().order_by("pk"))


def send_reorder_alert(level: StockLevel) -> int:
    """Email the station's staff that ``level`` is at its reorder point; how many were told.
    De-duplicated per alert and person, so a repeated call sends nothing twice."""
    context = _email_context(level)
    stamp = level.reorder_alerted_at.isoformat() if level.reorder_alerted_at else ""
    told = 0
    for person in station_staff(level):
        message = notify_staff(
            user=person,
            template=EMAIL_TEMPLATE,
            context=context,
            dedupe_key=f"reorder:{level.pk}:{stamp}:{person.pk}",
        )
        told += message is not None
    return told


def _email_context(level: StockLevel) -> dict[str, str | int]:
    """The email's values, with names in the language staff emails are sent in."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "station": level.station.display_name,
            "part_number": level.part.number,
            "part_name": level.part.display_name,
            "free": level.free,
            "on_hand": level.on_hand,
            "reserved": level.reserved,
            "reorder_point": level.reorder_point,
            "reorder_quantity": level.reorder_quantity,
            "stock_url": absolute(reverse("parts:ledger", args=[level.station_id, level.part_id])),
        }
