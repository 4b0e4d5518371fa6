"""Access control across every object endpoint of the API: each path of the OpenAPI schema with a
path parameter, with each method it lists, called with another customer's token and another
technician's token (and, where staff own objects, another manager's or department's).

The answer for someone else's object is indistinguishable from the answer for an object that
does not exist: the same 404 where the caller's role may use the endpoint (the object is simply
not in what they see), the same 403 where the role may never use it. A denied request changes
no row in any table. The owners get their objects, so a denial is about whose object it is, not
about a broken fixture, and every body sent in a denied write succeeds for someone allowed to
send it, so a denial comes from access control, not from validation.

The table below is checked against the generated schema and against the URL configuration: an
object endpoint (path and method) the table does not cover fails
``test_the_table_covers_every_object_endpoint_of_the_schema``, and one left out of the schema
fails ``test_no_object_endpoint_is_hidden_from_the_schema``. The world is built once for the
module; every test runs in a savepoint rolled back after it, so what one test writes is gone
for the next.
"""

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from aftersales.roles import Role
from customers.models import Customer, ProductUnit
from fieldwork.booking.availability import free_slots
from fieldwork.booking.services import visit_book
from fieldwork.jobs import services as job_services
from fieldwork.models import ServiceReport, TechnicianProfile, Visit, VisitStatus
from followups.callbacks.services import record_attempt
from followups.choices import CallbackResult
from followups.models import CallbackVisit, FeedbackItem
from notifications import webhooks
from notifications.models import WebhookDelivery, WebhookSubscription
from parts import returns as part_returns
from parts.ledger import stock_move
from parts.models import MovementKind, Part, PartReservation, PartReturn, PartsOrder, StockLevel, StockTransfer
from parts.stock import transfer_ship
from parts.usage import part_use
from quality.models import RecallCampaign, RecallUnit
from quality.recalls import services as recalls
from tests import factories
from tests.api.conftest import RESOLUTION, client_for, portal_customer
from tests.contracts import test_contracts_access as contracts_access
from tests.csi import test_csi_access as csi_access
from tests.fieldwork import jobs_helpers
from tests.network import test_provider_access as provider_access
from tests.plans import test_plans_access as plans_access
from tests.sales import test_leads_access as leads_access
from tests.settlements import test_statements_access as statements_access
from tickets.choices import Channel, EventKind, Kind, Status
from tickets.models import Ticket, TicketEvent
from tickets.services import ticket_add_note, ticket_assign, ticket_create, ticket_transition
from warranty import claims
from warranty.models import WarrantyClaim

pytestmark = pytest.mark.django_db

User = get_user_model()

MISSING_ID = 999999
MISSING_REFERENCE = "AS-2026-999999"
METHODS = ("get", "post", "put", "patch", "delete")

# --- the answers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict


NOT_FOUND = Answer(404, {"detail": "Not found.", "code": "not_found"})


def forbidden(detail: str) -> Answer:
    return Answer(403, {"detail": detail, "code": "permission_denied"})


# The permission classes' messages: the role may never use the endpoint, whatever the object.
NOT_FOR_TECHNICIANS = forbidden("Only agents, managers, administrators and customers may use this endpoint.")
DESK_ONLY = forbidden("Only agents, managers and administrators may use this endpoint.")
QUALITY_ONLY = forbidden("Only managers and administrators may use this endpoint.")
FEEDBACK_ONLY = forbidden("Only department users, managers and administrators may use this endpoint.")
STAFF_ONLY = forbidden("Only service staff may use this endpoint.")

# Who a denied caller is, and the owner of the same role: a 403 must be the owner's answer too.
SAME_ROLE_OWNER = {"other_customer": "customer", "other_technician": "technician"}

# --- one world -----------------------------------------------------------------------------------


@dataclass
class World:
    """Customer A (a portal account) and everything hanging off them, plus the other callers."""

    users: dict[str, AbstractBaseUser]
    clients: dict[str, APIClient]
    customer: Customer
    unit: ProductUnit
    ticket: Ticket
    claim: WarrantyClaim
    visit: CallbackVisit
    item: FeedbackItem
    recall: RecallCampaign
    subscription: WebhookSubscription
    delivery: WebhookDelivery
    field_visit: Visit
    profile: TechnicianProfile
    report: ServiceReport
    job: Visit
    reservation: PartReservation
    order: PartsOrder
    part_return: PartReturn
    part: Part
    stock_level: StockLevel
    transfer: StockTransfer

    def version(self) -> int:
        return Ticket.objects.values_list("version", flat=True).get(pk=self.ticket.pk)


def build_world() -> dict:
    """The rows, once for the module; returns the primary keys of what the tests use."""
    user = factories.UserFactory
    users = {
        "agent": user(roles=[Role.AGENT], username="agent1"),
        "manager": user(roles=[Role.MANAGER], username="manager1"),
        "technician": user(roles=[Role.TECHNICIAN], username="tech1"),
        "production": user(roles=[Role.DEPARTMENT], username="production1"),
        "other_technician": user(roles=[Role.TECHNICIAN], username="tech2"),
        "other_manager": user(roles=[Role.MANAGER], username="manager2"),
        "other_department": user(roles=[Role.DEPARTMENT], username="design1"),
    }
    factories.DepartmentMembershipFactory(user=users["production"], department="production")
    factories.DepartmentMembershipFactory(user=users["other_department"], department="design")
    agent, technician = users["agent"], users["technician"]
    customer = portal_customer("+8613900000001", "Li Na")
    other_customer = portal_customer("+8613900000002", "Wang Fang")
    users["customer"], users["other_customer"] = customer.user, other_customer.user
    washer = factories.ProductModelFactory(code="XQG100")
    station = factories.ServiceStationFactory(code="qd-1", name="Qingdao East")
    unit = factories.ProductUnitFactory(owner=customer, model=washer, serial="SNA0001", batch="B2026-01")
    other_unit = factories.ProductUnitFactory(owner=other_customer, model=washer, serial="SNB0001", batch="B2026-02")

    # A's open job, logged at the desk and given to tech1; with a public note and a claim.
    ticket = ticket_create(
        customer=customer, unit=unit, kind=Kind.REPAIR, channel=Channel.PHONE, description="Does not spin.", by=agent
    )
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent)
    ticket = ticket_assign(ticket=ticket, station=station, assignee=technician, by=agent)
    ticket_add_note(ticket=ticket, note="The technician will call first.", is_public=True, by=agent)
    claim = claims.claim_evaluate(ticket=ticket, by=agent, entered={})
    # tech1's visit for it, checked out, with its signed service report.
    field_visit = Visit.objects.create(
        ticket=ticket,
        technician=technician,
        station=station,
        start=ticket.created_at,
        end=ticket.created_at,
        status=VisitStatus.DONE,
        checked_in_at=ticket.created_at,
        checked_out_at=ticket.created_at,
    )
    report = ServiceReport(ticket=ticket, visit=field_visit, language="zh-hans")
    report.file.save("report.pdf", ContentFile(b"%PDF-1.4 a service report"), save=True)

    # B's own job, given to tech2: the other customer and technician are not empty accounts.
    other_ticket = ticket_create(
        customer=other_customer,
        unit=other_unit,
        kind=Kind.REPAIR,
        channel=Channel.PHONE,
        description="Leaks.",
        by=agent,
    )
    ticket_assign(ticket=other_ticket, station=station, assignee=users["other_technician"], by=agent)

    # A's earlier repair, resolved by tech1: its callback (one failed call) and its feedback item.
    done = factories.TicketFactory(
        customer=customer,
        unit=unit,
        status=Status.RESOLVED,
        station=station,
        assignee=technician,
        work_done="Replaced the control board.",
        fault_code="QF-001",
        fault_component="control board",
        root_cause="Solder joint cracked.",
    )
    # Parts of A's jobs: a reservation and an order of the open job (rows only, so its status and
    # timeline stay as they are), and a part used under warranty on the resolved repair, whose
    # old-part return is open.
    pump = Part.objects.create(number="WM-PUMP-01", name="Drain pump")
    stock_move(station=station, part=pump, kind=MovementKind.RECEIPT, by=agent, quantity=2)
    stock_move(station=station, part=pump, kind=MovementKind.RESERVE, by=agent, reserved_change=1, ticket=ticket)
    reservation = PartReservation.objects.create(ticket=ticket, station=station, part=pump, quantity=1, by=agent)
    order = PartsOrder.objects.create(
        ticket=ticket, station=station, part=pump, quantity=1, source="supplier", by=agent, ordered_at=ticket.created_at
    )
    usage = part_use(ticket=done, station=station, part=pump, quantity=1, by=technician, under_warranty=True)
    visit = factories.CallbackVisitFactory(ticket=done)
    record_attempt(visit=visit, result=CallbackResult.NO_ANSWER, by=agent, note="Voicemail.")
    item = factories.FeedbackItemFactory(
        ticket=done, fault_code="QF-001", component="control board", root_cause="Solder joint cracked."
    )

    # tech1's profile at the station; a job of A's gets tech1's first free slot.
    profile = TechnicianProfile.objects.create(user=technician)
    profile.stations.set([station])
    # tech2 works at another station: the station's stock is not theirs to see.
    other_station = factories.ServiceStationFactory(code="yt-1", name="Yantai")
    TechnicianProfile.objects.create(user=users["other_technician"]).stations.set([other_station])
    # Stock: the pump's level at the station, and a belt on its way to the station from a third one.
    belt = Part.objects.create(number="WM-BELT-07", name="Drive belt")
    third_station = factories.ServiceStationFactory(code="jn-1", name="Jinan")
    stock_move(station=third_station, part=belt, kind=MovementKind.RECEIPT, by=agent, quantity=3)
    transfer = transfer_ship(from_station=third_station, to_station=station, part=belt, quantity=1, by=agent)
    today = timezone.localdate()
    first = free_slots(station, date_from=today, date_to=today + dt.timedelta(days=13), technician=technician)[0]
    # Booking dispatches its ticket, so the booked visit is for A's second job: A's open job stays
    # where a customer may still withdraw it.
    second = ticket_create(
        customer=customer, unit=unit, kind=Kind.REPAIR, channel=Channel.PHONE, description="Noisy drum.", by=agent
    )
    field_visit = visit_book(ticket=second, technician=technician, station=station, start=first.start, by=agent)
    # A recall of A's batch, its ticket opened; a subscription of manager1 with one delivery. Both
    # last, so no event of the world is delivered; deliveries are sent after a commit anyway.
    recall = recalls.start_recall(
        model=washer, batch="B2026-01", title="Drain pump recall", reason="The pump may leak.", by=users["manager"]
    )
    recalls.open_recall_tickets(campaign=recall)
    subscription = factories.WebhookSubscriptionFactory(owner=users["manager"])
    delivery = webhooks.ping(subscription=subscription, by=users["manager"])

    # tech1's visit for A's job, with a part in stock at the station (fieldwork/api/job_views.py).
    job = jobs_helpers.visit_for(technician, station=station, ticket=ticket)
    jobs_helpers.part_in_stock(station, number="BRD-100", quantity=5)
    return {
        "users": {name: account.pk for name, account in users.items()},
        "customer": customer.pk,
        "unit": unit.pk,
        "ticket": ticket.pk,
        "claim": claim.pk,
        "visit": visit.pk,
        "item": item.pk,
        "recall": recall.pk,
        "subscription": subscription.pk,
        "delivery": delivery.pk,
        "field_visit": field_visit.pk,
        "profile": profile.pk,
        "report": report.pk,
        "job": job.pk,
        "reservation": reservation.pk,
        "order": order.pk,
        "part_return": usage.old_part_return.pk,
        "part": pump.pk,
        "stock_level": StockLevel.objects.get(station=station, part=pump).pk,
        "transfer": transfer.pk,
    }


@pytest.fixture(scope="module")
def world_keys(django_db_setup, django_db_blocker):
    """The world is built once, inside a transaction rolled back after the module; each test runs
    in a savepoint inside it (pytest-django's own), so whatever a test writes is undone for the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        keys = build_world()
        # A client (holding the caller's token) for each caller, made once: a client loads the
        # middleware on its first request.
        keys["clients"] = {name: client_for(User.objects.get(pk=pk)) for name, pk in keys["users"].items()}
        yield keys
        transaction.set_rollback(True)


@pytest.fixture
def world(world_keys) -> World:
    """The world's objects, read afresh for each test, and the callers' clients without cookies."""
    for client in world_keys["clients"].values():
        client.cookies.clear()
    return World(
        users={name: User.objects.get(pk=pk) for name, pk in world_keys["users"].items()},
        clients=world_keys["clients"],
        customer=Customer.objects.get(pk=world_keys["customer"]),
        unit=ProductUnit.objects.get(pk=world_keys["unit"]),
        ticket=Ticket.objects.get(pk=world_keys["ticket"]),
        claim=WarrantyClaim.objects.get(pk=world_keys["claim"]),
        visit=CallbackVisit.objects.get(pk=world_keys["visit"]),
        item=FeedbackItem.objects.get(pk=world_keys["item"]),
        recall=RecallCampaign.objects.get(pk=world_keys["recall"]),
        subscription=WebhookSubscription.objects.get(pk=world_keys["subscription"]),
        delivery=WebhookDelivery.objects.get(pk=world_keys["delivery"]),
        field_visit=Visit.objects.get(pk=world_keys["field_visit"]),
        profile=TechnicianProfile.objects.get(pk=world_keys["profile"]),
        report=ServiceReport.objects.get(pk=world_keys["report"]),
        job=Visit.objects.get(pk=world_keys["job"]),
        reservation=PartReservation.objects.get(pk=world_keys["reservation"]),
        order=PartsOrder.objects.get(pk=world_keys["order"]),
        part_return=PartReturn.objects.get(pk=world_keys["part_return"]),
        part=Part.objects.get(pk=world_keys["part"]),
        stock_level=StockLevel.objects.get(pk=world_keys["stock_level"]),
        transfer=StockTransfer.objects.get(pk=world_keys["transfer"]),
    )


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table (tokens, users and their groups included)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


# --- the table of object endpoints ----------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What the path parameter names: the world's object, or one that does not exist."""

    of: Callable[[World], object]
    model: type
    field: str
    missing: object

    def missing_is_missing(self) -> bool:
        return not self.model._base_manager.filter(**{self.field: self.missing}).exists()


TARGETS = {
    "customer": Target(lambda w: w.customer.pk, Customer, "pk", MISSING_ID),
    "unit": Target(lambda w: w.unit.pk, ProductUnit, "pk", MISSING_ID),
    "ticket": Target(lambda w: w.ticket.reference, Ticket, "reference", MISSING_REFERENCE),
    "claim": Target(lambda w: w.claim.pk, WarrantyClaim, "pk", MISSING_ID),
    "callback": Target(lambda w: w.visit.pk, CallbackVisit, "pk", MISSING_ID),
    "feedback": Target(lambda w: w.item.pk, FeedbackItem, "pk", MISSING_ID),
    "recall": Target(lambda w: w.recall.pk, RecallCampaign, "pk", MISSING_ID),
    "webhook": Target(lambda w: w.subscription.pk, WebhookSubscription, "pk", MISSING_ID),
    "visit": Target(lambda w: w.field_visit.pk, Visit, "pk", MISSING_ID),
    "technician": Target(lambda w: w.profile.pk, TechnicianProfile, "pk", MISSING_ID),
    "report": Target(lambda w: w.report.pk, ServiceReport, "pk", MISSING_ID),
    "job": Target(lambda w: w.job.pk, Visit, "pk", MISSING_ID),
    "reservation": Target(lambda w: w.reservation.pk, PartReservation, "pk", MISSING_ID),
    "order": Target(lambda w: w.order.pk, PartsOrder, "pk", MISSING_ID),
    "part_return": Target(lambda w: w.part_return.pk, PartReturn, "pk", MISSING_ID),
    "part": Target(lambda w: w.part.pk, Part, "pk", MISSING_ID),
    "stock_level": Target(lambda w: w.stock_level.pk, StockLevel, "pk", MISSING_ID),
    "transfer": Target(lambda w: w.transfer.pk, StockTransfer, "pk", MISSING_ID),
}

Body = Callable[[World, str], dict | None]


def no_body(world: World, caller: str) -> None:
    return None


def fixed(data: dict) -> Body:
    return lambda world, caller: data


def transition_body(world: World, caller: str) -> dict:
    """What a customer or a technician would send for their own ticket."""
    if caller == "other_customer":
        return {"move": "customer_cancel", "note": "Bought a new one.", "expected_version": world.version()}
    return {"move": "hold", "note": "Waiting for the spare part.", "expected_version": world.version()}


def note_body(world: World, caller: str) -> dict:
    if caller == "other_customer":
        return {"note": "The error code is E21."}
    return {"note": "Part ordered.", "is_public": True}


def move_body(world: World, caller: str) -> dict:
    """Another free slot of the visit's technician."""
    visit, today = world.field_visit, timezone.localdate()
    slots = free_slots(
        visit.station, date_from=today, date_to=today + dt.timedelta(days=13), technician=visit.technician
    )
    return {"start": slots[0].start.isoformat()}


def checked_in(world: World) -> None:
    """The state every step of the on-site job but the check-in is taken from."""
    job_services.visit_check_in(world.job, world.users["technician"])


def checked_in_and_signed(world: World) -> None:
    checked_in(world)
    job_services.job_sign(
        world.job, world.users["technician"], jobs_helpers.data_url(jobs_helpers.png_bytes()), "Li Na"
    )


def choose_repair(world: World) -> None:
    """The state a claim is carried out from: the customer chose the free repair."""
    claims.claim_choose(claim=world.claim, remedy="repair_free", by=world.users["agent"])


@dataclass(frozen=True)
class Endpoint:
    path: str
    method: str
    target: str
    # The answer each denied caller gets for the world's object, and for a missing one.
    denied: dict[str, Answer]
    # Callers who read the world's object (GET): 200.
    readers: tuple[str, ...] = ()
    body: Body = no_body
    # (who may do it, whose denied body they send, the success status): each denied body works.
    # An endpoint without a body has one control, with None for whose body.
    controls: tuple[tuple[str, str | None, int], ...] = ()
    # Puts the object in the state the write succeeds from, before anything is sent.
    given: Callable[[World], None] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def url(self, value: object) -> str:
        return re.sub(r"\{\w+\}", str(value), self.path)


BOTH = ("other_customer", "other_technician")


def same(answer: Answer) -> dict[str, Answer]:
    return dict.fromkeys(BOTH, answer)


CUSTOMER_SCOPE = {"other_customer": NOT_FOUND, "other_technician": NOT_FOR_TECHNICIANS}
# fieldwork/api/report_views.py: staff as at the desk; customers open theirs from their link.
REPORT_SCOPE = {
    "other_customer": forbidden(
        "Only service staff may read service reports here; customers open theirs from the link they were sent."
    ),
    "other_technician": NOT_FOUND,
}
FEEDBACK_SCOPE = {**same(FEEDBACK_ONLY), "other_department": NOT_FOUND}
WEBHOOK_SCOPE = {**same(QUALITY_ONLY), "other_manager": NOT_FOUND}
# parts/api/demand_views.py: service staff only; a technician works the parts of their own jobs.
PARTS_SCOPE = {"other_customer": forbidden("Sign in as service staff."), "other_technician": NOT_FOUND}
# parts/api/stock_views.py: the catalogue is everyone's in the service; stock is its station's.
NOT_FOR_CUSTOMERS = forbidden("Only agents, technicians, managers and administrators may use this endpoint.")
STOCK_SCOPE = {"other_customer": NOT_FOR_CUSTOMERS, "other_technician": NOT_FOUND}


def ship_return(world: World) -> None:
    part_returns.return_ship(part_return=world.part_return, tracking="SF0", by=world.users["agent"])


def ship_and_receive_return(world: World) -> None:
    ship_return(world)
    part_returns.return_receive(part_return=world.part_return, by=world.users["agent"])


def each_caller(doer: str, status: int) -> tuple[tuple[str, str, int], ...]:
    return tuple((doer, caller, status) for caller in BOTH)


ENDPOINTS = [
    # customers/api/views.py: a customer sees their own record and units; technicians have no business here.
    Endpoint("/api/customers/{id}/", "get", "customer", CUSTOMER_SCOPE, readers=("customer", "agent")),
    Endpoint(
        "/api/customers/{id}/",
        "patch",
        "customer",
        CUSTOMER_SCOPE,
        body=fixed({"name": "Li Na Zhang"}),
        controls=each_caller("agent", 200),
    ),
    Endpoint("/api/units/{id}/", "get", "unit", CUSTOMER_SCOPE, readers=("customer", "agent")),
    # tickets/api/scope.py: a customer's own tickets, a technician's own jobs; others are 404.
    Endpoint(
        "/api/tickets/{reference}/", "get", "ticket", same(NOT_FOUND), readers=("customer", "technician", "agent")
    ),
    Endpoint(
        "/api/tickets/{reference}/transition/",
        "post",
        "ticket",
        same(NOT_FOUND),
        body=transition_body,
        controls=(("customer", "other_customer", 200), ("technician", "other_technician", 200)),
    ),
    Endpoint(
        "/api/tickets/{reference}/assign/",
        "post",
        "ticket",
        same(NOT_FOUND),
        body=lambda w, caller: {"assignee": w.users["other_technician"].pk, "expected_version": w.version()},
        controls=each_caller("agent", 200),
    ),
    Endpoint(
        "/api/tickets/{reference}/resolution/",
        "post",
        "ticket",
        same(NOT_FOUND),
        body=lambda w, caller: {**RESOLUTION, "expected_version": w.version()},
        controls=each_caller("technician", 200),
    ),
    Endpoint(
        "/api/tickets/{reference}/notes/",
        "post",
        "ticket",
        same(NOT_FOUND),
        body=note_body,
        controls=(("customer", "other_customer", 201), ("technician", "other_technician", 201)),
    ),
    Endpoint(
        "/api/tickets/{reference}/timeline/",
        "get",
        "ticket",
        same(NOT_FOUND),
        readers=("customer", "technician", "agent"),
    ),
    # warranty/api/claim_views.py: reading follows the tickets; working a claim is the desk's.
    Endpoint("/api/claims/{id}/", "get", "claim", same(NOT_FOUND), readers=("customer", "technician", "agent")),
    Endpoint(
        "/api/claims/{id}/choose/",
        "post",
        "claim",
        same(DESK_ONLY),
        body=fixed({"remedy": "repair_free"}),
        controls=each_caller("agent", 200),
    ),
    Endpoint(
        "/api/claims/{id}/goodwill/",
        "post",
        "claim",
        same(QUALITY_ONLY),
        body=fixed({"remedy": "replace", "reason": "A customer of twenty years."}),
        controls=each_caller("manager", 200),
    ),
    Endpoint(
        "/api/claims/{id}/execute/",
        "post",
        "claim",
        same(DESK_ONLY),
        body=fixed({"charge": "0.00"}),
        controls=each_caller("agent", 200),
        given=choose_repair,
    ),
    # followups/api/views.py: callbacks for the desk, feedback for departments (their own
    # departments' items), recalls for managers.
    Endpoint("/api/callbacks/{id}/", "get", "callback", same(DESK_ONLY), readers=("agent", "manager")),
    Endpoint(
        "/api/callbacks/{id}/attempts/",
        "post",
        "callback",
        same(DESK_ONLY),
        body=fixed({"result": "no_answer", "note": "Voicemail again."}),
        controls=each_caller("agent", 201),
    ),
    Endpoint("/api/feedback/{id}/", "get", "feedback", FEEDBACK_SCOPE, readers=("production", "manager")),
    Endpoint(
        "/api/feedback/{id}/acknowledge/",
        "post",
        "feedback",
        FEEDBACK_SCOPE,
        controls=(("production", None, 200),),
    ),
    Endpoint(
        "/api/feedback/{id}/answer/",
        "post",
        "feedback",
        FEEDBACK_SCOPE,
        body=fixed({"cause": "Cold solder joint.", "corrective_action": "New reflow profile from batch B2026-03."}),
        controls=(("production", "other_customer", 200), ("production", "other_technician", 200)),
    ),
    Endpoint("/api/recalls/{id}/", "get", "recall", same(QUALITY_ONLY), readers=("manager",)),
    Endpoint("/api/recalls/{id}/units/", "get", "recall", same(QUALITY_ONLY), readers=("manager",)),
    # notifications/webhooks/api.py: managers, each with their own subscriptions.
    Endpoint("/api/webhooks/{id}/", "get", "webhook", WEBHOOK_SCOPE, readers=("manager",)),
    Endpoint(
        "/api/webhooks/{id}/",
        "delete",
        "webhook",
        WEBHOOK_SCOPE,
        controls=(("manager", None, 204),),
    ),
    Endpoint("/api/webhooks/{id}/deliveries/", "get", "webhook", WEBHOOK_SCOPE, readers=("manager",)),
    Endpoint("/api/service-reports/{id}/", "get", "report", REPORT_SCOPE, readers=("technician", "agent")),
    Endpoint("/api/service-reports/{id}/pdf/", "get", "report", REPORT_SCOPE, readers=("technician", "agent")),
    Endpoint(
        "/api/webhooks/{id}/ping/",
        "post",
        "webhook",
        WEBHOOK_SCOPE,
        controls=(("manager", None, 202),),
    ),
    # fieldwork/api/booking_views.py: staff read visits (a technician their own) and profiles; the
    # desk moves and cancels; managers edit profiles.
    Endpoint(
        "/api/visits/{id}/",
        "get",
        "visit",
        {"other_customer": STAFF_ONLY, "other_technician": NOT_FOUND},
        readers=("technician", "agent"),
    ),
    Endpoint(
        "/api/visits/{id}/move/",
        "post",
        "visit",
        same(DESK_ONLY),
        body=move_body,
        controls=each_caller("agent", 200),
    ),
    Endpoint(
        "/api/visits/{id}/cancel/",
        "post",
        "visit",
        same(DESK_ONLY),
        body=fixed({"reason": "Fixed on the phone."}),
        controls=each_caller("agent", 200),
    ),
    Endpoint(
        "/api/technicians/{id}/",
        "get",
        "technician",
        {"other_customer": STAFF_ONLY},
        readers=("technician", "agent"),
    ),
    Endpoint(
        "/api/technicians/{id}/",
        "patch",
        "technician",
        {
            "other_customer": STAFF_ONLY,
            "other_technician": forbidden("Only managers and administrators edit technicians."),
        },
        body=fixed({"visits_per_slot": 2}),
        controls=each_caller("manager", 200),
    ),
    Endpoint(
        "/api/tickets/{reference}/dispatch-suggestions/",
        "get",
        "ticket",
        same(DESK_ONLY),
        readers=("agent", "manager"),
    ),
    # fieldwork/api/job_views.py: a technician works only their own visits; everyone else finds none.
    Endpoint("/api/field/jobs/{id}/", "get", "job", same(NOT_FOUND), readers=("technician",)),
    Endpoint("/api/field/jobs/{id}/check-in/", "post", "job", same(NOT_FOUND), controls=(("technician", None, 200),)),
    Endpoint(
        "/api/field/jobs/{id}/record/",
        "post",
        "job",
        same(NOT_FOUND),
        body=fixed({"diagnosis": "Drain pump blocked.", "work_done": "Cleaned the pump."}),
        controls=each_caller("technician", 200),
        given=checked_in,
    ),
    Endpoint(
        "/api/field/jobs/{id}/photos/",
        "post",
        "job",
        same(NOT_FOUND),
        body=lambda w, caller: {"stage": "before", "file": jobs_helpers.photo_upload()},
        controls=each_caller("technician", 201),
        given=checked_in,
    ),
    Endpoint(
        "/api/field/jobs/{id}/parts/",
        "post",
        "job",
        same(NOT_FOUND),
        body=fixed({"part_number": "BRD-100", "quantity": 1}),
        controls=each_caller("technician", 201),
        given=checked_in,
    ),
    Endpoint(
        "/api/field/jobs/{id}/signature/",
        "post",
        "job",
        same(NOT_FOUND),
        body=lambda w, caller: {"signature": jobs_helpers.data_url(jobs_helpers.png_bytes()), "signed_by": "Li Na"},
        controls=each_caller("technician", 200),
        given=checked_in,
    ),
    Endpoint(
        "/api/field/jobs/{id}/check-out/",
        "post",
        "job",
        same(NOT_FOUND),
        controls=(("technician", None, 200),),
        given=checked_in_and_signed,
    ),
    # parts/api/demand_views.py: reservations, orders and old-part returns of the technician's own jobs.
    Endpoint(
        "/api/part-reservations/{id}/release/",
        "post",
        "reservation",
        PARTS_SCOPE,
        controls=(("technician", None, 200),),
    ),
    Endpoint("/api/parts-orders/{id}/receive/", "post", "order", PARTS_SCOPE, controls=(("technician", None, 200),)),
    Endpoint("/api/parts-orders/{id}/cancel/", "post", "order", PARTS_SCOPE, controls=(("technician", None, 200),)),
    Endpoint("/api/part-returns/{id}/", "get", "part_return", PARTS_SCOPE, readers=("technician", "agent")),
    Endpoint(
        "/api/part-returns/{id}/ship/",
        "post",
        "part_return",
        PARTS_SCOPE,
        body=fixed({"tracking": "SF1234567890"}),
        controls=each_caller("technician", 200),
    ),
    Endpoint(
        "/api/part-returns/{id}/receive/",
        "post",
        "part_return",
        PARTS_SCOPE,
        controls=(("technician", None, 200),),
        given=ship_return,
    ),
    Endpoint(
        "/api/part-returns/{id}/inspect/",
        "post",
        "part_return",
        PARTS_SCOPE,
        body=fixed({"finding": "confirmed", "note": "Impeller cracked."}),
        controls=each_caller("technician", 200),
        given=ship_and_receive_return,
    ),
    Endpoint("/api/parts/{id}/", "get", "part", {"other_customer": NOT_FOR_CUSTOMERS}, readers=("technician", "agent")),
    Endpoint(
        "/api/parts/{id}/",
        "patch",
        "part",
        {
            "other_customer": NOT_FOR_CUSTOMERS,
            "other_technician": forbidden("Only managers and administrators may change the catalogue."),
        },
        body=fixed({"price": "88.50"}),
        controls=each_caller("manager", 200),
    ),
    Endpoint("/api/stock/levels/{id}/", "get", "stock_level", STOCK_SCOPE, readers=("technician", "agent")),
    Endpoint("/api/stock/transfers/{id}/", "get", "transfer", STOCK_SCOPE, readers=("technician", "agent")),
    Endpoint(
        "/api/stock/transfers/{id}/receive/", "post", "transfer", STOCK_SCOPE, controls=(("technician", None, 200),)
    ),
    Endpoint(
        "/api/stock/transfers/{id}/cancel/",
        "post",
        "transfer",
        STOCK_SCOPE,
        body=fixed({"reason": "Sent to the wrong station."}),
        controls=each_caller("technician", 200),
    ),
]


def call(client: APIClient, method: str, url: str, body: dict | None):
    # Every step of the on-site job carries an idempotency key; other endpoints ignore it.
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    if body is None:
        return getattr(client, method)(url, **key)
    if any(hasattr(value, "read") for value in body.values()):
        for value in body.values():
            if hasattr(value, "seek"):
                value.seek(0)
        return getattr(client, method)(url, body, format="multipart", **key)
    return getattr(client, method)(url, body, format="json", **key)


def answer_of(response) -> Answer:
    return Answer(response.status_code, response.json())


# --- the table is complete ------------------------------------------------------------------------


def schema_object_endpoints() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(path, method) for path, operations in schema["paths"].items() if "{" in path for method in operations}


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def urlconf_object_endpoints() -> set[tuple[str, str]]:
    """Every route under /api/ with a parameter and the methods its view handles, in the
    schema's spelling (``<int:pk>`` is ``{id}``), hidden from the schema or not."""
    found = set()
    for route, callback in _routes(get_resolver().url_patterns):
        if not route.startswith("api/") or not re.search(r"<|\(\?P<", route):
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{" + ("id" if m[1] == "pk" else m[1]) + "}", route)
        view = getattr(callback, "view_class", None)
        for method in METHODS:
            if view is None or (hasattr(view, method) and method in view.http_method_names):
                found.add((path, method))
    return found


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


# The service network's and settlement's object endpoints are tried with another provider's
# credentials, in the tables of tests/network and tests/settlements, with the same rule: the answer
# for another provider's object is the answer for a missing one, and nothing changes.
# The same holds for the object endpoints of contracts, offers on calls, survey programs and leads,
# in tests/contracts, tests/plans, tests/csi and tests/sales.
OTHER_TABLES = (statements_access, contracts_access, plans_access, csi_access, leads_access)
PROVIDER_TABLES = {(_shape(row.path), row.method) for row in provider_access.API} | {
    (_shape(row[1]), row[0])
    for module in OTHER_TABLES
    for row in [*module.ENDPOINTS, *getattr(module, "HQ_WRITES", []), *getattr(module, "NETWORK_WIDE", [])]
}


def test_the_table_covers_every_object_endpoint_of_the_schema():
    table = [(endpoint.path, endpoint.method) for endpoint in ENDPOINTS]
    schema = schema_object_endpoints()

    assert len(table) == len(set(table)) == 52
    assert set(table) <= schema
    assert {(_shape(path), method) for path, method in schema - set(table)} <= PROVIDER_TABLES


def test_no_object_endpoint_is_hidden_from_the_schema():
    shapes = {(_shape(path), method) for path, method in schema_object_endpoints()}
    assert {(_shape(path), method) for path, method in urlconf_object_endpoints()} == shapes


def test_every_denied_body_is_shown_to_work_for_someone_allowed():
    for endpoint in ENDPOINTS:
        proven = {caller for _doer, caller, _status in endpoint.controls}
        if endpoint.method == "get":
            assert (proven, endpoint.readers != ()) == (set(), True), endpoint
        elif endpoint.body is no_body:
            assert proven == {None}, endpoint
            assert len(endpoint.controls) == 1, endpoint
        else:
            assert proven == set(endpoint.denied) & set(BOTH), endpoint


# --- denied: someone else's object is answered like a missing one, and nothing changes -------------

DENIALS = [(endpoint, caller) for endpoint in ENDPOINTS for caller in endpoint.denied]


@pytest.mark.parametrize(("endpoint", "caller"), DENIALS, ids=[f"{e} as {c}" for e, c in DENIALS])
def test_someone_elses_object_is_answered_like_a_missing_one_and_nothing_changes(world, endpoint, caller):
    target = TARGETS[endpoint.target]
    assert target.missing_is_missing()
    if endpoint.given:
        endpoint.given(world)
    body = endpoint.body(world, caller)
    client = world.clients[caller]
    expected = endpoint.denied[caller]
    before = snapshot()

    theirs = call(client, endpoint.method, endpoint.url(target.of(world)), body)
    nobodys = call(client, endpoint.method, endpoint.url(target.missing), body)

    assert answer_of(theirs) == expected
    assert answer_of(nobodys) == expected
    assert theirs.headers["Content-Type"] == "application/json"
    assert dict(theirs.headers) == dict(nobodys.headers)
    assert theirs.content == nobodys.content
    if expected.status == 403 and caller in SAME_ROLE_OWNER:
        # Refused for the role: the owner of the same role is refused in the same words.
        owner = call(world.clients[SAME_ROLE_OWNER[caller]], endpoint.method, endpoint.url(target.of(world)), body)
        assert answer_of(owner) == expected
    assert snapshot() == before


# --- the owners and those allowed: the same objects and bodies work ----------------------------------


def expected_rows(world: World, endpoint: Endpoint, reader: str) -> list[int]:
    """The ids a list under the object holds for the reader, from the database."""
    if endpoint.path.endswith("/timeline/"):
        events = TicketEvent.objects.filter(ticket=world.ticket).order_by("created_at", "id")
        if reader == "customer":
            events = events.filter(is_public=True).exclude(kind=EventKind.ASSIGNED)
        return list(events.values_list("pk", flat=True))
    if endpoint.path.endswith("/units/"):
        return list(RecallUnit.objects.filter(campaign=world.recall).order_by("id").values_list("pk", flat=True))
    assert endpoint.path.endswith("/deliveries/"), endpoint
    return [world.delivery.pk]


READS = [(endpoint, reader) for endpoint in ENDPOINTS for reader in endpoint.readers]


@pytest.mark.parametrize(("endpoint", "reader"), READS, ids=[f"{e} as {r}" for e, r in READS])
def test_those_allowed_read_the_same_object(world, endpoint, reader):
    value = TARGETS[endpoint.target].of(world)

    response = world.clients[reader].get(endpoint.url(value))

    assert response.status_code == 200, response.content
    if response["Content-Type"] == "application/pdf":
        assert b"".join(response.streaming_content) == b"%PDF-1.4 a service report"
        return
    body = response.json()
    if "results" in body:
        rows = [row["id"] for row in body["results"]]
        assert rows == expected_rows(world, endpoint, reader)
        assert rows != []
    elif endpoint.target == "ticket":
        assert body["reference"] == value
    else:
        assert body["id"] == value


CONTROLS = [(endpoint, *control) for endpoint in ENDPOINTS for control in endpoint.controls]


@pytest.mark.parametrize(
    ("endpoint", "doer", "body_of", "status"),
    CONTROLS,
    ids=[f"{e} as {d}" + (f" with {b}'s body" if b else "") for e, d, b, _s in CONTROLS],
)
def test_the_denied_bodies_work_for_those_allowed(world, endpoint, doer, body_of, status):
    if endpoint.given:
        endpoint.given(world)
    body = endpoint.body(world, body_of)
    before = snapshot()

    response = call(world.clients[doer], endpoint.method, endpoint.url(TARGETS[endpoint.target].of(world)), body)

    assert response.status_code == status, response.content
    assert snapshot() != before


# --- the methods every view answers: HEAD and OPTIONS tell nothing either ---------------------------

PATHS = list(dict.fromkeys(endpoint.path for endpoint in ENDPOINTS))
PROBES = [
    (path, caller, answer.status)
    for path in PATHS
    for caller, answer in next(e for e in ENDPOINTS if e.path == path).denied.items()
]


def probe_statuses(path: str, denied_status: int) -> dict[str, int]:
    """HEAD is GET without the body (405 where the path has no GET); OPTIONS describes the
    endpoint to a role that may use it. A role refused the endpoint is refused both."""
    if denied_status == 403:
        return {"head": 403, "options": 403}
    has_get = any(e.path == path and e.method == "get" for e in ENDPOINTS)
    return {"head": denied_status if has_get else 405, "options": 200}


@pytest.mark.parametrize(("path", "caller", "denied_status"), PROBES, ids=[f"{p} as {c}" for p, c, _s in PROBES])
def test_head_and_options_answer_the_same_for_someone_elses_object_and_a_missing_one(
    world, path, caller, denied_status
):
    endpoint = next(e for e in ENDPOINTS if e.path == path)
    target = TARGETS[endpoint.target]
    client = world.clients[caller]
    before = snapshot()

    for method, status in probe_statuses(path, denied_status).items():
        theirs = getattr(client, method)(endpoint.url(target.of(world)))
        nobodys = getattr(client, method)(endpoint.url(target.missing))

        assert (method, theirs.status_code, nobodys.status_code) == (method, status, status)
        assert dict(theirs.headers) == dict(nobodys.headers), method
        assert theirs.content == nobodys.content, method
    assert snapshot() == before
