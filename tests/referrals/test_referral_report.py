"""The referral report computed by hand for a scenario: two referrers, two stations, two months,
conversions by contract and by registration, non-conversions; its CSV and XLSX cells, the API,
and a provider's staff seeing only the referred customers they serve."""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from aftersales.roles import Role
from contracts.models import ContractProduct, ServiceContract
from customers.models import Customer, ProductCategory, ProductUnit
from tests import factories
from tests.api.conftest import client_for, field_errors
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=SHANGHAI)


def referred(referrer, when):
    customer = factories.CustomerFactory()
    Customer.objects.filter(pk=customer.pk).update(referred_by=referrer, referred_at=when, referral_channel="portal")
    return customer


def ticket(customer, station, when):
    row = factories.TicketFactory(customer=customer, unit=None, station=station, provider=station.provider)
    Ticket.objects.filter(pk=row.pk).update(created_at=when)
    return row


def unit(customer, when):
    row = factories.ProductUnitFactory(owner=customer)
    ProductUnit.objects.filter(pk=row.pk).update(registered_at=when)
    return row


def contract(customer, when, *, status="active"):
    product, _created = ContractProduct.objects.get_or_create(
        code="ew-2y",
        defaults={
            "name": "Extended warranty 2 years",
            "kind": "extended_warranty",
            "category": ProductCategory.objects.get(code="washing_machine"),
            "term_months": 24,
            "price": Decimal("299.00"),
        },
    )
    owned = unit(customer, when - dt.timedelta(days=400))  # registered long before: not a conversion itself
    row = ServiceContract.objects.create(
        number=f"SC-{customer.pk}-{status}",
        product=product,
        kind="extended_warranty",
        unit=owned,
        customer=customer,
        status=status,
        starts_on=when.date(),
        ends_on=when.date() + dt.timedelta(days=730),
        coverage="both",
        price=Decimal("299.00"),
        channel="desk",
        payment_reference="PAY-1",
        paid_at=when,
    )
    ServiceContract.objects.filter(pk=row.pk).update(created_at=when)
    return row


@pytest.fixture
def scenario():
    p1, p2 = factories.ServiceProviderFactory(code="p1"), factories.ServiceProviderFactory(code="p2")
    s1 = factories.ServiceStationFactory(code="s1", name="Station One", provider=p1)
    s2 = factories.ServiceStationFactory(code="s2", name="Station Two", provider=p2)
    a = factories.CustomerFactory(name="Alice Referrer", referral_code="AAAAAAAA")
    b = factories.CustomerFactory(name="Bob Referrer", referral_code="BBBBBBBB")
    # March, A, station one: c1 bought a contract after being referred; c2 registered a product
    # in April (a conversion of the March referral). c1's later ticket at station two does not move it.
    c1 = referred(a, at("2026-03-10"))
    ticket(c1, s1, at("2026-03-11"))
    ticket(c1, s2, at("2026-03-25"))
    contract(c1, at("2026-03-20"))
    c2 = referred(a, at("2026-03-15"))
    ticket(c2, s1, at("2026-03-15", 11))
    unit(c2, at("2026-04-02"))
    # April, A, station two: no conversion.
    c3 = referred(a, at("2026-04-05"))
    ticket(c3, s2, at("2026-04-05", 12))
    # March (23:30 in Shanghai, already April 1st nowhere), B, station two: a product registered
    # before the referral and a cancelled contract are no conversion.
    c4 = referred(b, at("2026-03-31", 23, 30))
    unit(c4, at("2026-02-01"))
    ticket(c4, s2, at("2026-04-01", 9))
    contract(c4, at("2026-04-02"), status="cancelled")
    # April (00:30 on April 1st in Shanghai, still March 31st in UTC), B, no ticket: bought a contract.
    c5 = referred(b, at("2026-04-01", 0, 30))
    contract(c5, at("2026-04-03"))
    # Outside the months asked for.
    referred(a, at("2026-05-01"))
    return {"p1": p1, "p2": p2}


# Computed by hand from the rule: per referrer, station of the first ticket, month of referral.
EXPECTED = [
    # month, code, name, station code, station, referrals, by contract, by registration, conversions
    ["2026-03", "AAAAAAAA", "Alice Referrer", "s1", "Station One", 2, 1, 1, 2],
    ["2026-03", "BBBBBBBB", "Bob Referrer", "s2", "Station Two", 1, 0, 0, 0],
    ["2026-04", "AAAAAAAA", "Alice Referrer", "s2", "Station Two", 1, 0, 0, 0],
    ["2026-04", "BBBBBBBB", "Bob Referrer", "", "", 1, 1, 0, 1],
]
KEYS = [
    "month",
    "referrer_code",
    "referrer_name",
    "station_code",
    "station_name",
    "referrals",
    "by_contract",
    "by_registration",
    "conversions",
]
RANGE = {"month_from": "2026-03", "month_to": "2026-04"}


def test_the_api_answers_the_hand_computed_rows(scenario):
    api = client_for(factories.UserFactory(roles=[Role.SALES]))

    response = api.get("/api/referrals/", RANGE)

    assert response.status_code == 200
    body = response.json()
    assert (body["month_from"], body["month_to"], body["count"]) == ("2026-03", "2026-04", 4)
    assert [[row[key] for key in KEYS] for row in body["results"]] == EXPECTED


def test_the_desk_page_and_its_csv_and_xlsx(client, scenario):
    client.force_login(factories.UserFactory(roles=[Role.MANAGER]))

    page = client.get(reverse("sales:referrals"), RANGE)
    assert page.status_code == 200
    assert [row.referrals for row in page.context["rows"]] == [2, 1, 1, 1]

    answer = client.get(reverse("sales:referrals_export", args=["csv"]), RANGE)
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Month" and len(rows) == 5
    assert rows[1:] == [[str(value) for value in row] for row in EXPECTED]

    answer = client.get(reverse("sales:referrals_export", args=["xlsx"]), RANGE)
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    cells = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells == EXPECTED


def test_a_providers_staff_see_only_referred_customers_they_serve(scenario):
    api = client_for(factories.UserFactory(roles=[Role.MANAGER], provider=scenario["p1"]))

    body = api.get("/api/referrals/", RANGE).json()

    # c1 and c2 had their tickets at provider one's station; the referrer is not their customer: no name.
    assert [[row[key] for key in KEYS] for row in body["results"]] == [
        ["2026-03", "AAAAAAAA", "", "s1", "Station One", 2, 1, 1, 2]
    ]


def test_who_may_read_it_and_a_bad_range(scenario, client):
    technician = client_for(factories.UserFactory(roles=[Role.TECHNICIAN]))
    assert technician.get("/api/referrals/", RANGE).status_code == 403
    client.force_login(factories.UserFactory(roles=[Role.TECHNICIAN]))
    assert client.get(reverse("sales:referrals")).status_code == 403

    api = client_for(factories.UserFactory(roles=[Role.SALES]))
    assert field_errors(api.get("/api/referrals/", {"month_from": "March"})) == {
        "month_from": ["Give the month as YYYY-MM."]
    }
    assert "month_to" in field_errors(api.get("/api/referrals/", {"month_from": "2026-04", "month_to": "2026-03"}))
