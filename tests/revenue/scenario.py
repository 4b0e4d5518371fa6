"""Two months (March and April 2026) at two stations of two providers, written through the
write paths the product has: contracts sold, renewed and cancelled with ``contract_sell`` /
``contract_cancel``, a paid three-guarantees repair carried out with ``claim_execute``, a
technician's paid job record, leads found and closed, customers referred. The clock is set for
every write (time_machine), so each row lands in the month the tests count it in.

What each row is for is written beside it; tests/revenue/test_revenue_figures.py works every
figure out by hand from docs/revenue.md's formulas.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from aftersales.roles import Role
from contracts.choices import ContractKind, SaleChannel
from contracts.services import contract_cancel, contract_sell
from customers.models import UnitStatus
from fieldwork.models import ChargeKind, JobRecord, Visit
from sales.choices import LeadStatus
from tests import factories
from tests.revenue.factories_revenue import ContractProductFactory, LeadFactory
from tickets.choices import Status
from warranty.claims import claim_execute
from warranty.models import ClaimStatus

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


@dataclass
class World:
    p1: object
    p2: object
    s1: object
    s2: object
    seller: object
    manager_p1: object
    manager_p2: object


def _sell(when, *, product, unit, provider=None, station=None, channel=SaleChannel.DESK, by=None, **extra):
    with time_machine.travel(when, tick=False):
        return contract_sell(
            product=product,
            unit=unit,
            customer=unit.owner,
            channel=channel,
            payment_reference=f"PAY-{unit.serial}",
            by=by,
            provider=provider,
            station=station,
            **extra,
        )


def _lead(created, **fields):
    with time_machine.travel(created, tick=False):
        return LeadFactory(**fields)


def build() -> World:
    with time_machine.travel(at(2, 10), tick=False):
        p1 = factories.ServiceProviderFactory(code="p-east", name="East Service Co")
        p2 = factories.ServiceProviderFactory(code="p-west", name="West Service Co")
        s1 = factories.ServiceStationFactory(code="qd-east", name="Qingdao East", provider=p1)
        s2 = factories.ServiceStationFactory(code="yantai", name="Yantai", provider=p2)
        seller = factories.UserFactory(roles=[Role.MANAGER], username="hq-seller")
        manager_p1 = factories.UserFactory(roles=[Role.MANAGER], username="east-manager", provider=p1)
        manager_p2 = factories.UserFactory(roles=[Role.MANAGER], username="west-manager", provider=p2)
        model = factories.ProductModelFactory(code="XQG-REV")
        ew = ContractProductFactory(code="ew-12", kind=ContractKind.EXTENDED_WARRANTY, category=model.category)
        mp = ContractProductFactory(
            code="mp-12",
            kind=ContractKind.MAINTENANCE_PLAN,
            category=model.category,
            price=Decimal("199.50"),
            included_visits=2,
            visit_interval_months=6,
        )
        referrer = factories.CustomerFactory(name="Referrer")
        # u1..u6 in use, registered in February; u7 replaced (never counted).
        units = [factories.ProductUnitFactory(model=model) for _ in range(6)]
        u1, u2, u3, u4, u5, u6 = units
        factories.ProductUnitFactory(model=model, status=UnitStatus.REPLACED)
        # Referred in January: outside the months.
        factories.CustomerFactory(name="F4", referred_by=referrer, referred_at=at(1, 15))
        ticket = factories.TicketFactory
        t1 = ticket(customer=u1.owner, unit=u1, station=s1, provider=p1, status=Status.RESOLVED, resolved_at=at(3, 12))
        t2 = ticket(
            customer=u2.owner,
            unit=u2,
            station=s2,
            provider=p2,
            status=Status.RESOLVED,
            resolved_at=at(4, 8),
            charge=Decimal("80.00"),
        )
        t3 = ticket(customer=u4.owner, unit=u4, station=s1, provider=p1, status=Status.RESOLVED, resolved_at=at(4, 25))
        # Cancelled and test tickets count nowhere.
        ticket(
            customer=u3.owner,
            unit=u3,
            station=s2,
            provider=p2,
            status=Status.CANCELLED,
            resolved_at=at(3, 15),
            charge=Decimal("500.00"),
        )
        ticket(
            customer=u6.owner,
            unit=u6,
            station=s1,
            provider=p1,
            status=Status.RESOLVED,
            resolved_at=at(3, 18),
            charge=Decimal("60.00"),
            is_test=True,
        )
        # Resolved at 23:30 on 31 March in Shanghai (15:30 UTC): March.
        t6 = ticket(
            customer=u5.owner,
            unit=u5,
            station=s1,
            provider=p1,
            status=Status.RESOLVED,
            resolved_at=at(3, 31, 23, 30),
            charge=Decimal("45.50"),
        )
        tech = factories.UserFactory(roles=[Role.TECHNICIAN], username="rev-tech")
        for job_ticket, kind, amount in ((t2, ChargeKind.PAID, "120.00"), (t3, ChargeKind.COVERED, "0.00")):
            visit = Visit.objects.create(
                ticket=job_ticket, technician=tech, station=job_ticket.station, start=at(4, 7, 9), end=at(4, 7, 11)
            )
            JobRecord.objects.create(
                visit=visit, charge_kind=kind, charge=Decimal(amount), charge_reason="Out of cover"
            )
        claim = factories.WarrantyClaimFactory(
            ticket=t1, status=ClaimStatus.CHOSEN, chosen_remedy="repair_paid", remedies=["repair_paid"], free=False
        )
    with time_machine.travel(at(3, 12, 15), tick=False):
        claim_execute(claim=claim, by=seller, charge="150.00")

    # Contracts.
    k1 = _sell(at(3, 5), product=ew, unit=u1, provider=p1, station=s1, by=seller, starts_on=dt.date(2026, 3, 5))
    _sell(at(3, 20), product=mp, unit=u2, provider=p2, station=s2, by=seller)
    # Paid at 23:30 on 31 March in Shanghai: March, in force from 31 March.
    _sell(at(3, 31, 23, 30), product=mp, unit=u3, provider=p1, station=s1, by=seller)
    # Starts the day after the statutory warranty ends (2027): sold in April, not in force on 30 April.
    _sell(at(4, 2), product=ew, unit=u4, provider=p2, station=s2, by=seller)
    # Bought on the portal: no station, no provider.
    _sell(at(4, 10), product=mp, unit=u5, channel=SaleChannel.PORTAL)
    _sell(at(4, 15), product=ew, unit=u1, provider=p1, station=s1, by=seller, channel=SaleChannel.RENEWAL, renews=k1)
    cancelled = _sell(at(4, 20), product=mp, unit=u6, provider=p1, station=s1, by=seller)
    with time_machine.travel(at(4, 21), tick=False):
        contract_cancel(contract=cancelled, reason="Changed their mind", by=seller)

    # Referrals: F1 (March) registers a product in April; F3 (u5's owner, March) buys on the
    # portal in April; F2 (April) does nothing.
    with time_machine.travel(at(3, 8), tick=False):
        f1 = factories.CustomerFactory(name="F1", referred_by=referrer, referred_at=at(3, 8))
    with time_machine.travel(at(4, 3), tick=False):
        f2 = factories.CustomerFactory(name="F2", referred_by=referrer, referred_at=at(4, 3))
    u5.owner.referred_by, u5.owner.referred_at = referrer, at(3, 25)
    u5.owner.save(update_fields=["referred_by", "referred_at"])
    with time_machine.travel(at(4, 12), tick=False):
        u8 = factories.ProductUnitFactory(model=model, owner=f1)
    with time_machine.travel(at(4, 13), tick=False):
        factories.TicketFactory(customer=f1, unit=u8, station=s2, provider=p2, status=Status.NEW)

    # Leads.
    _lead(
        at(3, 3),
        unit=u1,
        ticket=t1,
        owner_provider=p1,
        status=LeadStatus.WON,
        closed_at=at(3, 28),
        value=Decimal("2000.00"),
    )
    _lead(at(3, 10), unit=u2, ticket=t2, owner_provider=p2, status=LeadStatus.LOST, closed_at=at(4, 5))
    _lead(at(4, 1), unit=u4, ticket=t3, owner_provider=p1, status=LeadStatus.CONTACTED)
    _lead(at(4, 6), customer=f2, status=LeadStatus.NEW)
    # Found in February, won in April.
    _lead(
        at(2, 20),
        unit=u5,
        ticket=t6,
        owner_provider=p1,
        status=LeadStatus.WON,
        closed_at=at(4, 18),
        value=Decimal("500.00"),
    )
    _lead(at(3, 15), unit=u1, ticket=t1, owner_provider=p1, status=LeadStatus.LOST, closed_at=at(3, 20))
    return World(p1, p2, s1, s2, seller, manager_p1, manager_p2)
