"""The job's submissions as the phone's forms and the API send them: parse, call one service, and
say what was done as plain JSON (the result kept with the idempotency key)."""

import uuid
from collections.abc import Callable, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fieldwork.jobs import selectors, services
from fieldwork.models import Visit

FORM_ACTIONS = ("check_in", "record", "photo", "part", "sign", "check_out")

DONE_MESSAGES: dict[str, Callable[[], str]] = {
    "check_in": lambda: _("Checked in. Your arrival time is recorded."),
    "record": lambda: _("Job record saved."),
    "photo": lambda: _("Photo added."),
    "part": lambda: _("Part used and taken off the station's stock."),
    "sign": lambda: _("Signature saved."),
    "check_out": lambda: _("Checked out. The visit is done."),
}


def fresh_keys() -> dict[str, str]:
    """A new idempotency key for each form of the job screen (the phone keeps it for resends)."""
    return {action: str(uuid.uuid4()) for action in FORM_ACTIONS}


def _quantity(raw: object) -> int:
    try:
        quantity = int(str(raw if raw not in (None, "") else "1").strip())
    except ValueError as exc:
        raise ValidationError({"quantity": _("Enter a whole number.")}) from exc
    if quantity < 1:
        raise ValidationError({"quantity": _("Use at least one.")})
    return quantity


def _flag(raw: object) -> bool:
    return str(raw).strip().lower() in ("1", "true", "on", "yes")


def part_of(visit: Visit, data: Mapping) -> object:
    """The part named by id (``part``) or by part number (``part_number``), in stock for the visit."""
    number = str(data.get("part_number") or "").strip()
    raw_id = data.get("part")
    if raw_id not in (None, ""):
        match = [row for row in selectors.parts_in_stock(visit, limit=500) if str(row["id"]) == str(raw_id)]
        number = match[0]["number"] if match else ""
    part = selectors.usable_part(visit, number)
    if part is None:
        field = "part" if raw_id not in (None, "") else "part_number"
        raise ValidationError({field: _("No part of that number is in stock at this station.")})
    return part


def apply(action: str, visit: Visit, user, data: Mapping, files: Mapping) -> dict:
    """Run one job submission; the result says what was recorded."""
    if action == "check_in":
        visit = services.visit_check_in(visit, user)
        return {"visit": visit.pk, "checked_in_at": visit.checked_in_at.isoformat()}
    if action == "record":
        record = services.job_save(visit, user, dict(data.items()))
        return {"visit": visit.pk, "job": record.pk}
    if action == "photo":
        photo = services.job_add_photo(visit, user, str(data.get("stage") or ""), files.get("file"))
        return {"visit": visit.pk, "photo": photo.pk}
    if action == "part":
        usage = services.job_use_part(
            visit,
            user,
            part_of(visit, data),
            _quantity(data.get("quantity")),
            _flag(data.get("under_warranty")),
            str(data.get("failed_batch") or "")[:40],
        )
        return {"visit": visit.pk, "usage": usage.pk}
    if action == "sign":
        record = services.job_sign(visit, user, str(data.get("signature") or ""), str(data.get("signed_by") or ""))
        return {"visit": visit.pk, "job": record.pk}
    if action == "check_out":
        visit = services.visit_check_out(visit, user, data=dict(data.items()))
        return {"visit": visit.pk, "checked_out_at": visit.checked_out_at.isoformat()}
    raise ValueError(action)
