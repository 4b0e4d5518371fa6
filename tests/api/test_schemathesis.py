"""Schemathesis over the whole API (issue 7, item 5): every operation in the OpenAPI schema, fed
generated input, answers with no 5xx, with a status the schema lists, and with a body, media
type and headers the schema describes.

An administrator (who sees everything) calls every operation, and so do a portal customer, a
technician and a quality department's user, so the role-scoped querysets and the customers' own
paths run too. Each request goes
through the whole WSGI stack with the caller's API token, over a small data set seeded once for
the module: tickets in several statuses, a claim, callbacks, feedback, a recall from a batch
alert, a webhook subscription and the quality snapshots. Every other generated id, reference or
version is swapped for a seeded one, so the code past the 404 and the 409 runs as well.

Deterministic (a fixed seed, no example database) and bounded: 25 examples per operation for
the administrator, 10 for the others, positive and negative; some 2,000 requests in all, about a
minute on an idle two-core machine. Schemathesis's coverage phase (every parameter's boundaries,
one at a time) would add some 3,000 more for no finding the fuzzing did not make too, so it is off.
"""

import datetime as dt

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aftersales.roles import Role
from quality import snapshots
from quality.metrics import Period, business_today
from quality.recalls import services as recalls
from tests import factories
from tests.api.conftest import api_key, portal_customer
from tickets.choices import Status
from tickets.models import Ticket
from warranty import claims

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
SEED = 20260501


def config(*, max_examples: int) -> schemathesis.Config:
    """The explicit examples, then generated cases (valid and invalid); no coverage or stateful phase."""
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"mode": "all", "max-examples": max_examples, "deterministic": True, "database": "none"},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )


# The schema the API serves (SpectacularAPIView answers the same document), called in-process.
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
APP = get_wsgi_application()
as_administrator = schemathesis.openapi.from_dict(SCHEMA, config=config(max_examples=25))
as_administrator.app = APP
as_other_roles = schemathesis.openapi.from_dict(SCHEMA, config=config(max_examples=10))
as_other_roles.app = APP

# The seeded objects generated values are swapped for, by kind; filled while the module runs.
STOCK: dict[str, list] = {}
# Path parameters and body fields that name an object, and the kind of object they name.
PATH_KINDS = {
    "customers": "customer",
    "units": "unit",
    "tickets": "ticket",
    "claims": "claim",
    "callbacks": "callback",
    "feedback": "feedback",
    "recalls": "recall",
    "webhooks": "webhook",
}
BODY_KINDS = {
    "customer": "customer",
    "owner": "customer",
    "unit": "unit",
    "ticket": "ticket",
    "complaint_about": "ticket",
    "merge_into": "ticket",
    "model": "model",
    "new_model": "model",
    "alert": "alert",
    "assignee": "technician",
    "station": "station",
}


def seed() -> dict:
    """A small service organisation, written through the factories and the services."""
    admin = factories.UserFactory(roles=[Role.ADMIN], username="admin1")
    agent = factories.UserFactory(roles=[Role.AGENT], username="agent1")
    technician = factories.UserFactory(roles=[Role.TECHNICIAN], username="tech1")
    department = factories.UserFactory(roles=[Role.DEPARTMENT], username="design1")
    factories.DepartmentMembershipFactory(user=department, department="design")
    customer = portal_customer("+8613900000001", "Li Na")
    other = factories.CustomerFactory()
    washer = factories.ProductModelFactory(code="XQG100")
    unit = factories.ProductUnitFactory(owner=customer, model=washer, serial="SN0001")
    other_unit = factories.ProductUnitFactory(owner=other, model=washer, serial="SN0002", batch="B2026-02")
    station = factories.ServiceStationFactory()
    tickets = [
        factories.TicketFactory(customer=customer, unit=unit, status=status, assignee=technician, station=station)
        for status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED)
    ]
    tickets += [
        factories.TicketFactory(customer=customer, unit=unit, status=Status.NEW, preferred_visit_slot="morning"),
        factories.TicketFactory(customer=other, unit=other_unit, status=Status.ACKNOWLEDGED),
    ]
    claim = claims.claim_evaluate(ticket=tickets[1], by=agent, entered={})
    callbacks = [
        factories.CallbackVisitFactory(ticket=tickets[3]),
        factories.CallbackVisitFactory(ticket=factories.TicketFactory(customer=other, status=Status.RESOLVED)),
    ]
    feedback = [
        factories.FeedbackItemFactory(ticket__customer=customer),
        factories.FeedbackItemFactory(department="design"),
    ]
    alert = factories.QualityAlertFactory(kind="batch", kpi="", model=washer, batch="B2026-01")
    campaign = recalls.start_recall(
        model=washer, batch="B2026-01", title="Drain pump recall", reason="It may leak.", alert=alert, by=admin
    )
    recalls.open_recall_tickets(campaign=campaign)
    subscription = factories.WebhookSubscriptionFactory(owner=admin)
    today = business_today()
    snapshots.refresh(Period(today - dt.timedelta(days=1), today))
    return {
        "callers": {"admin": admin, "customer": customer.user, "technician": technician, "department": department},
        "stock": {
            "customer": [customer.pk, other.pk],
            "unit": [unit.pk, other_unit.pk],
            "ticket": [ticket.reference for ticket in Ticket.objects.order_by("pk")],
            "claim": [claim.pk],
            "callback": [visit.pk for visit in callbacks],
            "feedback": [item.pk for item in feedback],
            "recall": [campaign.pk],
            "webhook": [subscription.pk],
            "model": [washer.pk],
            "alert": [alert.pk],
            "technician": [technician.pk],
            "station": [station.pk],
        },
    }


def _seeded(kind: str, value: object) -> object:
    """Every other value of the seeded objects' type becomes one of them; the rest stay as generated."""
    real = STOCK.get(kind) or []
    if not real or isinstance(value, bool) or type(value) is not type(real[0]):
        return value
    index = (value if isinstance(value, int) else len(value)) % (2 * len(real))
    return real[index] if index < len(real) else value


@schemathesis.hook
def map_case(context, case):
    """Names of seeded objects in the path and the body, and the ticket's current version."""
    if not STOCK:  # while collecting: the explicit examples are built before any data exists
        return case
    kind = PATH_KINDS.get(case.operation.path.split("/")[2])
    for name, value in (case.path_parameters or {}).items():
        case.path_parameters[name] = _seeded(kind, value)
    if isinstance(case.body, dict):
        for name, value in case.body.items():
            if name in BODY_KINDS:
                case.body[name] = _seeded(BODY_KINDS[name], value)
        reference = (case.path_parameters or {}).get("reference")
        if isinstance(case.body.get("expected_version"), int) and case.body["expected_version"] % 2:
            version = Ticket.objects.filter(reference=reference).values_list("version", flat=True).first()
            case.body["expected_version"] = version or case.body["expected_version"]
    return case


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The data set, written once for the module and rolled back after it; each test's own writes
    are rolled back after the test (the db fixture's savepoint inside this transaction)."""
    with django_db_blocker.unblock(), transaction.atomic():
        data = seed()
        STOCK.update(data["stock"])
        yield data
        STOCK.clear()
        transaction.set_rollback(True)


@pytest.fixture
def wsgi_calls_keep_the_transaction():
    """Django's test client keeps the test's transaction open across requests; so must the WSGI app
    (at the end of a request Django would otherwise close a connection inside a transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def call_and_validate(case, user) -> None:
    # A key for each call: DELETE and POST /api/auth/token/ revoke the caller's token.
    case.call_and_validate(
        base_url="http://testserver", headers={"Authorization": f"Token {api_key(user)}"}, checks=CHECKS
    )


# The examples of one operation share the test's database transaction on purpose; and how fast
# cases generate on a busy CI machine is no finding.
HYPOTHESIS_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@as_administrator.parametrize()
@HYPOTHESIS_SETTINGS
def test_every_operation_as_an_administrator(case, seeded, db, wsgi_calls_keep_the_transaction):
    call_and_validate(case, seeded["callers"]["admin"])


@as_other_roles.parametrize()
@pytest.mark.parametrize("role", ["customer", "technician", "department"])
@HYPOTHESIS_SETTINGS
def test_every_operation_as_a_customer_a_technician_and_a_department(
    case, role, seeded, db, wsgi_calls_keep_the_transaction
):
    call_and_validate(case, seeded["callers"][role])
