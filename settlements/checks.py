"""The automatic checks that flag settlement lines for review (docs/settlement.md#checks).

``line_flags(lines)`` reads every fact the rules of settlements/check_rules.py need for a set of
lines in a fixed number of queries (whatever the number of lines), and ``write_flags`` stores
what they found on each line: ``flags`` as ``[{"code", "params", "detail"}]`` and ``flagged``.
Lines are checked when they are made (settlements/lines.py) and again by ``refresh_flags`` before
a statement is submitted, and every day for every draft (settlements/building.py).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followups.choices import CallbackKind
from followups.models import CallbackVisit
from parts.models import PartUsage
from settlements import check_rules as rules
from settlements.choices import FlagCode, StatementStatus
from settlements.models import SettlementLine, Statement
from tickets.choices import Kind
from tickets.models import Ticket

CHUNK = 5000
LINE_RELATED = ("ticket", "ticket__unit", "rate_card", "statement")
CLOSED_STATEMENTS = (StatementStatus.APPROVED, StatementStatus.PAID)

# What a reviewer reads beside each flag, with its parameters.
DETAILS = {
    FlagCode.REPEAT_CLAIM: gettext_lazy(
        "Claimed %(days)s days after %(ticket)s (%(date)s) for the same unit and fault."
    ),
    FlagCode.NO_VERIFIED_CALLBACK: gettext_lazy("The after-service callback is not done (%(status)s)."),
    FlagCode.PART_NOT_RETURNED: gettext_lazy("Old part not received: %(parts)s."),
    FlagCode.OUT_OF_WARRANTY: gettext_lazy("Warranty on the job's date: %(reason)s."),
    FlagCode.LABOUR_ABOVE_CARD: gettext_lazy("Labour and extras %(labour)s against the card's %(card)s."),
    FlagCode.NO_RATE_CARD: gettext_lazy("No labour rate applies to this job type and category on the job's date."),
    FlagCode.HIGH_REPEAT_RATE: gettext_lazy(
        "Repeat repairs %(rate)s%% over %(repairs)s repairs in 90 days; the network's %(network)s%%."
    ),
}
WARRANTY_REASONS = {
    "no_unit": gettext_lazy("no product unit named"),
    "unknown": gettext_lazy("warranty period not known"),
    "ended": gettext_lazy("ended"),
    "not_started": gettext_lazy("not started"),
}


def describe(flag: dict) -> str:
    """A stored flag in the reader's language."""
    params = dict(flag.get("params") or {})
    if flag.get("code") == FlagCode.OUT_OF_WARRANTY:
        reason = WARRANTY_REASONS.get(params.get("reason"), params.get("reason", ""))
        params["reason"] = f"{reason} {params.get('end') or params.get('start') or ''}".strip()
    template = DETAILS.get(flag.get("code"))
    try:
        return str(template) % params if template else ""
    except (KeyError, TypeError, ValueError):
        # A flag written without the parameters its text needs reads as it was stored.
        return str(flag.get("detail") or "")


def _flag(code: str, params: dict) -> dict:
    flag = {"code": str(code), "params": params}
    with translation.override(settings.LANGUAGE_CODE):
        flag["detail"] = describe(flag)
    return flag


# --- the facts, read for a whole set of lines at once -----------------------------------------------


def _claims_near(lines: Sequence[SettlementLine]) -> list[rules.Claim]:
    """Every line (any provider) of the same units within 30 days before the lines' dates."""
    units = {line.ticket.unit_id for line in lines if line.ticket.unit_id is not None}
    if not units:
        return []
    first = min(line.job_date for line in lines) - dt.timedelta(days=rules.REPEAT_CLAIM_DAYS)
    last = max(line.job_date for line in lines)
    rows = SettlementLine._base_manager.filter(
        ticket__unit_id__in=units, job_date__gte=first, job_date__lte=last
    ).values_list(
        "id", "ticket__reference", "ticket__unit_id", "ticket__fault_category_id", "ticket__fault_code", "job_date"
    )
    return [rules.Claim(*row) for row in rows]


def _claim(line: SettlementLine) -> rules.Claim:
    ticket = line.ticket
    return rules.Claim(
        line.pk, ticket.reference, ticket.unit_id, ticket.fault_category_id, ticket.fault_code, line.job_date
    )


def _last_callbacks(ticket_ids: Iterable[int]) -> dict[int, str]:
    """The status of each ticket's latest after-service callback (the last resolution's)."""
    latest: dict[int, str] = {}
    rows = (
        CallbackVisit._base_manager.filter(ticket_id__in=ticket_ids, kind=CallbackKind.AFTER_SERVICE)
        .order_by("ticket_id", "created_at", "id")
        .values_list("ticket_id", "status")
    )
    for ticket_id, status in rows:
        latest[ticket_id] = status
    return latest


def _warranty_parts(ticket_ids: Iterable[int]) -> dict[int, list[tuple[str, str | None]]]:
    uses: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    rows = PartUsage._base_manager.filter(ticket_id__in=ticket_ids, under_warranty=True).values_list(
        "ticket_id", "part__number", "old_part_return__status"
    )
    for ticket_id, number, status in rows:
        uses[ticket_id].append((number, status))
    return uses


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def repeat_counts(until: dt.date) -> dict[int, rules.RepeatCounts]:
    """Per provider, the repairs resolved in the 90 days up to ``until`` (business time) and how
    many of them were repeated: the same unit had another repair opened within 30 days of the
    resolution. One grouped query."""
    zone = timezone.get_default_timezone()
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    start = end - dt.timedelta(days=rules.REPEAT_RATE_WINDOW_DAYS)
    again = Ticket._base_manager.filter(
        kind=Kind.REPAIR,
        is_test=False,
        unit_id=OuterRef("unit_id"),
        created_at__gt=OuterRef("resolved_at"),
        created_at__lte=OuterRef("resolved_at") + dt.timedelta(days=rules.REPEAT_REPAIR_DAYS),
    ).exclude(pk=OuterRef("pk"))
    rows = (
        Ticket._base_manager.filter(
            kind=Kind.REPAIR,
            is_test=False,
            provider__isnull=False,
            unit__isnull=False,
            resolved_at__gte=start,
            resolved_at__lt=end,
        )
        .values("provider_id")
        .annotate(repairs=Count("id"), repeats=Count("id", filter=Q(Exists(again))))
        .order_by()
    )
    return {row["provider_id"]: rules.RepeatCounts(row["repairs"], row["repeats"]) for row in rows}


def high_repeat_by_month(months: Iterable[dt.date]) -> dict[dt.date, dict[int, dict]]:
    """For each statement month, the providers far above the network's repeat-repair rate."""
    return {month: rules.high_repeat_providers(repeat_counts(_month_end(month))) for month in set(months)}


# --- the checks ---------------------------------------------------------------------------------------


def line_flags(
    lines: Sequence[SettlementLine], *, high_repeat: dict[dt.date, dict[int, dict]] | None = None
) -> dict[int, list[dict]]:
    """Every flag of each line, by line id, in FlagCode order. ``lines`` come with
    ``LINE_RELATED`` selected; ``high_repeat`` (from ``high_repeat_by_month``) may be passed when
    the caller checks several sets of the same months."""
    if not lines:
        return {}
    ticket_ids = [line.ticket_id for line in lines]
    near = _claims_near(lines)
    callbacks = _last_callbacks(ticket_ids)
    parts = _warranty_parts(ticket_ids)
    if high_repeat is None:
        high_repeat = high_repeat_by_month(line.statement.month for line in lines)
    found: dict[int, list[dict]] = {}
    for line in lines:
        unit = line.ticket.unit
        card = line.rate_card
        checks = [
            (FlagCode.REPEAT_CLAIM, rules.repeat_of(_claim(line), near)),
            (FlagCode.NO_VERIFIED_CALLBACK, rules.callback_unverified(callbacks.get(line.ticket_id))),
            (FlagCode.PART_NOT_RETURNED, rules.parts_not_returned(parts.get(line.ticket_id, []))),
            (
                FlagCode.OUT_OF_WARRANTY,
                rules.outside_warranty(
                    line.job_date,
                    has_unit=unit is not None,
                    start=unit.warranty_start if unit else None,
                    end=unit.warranty_end if unit else None,
                ),
            ),
            (
                FlagCode.LABOUR_ABOVE_CARD,
                rules.labour_above_card(
                    labour=line.labour, extras=line.extras, card_labour=card.labour if card else None
                ),
            ),
            (FlagCode.NO_RATE_CARD, {} if card is None else None),
            (FlagCode.HIGH_REPEAT_RATE, high_repeat.get(line.statement.month, {}).get(line.provider_id)),
        ]
        found[line.pk] = [_flag(code, params) for code, params in checks if params is not None]
    return found


def write_flags(lines: Sequence[SettlementLine], found: dict[int, list[dict]]) -> int:
    """Store the flags on the lines whose flags changed (one bulk update); the number flagged."""
    changed = []
    for line in lines:
        flags = found.get(line.pk, [])
        if flags != line.flags:
            line.flags, line.flagged = flags, bool(flags)
            changed.append(line)
    SettlementLine._base_manager.bulk_update(changed, ["flags", "flagged"], batch_size=1000)
    return sum(1 for line in lines if found.get(line.pk))


def check_lines(lines: Sequence[SettlementLine], *, high_repeat=None) -> int:
    """Run the checks on ``lines`` and store what they found; the number flagged."""
    return write_flags(lines, line_flags(lines, high_repeat=high_repeat))


def lines_of(statement_ids: Iterable[int]):
    return (
        SettlementLine._base_manager.filter(statement_id__in=list(statement_ids))
        .select_related(*LINE_RELATED)
        .order_by("id")
    )


@transaction.atomic
def refresh_flags(statement: Statement) -> int:
    """Run every check again on a statement's lines (before it is submitted, and during review):
    the facts may have changed since a line was made (a callback done, an old part received).
    An approved or paid statement does not change. Answers the number of lines flagged."""
    locked = Statement._base_manager.select_for_update().get(pk=statement.pk)
    if locked.status in CLOSED_STATEMENTS:
        raise ValidationError({"statement": _("An approved statement cannot change.")})
    high_repeat = high_repeat_by_month([locked.month])
    flagged = 0
    lines = list(lines_of([locked.pk]))
    for start in range(0, len(lines), CHUNK):
        flagged += check_lines(lines[start : start + CHUNK], high_repeat=high_repeat)
    return flagged
