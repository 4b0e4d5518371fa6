"""SLA targets: which version governs a ticket, and publishing a new version (docs/lifecycle.md#targets).

A target is per kind and priority, for the whole organisation, a region (the customer's) or one
service station; the most specific one in force applies (station > region > organisation). A
version is never edited: a change is published as the scope's next version, in force from a
moment that is not in the past, so the version in force at any past moment never changes and a
ticket's deadlines never move because targets were edited.
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import table_memo
from customers.business_time import CalendarSpec
from customers.calendars import calendar_spec_for
from tickets.models import ServiceStation
from tickets.sla import clocks as sla
from tickets.sla.models import SlaTarget


def target_in_force(
    *, kind: str, priority: str, station: ServiceStation | None, region: str, at: dt.datetime
) -> SlaTarget | None:
    """The target version governing a ticket of ``kind`` and ``priority`` at the moment ``at``:
    the station's own when it has one, else the customer's region's, else the organisation's;
    within a scope, the version in force latest (the higher version when two start together).
    None when the table has no target for the kind and priority (the built-in one applies).

    The versions of the kind and priority are kept in the process until the table changes
    (aftersales/table_memo.py): every ticket created or moved reads them. Read only."""
    versions = table_memo.derived(
        ("tickets.slatarget",),
        ("sla-targets", kind, priority),
        lambda: list(SlaTarget.objects.filter(kind=kind, priority=priority)),
    )
    station_id = station.pk if station is not None else None

    def specificity(target: SlaTarget) -> int | None:
        if target.station_id is not None:
            return 0 if target.station_id == station_id else None
        if target.region:
            return 1 if region and target.region == region else None
        return 2

    in_force = [
        (rank, target)
        for target in versions
        if target.effective_from <= at and (rank := specificity(target)) is not None
    ]
    if not in_force:
        return None
    return min(in_force, key=lambda pair: (pair[0], -pair[1].effective_from.timestamp(), -pair[1].version))[1]


def target_of(row: SlaTarget | None, kind: str, priority: str) -> sla.Target:
    """The clocks of a target row; the built-in target of the kind and priority without one
    (tickets created before targets were data, or a table emptied by hand)."""
    return row.target if row is not None else sla.default_target(kind, priority)


def calendar_for(station: ServiceStation | None) -> CalendarSpec:
    """The business calendar a ticket's clocks count in: its station's, or the organisation's
    default while it has none."""
    return calendar_spec_for(station)


def target_errors(target: SlaTarget, now: dt.datetime) -> dict[str, str]:
    """What is wrong with ``target`` as a new version, by field (empty: nothing)."""
    errors: dict[str, str] = {}
    if target.station_id is not None and target.region:
        errors["region"] = _("A target is for one station or one region, not both.")
    if target.effective_from is None:
        errors["effective_from"] = _("Say from when this version applies.")
    elif target.effective_from < now - dt.timedelta(minutes=1):
        # A minute's grace for the time the form took to submit.
        errors["effective_from"] = _("A new version applies from now or later, not from the past.")
    if target.response_hours is None and not target.response_same_day and target.completion_hours is None:
        errors["completion_hours"] = _("Give at least a response or a completion time.")
    return errors


@transaction.atomic
def target_publish(*, target: SlaTarget, by: AbstractBaseUser | None, now: dt.datetime | None = None) -> SlaTarget:
    """Save ``target`` as its scope's next version (kind, priority and region or station).

    A version takes effect now or later, never in the past: tickets already created keep the
    version they were created under, and the version in force at a past moment stays what it
    was. Earlier versions are never changed.
    """
    now = now or timezone.now()
    errors = target_errors(target, now)
    if errors:
        raise ValidationError(errors)
    scope = SlaTarget.objects.select_for_update().filter(kind=target.kind, priority=target.priority)
    if target.station_id is not None:
        scope = scope.filter(station=target.station)
    else:
        scope = scope.filter(station__isnull=True, region=target.region)
    latest = scope.order_by("-version").values_list("version", flat=True).first()
    target.pk = None
    target.version = (latest or 0) + 1
    target.created_by = by if by is not None and by.is_authenticated else None
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as exc:
        # The first version of a new scope, published by someone else at the same moment: no
        # row existed to lock, and the unique version refused this one.
        raise ValidationError(
            {"version": _("Someone published a version of these targets at the same moment. Open them again.")}
        ) from exc
    return target
