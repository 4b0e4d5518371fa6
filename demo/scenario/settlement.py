"""What the demo's providers are paid by: the network's default labour rates per job type (one
category priced apart), a provider's own card, a rise that took effect this year, and the travel
allowance by distance band (a provider with bands of its own).

The rates are dated from the first day of the month thirteen months before the demo is loaded,
so every job of the demo's story falls under a card in force; the rise starts on the first day of
the month before last, so a month of claims spans both. Safe to run twice (every rate is found by
its provider, category, job type and date).
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import Role
from customers.models import ProductCategory
from network.models import ServiceProvider
from settlements import building, statements
from settlements.choices import JobType, LineDecision, StatementStatus
from settlements.lines import add_extras
from settlements.models import RateCard, Statement, TravelRate

# job type: labour (CNY) on the network's default card, every category
DEFAULT_LABOUR = {
    JobType.INSTALLATION: "80.00",
    JobType.REPAIR_SIMPLE: "60.00",
    JobType.REPAIR_STANDARD: "120.00",
    JobType.REPAIR_COMPLEX: "200.00",
    JobType.MAINTENANCE: "50.00",
}
# Categories whose work is priced apart on the default card: (category, job type, labour).
CATEGORY_LABOUR = (
    ("air_conditioner", JobType.INSTALLATION, "150.00"),
    ("air_conditioner", JobType.REPAIR_COMPLEX, "260.00"),
    ("car", JobType.REPAIR_STANDARD, "300.00"),
)
# A provider's own card: (provider code, job type, labour), every category.
PROVIDER_LABOUR = (("jinghua", JobType.REPAIR_STANDARD, "135.00"),)
# The rise in force from the month before last: (job type, labour), default card, every category.
RISE = ((JobType.REPAIR_COMPLEX, "220.00"), (JobType.INSTALLATION, "90.00"))
# Travel allowance bands: (provider code or None for the default, from km, up to km, allowance).
TRAVEL = (
    (None, 0, 10, "0.00"),
    (None, 10, 30, "20.00"),
    (None, 30, 60, "45.00"),
    (None, 60, None, "80.00"),
    ("suiyuan", 0, 15, "0.00"),
    ("suiyuan", 15, None, "35.00"),
)


def _first_of_month(day: dt.date, months_back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def add_rates(today: dt.date | None = None) -> int:
    """The labour rates and travel allowances; returns how many there are."""
    today = today or timezone.localdate()
    since, rise = _first_of_month(today, 13), _first_of_month(today, 2)
    providers = {provider.code: provider for provider in ServiceProvider.objects.all()}
    categories = {category.code: category for category in ProductCategory.objects.all()}
    cards = [(None, None, job_type, labour, since) for job_type, labour in DEFAULT_LABOUR.items()]
    cards += [
        (None, categories[code], job_type, labour, since)
        for code, job_type, labour in CATEGORY_LABOUR
        if code in categories
    ]
    cards += [
        (providers[code], None, job_type, labour, since)
        for code, job_type, labour in PROVIDER_LABOUR
        if code in providers
    ]
    cards += [(None, None, job_type, labour, rise) for job_type, labour in RISE]
    for provider, category, job_type, labour, effective_from in cards:
        RateCard.objects.update_or_create(
            provider=provider,
            category=category,
            job_type=job_type,
            effective_from=effective_from,
            defaults={"labour": Decimal(labour), "currency": "CNY"},
        )
    for code, min_km, max_km, allowance in TRAVEL:
        provider = providers.get(code) if code else None
        if code and provider is None:
            continue
        TravelRate.objects.update_or_create(
            provider=provider,
            min_km=min_km,
            effective_from=since,
            defaults={"max_km": max_km, "allowance": Decimal(allowance), "currency": "CNY"},
        )
    return RateCard.objects.count() + TravelRate.objects.count()


# Last month's statements: two providers settled and paid, one in review with a line flagged.
PAID = ("jinghua", "suiyuan")
IN_REVIEW = "shenyi"
EXTRAS = (Decimal("30.00"), "Second technician to carry the unit up six floors (no lift)")


def settle_last_month(today: dt.date | None = None) -> dict[str, str]:
    """Last month's claims, as the network would have them now: the statements built, two
    providers' submitted, reviewed, approved and paid, and the third submitted with extras the
    checks flag, waiting in review with one line decided. Returns each statement's status by
    provider code; safe to run twice (a statement already past draft is left as it is)."""
    today = today or timezone.localdate()
    month = _first_of_month(today, 1)
    building.build_month(month)
    users = get_user_model().objects
    headquarters = users.get(username="manager")
    statuses = {}
    for statement in Statement.objects.filter(month=month).select_related("provider").order_by("provider__code"):
        code = statement.provider.code
        if statement.status == StatementStatus.DRAFT and statement.lines.exists():
            manager = users.get(groups__name=Role.MANAGER, provider_membership__provider=statement.provider)
            _settle(statement, code, manager=manager, headquarters=headquarters, today=today)
        statuses[code] = Statement.objects.get(pk=statement.pk).status
    return statuses


def _settle(statement: Statement, code: str, *, manager, headquarters, today: dt.date) -> None:
    lines = list(statement.lines.order_by("job_date", "pk"))
    if code == IN_REVIEW:
        amount, reason = EXTRAS
        add_extras(line=lines[0], amount=amount, reason=reason, by=manager)
    statement = statements.statement_submit(statement=statement, by=manager, note=_("Claims of the month."))
    statement = statements.statement_start_review(statement=statement, by=headquarters)
    if code == IN_REVIEW:
        statements.line_decide(line=lines[-1], decision=LineDecision.APPROVED, by=headquarters)
        return
    for line in lines:
        statements.line_decide(line=line, decision=LineDecision.APPROVED, by=headquarters)
    statement = statements.statement_approve(statement=statement, by=headquarters)
    statements.statement_mark_paid(
        statement=statement,
        by=headquarters,
        payment_reference=f"PAY-{statement.month:%Y%m}-{code.upper()}",
        paid_on=today,
    )
