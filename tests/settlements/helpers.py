"""Building warranty jobs of a provider for the settlement tests: the on-site job through the
job API, then the resolution, the after-service callback and the verification as the desk makes them."""

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from rest_framework.test import APIClient

from aftersales.roles import Role
from fieldwork.models import TechnicianProfile, Visit, VisitStatus
from followups.callbacks.services import record_attempt
from followups.choices import CallbackKind, CallbackResult, CallbackStatus
from followups.models import CallbackVisit
from parts.ledger import stock_move
from parts.models import MovementKind, Part
from settlements.models import RateCard, TravelRate
from tests import factories
from tests.fieldwork import jobs_helpers as jh
from tickets.choices import Kind, Status
from tickets.services import ticket_transition

ZONE = ZoneInfo("Asia/Shanghai")
SCORES = {"score_attitude": 5, "score_punctuality": 5, "score_quality": 5, "score_overall": 5}


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def network(code: str = "qd-east"):
    """A provider, its station and a technician of it."""
    provider = factories.ServiceProviderFactory(code=code)
    station = factories.ServiceStationFactory(code=f"{code}-st", provider=provider)
    tech = factories.UserFactory(username=f"tech-{code}", roles=[Role.TECHNICIAN], provider=provider)
    TechnicianProfile.objects.get_or_create(user=tech)
    return provider, station, tech


def part(station, number: str, cost: str, quantity: int = 10) -> Part:
    item, _created = Part.objects.get_or_create(
        number=number,
        defaults={"name": number, "name_zh": number, "standard_cost": Decimal(cost), "price": Decimal(cost) * 2},
    )
    stock_move(station=station, part=item, kind=MovementKind.RECEIPT, by=None, quantity=quantity, reason="test")
    return item


def card(provider, job_type: str, labour: str, since: dt.date, category=None) -> RateCard:
    return RateCard.objects.create(
        provider=provider, category=category, job_type=job_type, labour=Decimal(labour), effective_from=since
    )


def band(provider, low: int, high: int | None, allowance: str, since: dt.date) -> TravelRate:
    return TravelRate.objects.create(
        provider=provider, min_km=low, max_km=high, allowance=Decimal(allowance), effective_from=since
    )


def dispatched(provider, station, tech, *, unit=None, kind=Kind.REPAIR, fault_code="E21", fault_category=None):
    customer = factories.CustomerFactory(address="12 Hong Kong Road, Qingdao")
    extra = {"unit": unit} if unit is not None else {}
    return factories.TicketFactory(
        customer=customer,
        kind=kind,
        provider=provider,
        station=station,
        assignee=tech,
        status=Status.DISPATCHED,
        work_done="Replaced the drain pump.",
        fault_code=fault_code,
        fault_category=fault_category,
        fault_component="drain pump",
        root_cause="Impeller cracked.",
        **extra,
    )


def step(api, visit, path, body=None):
    response = api.post(
        f"/api/field/jobs/{visit.pk}/{path}/", body or {}, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    assert response.status_code in (200, 201), response.json()
    return response


def on_site(ticket, tech, day: dt.date, *, record=None, parts=(), check_out=None) -> Visit:
    """The technician's job through the job API on ``day``: check-in at 9:00, the record, the parts
    (part, quantity, under warranty), the signature and the check-out with ``check_out``."""
    visit = jh.visit_for(tech, start=at(day), station=ticket.station, ticket=ticket, status=VisitStatus.CONFIRMED)
    api = APIClient()
    api.force_authenticate(tech)
    with time_machine.travel(at(day), tick=False):
        step(api, visit, "check-in")
        step(api, visit, "record", record or {"diagnosis": "Pump", "charge_kind": "covered"})
        for item, quantity, warranty in parts:
            step(api, visit, "parts", {"part": item.pk, "quantity": quantity, "under_warranty": warranty})
        step(api, visit, "signature", {"signature": jh.data_url(jh.png_bytes()), "signed_by": "Wang Fang"})
        step(api, visit, "check-out", check_out or {})
    return visit


def resolve(ticket, tech, when: dt.datetime):
    return ticket_transition(ticket=type(ticket).objects.get(pk=ticket.pk), move="resolve", by=tech, now=when)


def call_back(ticket, agent, when: dt.datetime, *, reached: bool = True) -> CallbackVisit:
    visit = CallbackVisit.objects.get(ticket=ticket, kind=CallbackKind.AFTER_SERVICE, status=CallbackStatus.DUE)
    if reached:
        return record_attempt(visit=visit, result=CallbackResult.REACHED, by=agent, scores=SCORES, at=when)
    for hours in (0, 1, 2):
        visit = record_attempt(
            visit=visit, result=CallbackResult.NO_ANSWER, by=agent, at=when + dt.timedelta(hours=hours)
        )
    return record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent, at=when + dt.timedelta(days=1))


def verify(ticket, agent, when: dt.datetime):
    return ticket_transition(ticket=type(ticket).objects.get(pk=ticket.pk), move="verify", by=agent, now=when)


def verified_ticket(provider, *, unit=None, resolved: dt.datetime, kind=Kind.REPAIR, fault_code="E21", **extra):
    """A verified warranty job as its row would be (the hook not run): for the checks and the build."""
    customer = unit.owner if unit is not None else factories.CustomerFactory()
    return factories.TicketFactory(
        customer=customer,
        unit=unit or factories.ProductUnitFactory(owner=customer, invoice_date=dt.date(2026, 1, 1)),
        kind=kind,
        provider=provider,
        status=Status.VERIFIED,
        fault_code=fault_code,
        resolved_at=resolved,
        verified_at=resolved + dt.timedelta(days=2),
        **extra,
    )
