"""Extended warranties and plans bought on the portal by the unit's owner (portal/contracts.py):
what is on sale for each unit in the customer's language, the purchase on the portal channel
at the catalogue's price, the contract on the account, and the attacks: another customer's
unit, a product or price of another category, an account not proven, a flood of posts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone, translation

from contracts.choices import ContractKind, SaleChannel
from contracts.models import ServiceContract
from tests import factories
from tests.plans.factories_plans import ContractProductFactory, ServiceContractFactory
from tests.plans.helpers_offers import extended_warranty

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_earlier_rate_counts():
    """Rolled-back tests reuse user ids: the purchase limit counts per user, so start afresh."""
    caches["default"].clear()


def _holder(phone="+8613900000001", *, proven=True, **fields):
    user = factories.UserFactory(username=phone)
    return factories.CustomerFactory(
        phone=phone, user=user, account_verified_at=timezone.now() if proven else None, **fields
    )


@pytest.fixture
def shop():
    owner = _holder(preferred_language="en")
    unit = factories.ProductUnitFactory(owner=owner)
    warranty = extended_warranty("ew-washer-2y", unit.model.category)
    warranty.exclusions = "Damage from misuse."
    warranty.exclusions_zh = "人为损坏。"
    warranty.save()
    plan = ContractProductFactory(code="care-washer", category=unit.model.category, price=Decimal("599.00"))
    fridge = extended_warranty("ew-fridge-2y", factories.ProductCategoryFactory(code="fridge"), "1.00")
    return {"owner": owner, "unit": unit, "warranty": warranty, "plan": plan, "fridge": fridge}


def _list_url(unit) -> str:
    return reverse("portal:unit_contracts", args=[unit.pk])


def _buy_url(unit, code) -> str:
    return reverse("portal:contract_buy", args=[unit.pk, code])


def _buy(client, the_unit, code, /, **data):
    return client.post(_buy_url(the_unit, code), {"payment_reference": "WX-PAY-1", "confirm": "on", **data})


def _contracts():
    return list(ServiceContract._base_manager.order_by("pk").values())


def test_the_urls():
    assert reverse("portal:unit_contracts", args=[7]) == "/account/units/7/contracts/"
    assert reverse("portal:contract_buy", args=[7, "ew-2y"]) == "/account/units/7/contracts/ew-2y/buy/"


def test_the_owner_sees_what_is_on_sale_for_the_units_category(client, shop):
    client.force_login(shop["owner"].user)
    page = client.get(_list_url(shop["unit"])).content.decode()
    assert "Extended warranty 2 years" in page and "¥399.00" in page
    assert "Care plan" in page and "¥599.00" in page
    assert "4 visits included" in page and "every 6 months" in page
    assert "Damage from misuse." in page
    assert "¥1.00" not in page
    assert _buy_url(shop["unit"], "ew-washer-2y") in page


def test_the_terms_are_in_the_visitors_language(client, shop):
    client.force_login(shop["owner"].user)
    with translation.override("zh-hans"):
        page = client.get(_list_url(shop["unit"]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "两年延保" in page and "人为损坏。" in page and "保养套餐" in page


def test_buying_sells_on_the_portal_channel_at_the_catalogue_price_and_shows_on_the_account(client, shop):
    client.force_login(shop["owner"].user)
    assert client.get(_buy_url(shop["unit"], "ew-washer-2y")).status_code == 200
    response = _buy(client, shop["unit"], "ew-washer-2y", price="0.01", product=shop["fridge"].pk, unit=999)
    assert response.status_code == 302
    assert response["Location"] == _list_url(shop["unit"])

    contract = ServiceContract._base_manager.get()
    assert (
        contract.product,
        contract.unit,
        contract.customer,
        contract.channel,
        contract.price,
        contract.payment_reference,
        contract.sold_by,
        contract.provider,
        contract.kind,
    ) == (
        shop["warranty"],
        shop["unit"],
        shop["owner"],
        SaleChannel.PORTAL,
        Decimal("399.00"),
        "WX-PAY-1",
        None,
        None,
        ContractKind.EXTENDED_WARRANTY,
    )
    account = client.get(reverse("portal:account")).content.decode()
    assert contract.number in account and "My service contracts" in account


def test_buying_again_renews_the_contract_in_force(client, shop):
    current = ServiceContractFactory(
        product=shop["plan"],
        unit=shop["unit"],
        starts_on=timezone.localdate() - dt.timedelta(days=300),
        ends_on=timezone.localdate() + dt.timedelta(days=20),
    )
    client.force_login(shop["owner"].user)
    assert current.number in client.get(_buy_url(shop["unit"], "care-washer")).content.decode()
    assert _buy(client, shop["unit"], "care-washer").status_code == 302
    renewal = ServiceContract._base_manager.exclude(pk=current.pk).get()
    assert (renewal.renews, renewal.starts_on) == (current, current.ends_on + dt.timedelta(days=1))


def test_the_payment_reference_and_the_confirmation_are_needed(client, shop):
    client.force_login(shop["owner"].user)
    response = client.post(_buy_url(shop["unit"], "ew-washer-2y"), {"payment_reference": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "payment_reference": ["Enter the reference of your payment."],
        "confirm": ["Tick the box to confirm the purchase."],
    }
    assert _contracts() == []


def test_another_customers_unit_answers_404_and_nothing_is_sold(client, shop):
    intruder = _holder("+8613900000002")
    client.force_login(intruder.user)
    assert client.get(_list_url(shop["unit"])).status_code == 404
    assert client.get(_buy_url(shop["unit"], "ew-washer-2y")).status_code == 404
    theirs = _buy(client, shop["unit"], "ew-washer-2y")
    missing = client.post(reverse("portal:contract_buy", args=[999999, "ew-washer-2y"]), {"payment_reference": "X"})
    assert theirs.status_code == missing.status_code == 404
    assert _contracts() == []


def test_a_product_of_another_category_or_off_sale_answers_404(client, shop):
    client.force_login(shop["owner"].user)
    assert _buy(client, shop["unit"], "ew-fridge-2y").status_code == 404
    shop["plan"].is_active = False
    shop["plan"].save()
    assert _buy(client, shop["unit"], "care-washer").status_code == 404
    assert _contracts() == []


def test_an_account_not_proven_with_a_code_cannot_buy(client, shop):
    unproven = _holder("+8613900000003", proven=False)
    unit = factories.ProductUnitFactory(owner=unproven)
    client.force_login(unproven.user)
    response = _buy(client, unit, "ew-washer-2y")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    assert client.get(_list_url(unit)).status_code == 302
    assert _contracts() == []


def test_a_visitor_not_signed_in_is_sent_to_sign_in(client, shop):
    response = _buy(client, shop["unit"], "ew-washer-2y")
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))
    assert _contracts() == []


def test_purchases_are_rate_limited(client, shop):
    client.force_login(shop["owner"].user)
    for _ in range(10):
        assert client.post(_buy_url(shop["unit"], "ew-washer-2y"), {"payment_reference": ""}).status_code == 400
    response = _buy(client, shop["unit"], "ew-washer-2y")
    assert response.status_code == 429
    assert "Too many attempts. Please wait a while and try again." in response.content.decode()
    assert _contracts() == []


def test_the_account_reads_the_contracts_in_one_query_however_many(client, shop, django_assert_num_queries):
    ServiceContractFactory(product=shop["plan"], unit=shop["unit"])
    client.force_login(shop["owner"].user)
    # User, roles, customer, requests, products, contracts.
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(6):
        client.get(reverse("portal:account"))
    for year in (2022, 2024):
        ServiceContractFactory(
            product=shop["plan"], unit=shop["unit"], starts_on=dt.date(year, 1, 1), ends_on=dt.date(year + 1, 12, 31)
        )
    with django_assert_num_queries(5):
        response = client.get(reverse("portal:account"))
    assert len(response.context["contracts"]) == 3
