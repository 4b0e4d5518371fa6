"""One network for the provider access tests: providers A and B, each with a station, an agent,
a technician and a manager, and a headquarters manager; provider A's work hangs off A's customer.

Built through the services a provider's staff use (A's agent logs A's tickets at the desk, so
they are A's work from the start), once per module, inside a transaction rolled back after it.
"""

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from aftersales.roles import Role
from fieldwork.models import ServiceReport, TechnicianProfile, Visit, VisitStatus
from followups.callbacks.services import record_attempt
from followups.choices import CallbackResult, RatingSource
from followups.models import SatisfactionRating
from parts.ledger import stock_move
from parts.models import MovementKind, Part, PartReservation, PartsOrder, StockLevel, StockMovement
from parts.stock import transfer_ship
from parts.usage import part_use
from tests import factories
from tests.fieldwork import jobs_helpers
from tickets.choices import Channel, Kind, Status
from tickets.services import ticket_assign, ticket_create, ticket_transition
from warranty import claims

User = get_user_model()

MISSING_ID = 999999
MISSING_REFERENCE = "AS-2026-999999"
# A's customer's name: a page of B's that names it leaks A's work.
A_CUSTOMER = "Alpha Zhang"


@dataclass
class Keys:
    users: dict[str, int]
    ids: dict[str, object]


def build_network() -> Keys:
    user = factories.UserFactory
    provider_a = factories.ServiceProviderFactory(code="alpha", name="Alpha Service")
    provider_b = factories.ServiceProviderFactory(code="beta", name="Beta Service")
    station_a = factories.ServiceStationFactory(code="a-1", name="Alpha Qingdao", provider=provider_a)
    station_a2 = factories.ServiceStationFactory(code="a-2", name="Alpha Yantai", provider=provider_a)
    station_b = factories.ServiceStationFactory(code="b-1", name="Beta Jinan", provider=provider_b)
    users = {
        "a_agent": user(roles=[Role.AGENT], username="a-agent", provider=provider_a),
        "a_technician": user(
            roles=[Role.TECHNICIAN], username="a-tech", first_name="Alpha", last_name="Fixer", provider=provider_a
        ),
        "a_manager": user(roles=[Role.MANAGER], username="a-manager", provider=provider_a),
        "b_agent": user(roles=[Role.AGENT], username="b-agent", provider=provider_b),
        "b_technician": user(
            roles=[Role.TECHNICIAN], username="b-tech", first_name="Beta", last_name="Fixer", provider=provider_b
        ),
        "b_manager": user(roles=[Role.MANAGER], username="b-manager", provider=provider_b, is_staff=True),
        "hq_manager": user(roles=[Role.MANAGER], username="hq-manager", is_staff=True, is_superuser=True),
    }
    agent, technician = users["a_agent"], users["a_technician"]
    profile = TechnicianProfile.objects.create(user=technician)
    profile.stations.set([station_a])
    TechnicianProfile.objects.create(user=users["b_technician"]).stations.set([station_b])

    washer = factories.ProductModelFactory(code="XQG100")
    customer = factories.CustomerFactory(phone="+8613900000101", name=A_CUSTOMER)
    unit = factories.ProductUnitFactory(owner=customer, model=washer, serial="SNA0101", batch="B2026-01")

    # A's open job, logged by A's agent and given to A's technician, with its warranty claim.
    ticket = ticket_create(
        customer=customer, unit=unit, kind=Kind.REPAIR, channel=Channel.PHONE, description="Does not spin.", by=agent
    )
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent)
    ticket = ticket_assign(ticket=ticket, station=station_a, assignee=technician, by=agent)
    claim = claims.claim_evaluate(ticket=ticket, by=agent, entered={})
    # A's resolved repair: a part used under warranty (its old-part return), a callback, feedback,
    # a rating, a field visit with its job record and service report.
    done = factories.TicketFactory(
        customer=customer,
        unit=unit,
        provider=provider_a,
        status=Status.RESOLVED,
        station=station_a,
        assignee=technician,
        work_done="Replaced the control board.",
        fault_code="QF-001",
    )
    pump = Part.objects.create(number="WM-PUMP-01", name="Drain pump")
    stock_move(station=station_a, part=pump, kind=MovementKind.RECEIPT, by=agent, quantity=3)
    stock_move(station=station_a, part=pump, kind=MovementKind.RESERVE, by=agent, reserved_change=1, ticket=ticket)
    reservation = PartReservation.objects.create(ticket=ticket, station=station_a, part=pump, quantity=1, by=agent)
    order = PartsOrder.objects.create(
        ticket=ticket,
        station=station_a,
        part=pump,
        quantity=1,
        source="supplier",
        by=agent,
        ordered_at=ticket.created_at,
    )
    usage = part_use(ticket=done, station=station_a, part=pump, quantity=1, by=technician, under_warranty=True)
    transfer = transfer_ship(from_station=station_a, to_station=station_a2, part=pump, quantity=1, by=agent)
    callback = factories.CallbackVisitFactory(ticket=done, customer=customer, unit=unit)
    record_attempt(visit=callback, result=CallbackResult.NO_ANSWER, by=agent, note="Voicemail.")
    item = factories.FeedbackItemFactory(ticket=done, fault_code="QF-001", component="control board")
    field_visit = Visit.objects.create(
        ticket=done,
        technician=technician,
        station=station_a,
        start=done.created_at,
        end=done.created_at,
        status=VisitStatus.DONE,
        checked_in_at=done.created_at,
        checked_out_at=done.created_at,
    )
    report = ServiceReport(ticket=done, visit=field_visit, language="zh-hans")
    report.file.save("report.pdf", ContentFile(b"%PDF-1.4 a service report"), save=True)
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    job = jobs_helpers.visit_for(technician, station=station_a, ticket=ticket, start=start)

    # B's own job, so B's lists are not empty by accident.
    b_customer = factories.CustomerFactory(phone="+8613900000202", name="Beta Wang")
    b_ticket = ticket_create(
        customer=b_customer,
        kind=Kind.REPAIR,
        channel=Channel.PHONE,
        description="Leaks.",
        by=users["b_agent"],
    )
    return Keys(
        users={name: account.pk for name, account in users.items()},
        ids={
            "ticket": ticket.reference,
            "ticket_pk": ticket.pk,
            "done": done.reference,
            "b_ticket": b_ticket.reference,
            "customer": customer.pk,
            "unit": unit.pk,
            "claim": claim.pk,
            "callback": callback.pk,
            "item": item.pk,
            "rating": SatisfactionRating.objects.create(ticket=done, source=RatingSource.CALLBACK, score=5).pk,
            "visit": field_visit.pk,
            "job": job.pk,
            "job_record": field_visit.pk,
            "report": report.pk,
            "profile": profile.pk,
            "station": station_a.pk,
            "station_a2": station_a2.pk,
            "part": pump.pk,
            "stock_level": StockLevel.objects.get(station=station_a, part=pump).pk,
            "movement": StockMovement.objects.filter(station=station_a).order_by("pk").first().pk,
            "transfer": transfer.pk,
            "reservation": reservation.pk,
            "order": order.pk,
            "part_return": usage.old_part_return.pk,
            "provider_a": provider_a.pk,
            "provider_b": provider_b.pk,
        },
    )


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }
