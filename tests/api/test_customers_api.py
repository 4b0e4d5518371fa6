"""/api/customers/ and /api/units/: staff see and edit all, a customer only their own, technicians nothing."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework import serializers

from customers.models import Customer, ProductUnit
from tests import factories
from tests.api.conftest import client_for, error, field_errors

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/customers/"
UNITS = "/api/units/"


def iso(value: dt.datetime) -> str:
    return serializers.DateTimeField().to_representation(value)


def customer_body(customer: Customer) -> dict:
    return {
        "id": customer.pk,
        "name": customer.name,
        "phone": customer.phone,
        "phone_display": customer.phone_display,
        "email": customer.email or None,
        "address": customer.address,
        "region": customer.region,
        "preferred_language": customer.preferred_language,
        "preferred_channel": customer.preferred_channel,
        "optional_messages": customer.optional_messages,
        "email_verified": customer.email_verified,
        "representative": None,
        "has_portal_account": customer.user_id is not None,
        "offers_consent": customer.offers_consent,
        "created_at": iso(customer.created_at),
        "updated_at": iso(customer.updated_at),
    }


@pytest.fixture
def washer():
    return factories.ProductModelFactory(code="XQG100")


def snapshot_customer(customer: Customer) -> tuple:
    customer.refresh_from_db()
    return (customer.name, customer.phone, customer.email, customer.address, customer.region, customer.updated_at)


# --- customers: staff -------------------------------------------------------------------------


def test_staff_list_customers_newest_first(as_agent, customer, other_customer):
    response = as_agent.get(CUSTOMERS)

    assert response.status_code == 200
    assert response.json() == {
        "next": None,
        "previous": None,
        "results": [customer_body(other_customer), customer_body(customer)],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "139 0000 0002"}, ["Wang Fang"]),
        ({"q": "+86 139-0000-0001"}, ["Li Na"]),
        ({"q": "wang"}, ["Wang Fang"]),
        ({"q": "nobody"}, []),
        ({"region": "shanghai"}, ["Zhao Lei"]),
        ({"q": "zhao", "region": "Qingdao"}, []),
    ],
)
def test_staff_filter_customers_by_phone_name_and_region(as_manager, customer, other_customer, query, expected):
    factories.CustomerFactory(name="Zhao Lei", region="Shanghai")

    response = as_manager.get(CUSTOMERS, query)

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == expected


@pytest.fixture
def as_manager(manager):
    return client_for(manager)


def test_staff_create_a_customer_with_a_normalised_phone(as_agent):
    response = as_agent.post(
        CUSTOMERS,
        {"name": " Chen Jie ", "phone": "138 1234 5678", "email": "chen@example.com", "region": "Qingdao"},
        format="json",
    )

    assert response.status_code == 201
    customer = Customer.objects.get()
    assert response["Location"] == f"/api/customers/{customer.pk}/"
    assert response.json() == customer_body(customer)
    assert (customer.name, customer.phone, customer.preferred_language) == ("Chen Jie", "+8613812345678", "zh-hans")


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"name": "Chen Jie", "phone": "12345"},
            {"phone": ["This phone number is not valid: check the digits and the country code."]},
        ),
        ({"name": "Chen Jie", "phone": "call me"}, {"phone": ["A phone number contains digits only."]}),
        (
            {"name": "Chen Jie", "phone": "139 0000 0001"},
            {"phone": ["A customer with this phone number already exists."]},
        ),
        ({"phone": "13812345678"}, {"name": ["This field is required."]}),
        ({"name": "   ", "phone": "13812345678"}, {"name": ["This field may not be blank."]}),
        (
            {"name": "Chen", "phone": "13812345678", "email": "not-mail", "preferred_language": "fr"},
            {"email": ["Enter a valid email address."], "preferred_language": ['"fr" is not a valid choice.']},
        ),
    ],
)
def test_bad_customer_input_is_a_400_with_field_errors_and_nothing_saved(as_agent, customer, body, errors):
    response = as_agent.post(CUSTOMERS, body, format="json")

    assert field_errors(response) == errors
    assert Customer.objects.count() == 1


def test_staff_read_one_customer(as_agent, customer):
    response = as_agent.get(f"{CUSTOMERS}{customer.pk}/")

    assert response.status_code == 200
    assert response.json() == customer_body(customer)


def test_staff_correct_a_customer_and_the_portal_login_follows_the_phone(as_agent, customer):
    response = as_agent.patch(
        f"{CUSTOMERS}{customer.pk}/", {"phone": "+86 138 0000 9999", "address": "1 Haier Road"}, format="json"
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert response.json() == customer_body(customer)
    assert (customer.name, customer.phone, customer.address) == ("Li Na", "+8613800009999", "1 Haier Road")
    assert get_user_model().objects.get(pk=customer.user_id).username == "+8613800009999"


def test_a_correction_to_another_customers_phone_is_refused(as_agent, customer, other_customer):
    before = snapshot_customer(customer)

    response = as_agent.patch(f"{CUSTOMERS}{customer.pk}/", {"phone": "13900000002", "name": ""}, format="json")

    assert field_errors(response) == {
        "name": ["This field may not be blank."],
    }
    response = as_agent.patch(f"{CUSTOMERS}{customer.pk}/", {"phone": "13900000002"}, format="json")
    assert field_errors(response) == {"phone": ["A customer with this phone number already exists."]}
    assert snapshot_customer(customer) == before


def test_staff_see_no_customer_record_of_their_own(as_agent):
    assert error(as_agent.get(f"{CUSTOMERS}me/"), 404, "not_found") == (
        "You have no customer record: this is for customers' own accounts."
    )


# --- customers: a customer's token ------------------------------------------------------------


def test_a_customer_reads_their_own_record(as_customer, customer, other_customer):
    assert as_customer.get(f"{CUSTOMERS}me/").json() == customer_body(customer)
    assert as_customer.get(f"{CUSTOMERS}{customer.pk}/").json() == customer_body(customer)
    assert as_customer.get(CUSTOMERS).json() == {"next": None, "previous": None, "results": [customer_body(customer)]}
    assert as_customer.get(CUSTOMERS, {"q": "13900000002"}).json()["results"] == []


def test_another_customers_record_is_not_found_and_unchanged(as_customer, other_customer):
    before = snapshot_customer(other_customer)

    assert error(as_customer.get(f"{CUSTOMERS}{other_customer.pk}/"), 404, "not_found") == "Not found."
    assert error(as_customer.patch(f"{CUSTOMERS}{other_customer.pk}/", {"name": "X"}, format="json"), 404, "not_found")
    assert error(as_customer.get(f"{CUSTOMERS}999999/"), 404, "not_found") == "Not found."
    assert snapshot_customer(other_customer) == before


def test_a_customer_cannot_edit_or_create_customers(as_customer, customer):
    before = snapshot_customer(customer)

    detail = error(
        as_customer.patch(f"{CUSTOMERS}{customer.pk}/", {"name": "X"}, format="json"), 403, "permission_denied"
    )
    assert detail == "Only agents, managers and administrators may do this."
    create = as_customer.post(CUSTOMERS, {"name": "X", "phone": "13812345678"}, format="json")
    assert error(create, 403, "permission_denied")
    assert snapshot_customer(customer) == before
    assert Customer.objects.count() == 1


@pytest.mark.parametrize("who", ["technician", "department_user"])
def test_technicians_and_departments_may_not_see_customers_or_units(request, who, customer):
    client = client_for(request.getfixturevalue(who))
    unit = factories.ProductUnitFactory(owner=customer)
    message = "Only agents, managers, administrators and customers may use this endpoint."
    for url in (CUSTOMERS, f"{CUSTOMERS}me/", f"{CUSTOMERS}{customer.pk}/", UNITS, f"{UNITS}{unit.pk}/"):
        assert error(client.get(url), 403, "permission_denied") == message
    assert error(
        client.post(UNITS, {"model": unit.model.code, "serial": "X1"}, format="json"), 403, "permission_denied"
    )
    assert ProductUnit.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", CUSTOMERS),
        ("post", CUSTOMERS),
        ("get", f"{CUSTOMERS}me/"),
        ("get", f"{CUSTOMERS}1/"),
        ("patch", f"{CUSTOMERS}1/"),
        ("get", UNITS),
        ("post", UNITS),
        ("get", f"{UNITS}1/"),
    ],
)
def test_anonymous_callers_are_told_to_authenticate(anonymous, method, url):
    response = getattr(anonymous, method)(url, {}, format="json") if method != "get" else anonymous.get(url)

    assert error(response, 401, "not_authenticated") == "Authentication credentials were not provided."


def test_a_bad_token_is_a_401(anonymous):
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert error(anonymous.get(CUSTOMERS), 401, "authentication_failed") == "Invalid token."


# --- units ------------------------------------------------------------------------------------


def unit_body(unit: ProductUnit, in_warranty: bool) -> dict:
    return {
        "id": unit.pk,
        "owner": unit.owner_id,
        "model": unit.model.code,
        "model_name": unit.model.name,
        "category": unit.model.category.code,
        "serial": unit.serial,
        "batch": unit.batch,
        "invoice_date": unit.invoice_date.isoformat() if unit.invoice_date else None,
        "delivery_date": None,
        "installation_date": unit.installation_date.isoformat() if unit.installation_date else None,
        "manufacture_date": None,
        "replacement_date": None,
        "dealer": unit.dealer,
        "price": str(unit.price) if unit.price is not None else None,
        "has_invoice": unit.has_invoice,
        "has_warranty_card": unit.has_warranty_card,
        "status": "in_use",
        "warranty_start": unit.warranty_start.isoformat() if unit.warranty_start else None,
        "warranty_end": unit.warranty_end.isoformat() if unit.warranty_end else None,
        "in_warranty": in_warranty,
        "registered_at": iso(unit.registered_at),
    }


def test_staff_register_a_unit_for_a_customer_with_its_warranty(as_agent, customer, washer):
    invoice = timezone.localdate() - dt.timedelta(days=100)

    response = as_agent.post(
        UNITS,
        {
            "owner": customer.pk,
            "model": "xqg100",
            "serial": " SN-42 ",
            "batch": "B2026-02",
            "invoice_date": invoice.isoformat(),
            "dealer": "Suning",
            "price": "2999.00",
            "has_invoice": True,
        },
        format="json",
    )

    assert response.status_code == 201
    unit = ProductUnit.objects.get()
    assert response["Location"] == f"/api/units/{unit.pk}/"
    assert response.json() == unit_body(unit, in_warranty=True)
    assert (unit.owner, unit.model, unit.serial, unit.batch) == (customer, washer, "SN-42", "B2026-02")
    assert unit.warranty_start == invoice
    assert unit.warranty_end == invoice.replace(year=invoice.year + 1)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"model": "XQG100", "serial": "SN-1"}, {"owner": ["This field is required."]}),
        ({"owner": 999999, "model": "XQG100", "serial": "SN-1"}, {"owner": ["Unknown customer."]}),
        ({"owner": "OWNER", "model": "nope", "serial": "SN-1"}, {"model": ["Choose a known product model."]}),
        (
            {"owner": "OWNER", "model": "XQG100", "serial": "sn-taken"},
            {"serial": ["A unit of this model with this serial number is already registered."]},
        ),
        (
            {"owner": "OWNER", "model": "XQG100", "serial": "SN-1", "invoice_date": "2999-01-01"},
            {"invoice_date": ["This date is in the future."]},
        ),
        (
            {"owner": "OWNER", "model": "XQG100", "serial": "SN-1", "invoice_date": "01/02/2025", "price": "-1"},
            {
                "invoice_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
                "price": ["Ensure this value is greater than or equal to 0."],
            },
        ),
        ({"owner": "OWNER"}, {"model": ["This field is required."], "serial": ["This field is required."]}),
    ],
)
def test_bad_unit_input_is_a_400_and_nothing_is_registered(as_agent, customer, washer, body, errors):
    factories.ProductUnitFactory(model=washer, serial="SN-TAKEN")
    if body.get("owner") == "OWNER":
        body = {**body, "owner": customer.pk}

    assert field_errors(as_agent.post(UNITS, body, format="json")) == errors
    assert ProductUnit.objects.count() == 1


def test_a_customer_registers_a_unit_for_themselves(as_customer, customer, washer):
    response = as_customer.post(
        UNITS,
        {"model": "XQG100", "serial": "SN-77", "invoice_date": "2025-01-10", "has_warranty_card": True},
        format="json",
    )

    assert response.status_code == 201
    unit = ProductUnit.objects.get()
    assert response.json() == unit_body(unit, in_warranty=unit.warranty_end >= timezone.localdate())
    assert (unit.owner, unit.serial, unit.has_warranty_card) == (customer, "SN-77", True)


def test_a_customer_cannot_register_for_someone_else_nor_record_staff_facts(
    as_customer, customer, other_customer, washer
):
    for_other = as_customer.post(UNITS, {"owner": other_customer.pk, "model": "XQG100", "serial": "S1"}, format="json")
    for_nobody = as_customer.post(UNITS, {"owner": 999999, "model": "XQG100", "serial": "S1"}, format="json")
    staff_facts = as_customer.post(
        UNITS,
        {"model": "XQG100", "serial": "S1", "batch": "B1", "replacement_date": "2026-01-01"},
        format="json",
    )

    message = ["You register products for yourself: leave this out."]
    assert field_errors(for_other) == field_errors(for_nobody) == {"owner": message}
    assert field_errors(staff_facts) == {
        "batch": ["Only service staff set this."],
        "replacement_date": ["Only service staff set this."],
    }
    assert not ProductUnit.objects.exists()
    own = as_customer.post(UNITS, {"owner": customer.pk, "model": "XQG100", "serial": "S1"}, format="json")
    assert own.status_code == 201


def test_look_up_a_unit_by_serial_in_any_case(as_agent, washer):
    unit = factories.ProductUnitFactory(model=washer, serial="SN-AbC-1")
    factories.ProductUnitFactory(model=washer, serial="SN-AbC-10")

    response = as_agent.get(UNITS, {"serial": "sn-abc-1"})

    assert response.status_code == 200
    assert response.json() == {"next": None, "previous": None, "results": [unit_body(unit, in_warranty=True)]}


def test_a_unit_out_of_warranty_says_so(as_agent, washer):
    unit = factories.ProductUnitFactory(model=washer, invoice_date=timezone.localdate() - dt.timedelta(days=800))

    body = as_agent.get(f"{UNITS}{unit.pk}/").json()

    assert body == unit_body(unit, in_warranty=False)


def test_a_customer_sees_only_their_own_units(as_customer, customer, other_customer, washer):
    own = factories.ProductUnitFactory(owner=customer, model=washer, serial="MINE")
    theirs = factories.ProductUnitFactory(owner=other_customer, model=washer, serial="THEIRS")

    assert [row["serial"] for row in as_customer.get(UNITS).json()["results"]] == ["MINE"]
    assert as_customer.get(UNITS, {"serial": "theirs"}).json()["results"] == []
    assert as_customer.get(UNITS, {"customer": other_customer.pk}).json()["results"] == []
    assert as_customer.get(f"{UNITS}{own.pk}/").status_code == 200
    assert error(as_customer.get(f"{UNITS}{theirs.pk}/"), 404, "not_found") == "Not found."


def test_bad_filters_are_field_errors(as_agent):
    assert field_errors(as_agent.get(UNITS, {"customer": "abc"})) == {"customer": ["Enter a whole number."]}


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["agent", "customer"])
def test_customer_list_queries_do_not_grow_with_the_page(request, who, django_assert_num_queries):
    user = request.getfixturevalue(who)
    client = client_for(user if who == "agent" else user.user)
    factories.CustomerFactory.create_batch(60)
    # Token and user; a customer's record; the page (the user's groups from the memo,
    # aftersales/table_memo.py, filled by the first request).
    client.get(CUSTOMERS)
    expected = {"agent": 2, "customer": 3}[who]
    for size in (5, 50):
        with django_assert_num_queries(expected):
            response = client.get(CUSTOMERS, {"page_size": size})
        assert response.status_code == 200


@pytest.mark.parametrize("who", ["agent", "customer"])
def test_unit_list_queries_do_not_grow_with_the_page(request, who, washer, django_assert_num_queries):
    user = request.getfixturevalue(who)
    owner = user if who == "customer" else factories.CustomerFactory()
    client = client_for(user if who == "agent" else user.user)
    factories.ProductUnitFactory.create_batch(60, owner=owner, model=washer)
    client.get(UNITS)  # fills the memo of roles (aftersales/table_memo.py)
    expected = {"agent": 2, "customer": 3}[who]
    for size in (5, 50):
        with django_assert_num_queries(expected):
            response = client.get(UNITS, {"page_size": size})
        assert len(response.json()["results"]) == size
