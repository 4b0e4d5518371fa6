"""Old-part returns (RMA): the defective part replaced under warranty goes back to the maker.

docs/parts-orders-returns.md#old-part-returns-rma. A part used on a job under warranty opens a return
in the job's transaction (registered in parts/usage.py ``after_use`` by parts/hooks.py), with a
unique RMA number and a due date ``PART_RETURN_DAYS`` after the use. It then moves
to return → shipped (with the tracking) → received → inspected (with a finding). A return not
shipped by its due date is flagged once and its station alerted once (``flag_overdue_returns``,
run by beat). A confirmed fault is what the quality feedback counts by part number and batch
(quality/part_failures.py).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from aftersales.roles import managers
from notifications.services import notify_staff
from parts.models import PartReturn, PartUsage, ReturnFinding, ReturnStatus
from parts.selectors import may_work_parts_of, overdue_q
from tickets.choices import EventKind
from tickets.messages import absolute
from tickets.services import append_event

RMA_PREFIX = "RMA"
EMAIL_TEMPLATE = "part_return_overdue"
# Each move: the status it leaves from, the status it reaches.
MOVES: dict[str, tuple[str, str]] = {
    "ship": (ReturnStatus.TO_RETURN, ReturnStatus.SHIPPED),
    "receive": (ReturnStatus.SHIPPED, ReturnStatus.RECEIVED),
    "inspect": (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED),
}


def rma_number_for(day: dt.date, serial: int) -> str:
    return f"{RMA_PREFIX}-{day:%Y%m%d}-{serial:04d}"


def _next_rma_number(day: dt.date) -> str:
    prefix = f"{RMA_PREFIX}-{day:%Y%m%d}-"
    last = (
        PartReturn.objects.filter(rma_number__startswith=prefix)
        .order_by("-rma_number")
        .values_list("rma_number", flat=True)
        .first()
    )
    return rma_number_for(day, int(last.rsplit("-", 1)[1]) + 1 if last else 1)


def return_open(usage: PartUsage, *, by: AbstractBaseUser | None = None) -> PartReturn | None:
    """Open the old-part return of a part used under warranty (``after_use``); nothing for a paid one.

    The RMA number is the next of its day. Two uses at once may pick the same number: the unique
    constraint refuses the second, which takes the next one (in a savepoint, so the job's
    transaction goes on)."""
    if not usage.under_warranty:
        return None
    used = usage.created_at or timezone.now()
    due_by = used + dt.timedelta(days=settings.PART_RETURN_DAYS)
    day = timezone.localdate(used)
    for _attempt in range(20):
        try:
            with transaction.atomic():
                part_return = PartReturn.objects.create(usage=usage, rma_number=_next_rma_number(day), due_by=due_by)
            break
        except IntegrityError:
            if PartReturn.objects.filter(usage=usage).exists():
                raise
            continue
    else:  # pragma: no cover - twenty uses at the same instant
        raise IntegrityError("No free RMA number.")
    append_event(
        usage.ticket,
        EventKind.NOTE,
        by,
        message=(
            "parts.return_opened",
            {"part": usage.part.number, "rma": part_return.rma_number, "due_by": due_by.isoformat()},
        ),
        data={"part_return": part_return.pk},
    )
    return part_return


def _locked(part_return: PartReturn, by: AbstractBaseUser, move: str) -> PartReturn:
    locked = PartReturn.objects.select_for_update().get(pk=part_return.pk)
    locked.usage = PartUsage.objects.select_related("ticket", "part", "station").get(pk=locked.usage_id)
    if not may_work_parts_of(by, locked.usage.ticket):
        raise PermissionDenied(_("You cannot change this return."))
    source, _target = MOVES[move]
    if locked.status != source:
        raise ValidationError(
            {
                "status": _("This return is %(status)s: it cannot be %(move)s now.")
                % {"status": ReturnStatus(locked.status).label.lower(), "move": MOVE_WORDS[move]()}
            },
            code="status",
        )
    return locked


MOVE_WORDS = {
    "ship": lambda: _("shipped"),
    "receive": lambda: _("received"),
    "inspect": lambda: _("inspected"),
}


def _record(part_return: PartReturn, by: AbstractBaseUser, code: str, params: dict) -> None:
    append_event(
        part_return.usage.ticket,
        EventKind.NOTE,
        by,
        message=(code, {"rma": part_return.rma_number, **params}),
        data={"part_return": part_return.pk},
    )


@transaction.atomic
def return_ship(*, part_return: PartReturn, tracking: str, by: AbstractBaseUser) -> PartReturn:
    """The old part is on its way to the maker, with the shipment's tracking number."""
    part_return = _locked(part_return, by, "ship")
    tracking = (tracking or "").strip()
    if not tracking:
        raise ValidationError({"tracking": _("Give the shipment's tracking number.")})
    if len(tracking) > 80:
        raise ValidationError({"tracking": _("At most 80 characters.")})
    part_return.status, part_return.shipped_at, part_return.tracking = ReturnStatus.SHIPPED, timezone.now(), tracking
    part_return.save(update_fields=["status", "shipped_at", "tracking"])
    _record(part_return, by, "parts.return_shipped", {"tracking": tracking})
    return part_return


@transaction.atomic
def return_receive(*, part_return: PartReturn, by: AbstractBaseUser) -> PartReturn:
    """The maker has the old part."""
    part_return = _locked(part_return, by, "receive")
    part_return.status, part_return.received_at = ReturnStatus.RECEIVED, timezone.now()
    part_return.save(update_fields=["status", "received_at"])
    _record(part_return, by, "parts.return_received", {})
    return part_return


@transaction.atomic
def return_inspect(*, part_return: PartReturn, finding: str, note: str = "", by: AbstractBaseUser) -> PartReturn:
    """The maker's inspection: fault confirmed, no fault found, or damage by misuse, with a note."""
    part_return = _locked(part_return, by, "inspect")
    if finding not in ReturnFinding.values:
        raise ValidationError({"finding": _("Choose what the inspection found.")})
    part_return.status, part_return.inspected_at = ReturnStatus.INSPECTED, timezone.now()
    part_return.finding, part_return.finding_note = finding, (note or "").strip()
    part_return.save(update_fields=["status", "inspected_at", "finding", "finding_note"])
    _record(part_return, by, "parts.return_inspected", {"finding": finding})
    return part_return


# --- overdue returns ---------------------------------------------------------------------------


def _station_people(part_return: PartReturn) -> list[AbstractBaseUser]:
    """The station's lead, or every active manager when it has none."""
    lead = part_return.usage.station.lead
    if lead is not None and lead.is_active:
        return [lead]
    return list(managers().order_by("pk"))


def _alert(part_return: PartReturn) -> None:
    usage = part_return.usage
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "rma": part_return.rma_number,
            "part": str(usage.part),
            "reference": usage.ticket.reference,
            "station": usage.station.display_name,
            "due": formats.date_format(timezone.localtime(part_return.due_by), "DATE_FORMAT"),
            "returns_url": absolute(reverse("parts:returns") + "?overdue=1"),
        }
    for person in _station_people(part_return):
        notify_staff(
            user=person,
            template=EMAIL_TEMPLATE,
            context=context,
            dedupe_key=f"part-return-overdue:{part_return.pk}:{person.pk}",
        )


def flag_overdue_returns(*, now: dt.datetime | None = None) -> int:
    """Flag every return not shipped by its due date, once: stamp ``flagged_at``, write it on the
    ticket's timeline and alert the station. Idempotent: a flagged return is never flagged
    again, and two runs at once flag each return once (the stamp is a conditional update)."""
    now = now or timezone.now()
    flagged = 0
    candidates = PartReturn.objects.filter(overdue_q(now), flagged_at__isnull=True).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            if not PartReturn.objects.filter(pk=pk, flagged_at__isnull=True).update(flagged_at=now):
                continue
            part_return = PartReturn.objects.select_related("usage__ticket", "usage__part", "usage__station__lead").get(
                pk=pk
            )
            append_event(
                part_return.usage.ticket,
                EventKind.NOTE,
                None,
                message=(
                    "parts.return_overdue",
                    {"rma": part_return.rma_number, "due_by": part_return.due_by.isoformat()},
                ),
                data={"part_return": pk},
            )
            _alert(part_return)
            flagged += 1
    return flagged
