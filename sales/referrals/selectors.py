"""The referral report: per referrer, station and month, the referrals made and how many
converted (docs/referrals.md#the-report).

A referral is a customer with a referrer (customers/referrals.py), counted in the month of
``referred_at`` in the business time zone. Its station is the station of the referred customer's
first ticket (none while they have no ticket or it has no station yet). It converted when the
referred customer, at or after being referred, bought a service contract that was not cancelled,
or registered a product (``ProductUnit.registered_at``); a referral that did both counts once
among the conversions and once in each of the two columns. Conversions are counted in the month
of the referral, not the month of the sale.

One aggregate query, grouped in SQL. The referred customers are read through their scoped
manager: a provider's staff see the referrals whose referred customer they serve, headquarters
all of them. The referrer's name is shown only when the referrer is in the reader's scope too.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth

from contracts.choices import ContractStatus
from contracts.models import ServiceContract
from customers.models import Customer, ProductUnit
from tickets.models import ServiceStation, Ticket

# The widest range one report covers: two years of months.
MAX_MONTHS = 24


@dataclass(frozen=True)
class ReferralRow:
    month: dt.date
    referrer_code: str
    referrer_name: str
    station_code: str
    station_name: str
    referrals: int
    by_contract: int
    by_registration: int
    conversions: int


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(first: dt.date, last: dt.date) -> int:
    """How many months ``first`` to ``last`` covers, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = _zone()
    start = dt.datetime.combine(month_start(first), dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(next_month(month_start(last)), dt.time.min, tzinfo=zone)
    return start, end


def referral_report(*, first: dt.date, last: dt.date) -> list[ReferralRow]:
    """The report's rows for the months ``first`` to ``last`` (any day of each), ordered by
    month, referrer code and station code. Reads what the current scope may see."""
    start, end = _bounds(first, last)
    first_ticket = Ticket._base_manager.filter(customer=OuterRef("pk")).order_by("created_at", "id")
    bought = ServiceContract._base_manager.filter(
        customer=OuterRef("pk"), created_at__gte=OuterRef("referred_at")
    ).exclude(status=ContractStatus.CANCELLED)
    registered = ProductUnit._base_manager.filter(owner=OuterRef("pk"), registered_at__gte=OuterRef("referred_at"))
    referrer_visible = Customer.objects.filter(pk=OuterRef("referred_by"))
    referred = (
        Customer.objects.filter(referred_by__isnull=False, referred_at__gte=start, referred_at__lt=end)
        .annotate(
            month=TruncMonth("referred_at", tzinfo=_zone()),
            station_id=Subquery(first_ticket.values("station")[:1]),
            bought=Exists(bought),
            registered=Exists(registered),
            shown=Exists(referrer_visible),
            referrer_code=F("referred_by__referral_code"),
            referrer_name=F("referred_by__name"),
        )
        .values("month", "station_id", "referred_by", "referrer_code", "referrer_name", "shown")
        .annotate(
            referrals=Count("pk"),
            by_contract=Count("pk", filter=Q(bought=True)),
            by_registration=Count("pk", filter=Q(registered=True)),
            conversions=Count("pk", filter=Q(bought=True) | Q(registered=True)),
        )
        .order_by()
    )
    rows = list(referred)
    stations = {
        station.pk: station
        for station in ServiceStation._base_manager.filter(pk__in={row["station_id"] for row in rows} - {None})
    }
    report = []
    for row in rows:
        station = stations.get(row["station_id"])
        month = row["month"]
        report.append(
            ReferralRow(
                month=month.date() if isinstance(month, dt.datetime) else month,
                referrer_code=row["referrer_code"],
                referrer_name=row["referrer_name"] if row["shown"] else "",
                station_code=station.code if station else "",
                station_name=station.display_name if station else "",
                referrals=row["referrals"],
                by_contract=row["by_contract"],
                by_registration=row["by_registration"],
                conversions=row["conversions"],
            )
        )
    report.sort(key=lambda row: (row.month, row.referrer_code, row.station_code))
    return report
