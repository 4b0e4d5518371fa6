"""The settlement's admin pages render, and statements, lines and events cannot be changed there."""

import pytest
from django.urls import reverse

from settlements.models import Statement
from tests import factories
from tests.settlements.helpers_statements import add_line, statement_for, workflow_only  # noqa: F401 (workflow_only: a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("workflow_only")]


@pytest.fixture
def superuser():
    user = factories.UserFactory(username="root-settle")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_pages_render_and_statements_are_read_only(client, superuser):
    statement = statement_for(factories.ServiceProviderFactory(code="adm-net"), status="approved")
    line = add_line(statement, labour="10.00")
    client.force_login(superuser)
    for name in ("ratecard", "travelrate", "statement", "settlementline", "statementevent"):
        assert client.get(reverse(f"admin:settlements_{name}_changelist"), {"q": "x"}).status_code == 200, name
    assert client.get(reverse("admin:settlements_statement_change", args=[statement.pk])).status_code == 200
    refused = client.post(reverse("admin:settlements_statement_change", args=[statement.pk]), {"status": "draft"})
    assert refused.status_code == 403
    assert (
        client.post(reverse("admin:settlements_settlementline_delete", args=[line.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Statement.objects.get(pk=statement.pk).status == "approved"
