"""The on-site job: check-in, the job record, photos, parts, the customer's signature, check-out.

Every write is one transaction that locks the visit row, checks that the visit's own technician
acts on a visit still open, and appends one ``job.*`` event on the ticket's timeline
(fieldwork/jobs/timeline_texts.py). Check-in is the ticket's arrival (tickets/services/arrival.py),
parts come off the visit's station's stock through ``parts.usage.part_use`` in the job's
transaction, and check-out has the service report made after the commit (docs/technician-day.md).
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldwork.jobs.photos import checked_photo
from fieldwork.jobs.signature import signature_file
from fieldwork.models import ChargeKind, Complexity, JobPhoto, JobRecord, PhotoStage, Visit, VisitStatus
from parts.models import Part, PartUsage
from parts.usage import part_use
from tickets.choices import EventKind
from tickets.services.arrival import ticket_technician_arrived
from tickets.services.resolution import parse_amount
from tickets.services.timeline import append_event

CLOSED = (VisitStatus.DONE, VisitStatus.CANCELLED)
TEXT_LIMIT = 4000
PHOTOS_PER_VISIT = 20
MAX_PARTS_AT_ONCE = 99
MAX_TRAVEL_KM = 2000


def _locked(visit: Visit, by: AbstractBaseUser, *, needs_check_in: bool = True) -> Visit:
    """The visit row, locked for this transaction, once the rules allow ``by`` to change it."""
    locked = Visit.objects.select_for_update().select_related("ticket", "station").get(pk=visit.pk)
    if by is None or locked.technician_id != by.pk:
        raise PermissionDenied(_("Only the visit's technician may record its job."))
    if locked.status in CLOSED:
        raise ValidationError({"visit": _("This visit is done or cancelled: it takes no more changes.")})
    if needs_check_in and locked.status != VisitStatus.CHECKED_IN:
        raise ValidationError({"visit": _("Check in on site first.")})
    return locked


def _record_of(visit: Visit) -> JobRecord:
    record, _created = JobRecord.objects.get_or_create(visit=visit)
    return record


def _event(visit: Visit, by: AbstractBaseUser, code: str, **params: object) -> None:
    append_event(visit.ticket, EventKind.NOTE, by, message=(code, params), data={"visit": visit.pk})


def _first_arrival_of_round(visit: Visit) -> bool:
    """No other visit of the ticket's current round was checked in before this one."""
    others = Visit.objects.filter(ticket_id=visit.ticket_id, checked_in_at__isnull=False).exclude(pk=visit.pk)
    if visit.ticket.reopened_at is not None:
        others = others.filter(checked_in_at__gte=visit.ticket.reopened_at)
    return not others.exists()


@transaction.atomic
def visit_check_in(visit: Visit, by: AbstractBaseUser, now: dt.datetime | None = None) -> Visit:
    """The technician is on site: the real arrival time, which the ticket's arrival clock then
    uses (the ticket moves to in progress at that time if it is not already)."""
    now = now or timezone.now()
    visit = _locked(visit, by, needs_check_in=False)
    if visit.status == VisitStatus.CHECKED_IN:
        raise ValidationError({"visit": _("You are checked in already.")})
    first = _first_arrival_of_round(visit)
    visit.status, visit.checked_in_at = VisitStatus.CHECKED_IN, now
    visit.save(update_fields=["status", "checked_in_at"])
    # Only the ticket's technician moves the ticket (tickets/services/locking.py); booking assigns
    # the visit's technician when it dispatches.
    if visit.ticket.assignee_id == by.pk:
        visit.ticket = ticket_technician_arrived(ticket=visit.ticket, by=by, at=now, first_of_round=first)
    _event(visit, by, "job.checked_in", at=now.isoformat())
    return visit


def _text(data: dict, name: str, errors: dict) -> str:
    value = str(data.get(name) or "").strip()
    if len(value) > TEXT_LIMIT:
        errors[name] = _("Keep this under %(limit)d characters.") % {"limit": TEXT_LIMIT}
    return value


def _charge(data: dict, errors: dict) -> tuple[str, Decimal, str]:
    kind = str(data.get("charge_kind") or ChargeKind.COVERED)
    if kind not in ChargeKind.values:
        errors["charge_kind"] = _("Choose covered or paid.")
        return ChargeKind.COVERED, Decimal("0.00"), ""
    if kind == ChargeKind.COVERED:
        return kind, Decimal("0.00"), ""
    reason = str(data.get("charge_reason") or "").strip()
    if not reason:
        errors["charge_reason"] = _("Say why the customer pays.")
    elif len(reason) > 255:
        errors["charge_reason"] = _("Keep this under %(limit)d characters.") % {"limit": 255}
    try:
        amount = parse_amount(data.get("charge"), field="charge")
    except ValidationError as exc:
        errors["charge"] = exc.message_dict["charge"][0]
        return kind, Decimal("0.00"), reason
    if amount <= 0:
        errors["charge"] = _("Enter the amount the customer pays.")
    elif Decimal(str(data.get("charge")).strip()).normalize().as_tuple().exponent < -2:
        errors["charge"] = _("Enter the amount to the cent, such as 120.50.")
    return kind, amount, reason


@transaction.atomic
def job_save(visit: Visit, by: AbstractBaseUser, data: dict) -> JobRecord:
    """Save what the technician recorded: diagnosis, work done and the charge — covered, or paid
    with its amount (to the cent) and the reason the customer pays."""
    visit = _locked(visit, by)
    errors: dict[str, str] = {}
    diagnosis = _text(data, "diagnosis", errors)
    work_done = _text(data, "work_done", errors)
    kind, amount, reason = _charge(data, errors)
    if errors:
        raise ValidationError(errors)
    record = _record_of(visit)
    record.diagnosis, record.work_done = diagnosis, work_done
    record.charge_kind, record.charge, record.charge_reason = kind, amount, reason
    record.save(update_fields=["diagnosis", "work_done", "charge_kind", "charge", "charge_reason", "updated_at"])
    _event(visit, by, "job.recorded", diagnosis=diagnosis, work=work_done, kind=kind, charge=format(amount, "f"))
    return record


@transaction.atomic
def job_add_photo(visit: Visit, by: AbstractBaseUser, stage: str, file: UploadedFile) -> JobPhoto:
    """A photo before or after the work, checked like every upload: a JPEG or PNG by its content,
    at most 5 MB (fieldwork/jobs/photos.py)."""
    visit = _locked(visit, by)
    if stage not in PhotoStage.values:
        raise ValidationError({"stage": _("Choose before or after the work.")})
    if file is None:
        raise ValidationError({"file": _("Take or choose a photo.")})
    content_type = checked_photo(file, field="file")
    if JobPhoto.objects.filter(visit=visit).count() >= PHOTOS_PER_VISIT:
        raise ValidationError({"file": _("A visit keeps at most %(count)d photos.") % {"count": PHOTOS_PER_VISIT}})
    photo = JobPhoto(visit=visit, stage=stage, content_type=content_type, size=file.size, by=by)
    photo.file.save("photo", file, save=False)
    photo.save()
    _event(visit, by, "job.photo_added", stage=stage)
    return photo


@transaction.atomic
def job_use_part(
    visit: Visit,
    by: AbstractBaseUser,
    part: Part,
    quantity: int,
    under_warranty: bool,
    failed_batch: str = "",
) -> PartUsage:
    """Use ``quantity`` of ``part`` on the job: consumed from the visit's station's stock in this
    transaction (a reservation for the ticket first), so a failure leaves stock and job as they were."""
    visit = _locked(visit, by)
    if quantity > MAX_PARTS_AT_ONCE:
        raise ValidationError({"quantity": _("Use at most %(count)d at once.") % {"count": MAX_PARTS_AT_ONCE}})
    usage = part_use(
        ticket=visit.ticket,
        station=visit.station,
        part=part,
        quantity=quantity,
        by=by,
        under_warranty=under_warranty,
        failed_batch=(failed_batch or "").strip(),
    )
    code = "job.part_used_warranty" if under_warranty else "job.part_used"
    _event(visit, by, code, number=part.number, name=part.name, quantity=quantity)
    return usage


@transaction.atomic
def job_sign(visit: Visit, by: AbstractBaseUser, signature_png_data_url: str, signed_by: str) -> JobRecord:
    """The customer's signature drawn on the phone, as a PNG data URL; checked to be a PNG image
    of a sane size before it is stored (fieldwork/jobs/signature.py)."""
    visit = _locked(visit, by)
    name = (signed_by or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["signed_by"] = _("Write the name of the person who signs.")
    elif len(name) > 120:
        errors["signed_by"] = _("Keep this under %(limit)d characters.") % {"limit": 120}
    try:
        content = signature_file(signature_png_data_url, field="signature")
    except ValidationError as exc:
        errors["signature"] = exc.message_dict["signature"][0]
    if errors:
        raise ValidationError(errors)
    record = _record_of(visit)
    if record.signature:
        record.signature.delete(save=False)
    record.signature.save(f"{visit.pk}.png", content, save=False)
    record.signed_by, record.signed_at = name, timezone.now()
    record.save(update_fields=["signature", "signed_by", "signed_at", "updated_at"])
    _event(visit, by, "job.signed", name=name)
    return record


def _check_out_facts(data: dict, errors: dict) -> tuple[str, int | None]:
    """The repair's complexity band and the travel distance, as the check-out form sends them;
    both may be left out (docs/settlement.md says what a settlement pays then)."""
    complexity = str(data.get("complexity") or "").strip()
    if complexity and complexity not in Complexity.values:
        errors["complexity"] = _("Choose simple, standard or complex.")
        complexity = ""
    raw = str(data.get("travel_km") if data.get("travel_km") is not None else "").strip()
    if not raw:
        return complexity, None
    try:
        km = int(raw)
    except ValueError:
        errors["travel_km"] = _("Enter the distance in whole kilometres.")
        return complexity, None
    if not 0 <= km <= MAX_TRAVEL_KM:
        errors["travel_km"] = _("Enter a distance from 0 to %(limit)d km.") % {"limit": MAX_TRAVEL_KM}
        return complexity, None
    return complexity, km


@transaction.atomic
def visit_check_out(
    visit: Visit, by: AbstractBaseUser, now: dt.datetime | None = None, data: dict | None = None
) -> Visit:
    """The technician leaves: the visit is done. Needs the check-in and the customer's signature;
    records the repair's complexity band and the travel distance (``data``: ``complexity``,
    ``travel_km``), which the warranty settlement pays by; the service report is made once the
    check-out is committed (fieldwork/reports/services.py)."""
    now = now or timezone.now()
    visit = _locked(visit, by)
    errors: dict[str, str] = {}
    complexity, travel_km = _check_out_facts(data or {}, errors)
    record = JobRecord.objects.filter(visit=visit).first()
    if record is None or not record.signature:
        errors["signature"] = _("Get the customer's signature before checking out.")
    if errors:
        raise ValidationError(errors)
    record.complexity, record.travel_km = complexity, travel_km
    record.save(update_fields=["complexity", "travel_km", "updated_at"])
    visit.status, visit.checked_out_at = VisitStatus.DONE, now
    visit.save(update_fields=["status", "checked_out_at"])
    _event(visit, by, "job.checked_out", at=now.isoformat())
    visit_id = visit.pk
    transaction.on_commit(lambda: _make_report(visit_id))
    return visit


def _make_report(visit_id: int) -> None:
    from fieldwork.reports.services import report_make

    report_make(Visit.objects.select_related("ticket", "station", "technician").get(pk=visit_id))
