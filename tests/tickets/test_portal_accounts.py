"""Portal customer accounts: sign up (new and known customers), sign in, rate limits, sign
out, the account page and claiming a request. A customer sees only their own data."""

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.cache import cache
from django.urls import reverse

from aftersales.roles import Role
from customers.models import Customer
from tests import factories
from tickets.account_forms import (
    ALREADY_HAS_ACCOUNT,
    BAD_LOGIN,
    CLAIM_NOT_FOUND,
    PROOF_NEEDED,
    PROOF_WRONG,
    TOO_MANY,
    normalize_reference,
)
from tickets.choices import Status
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "Blue-kettle-1987"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate-limit counters live in the shared cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def _signup(client, **fields):
    data = {
        "phone": "138 0013 8000",
        "name": "Li Na",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    # Upper-case names are request headers (HTTP_ACCEPT_LANGUAGE, REMOTE_ADDR), not fields.
    extra = {name: value for name, value in fields.items() if name.isupper()}
    data.update({name: value for name, value in fields.items() if not name.isupper()})
    return client.post(reverse("portal:signup"), data, **extra)


def _account_holder(phone: str = "+8613900000001", email: str = "") -> Customer:
    """A customer with a portal account (password ``PASSWORD``)."""
    user = factories.UserFactory(username=phone, email=email)
    user.set_password(PASSWORD)
    user.save()
    return factories.CustomerFactory(phone=phone, user=user, email=email)


def _login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("portal:login"), {"username": username, "password": password}, **extra)


def _signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), Customer.objects.count(), Customer.objects.filter(user__isnull=False).count()


# --- sign up --------------------------------------------------------------------------------


def test_signup_page_renders(client):
    response = client.get(reverse("portal:signup"))
    assert response.status_code == 200
    assert response.context["nav"] == "account"
    assert 'name="proof"' not in response.content.decode()


def test_signup_new_customer_creates_and_links_customer_and_user_and_signs_in(client):
    response = _signup(client, email="li.na@example.com", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")
    customer = Customer.objects.select_related("user").get(phone="+8613800138000")
    assert customer.name == "Li Na" and customer.email == "li.na@example.com"
    assert customer.preferred_language == "zh-hans"
    user = customer.user
    assert user.username == "+8613800138000" and user.email == "li.na@example.com"
    assert user.check_password(PASSWORD)
    assert not user.is_staff and not user.groups.exists()
    assert str(_signed_in_user_id(client)) == str(user.pk)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"password2": "Something-else-42"}, "password2", "The two passwords are not the same."),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "This password is entirely numeric."),
        ({"phone": "call me"}, "phone", "A phone number contains digits only."),
        ({"phone": "123"}, "phone", "This phone number is not valid"),
        ({"name": ""}, "name", "Enter your name."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
    ],
)
def test_signup_bad_input_is_a_field_error_and_keeps_what_was_typed(client, fields, field, message):
    before = _counts()
    response = _signup(client, **{"name": "Wang Fang", **fields})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and any(message in error for error in errors[field])
    body = response.content.decode()
    if field != "name":
        assert 'value="Wang Fang"' in body
    assert PASSWORD not in body
    assert _counts() == before
    assert _signed_in_user_id(client) is None


def test_signup_email_of_another_account_is_refused(client):
    _account_holder(email="taken@example.com")
    before = _counts()
    response = _signup(client, email="TAKEN@example.com")
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert _counts() == before


def test_signup_for_a_known_customer_asks_for_proof_and_links_nothing_without_it(client):
    known = factories.CustomerFactory(phone="+8613800138000")
    before = _counts()
    response = _signup(client, phone="13800138000")
    assert response.status_code == 400
    form = response.context["form"]
    assert form.needs_proof and form.errors["proof"] == [str(PROOF_NEEDED)]
    assert 'name="proof"' in response.content.decode()
    assert _counts() == before
    known.refresh_from_db()
    assert known.user is None
    assert _signed_in_user_id(client) is None


def test_signup_for_a_known_customer_with_a_wrong_proof_changes_nothing(client):
    known = factories.CustomerFactory(phone="+8613800138000")
    factories.TicketFactory(customer=known)
    stranger_ticket = factories.TicketFactory()
    before = _counts()
    answers = []
    for proof in (stranger_ticket.reference, stranger_ticket.unit.serial, "AS-2026-999999", "nonsense"):
        response = _signup(client, proof=proof)
        assert response.status_code == 400
        answers.append(response.context["form"].errors["proof"])
    # The same answer whether the reference exists for someone else or not at all.
    assert all(answer == [str(PROOF_WRONG)] for answer in answers)
    assert _counts() == before
    known.refresh_from_db()
    assert known.user is None
    assert _signed_in_user_id(client) is None


def test_signup_for_a_known_customer_with_one_of_their_references_links_the_account(client):
    known = factories.CustomerFactory(phone="+8613800138000", name="Li Na (desk)", email="")
    ticket = factories.TicketFactory(customer=known)
    users_before = User.objects.count()
    # Typed in lower case and without the leading zeros.
    typed = ticket.reference.lower().replace("-0", "-", 1)
    response = _signup(client, proof=typed, email="li@example.com")
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.user is not None and known.user.username == "+8613800138000"
    # The desk's record keeps its name; an email fills it only because it had none.
    assert known.name == "Li Na (desk)" and known.email == "li@example.com"
    assert Customer.objects.filter(phone="+8613800138000").count() == 1
    assert User.objects.count() == users_before + 1
    assert str(_signed_in_user_id(client)) == str(known.user.pk)


def test_signup_for_a_known_customer_with_the_serial_of_their_product_links_the_account(client):
    known = factories.CustomerFactory(phone="+8613800138000")
    unit = factories.ProductUnitFactory(owner=known, serial="ABc123XYZ")
    response = _signup(client, proof=f"  {unit.serial.lower()} ")
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.user is not None


def test_signup_for_a_customer_who_has_an_account_is_refused(client):
    holder = _account_holder(phone="+8613800138000")
    factories.TicketFactory(customer=holder)
    before = _counts()
    response = _signup(client, phone="+86 138-0013-8000")
    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == [str(ALREADY_HAS_ACCOUNT)]
    assert "This phone number already has an account: sign in." in response.content.decode()
    assert _counts() == before
    assert _signed_in_user_id(client) is None


def test_signup_is_rate_limited_per_phone(client):
    factories.CustomerFactory(phone="+8613800138000")
    for n in range(10):
        assert _signup(client, proof=f"guess-{n}", REMOTE_ADDR=f"10.0.0.{n}").status_code == 400
    response = _signup(client, proof="guess-last", REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429
    assert str(TOO_MANY) in response.content.decode()


# --- sign in --------------------------------------------------------------------------------


def test_login_page_renders(client):
    response = client.get(reverse("portal:login"))
    assert response.status_code == 200
    assert "portal/account/login.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("typed", ["+8613900000001", "139 0000 0001", "139-0000-0001", "+86 139 0000 0001"])
def test_login_with_the_phone_in_any_format(client, typed):
    holder = _account_holder()
    response = _login(client, typed)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")
    assert str(_signed_in_user_id(client)) == str(holder.user_id)


def test_login_with_email_in_any_case(client):
    holder = _account_holder(email="li.na@example.com")
    response = _login(client, "Li.Na@Example.com")
    assert response.status_code == 302
    assert str(_signed_in_user_id(client)) == str(holder.user_id)


def test_login_follows_a_safe_next_only(client):
    _account_holder()
    response = client.post(
        reverse("portal:login"), {"username": "13900000001", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("portal:account")
    client.logout()
    response = client.post(
        reverse("portal:login"), {"username": "13900000001", "password": PASSWORD, "next": reverse("portal:prices")}
    )
    assert response["Location"] == reverse("portal:prices")


@pytest.mark.parametrize(
    "username",
    ["13900000001", "13900000002", "nobody@example.com", "li.na@example.com", "not a phone"],
)
def test_wrong_credentials_get_one_generic_error(client, username):
    _account_holder(email="li.na@example.com")
    response = _login(client, username, password="Wrong-password-1")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [str(BAD_LOGIN)]
    body = response.content.decode()
    assert "Wrong-password-1" not in body
    assert _signed_in_user_id(client) is None


def test_login_empty_fields_are_field_errors(client):
    response = client.post(reverse("portal:login"), {"username": "", "password": ""})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"username", "password"}


def test_staff_users_are_refused_with_the_generic_error(client, agent):
    response = _login(client, agent.username, password=factories.PASSWORD)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [str(BAD_LOGIN)]
    assert _signed_in_user_id(client) is None


def test_staff_user_linked_to_a_customer_is_still_refused(client):
    holder = _account_holder()
    holder.user.groups.add(factories.UserFactory(roles=[Role.AGENT]).groups.get())
    response = _login(client, "13900000001")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [str(BAD_LOGIN)]
    assert _signed_in_user_id(client) is None


def test_login_is_rate_limited_per_address(client):
    _account_holder()
    # Ten other login names: the lock-out per name and address (tests/test_security.py) stays out of it.
    for n in range(10):
        assert _login(client, f"1390000{n + 10:04d}", password="Wrong-password-1").status_code == 400
    # The 11th attempt is refused, even with the right password.
    response = _login(client, "13900000001")
    assert response.status_code == 429
    assert "Too many attempts, try again later." in response.content.decode()
    assert _signed_in_user_id(client) is None


def test_login_is_rate_limited_per_login_name_across_addresses(client):
    _account_holder()
    formats = ["13900000001", "+8613900000001", "139 0000 0001"]
    for n in range(10):
        response = _login(client, formats[n % 3], password="Wrong-password-1", REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 400
    response = _login(client, "139-0000-0001", REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    # Another login name from a fresh address is not affected.
    _account_holder(phone="+8613900000002")
    assert _login(client, "13900000002", REMOTE_ADDR="10.9.9.8").status_code == 302


def test_signed_in_customer_skips_the_signup_and_login_pages(client):
    holder = _account_holder()
    client.force_login(holder.user)
    assert client.get(reverse("portal:signup"))["Location"] == reverse("portal:account")
    assert client.get(reverse("portal:login"))["Location"] == reverse("portal:account")


# --- sign out -------------------------------------------------------------------------------


def test_logout_is_post_only(client):
    holder = _account_holder()
    client.force_login(holder.user)
    assert client.get(reverse("portal:logout")).status_code == 405
    assert str(_signed_in_user_id(client)) == str(holder.user_id)
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    assert _signed_in_user_id(client) is None


# --- the account page -----------------------------------------------------------------------


def test_account_needs_a_signed_in_customer(client, agent):
    login_url = reverse("portal:login")
    response = client.get(reverse("portal:account"))
    assert response.status_code == 302
    assert response["Location"] == f"{login_url}?next={reverse('portal:account')}"
    client.force_login(agent)
    assert client.get(reverse("portal:account"))["Location"].startswith(login_url)


def test_account_shows_only_own_requests_and_products(client):
    holder = _account_holder()
    mine = factories.TicketFactory(customer=holder, status=Status.DISPATCHED)
    my_unit = factories.ProductUnitFactory(owner=holder, serial="MINE-001")
    theirs = factories.TicketFactory(customer=_account_holder(phone="+8613900000002"))
    guest = factories.TicketFactory()
    client.force_login(holder.user)
    response = client.get(reverse("portal:account"))
    assert response.status_code == 200
    assert response.context["nav"] == "account"
    body = response.content.decode()
    assert reverse("portal:track_detail", args=[mine.reference]) in body
    assert mine.get_status_display() in body
    assert my_unit.serial in body and mine.unit.serial in body
    for other in (theirs, guest):
        assert other.reference not in body
        assert other.unit.serial not in body
    assert {ticket.pk for ticket in response.context["tickets"]} == {mine.pk}
    assert {unit.pk for unit in response.context["units"]} == {my_unit.pk, mine.unit_id}


def test_account_query_count_does_not_grow_with_requests(client, django_assert_num_queries):
    holder = _account_holder()
    factories.TicketFactory(customer=holder)
    client.force_login(holder.user)
    # Session, user, roles, customer, requests, products.
    with django_assert_num_queries(6):
        client.get(reverse("portal:account"))
    for _ in range(5):
        factories.TicketFactory(customer=holder)
    with django_assert_num_queries(6):
        response = client.get(reverse("portal:account"))
    assert len(response.context["tickets"]) == 6


def test_signed_in_owner_opens_own_request_but_not_someone_elses(client):
    holder = _account_holder()
    mine = factories.TicketFactory(customer=holder, description="My washer leaks")
    theirs = factories.TicketFactory(description="Someone else's secret")
    client.force_login(holder.user)
    assert client.get(reverse("portal:track_detail", args=[mine.reference])).status_code == 200
    response = client.get(reverse("portal:track_detail", args=[theirs.reference]))
    assert response.status_code == 302
    assert "Someone else's secret" not in client.get(response["Location"]).content.decode()


# --- claiming a request ---------------------------------------------------------------------


def _claim(client, reference: str, phone: str):
    return client.post(reverse("portal:claim_request"), {"reference": reference, "phone": phone})


def _snapshot() -> list[tuple]:
    return list(Ticket.objects.order_by("pk").values_list("pk", "customer_id", "status", "version"))


def test_claim_own_guest_request_confirms(client):
    holder = _account_holder()
    ticket = factories.TicketFactory(customer=holder)
    client.force_login(holder.user)
    before = _snapshot()
    response = _claim(client, ticket.reference.lower(), "139 0000 0001")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")
    page = client.get(response["Location"]).content.decode()
    assert f"Request {ticket.reference} is on your account." in page
    assert _snapshot() == before


def test_claim_wrong_reference_wrong_phone_or_someone_elses_request_get_the_same_answer(client):
    holder = _account_holder()
    mine = factories.TicketFactory(customer=holder)
    other_customer = factories.CustomerFactory(phone="+8613700000007")
    theirs = factories.TicketFactory(customer=other_customer)
    client.force_login(holder.user)
    before = _snapshot()
    attempts = [
        ("AS-2026-999999", "13900000001"),  # no such request
        (mine.reference, "13700000007"),  # own request, wrong phone
        (theirs.reference, "13700000007"),  # someone else's request with their phone
        (theirs.reference, "13900000001"),  # someone else's request with own phone
    ]
    for reference, phone in attempts:
        response = _claim(client, reference, phone)
        assert response.status_code == 400
        assert response.context["claim_form"].non_field_errors() == [str(CLAIM_NOT_FOUND)]
        assert theirs.reference not in response.content.decode().replace(f'value="{theirs.reference}"', "")
    assert _snapshot() == before
    assert Ticket.objects.get(pk=theirs.pk).customer_id == other_customer.pk


@pytest.mark.parametrize(
    ("reference", "phone", "field"),
    [("", "13900000001", "reference"), ("hello", "13900000001", "reference"), ("AS-2026-1", "", "phone")],
)
def test_claim_bad_input_is_a_field_error(client, reference, phone, field):
    holder = _account_holder()
    client.force_login(holder.user)
    response = _claim(client, reference, phone)
    assert response.status_code == 400
    assert field in response.context["claim_form"].errors


def test_claim_needs_a_signed_in_customer(client):
    ticket = factories.TicketFactory()
    response = _claim(client, ticket.reference, ticket.customer.phone)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_claim_is_rate_limited(client):
    holder = _account_holder()
    client.force_login(holder.user)
    for n in range(10):
        assert _claim(client, f"AS-2026-{n + 1}", "13900000001").status_code == 400
    response = _claim(client, "AS-2026-777", "13900000001")
    assert response.status_code == 429
    assert str(TOO_MANY) in response.content.decode()


# --- pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("AS-2026-000123", "AS-2026-000123"),
        (" as-2026-123 ", "AS-2026-000123"),
        ("AS-2026-1234567", "AS-2026-1234567"),
        ("AS-26-1", None),
        ("2026-000123", None),
        ("", None),
    ],
)
def test_normalize_reference(typed, expected):
    assert normalize_reference(typed) == expected
