"""The offer endpoint called by someone who must not see the callback answers exactly as for a
missing id, and changes nothing (in the style of tests/settlements/test_statements_access.py).

Callbacks with no ticket (warranty-expiry, renewal, plan visit) are headquarters' calls: a
service provider's staff see none of them, and roles that do not work the callback queue are
refused whatever the id."""

import pytest

from aftersales.roles import Role
from tests import factories
from tests.api.conftest import client_for
from tests.plans.helpers_offers import offer_world, snapshot

pytestmark = pytest.mark.django_db

MISSING = 999999
ENDPOINTS = [
    ("post", "/api/callbacks/{callback}/offer/", {"outcome": "declined", "reason": "Not now."}),
]


@pytest.fixture
def world():
    provider = factories.ServiceProviderFactory(code="other-net")
    world = offer_world()
    return {
        "ids": {"callback": world.visit.pk},
        "headquarters": client_for(factories.UserFactory(roles=[Role.AGENT])),
        "callers": {
            "other_provider_agent": client_for(factories.UserFactory(roles=[Role.AGENT], provider=provider)),
            "technician": client_for(factories.UserFactory(roles=[Role.TECHNICIAN])),
            "sales": client_for(factories.UserFactory(roles=[Role.SALES])),
        },
    }


def call(client, method, url, body):
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


@pytest.mark.parametrize("caller", ["other_provider_agent", "technician", "sales"])
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_a_caller_who_must_not_see_the_callback_gets_the_missing_answer(world, caller, method, path, body):
    client = world["callers"][caller]
    before = snapshot()
    theirs = call(client, method, path.format(**world["ids"]), body)
    missing = call(client, method, path.format(**dict.fromkeys(world["ids"], MISSING)), body)
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())
    assert theirs.status_code in (403, 404)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_headquarters_agent_records_it(world, method, path, body):
    assert call(world["headquarters"], method, path.format(**world["ids"]), body).status_code == 200
