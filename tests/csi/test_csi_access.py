"""Every survey-program object endpoint called by someone who may not use it answers as for a
missing id, and changes nothing (in the style of tests/api/test_access_control.py). Programs are
the whole network's: every desk user reads them; only headquarters' managers change them."""

import pytest

from aftersales.roles import Role
from followups.csi_models import SurveyProgram, SurveyQuestion
from tests import factories
from tests.api.conftest import client_for
from tests.csi.factories_csi import repair_program

pytestmark = pytest.mark.django_db

MISSING = 999999
ENDPOINTS = [
    ("get", "/api/survey-programs/{program}/", None),
    ("put", "/api/survey-programs/{program}/", {"code": "x", "name": "X", "questions": []}),
    ("patch", "/api/survey-programs/{program}/", {"name": "X"}),
]
# Writes only headquarters may make: a 403 for a provider's manager, whatever the id.
HQ_WRITES = [
    ("put", "/api/survey-programs/{program}/", {"code": "x", "name": "X", "questions": []}),
    ("patch", "/api/survey-programs/{program}/", {"name": "X"}),
]


@pytest.fixture
def world():
    program, _questions = repair_program()
    provider = factories.ServiceProviderFactory(code="other-net")
    return {
        "ids": {"program": program.pk},
        # A portal customer's login: no desk role, so no program is theirs to read.
        "outsider": client_for(factories.UserFactory(roles=[])),
        "provider_manager": client_for(factories.UserFactory(roles=[Role.MANAGER], provider=provider)),
    }


def snapshot():
    return [list(model.objects.order_by("pk").values()) for model in (SurveyProgram, SurveyQuestion)]


def call(client, method, url, body):
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_an_outsider_gets_the_answer_of_a_missing_program(world, method, path, body):
    before = snapshot()
    theirs = call(world["outsider"], method, path.format(**world["ids"]), body)
    missing = call(world["outsider"], method, path.format(program=MISSING), body)
    assert theirs.status_code == missing.status_code == 403
    assert theirs.json() == missing.json()
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "body"), HQ_WRITES)
def test_a_providers_manager_cannot_change_a_program(world, method, path, body):
    before = snapshot()
    theirs = call(world["provider_manager"], method, path.format(**world["ids"]), body)
    missing = call(world["provider_manager"], method, path.format(program=MISSING), body)
    assert theirs.status_code == missing.status_code == 403
    assert theirs.json() == missing.json()
    assert snapshot() == before
