"""Settlement lines: the one write path (docs/settlement.md#lines).

A warranty job — a repair, installation or maintenance the customer did not pay for — that is
resolved and verified (its after-service callback settled) claims from the manufacturer one line
in its provider's draft statement of the job's month: labour by the rate card in force on the job's
date, the warranty parts used at their standard cost, the travel allowance of the distance band,
and extras only once the provider adds them with a reason. ``on_verified`` makes the line in the
verifying transaction (tickets/hooks.py); settlements/building.py makes the lines of jobs verified
without one, with ``lines_create`` in a fixed number of queries.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import ALL_TICKETS_ROLES, has_any_role, provider_of
from fieldwork.models import ChargeKind, JobRecord
from parts.models import PartUsage
from settlements import checks, rates
from settlements.choices import StatementStatus
from settlements.models import RateCard, SettlementLine, Statement, StatementEvent, TravelRate
from tickets.choices import SERVICE_KINDS
from tickets.models import Ticket
from tickets.services.resolution import parse_amount
from warranty.models import ClaimStatus, WarrantyClaim
from warranty.three_guarantees import Remedy

# How many months ahead a late line looks for a statement still open.
MONTHS_AHEAD = 24


def warranty_job_q() -> Q:
    """A verified warranty job of a provider: a service ticket (repair, installation, maintenance),
    not a test, dispatched to a provider, verified, and not paid work — no charge on the ticket, no
    job record charged to the customer, no three-guarantees claim settled as a paid repair."""
    paid_record = JobRecord._base_manager.filter(visit__ticket_id=OuterRef("pk"), charge_kind=ChargeKind.PAID)
    paid_claim = WarrantyClaim._base_manager.filter(ticket_id=OuterRef("pk")).filter(
        Q(chosen_remedy=Remedy.REPAIR_PAID)
        | Q(status=ClaimStatus.EXECUTED, charge__gt=0)
        | Q(status__in=(ClaimStatus.CHOSEN, ClaimStatus.EXECUTED), free=False, is_goodwill=False)
    )
    return (
        Q(
            kind__in=SERVICE_KINDS,
            is_test=False,
            provider__isnull=False,
            resolved_at__isnull=False,
            verified_at__isnull=False,
            charge=0,
        )
        & ~Exists(paid_record)
        & ~Exists(paid_claim)
    )


def job_date_of(ticket: Ticket) -> dt.date:
    """The job's date: the day of its resolution in business time."""
    return timezone.localdate(ticket.resolved_at)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Draft:
    """A line worked out, not yet written."""

    ticket: Ticket
    job_date: dt.date
    job_type: str
    category_id: int | None
    card: rates.Card | None
    travel_km: int
    labour: Decimal
    parts: Decimal
    travel: Decimal
    currency: str

    @property
    def claimed(self) -> Decimal:
        return rates.claimed(labour=self.labour, parts=self.parts, travel=self.travel, extras=rates.ZERO)


def _cards(provider_ids: set[int]) -> list[rates.Card]:
    rows = RateCard._base_manager.filter(Q(provider__isnull=True) | Q(provider_id__in=provider_ids))
    return [
        rates.Card(r.pk, r.provider_id, r.category_id, r.job_type, r.labour, r.currency, r.effective_from) for r in rows
    ]


def _bands(provider_ids: set[int]) -> list[rates.Band]:
    rows = TravelRate._base_manager.filter(Q(provider__isnull=True) | Q(provider_id__in=provider_ids))
    return [
        rates.Band(r.pk, r.provider_id, r.min_km, r.max_km, r.allowance, r.currency, r.effective_from) for r in rows
    ]


def drafts_for(tickets: Sequence[Ticket]) -> list[Draft]:
    """The lines of ``tickets`` (verified warranty jobs, with ``unit__model`` and
    ``fault_category`` selected), worked out in a fixed number of queries."""
    if not tickets:
        return []
    ids = [ticket.pk for ticket in tickets]
    providers = {ticket.provider_id for ticket in tickets}
    cards, bands = _cards(providers), _bands(providers)
    # The job record of the ticket's last visit checked out holds its band and distance.
    on_site: dict[int, tuple[str, int | None]] = {}
    for ticket_id, complexity, km in (
        JobRecord._base_manager.filter(visit__ticket_id__in=ids, visit__checked_out_at__isnull=False)
        .order_by("visit__ticket_id", "visit__checked_out_at", "visit_id")
        .values_list("visit__ticket_id", "complexity", "travel_km")
    ):
        on_site[ticket_id] = (complexity, km)
    uses: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for ticket_id, quantity, cost in PartUsage._base_manager.filter(ticket_id__in=ids, under_warranty=True).values_list(
        "ticket_id", "quantity", "unit_cost"
    ):
        uses[ticket_id].append((quantity, cost))
    drafts = []
    for ticket in tickets:
        complexity, km = on_site.get(ticket.pk, ("", None))
        job_date = job_date_of(ticket)
        job_type = rates.job_type_for(ticket.kind, complexity)
        if ticket.unit_id is not None:
            category_id = ticket.unit.model.category_id
        else:
            category_id = ticket.fault_category.product_category_id if ticket.fault_category_id else None
        card = rates.card_in_force(
            cards, provider_id=ticket.provider_id, category_id=category_id, job_type=job_type, on=job_date
        )
        currency = card.currency if card else settings.CURRENCY
        km = km or 0
        band = rates.band_in_force(
            [b for b in bands if b.currency == currency], provider_id=ticket.provider_id, km=km, on=job_date
        )
        drafts.append(
            Draft(
                ticket=ticket,
                job_date=job_date,
                job_type=job_type,
                category_id=category_id,
                card=card,
                travel_km=km,
                labour=card.labour if card else rates.ZERO,
                parts=rates.parts_cost(uses.get(ticket.pk, [])),
                travel=band.allowance if band else rates.ZERO,
                currency=currency,
            )
        )
    return drafts


def _draft_statement(provider_id: int, month: dt.date, currency: str) -> Statement:
    """The provider's draft statement of ``month`` in ``currency``, locked, made when missing; a
    statement already submitted takes no more lines, so a late line goes to the next month's."""
    for _step in range(MONTHS_AHEAD):
        found, _created = Statement._base_manager.get_or_create(provider_id=provider_id, month=month, currency=currency)
        statement = Statement._base_manager.select_for_update().get(pk=found.pk)
        if statement.status == StatementStatus.DRAFT:
            return statement
        month = next_month(month)
    raise ValidationError({"statement": _("No statement is open for this provider's claims.")})


def _line(draft: Draft, statement: Statement) -> SettlementLine:
    return SettlementLine(
        statement=statement,
        provider_id=draft.ticket.provider_id,
        ticket=draft.ticket,
        job_date=draft.job_date,
        job_type=draft.job_type,
        category_id=draft.category_id,
        rate_card_id=draft.card.id if draft.card else None,
        travel_km=draft.travel_km,
        labour=draft.labour,
        parts=draft.parts,
        travel=draft.travel,
        claimed=draft.claimed,
        currency=draft.currency,
    )


def _added(line: SettlementLine, by: AbstractBaseUser | None) -> StatementEvent:
    return StatementEvent(
        statement_id=line.statement_id,
        line=line,
        action="line_added",
        by=by,
        data={"ticket": line.ticket.reference, "claimed": format(line.claimed, "f"), "currency": line.currency},
    )


def _fresh(line_ids: list[int]) -> list[SettlementLine]:
    return list(SettlementLine._base_manager.filter(pk__in=line_ids).select_related(*checks.LINE_RELATED))


def _tickets(ids: Sequence[int]):
    return Ticket._base_manager.filter(pk__in=ids).select_related("unit__model", "fault_category").order_by("pk")


@transaction.atomic
def line_create(*, ticket: Ticket, by: AbstractBaseUser | None = None) -> SettlementLine | None:
    """The settlement line of a verified warranty job, made once: None for paid work, a ticket of
    no provider or not verified; the existing line when the ticket has one (a job verified again
    after a reopening claims once). Checked as it is made (settlements/checks.py).

    The ticket's row is locked first, as the daily build locks its tickets before their statements
    (:func:`lines_create`): both take their locks in one order, so neither waits on the other's."""
    with transaction.atomic():
        Ticket._base_manager.select_for_update().filter(pk=ticket.pk).values_list("pk", flat=True).first()
        return _line_create(ticket=ticket, by=by)


def _line_create(*, ticket: Ticket, by: AbstractBaseUser | None) -> SettlementLine | None:
    existing = SettlementLine._base_manager.filter(ticket_id=ticket.pk).first()
    if existing is not None:
        return existing
    if not Ticket._base_manager.filter(warranty_job_q(), pk=ticket.pk).exists():
        return None
    (draft,) = drafts_for(list(_tickets([ticket.pk])))
    statement = _draft_statement(draft.ticket.provider_id, month_of(draft.job_date), draft.currency)
    line = _line(draft, statement)
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:
        # Made meanwhile by the daily build; one line per ticket.
        return SettlementLine._base_manager.get(ticket_id=ticket.pk)
    _added(line, by).save()
    Statement._base_manager.filter(pk=statement.pk).update(version=F("version") + 1)
    fresh = _fresh([line.pk])
    checks.check_lines(fresh)
    return fresh[0]


def on_verified(ticket: Ticket, *, by: AbstractBaseUser | None, now: dt.datetime) -> None:
    """tickets/hooks.py ``on_verified``: the verified warranty job's line, in the verifying transaction."""
    line_create(ticket=ticket, by=by)


@transaction.atomic
def lines_create(ticket_ids: Sequence[int], *, by: AbstractBaseUser | None = None) -> list[SettlementLine]:
    """The lines of the verified warranty jobs among ``ticket_ids`` that have none yet, in bulk.

    The tickets are locked (in id order) before it is decided which lack a line, so a job being
    verified at the same moment is claimed once, by whichever commits first. Flags are left to the
    caller (settlements/building.py checks every draft afterwards)."""
    locked = list(
        Ticket._base_manager.select_for_update()
        .filter(warranty_job_q(), pk__in=list(ticket_ids))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    claimed = set(SettlementLine._base_manager.filter(ticket_id__in=locked).values_list("ticket_id", flat=True))
    drafts = drafts_for(list(_tickets([pk for pk in locked if pk not in claimed])))
    if not drafts:
        return []
    keys = {(d.ticket.provider_id, month_of(d.job_date), d.currency) for d in drafts}
    statements = _statements(keys)
    lines = [_line(d, statements[(d.ticket.provider_id, month_of(d.job_date), d.currency)]) for d in drafts]
    SettlementLine._base_manager.bulk_create(lines, batch_size=1000)
    StatementEvent._base_manager.bulk_create([_added(line, by) for line in lines], batch_size=1000)
    Statement._base_manager.filter(pk__in={s.pk for s in statements.values()}).update(version=F("version") + 1)
    return lines


def _statements(keys: set[tuple[int, dt.date, str]]) -> dict[tuple[int, dt.date, str], Statement]:
    """The draft statement of each (provider, month, currency), made when missing, locked."""
    providers = {key[0] for key in keys}
    months = {key[1] for key in keys}

    def read() -> dict:
        rows = (
            Statement._base_manager.select_for_update()
            .filter(provider_id__in=providers, month__in=months)
            .order_by("pk")
        )
        return {(s.provider_id, s.month, s.currency): s for s in rows}

    found = read()
    missing = [Statement(provider_id=p, month=m, currency=c) for (p, m, c) in keys if (p, m, c) not in found]
    if missing:
        Statement._base_manager.bulk_create(missing, ignore_conflicts=True)
        found = read()
    answer = {}
    for key in keys:
        statement = found[key]
        answer[key] = statement if statement.status == StatementStatus.DRAFT else _draft_statement(*key)
    return answer


def _may_add_extras(user: AbstractBaseUser | None, line: SettlementLine) -> bool:
    if user is None or not user.is_authenticated or not has_any_role(user, ALL_TICKETS_ROLES):
        return False
    own = provider_of(user)
    return own is None or own == line.provider_id


@transaction.atomic
def add_extras(*, line: SettlementLine, amount: object, reason: str, by: AbstractBaseUser) -> SettlementLine:
    """Set the extras a provider claims on a line beyond the card (a second technician, a part
    carried up twelve floors), with the reason; 0 takes them off. Only while the statement is a
    draft, and only by that provider's staff or headquarters. The claimed total and the checks
    are worked out again; the statement's timeline records who, when and why."""
    line = SettlementLine._base_manager.select_for_update().get(pk=line.pk)
    if not _may_add_extras(by, line):
        raise PermissionDenied(_("Only the provider's staff or headquarters may add extras."))
    statement = Statement._base_manager.select_for_update().get(pk=line.statement_id)
    if statement.status != StatementStatus.DRAFT:
        raise ValidationError({"statement": _("Extras are added only while the statement is a draft.")})
    value = parse_amount(amount, field="amount")
    reason = (reason or "").strip()
    if value > 0 and not reason:
        raise ValidationError({"reason": _("Say why the extras are claimed.")})
    if len(reason) > 255:
        raise ValidationError({"reason": _("Keep this under %(limit)d characters.") % {"limit": 255}})
    line.extras, line.extras_reason = value, reason if value > 0 else ""
    line.claimed = rates.claimed(labour=line.labour, parts=line.parts, travel=line.travel, extras=line.extras)
    line.save(update_fields=["extras", "extras_reason", "claimed"])
    StatementEvent._base_manager.create(
        statement=statement,
        line=line,
        action="extras",
        by=by,
        note=line.extras_reason,
        data={"extras": format(line.extras, "f"), "claimed": format(line.claimed, "f")},
    )
    Statement._base_manager.filter(pk=statement.pk).update(version=F("version") + 1)
    fresh = _fresh([line.pk])
    checks.check_lines(fresh)
    return fresh[0]
