"""The revenue figures, counted and summed in SQL (docs/revenue.md#what-counts).

Each figure is one aggregate query for the whole period and one grouped by station, provider or
month: a dozen queries whatever the number of rows. Every read goes through the base managers
with the provider's condition written out, so a provider's managers get their own provider's
figures only, whoever asks and from wherever (``RevenueScope.provider``).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.utils.translation import gettext as _

from contracts.choices import ContractKind, ContractStatus
from contracts.models import ServiceContract
from customers.models import Customer, ProductUnit, UnitStatus
from fieldwork.models import ChargeKind, JobRecord
from network.models import ServiceProvider
from quality.metrics import Period, business_zone
from quality.revenue.arithmetic import Counts, Figures, figures_of
from quality.revenue.months import last_day, months_between
from sales.choices import LeadStatus
from sales.models import Lead
from tickets.choices import Status
from tickets.models import ServiceStation, Ticket

STATION, PROVIDER, MONTH = "station", "provider", "month"
GROUPINGS = (STATION, PROVIDER, MONTH)
TOTAL = "total"
MONEY = DecimalField(max_digits=14, decimal_places=2)
# Tickets that never became a job of their own.
NOT_JOBS = (Status.CANCELLED, Status.MERGED)


@dataclass(frozen=True)
class RevenueScope:
    """Whole months ``first`` to ``last`` (first days), for the network or one provider."""

    first: dt.date
    last: dt.date
    provider: int | None = None

    @property
    def period(self) -> Period:
        return Period(self.first, last_day(self.last))

    @property
    def months(self) -> list[dt.date]:
        return months_between(self.first, self.last)


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    code: str
    month: dt.date | None
    figures: Figures


@dataclass(frozen=True)
class Report:
    scope: RevenueScope
    group_by: str
    total: Figures
    rows: list[Row]


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, output_field=DateField(), tzinfo=business_zone())


def _grouped(rows: QuerySet, key, aggregates: dict) -> dict:
    """``{key: {name: value}}``; the whole period's under ``TOTAL`` when ``key`` is None."""
    if key is None:
        return {TOTAL: rows.aggregate(**aggregates)}
    answer = {}
    for row in rows.annotate(group_key=key).values("group_key").annotate(**aggregates).order_by():
        group = row.pop("group_key")
        if isinstance(group, dt.datetime):
            group = group.date()
        answer[group] = row
    return answer


def _key(group_by: str | None, *, station: str, provider: str, moment: str):
    if group_by is None:
        return None
    return {STATION: F(station), PROVIDER: F(provider), MONTH: _month(moment)}[group_by]


# --- Contracts sold and renewed -----------------------------------------------------------------


def contracts_counts(scope: RevenueScope, group_by: str | None) -> dict:
    """Contracts paid in the period and not cancelled, by kind; a contract that renews another
    is *renewed*, any other *sold*. Station and provider: where it was sold (none: the portal)."""
    rows = ServiceContract._base_manager.filter(scope.period.q("paid_at"), status=ContractStatus.ACTIVE)
    if scope.provider is not None:
        rows = rows.filter(provider_id=scope.provider)
    sold, renewed = Q(renews__isnull=True), Q(renews__isnull=False)
    aggregates = {}
    for prefix, kind in (("ew", ContractKind.EXTENDED_WARRANTY), ("mp", ContractKind.MAINTENANCE_PLAN)):
        for name, which in (("sold", sold), ("renewed", renewed)):
            condition = Q(kind=kind) & which
            aggregates[f"{prefix}_{name}"] = Count("pk", filter=condition)
            aggregates[f"{prefix}_{name}_amount"] = Sum("price", filter=condition)
    return _grouped(rows, _key(group_by, station="station", provider="provider", moment="paid_at"), aggregates)


# --- Coverage -----------------------------------------------------------------------------------


def _in_force_on(day: dt.date, unit: OuterRef) -> Exists:
    return Exists(
        ServiceContract._base_manager.filter(
            unit_id=unit, status=ContractStatus.ACTIVE, starts_on__lte=day, ends_on__gte=day
        )
    )


def _served(until: dt.datetime) -> QuerySet:
    """The tickets that served a customer or a unit by ``until``: real jobs, not tests."""
    return Ticket._base_manager.filter(created_at__lt=until, is_test=False).exclude(status__in=NOT_JOBS)


def _bound(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in the business time zone."""
    return Period(day, day).bounds[1]


def _provider_units(provider: int, until: dt.datetime) -> Exists:
    return Exists(_served(until).filter(unit_id=OuterRef("pk"), provider_id=provider))


def coverage_counts(scope: RevenueScope, group_by: str | None) -> dict:
    """On the last day of the period (of each month, by month): units in use registered by then,
    and those of them with a contract in force that day. By station or provider, a unit counts
    where it was serviced (a ticket there by then); a provider's own figures count its units."""
    if group_by in (STATION, PROVIDER):
        end = scope.period.end
        until = _bound(end)
        rows = _served(until).filter(unit__status=UnitStatus.IN_USE, unit__registered_at__lt=until)
        if scope.provider is not None:
            rows = rows.filter(provider_id=scope.provider)
        aggregates = {
            "units_in_use": Count("unit", distinct=True),
            "units_covered": Count("unit", distinct=True, filter=_in_force_on(end, OuterRef("unit_id"))),
        }
        return _grouped(rows, F(group_by), aggregates)
    days = [last_day(month) for month in scope.months] if group_by == MONTH else [scope.period.end]
    until = _bound(days[-1])
    units = ProductUnit._base_manager.filter(status=UnitStatus.IN_USE, registered_at__lt=until)
    if scope.provider is not None:
        units = units.filter(_provider_units(scope.provider, until))
    aggregates = {}
    for index, day in enumerate(days):
        registered = Q(registered_at__lt=_bound(day))
        aggregates[f"units_{index}"] = Count("pk", filter=registered)
        aggregates[f"covered_{index}"] = Count("pk", filter=registered & _in_force_on(day, OuterRef("pk")))
    counted = units.aggregate(**aggregates)
    keys = scope.months if group_by == MONTH else [TOTAL]
    return {
        key: {"units_in_use": counted[f"units_{index}"], "units_covered": counted[f"covered_{index}"]}
        for index, key in enumerate(keys)
    }


# --- Leads --------------------------------------------------------------------------------------


def leads_found_counts(scope: RevenueScope, group_by: str | None) -> dict:
    """Leads found in the period by their status now. Station: the station of the ticket that
    produced the lead; provider: the dealer the lead was given to."""
    rows = Lead._base_manager.filter(scope.period.q("created_at"))
    if scope.provider is not None:
        rows = rows.filter(owner_provider_id=scope.provider)
    aggregates = {f"leads_{status}": Count("pk", filter=Q(status=status)) for status in LeadStatus.values}
    key = _key(group_by, station="ticket__station", provider="owner_provider", moment="created_at")
    return _grouped(rows, key, aggregates)


def leads_closed_counts(scope: RevenueScope, group_by: str | None) -> dict:
    """Leads closed in the period: won, lost, and the value of those won."""
    rows = Lead._base_manager.filter(scope.period.q("closed_at"), status__in=(LeadStatus.WON, LeadStatus.LOST))
    if scope.provider is not None:
        rows = rows.filter(owner_provider_id=scope.provider)
    won = Q(status=LeadStatus.WON)
    aggregates = {
        "leads_closed_won": Count("pk", filter=won),
        "leads_closed_lost": Count("pk", filter=Q(status=LeadStatus.LOST)),
        "leads_won_value": Sum("value", filter=won),
    }
    key = _key(group_by, station="ticket__station", provider="owner_provider", moment="closed_at")
    return _grouped(rows, key, aggregates)


# --- Referrals ----------------------------------------------------------------------------------


def _converted(customer: OuterRef, referred_at: OuterRef, until: dt.datetime) -> Q:
    """Bought a contract (not cancelled) or registered a product after being referred, by the
    period's end."""
    bought = ServiceContract._base_manager.filter(
        customer_id=customer, status=ContractStatus.ACTIVE, paid_at__gte=referred_at, paid_at__lt=until
    )
    registered = ProductUnit._base_manager.filter(
        owner_id=customer, registered_at__gte=referred_at, registered_at__lt=until
    )
    return Q(Exists(bought)) | Q(Exists(registered))


def referrals_counts(scope: RevenueScope, group_by: str | None) -> dict:
    """Customers referred in the period (``referred_by`` set, ``referred_at`` in it) and those of
    them converted by its end. By station or provider, a referred customer counts where they
    were served (a ticket there by the period's end); a provider's own figures count its customers."""
    until = scope.period.bounds[1]
    if group_by in (STATION, PROVIDER):
        rows = _served(until).filter(scope.period.q("customer__referred_at"), customer__referred_by__isnull=False)
        if scope.provider is not None:
            rows = rows.filter(provider_id=scope.provider)
        converted = _converted(OuterRef("customer_id"), OuterRef("customer__referred_at"), until)
        aggregates = {
            "referrals_made": Count("customer", distinct=True),
            "referrals_converted": Count("customer", distinct=True, filter=converted),
        }
        return _grouped(rows, F(group_by), aggregates)
    rows = Customer._base_manager.filter(scope.period.q("referred_at"), referred_by__isnull=False)
    if scope.provider is not None:
        rows = rows.filter(Exists(_served(until).filter(customer_id=OuterRef("pk"), provider_id=scope.provider)))
    aggregates = {
        "referrals_made": Count("pk"),
        "referrals_converted": Count("pk", filter=_converted(OuterRef("pk"), OuterRef("referred_at"), until)),
    }
    return _grouped(rows, _key(group_by, station="", provider="", moment="referred_at"), aggregates)


# --- Paid repairs -------------------------------------------------------------------------------


def repairs_counts(scope: RevenueScope, group_by: str | None) -> dict:
    """Paid work resolved in the period (not a test, not cancelled or merged): per ticket, the
    greater of the charge recorded on the ticket (the desk's resolution; a paid three-guarantees
    repair writes its charge there too) and the technicians' paid job records added up, so money
    recorded in both places counts once. Station and provider: the ticket's."""
    paid_jobs = (
        JobRecord._base_manager.filter(visit__ticket_id=OuterRef("pk"), charge_kind=ChargeKind.PAID)
        .order_by()
        .values("visit__ticket_id")
        .annotate(total=Sum("charge"))
        .values("total")
    )
    rows = (
        Ticket._base_manager.filter(scope.period.q("resolved_at"), is_test=False)
        .exclude(status__in=NOT_JOBS)
        .annotate(
            collected=Greatest(
                Coalesce(F("charge"), Value(Decimal("0.00")), output_field=MONEY),
                Coalesce(Subquery(paid_jobs, output_field=MONEY), Value(Decimal("0.00")), output_field=MONEY),
                output_field=MONEY,
            )
        )
        .filter(collected__gt=0)
    )
    if scope.provider is not None:
        rows = rows.filter(provider_id=scope.provider)
    aggregates = {"paid_repairs": Count("pk"), "repair_charges": Sum("collected")}
    return _grouped(rows, _key(group_by, station="station", provider="provider", moment="resolved_at"), aggregates)


# --- The report ---------------------------------------------------------------------------------

COUNTERS: tuple[Callable[[RevenueScope, str | None], dict], ...] = (
    contracts_counts,
    coverage_counts,
    leads_found_counts,
    leads_closed_counts,
    referrals_counts,
    repairs_counts,
)
COUNT_FIELDS = {item.name for item in fields(Counts)}


def counts_for(scope: RevenueScope, group_by: str | None) -> dict:
    """Every figure's counts, ``{key: Counts}`` (``{TOTAL: Counts}`` for the whole period)."""
    answer: dict = {}
    for counter in COUNTERS:
        for key, values in counter(scope, group_by).items():
            answer.setdefault(key, Counts()).add(**{name: values[name] for name in values if name in COUNT_FIELDS})
    return answer


def _station_labels(ids: set, provider: int | None) -> dict:
    stations = ServiceStation._base_manager.filter(pk__in=ids)
    if provider is not None:
        stations = stations.filter(provider_id=provider)
    return {station.pk: (station.display_name, station.code) for station in stations}


def _provider_labels(ids: set, provider: int | None) -> dict:
    providers = ServiceProvider._base_manager.filter(pk__in=ids)
    if provider is not None:
        providers = providers.filter(pk=provider)
    return {row.pk: (row.display_name, row.code) for row in providers}


def _no_group_label(group_by: str) -> str:
    if group_by == STATION:
        return _("No station (the portal, or another provider's station)")
    return _("Headquarters (the portal and headquarters' own work)")


def revenue_report(scope: RevenueScope, group_by: str) -> Report:
    """The whole period's figures and one row per station, provider or month. Months are every
    month of the range, in order; stations and providers those with a figure, by name, the row of
    the work without one last. For a provider's managers, work at a station of another provider
    is counted in the row without a station, which names no one."""
    total = counts_for(scope, None).get(TOTAL, Counts())
    grouped = counts_for(scope, group_by)
    rows: list[Row] = []
    if group_by == MONTH:
        for month in scope.months:
            rows.append(Row(month, month.strftime("%Y-%m"), "", month, figures_of(grouped.get(month, Counts()))))
        return Report(scope, group_by, figures_of(total), rows)
    labels = (_station_labels if group_by == STATION else _provider_labels)(
        {key for key in grouped if key is not None}, scope.provider
    )
    merged: dict = {}
    for key, counts in grouped.items():
        known = key if key in labels else None
        merged.setdefault(known, Counts()).add(**{name: getattr(counts, name) for name in COUNT_FIELDS})
    named = sorted((key for key in merged if key is not None), key=lambda key: (labels[key][0].casefold(), key))
    for key in named:
        label, code = labels[key]
        rows.append(Row(key, label, code, None, figures_of(merged[key])))
    if None in merged:
        rows.append(Row(None, _no_group_label(group_by), "", None, figures_of(merged[None])))
    return Report(scope, group_by, figures_of(total), rows)
