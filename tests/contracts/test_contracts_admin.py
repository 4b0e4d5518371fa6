"""The contracts' admin pages: headquarters edits the catalogue; a contract sold is read-only,
cancelled only through the service (the list's action, with a reason); a provider's staff are
refused the admin."""

import datetime as dt

import pytest
from django.urls import reverse

from contracts.models import ServiceContract
from tests import factories
from tests.contracts.factories_contracts import ContractProductFactory, sell

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = factories.UserFactory(username="root-contracts")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_pages_render_and_a_contract_is_read_only(client, superuser):
    unit = factories.ProductUnitFactory(invoice_date=dt.date.today() - dt.timedelta(days=800))
    contract = sell(ContractProductFactory(category=unit.model.category), unit)
    client.force_login(superuser)
    for name in ("contractproduct", "servicecontract", "contractvisit", "odometerreading"):
        assert client.get(reverse(f"admin:contracts_{name}_changelist"), {"q": "x"}).status_code == 200, name
    assert client.get(reverse("admin:contracts_contractproduct_add")).status_code == 200
    assert client.get(reverse("admin:contracts_servicecontract_change", args=[contract.pk])).status_code == 200
    refused = client.post(reverse("admin:contracts_servicecontract_change", args=[contract.pk]), {"price": "0.00"})
    assert refused.status_code == 403
    assert client.get(reverse("admin:contracts_servicecontract_add")).status_code == 403
    url = reverse("admin:contracts_servicecontract_changelist")
    action = {"action": "cancel_contracts", "_selected_action": [contract.pk], "index": 0}
    client.post(url, {**action, "reason": ""})
    assert ServiceContract.objects.get().status == "active"
    client.post(url, {**action, "reason": "Refunded at headquarters"})
    contract.refresh_from_db()
    assert (contract.status, contract.cancel_reason) == ("cancelled", "Refunded at headquarters")


def test_a_product_sold_cannot_be_deleted(client, superuser):
    unit = factories.ProductUnitFactory()
    product = ContractProductFactory(category=unit.model.category)
    sell(product, unit)
    client.force_login(superuser)
    assert (
        client.post(reverse("admin:contracts_contractproduct_delete", args=[product.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_a_providers_staff_are_refused_the_admin(client):
    user = factories.UserFactory(provider=factories.ServiceProviderFactory())
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:contracts_contractproduct_changelist")).status_code == 302
