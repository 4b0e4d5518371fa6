"""Recall campaigns: every registered owner of the recalled units gets a recall ticket and a
recall callback (docs/kpis.md#batch-early-warning; section 7, recall callbacks).

Starting a recall and opening its tickets are two steps:

1. :func:`start_recall` checks the input, counts the units it covers and saves the campaign,
   in one short transaction, then queues ``recall_open_tickets_task`` after the commit.
2. :func:`open_recall_tickets` (the task) opens the tickets in chunks of :data:`OPEN_CHUNK`
   units. Each unit's ticket (through ``ticket_create``: reference, SLA deadlines, timeline),
   its recall callback, its ``RecallUnit`` row and the owner's email commit together in one
   transaction per unit, so a unit is either fully opened or not at all.

Why not everything in the request: ``ticket_create`` costs a handful of queries per ticket
(the year's reference counter, the ticket, its timeline event...), so a recall of thousands of
units takes longer than a request should, and one long transaction would hold the reference
counter's row lock and stall every other ticket being logged meanwhile. A transaction per unit
holds it for milliseconds. The campaign page shows how many units are still to open. A recall
covers the units that match while its tickets are being opened; a unit registered after that
is not added (a new campaign covers it).

Idempotent throughout: a unit is opened once per campaign (unique ``(campaign, unit)``, and
the callback's ``dedupe_key``), so the task can run twice, or on two workers at once, and a
worker killed mid-chunk loses nothing; the sweep (:func:`stalled_campaign_ids`) picks up a
campaign whose task was never queued (broker down) or died. The confirmation form carries a
one-time ``request_key``: the same confirmation submitted twice starts one campaign.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Upper
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.roles import manages_quality
from customers.models import ProductModel, ProductUnit, UnitStatus
from followups.callbacks.services import schedule
from followups.choices import CallbackKind
from notifications.services import notify_customer
from quality import tasks
from quality.models import AlertKind, QualityAlert, RecallCampaign, RecallUnit
from tickets.choices import Channel, Kind
from tickets.messages import track_url
from tickets.models import Ticket
from tickets.services import ticket_create

logger = logging.getLogger(__name__)

# Units opened per task run; the task queues itself again until none are left.
OPEN_CHUNK = 200
# The recall call is made soon: the owner should hear of a recall from us first.
RECALL_CALL_WITHIN = dt.timedelta(days=2)
# An unfinished campaign with no ticket opened for this long has lost its task.
STALLED_AFTER = dt.timedelta(minutes=10)


# --- which units a recall covers --------------------------------------------------------------


def recall_units(
    *, model: ProductModel | int, batch: str = "", serial_from: str = "", serial_to: str = ""
) -> QuerySet[ProductUnit]:
    """The units a recall covers: the model's registered units still in use (a replaced or
    returned unit is no longer with its owner: its replacement is a unit of its own), narrowed
    to the production batch and/or the serial range when given.

    The serial range is inclusive and compares serials as text, ignoring case, character by
    character in the database's collation: ``SN0100`` to ``SN0199`` is what one expects from
    serials of one fixed width, as production lines print them, but ``SN99`` sorts after
    ``SN100``. Uses the ``unit_serial_upper`` index.
    """
    units = ProductUnit.objects.filter(model=model, status=UnitStatus.IN_USE)
    if batch:
        units = units.filter(batch=batch)
    if serial_from or serial_to:
        units = units.annotate(serial_upper=Upper("serial")).filter(
            serial_upper__gte=serial_from.upper(), serial_upper__lte=serial_to.upper()
        )
    return units


def campaign_units(campaign: RecallCampaign) -> QuerySet[ProductUnit]:
    return recall_units(
        model=campaign.model_id, batch=campaign.batch, serial_from=campaign.serial_from, serial_to=campaign.serial_to
    )


def pending_units(campaign: RecallCampaign) -> QuerySet[ProductUnit]:
    """The campaign's units whose ticket is not opened yet."""
    return campaign_units(campaign).exclude(pk__in=RecallUnit.objects.filter(campaign=campaign).values("unit_id"))


@dataclass(frozen=True)
class RecallPreview:
    """How many units and owners a recall would reach."""

    units: int
    owners: int


def _field_limit(field: str) -> int:
    return RecallCampaign._meta.get_field(field).max_length


def recall_preview(
    *,
    model: ProductModel | None,
    batch: str = "",
    serial_from: str = "",
    serial_to: str = "",
    title: str = "",
    reason: str = "",
) -> RecallPreview:
    """Check a recall's input and count the units and owners it reaches (one query).

    Raises ValidationError with field errors: a title and a reason are required; a serial range
    needs both ends, the first not after the last; and at least one unit must match (the error
    goes on the narrowest criterion given).
    """
    errors: dict[str, str] = {}
    if model is None:
        errors["model"] = _("Choose the model to recall.")
    if not title.strip():
        errors["title"] = _("Give the recall a title.")
    elif len(title.strip()) > _field_limit("title"):
        errors["title"] = _("At most %(limit)d characters.") % {"limit": _field_limit("title")}
    if not reason.strip():
        errors["reason"] = _("Say why the units are recalled and what will be done.")
    if len(batch) > _field_limit("batch"):
        errors["batch"] = _("At most %(limit)d characters.") % {"limit": _field_limit("batch")}
    for name, value in (("serial_from", serial_from), ("serial_to", serial_to)):
        if len(value) > _field_limit(name):
            errors[name] = _("At most %(limit)d characters.") % {"limit": _field_limit(name)}
    if serial_from and not serial_to:
        errors["serial_to"] = _("Give the last serial of the range too.")
    elif serial_to and not serial_from:
        errors["serial_from"] = _("Give the first serial of the range too.")
    elif serial_from and serial_from.upper() > serial_to.upper():
        errors["serial_to"] = _("The last serial must not come before the first.")
    if errors:
        raise ValidationError(errors)
    counts = recall_units(model=model, batch=batch, serial_from=serial_from, serial_to=serial_to).aggregate(
        units=Count("pk"), owners=Count("owner", distinct=True)
    )
    if not counts["units"]:
        if serial_from:
            raise ValidationError({"serial_from": _("No unit in use of this model has a serial in this range.")})
        if batch:
            raise ValidationError({"batch": _("No unit in use of this model is from this batch.")})
        raise ValidationError({"model": _("No unit of this model is registered and in use.")})
    return RecallPreview(units=counts["units"], owners=counts["owners"])


# --- starting a recall ----------------------------------------------------------------------------


@transaction.atomic
def start_recall(
    *,
    model: ProductModel | None,
    batch: str = "",
    serial_from: str = "",
    serial_to: str = "",
    title: str,
    reason: str,
    by: AbstractBaseUser,
    alert: QualityAlert | None = None,
    now: dt.datetime | None = None,
    request_key: str = "",
) -> RecallCampaign:
    """Start a recall campaign for a model, narrowed to a batch and/or a serial range.

    Only managers and administrators start recalls. The input is checked as in
    :func:`recall_preview` (nothing is saved when it fails); a campaign started from a batch
    alert must recall that alert's model. The tickets are opened after the commit by
    ``recall_open_tickets_task``. With a ``request_key`` already used, the campaign it started
    is returned and nothing is written: a double submission starts one recall.
    """
    if not manages_quality(by):
        raise PermissionDenied(_("Only managers start recalls."))
    now = now or timezone.now()
    batch, serial_from, serial_to = batch.strip(), serial_from.strip(), serial_to.strip()
    if request_key:
        existing = RecallCampaign.objects.filter(request_key=request_key).first()
        if existing is not None:
            return existing
    recall_preview(model=model, batch=batch, serial_from=serial_from, serial_to=serial_to, title=title, reason=reason)
    if alert is not None and alert.kind == AlertKind.BATCH and alert.model_id != model.pk:
        raise ValidationError({"alert": _("This alert is about another model.")})
    try:
        with transaction.atomic():
            campaign = RecallCampaign.objects.create(
                title=title.strip(),
                model=model,
                batch=batch,
                serial_from=serial_from,
                serial_to=serial_to,
                reason=reason.strip(),
                alert=alert,
                started_by=by,
                started_at=now,
                request_key=request_key,
            )
    except IntegrityError:
        # The same confirmation, submitted twice at once: the other request won.
        return RecallCampaign.objects.get(request_key=request_key)
    pk = campaign.pk
    transaction.on_commit(lambda: queue_recall_opening(pk))
    return campaign


def queue_recall_opening(campaign_id: int) -> None:
    """Hand the opening of a campaign's tickets to Celery. Whatever goes wrong reaching the
    broker is logged, never raised: the campaign is saved, and the sweep picks it up.

    The tasks call this module and this module queues a task: each imports the other module
    (never a name from it), so either may be loaded first."""
    try:
        tasks.recall_open_tickets_task.delay(campaign_id)
    except Exception:  # noqa: BLE001 - any publishing failure leaves the campaign for the sweep
        logger.warning("Could not queue the tickets of recall %s; the sweep will open them", campaign_id, exc_info=True)


# --- opening the tickets --------------------------------------------------------------------------


class _OpenedElsewhere(Exception):
    """Another worker opened this unit's ticket a moment ago."""


@dataclass(frozen=True)
class RecallOpening:
    opened: int
    remaining: int


def _description(campaign: RecallCampaign, language: str) -> str:
    with translation.override(language):
        return _("Recall “%(title)s”: %(reason)s") % {"title": campaign.title, "reason": campaign.reason}


def notify_recall(*, campaign: RecallCampaign, unit: ProductUnit, ticket: Ticket) -> None:
    """Tell the owner that their unit is recalled, what will be done, and the ticket to follow,
    on their channel. Not essential (an offer of free work, which the recall call follows up),
    so an owner who opted out of offers is called but not messaged. One message per unit and
    campaign."""
    customer = unit.owner
    with translation.override(customer.preferred_language):
        context = {
            "customer_name": customer.name,
            "reference": ticket.reference,
            "kind": str(Kind(ticket.kind).label),
            "product": unit.model.display_name,
            "serial": unit.serial,
            "title": campaign.title,
            "reason": campaign.reason,
            "track_url": track_url(ticket.reference),
        }
    notify_customer(
        customer=customer,
        template="recall_notice",
        context=context,
        essential=False,
        ticket_reference=ticket.reference,
        dedupe_key=f"recall:{campaign.pk}:{unit.pk}",
    )


def _open_one(campaign: RecallCampaign, unit: ProductUnit, *, now: dt.datetime, descriptions: dict[str, str]) -> None:
    owner = unit.owner
    language = owner.preferred_language
    if language not in descriptions:
        descriptions[language] = _description(campaign, language)
    ticket = ticket_create(
        customer=owner,
        unit=unit,
        kind=Kind.REPAIR,
        # The owner is reached by the recall call; the ticket is the company's, not a request.
        channel=Channel.PHONE,
        description=descriptions[language],
        by=campaign.started_by,
        now=now,
    )
    visit = schedule(
        kind=CallbackKind.RECALL,
        customer=owner,
        ticket=ticket,
        unit=unit,
        due_at=now + RECALL_CALL_WITHIN,
        dedupe_key=f"recall:{campaign.pk}:{unit.pk}",
    )
    if visit is None:
        raise _OpenedElsewhere
    RecallUnit.objects.create(campaign=campaign, unit=unit, ticket=ticket, callback=visit)
    notify_recall(campaign=campaign, unit=unit, ticket=ticket)


def open_recall_tickets(
    *, campaign: RecallCampaign, limit: int | None = None, now: dt.datetime | None = None
) -> RecallOpening:
    """Open the tickets of up to ``limit`` (default :data:`OPEN_CHUNK`) of the campaign's units
    still without one: for each,
    a repair ticket for its owner (``ticket_create``), a recall callback due within
    :data:`RECALL_CALL_WITHIN`, the ``RecallUnit`` row and the owner's email, in one
    transaction per unit. Returns how many were opened and how many are left; with none left,
    the campaign is marked opened. Idempotent (see the module's docstring).
    """
    if campaign.opened_at is not None:
        return RecallOpening(opened=0, remaining=0)
    now = now or timezone.now()
    pending = pending_units(campaign)
    chunk = list(pending.select_related("owner", "model").order_by("pk")[: limit or OPEN_CHUNK])
    descriptions: dict[str, str] = {}
    opened = 0
    for unit in chunk:
        try:
            with transaction.atomic():
                _open_one(campaign, unit, now=now, descriptions=descriptions)
        except (_OpenedElsewhere, IntegrityError):
            # Opened by another run at the same moment; its transaction holds the whole unit.
            continue
        opened += 1
    remaining = pending.count()
    if not remaining:
        RecallCampaign.objects.filter(pk=campaign.pk, opened_at__isnull=True).update(opened_at=now)
        campaign.opened_at = now
    return RecallOpening(opened=opened, remaining=remaining)


def stalled_campaign_ids(*, now: dt.datetime) -> list[int]:
    """Campaigns still opening tickets whose last ticket (or start, before the first) is older
    than :data:`STALLED_AFTER`: their task was never queued, or died."""
    cutoff = now - STALLED_AFTER
    return list(
        RecallCampaign.objects.filter(opened_at__isnull=True)
        .annotate(last_opened=Max("units__ticket__created_at"))
        .filter(Q(last_opened__lt=cutoff) | Q(last_opened__isnull=True, started_at__lt=cutoff))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
