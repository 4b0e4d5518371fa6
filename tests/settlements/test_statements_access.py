"""Every settlement object endpoint called with another provider's manager's token answers as for
a missing id, and changes nothing (in the style of tests/api/test_access_control.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from aftersales.roles import Role
from settlements.models import RateCard, SettlementLine, Statement, StatementEvent, TravelRate
from tests import factories
from tests.api.conftest import client_for
from tests.settlements.helpers_statements import add_line, statement_for, workflow_only  # noqa: F401 (workflow_only: a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("workflow_only")]

MISSING = 999999
ENDPOINTS = [
    ("get", "/api/providers/{provider}/", None),
    ("get", "/api/rate-cards/{card}/", None),
    ("get", "/api/travel-rates/{travel}/", None),
    ("get", "/api/statements/{statement}/", None),
    ("post", "/api/statements/{statement}/submit/", {}),
    ("post", "/api/statements/{statement}/start-review/", {}),
    ("post", "/api/statements/{statement}/return/", {"note": "Why"}),
    ("post", "/api/statements/{statement}/approve/", {}),
    ("post", "/api/statements/{statement}/pay/", {"payment_reference": "P", "paid_on": "2026-04-01"}),
    ("get", "/api/statements/{statement}/export/csv/", None),
    ("get", "/api/statements/{statement}/export/xlsx/", None),
    ("get", "/api/settlement-lines/{line}/", None),
    ("post", "/api/settlement-lines/{line}/decide/", {"decision": "approved"}),
]
# Writes only headquarters may make: a 403 for every provider, whatever the id.
HQ_WRITES = [
    ("put", "/api/providers/{provider}/", {"code": "x", "name": "X"}),
    ("patch", "/api/providers/{provider}/", {"name": "X"}),
    ("put", "/api/rate-cards/{card}/", {"job_type": "maintenance", "labour": "1.00", "effective_from": "2026-01-01"}),
    ("patch", "/api/rate-cards/{card}/", {"labour": "1.00"}),
    ("delete", "/api/rate-cards/{card}/", None),
    ("put", "/api/travel-rates/{travel}/", {"min_km": 0, "allowance": "1.00", "effective_from": "2026-01-01"}),
    ("patch", "/api/travel-rates/{travel}/", {"allowance": "1.00"}),
    ("delete", "/api/travel-rates/{travel}/", None),
]


@pytest.fixture
def world():
    owner = factories.ServiceProviderFactory(code="owner-net")
    other = factories.ServiceProviderFactory(code="other-net")
    statement = statement_for(owner)
    line = add_line(statement, labour="50.00")
    card = RateCard.objects.create(
        provider=owner, job_type="maintenance", labour=Decimal("40.00"), effective_from=dt.date(2026, 1, 1)
    )
    travel = TravelRate.objects.create(
        provider=owner, min_km=0, max_km=20, allowance=Decimal("15.00"), effective_from=dt.date(2026, 1, 1)
    )
    ids = {"provider": owner.pk, "card": card.pk, "travel": travel.pk, "statement": statement.pk, "line": line.pk}
    return {
        "ids": ids,
        "owner": client_for(factories.UserFactory(roles=[Role.MANAGER], provider=owner)),
        "other": client_for(factories.UserFactory(roles=[Role.MANAGER], provider=other)),
    }


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (Statement, SettlementLine, StatementEvent, RateCard, TravelRate)
    ]


def call(client, method, url, body):
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS + HQ_WRITES)
def test_another_providers_object_is_answered_like_a_missing_one(world, method, path, body):
    before = snapshot()
    theirs = call(world["other"], method, path.format(**world["ids"]), body)
    missing = call(world["other"], method, path.format(**dict.fromkeys(world["ids"], MISSING)), body)
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())
    assert theirs.status_code in (403, 404)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if e[0] == "get"])
def test_the_owner_reads_the_same_object(world, method, path, body):
    assert call(world["owner"], method, path.format(**world["ids"]), body).status_code == 200
