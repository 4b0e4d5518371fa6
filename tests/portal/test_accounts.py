"""Portal customer accounts: sign up (new and known customers) with a code sent by SMS, sign in
by code or password, reset the password, rate limits, sign out, the account page and claiming a
request. A customer sees only their own data; nothing but a code sent to the phone proves it."""

import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from aftersales.roles import Role
from customers.models import Customer
from customers.phone_code_models import PhoneCode
from customers.phone_codes import PROVEN_PHONE_SESSION_KEY
from notifications.sms.locmem import outbox
from portal.accounts.forms import BAD_LOGIN, CLAIM_NOT_FOUND, CODE_WRONG, PROVE_FIRST, TOO_MANY, normalize_reference
from tests import factories
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


@pytest.fixture
def ask_code(client, django_capture_on_commit_callbacks):
    """Press "send me a code" on a page (the SMS goes out after the commit); returns the response."""

    def ask(url_name: str = "portal:signup", phone: str = "138 0013 8000", **fields):
        extra = {name: value for name, value in fields.items() if name.isupper()}
        data = {"action": "send", "phone": phone, **{k: v for k, v in fields.items() if not k.isupper()}}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse(url_name), data, **extra)

    return ask


def _code(phone: str = "+8613800138000") -> str:
    """The last code sent to ``phone`` by SMS (the locmem backend's outbox)."""
    return [message.params["code"] for message in outbox if message.to == phone][-1]


def _signup(client, **fields):
    data = {
        "phone": "138 0013 8000",
        "name": "Li Na",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "code": "",
    }
    # Upper-case names are request headers (HTTP_ACCEPT_LANGUAGE, REMOTE_ADDR), not fields.
    extra = {name: value for name, value in fields.items() if name.isupper()}
    data.update({name: value for name, value in fields.items() if not name.isupper()})
    return client.post(reverse("portal:signup"), data, **extra)


def _account_holder(phone: str = "+8613900000001", email: str = "", proven: bool = True) -> Customer:
    """A customer with a portal account (password ``PASSWORD``), proven with a code unless
    ``proven`` is False (an account linked before codes existed)."""
    user = factories.UserFactory(username=phone, email=email)
    user.set_password(PASSWORD)
    user.save()
    return factories.CustomerFactory(
        phone=phone, user=user, email=email, account_verified_at=timezone.now() if proven else None
    )


def _login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("portal:login"), {"username": username, "password": password}, **extra)


def _signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def _counts() -> tuple[int, int, int]:
    return User.objects.count(), Customer.objects.count(), Customer.objects.filter(user__isnull=False).count()


def _page_text(response, *typed: str) -> str:
    """A page as the visitor reads it, without its CSRF token and what they typed."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    for value in typed:
        text = text.replace(value, "")
    return text


def _customers() -> list[tuple]:
    """Every customer as stored: what a refused attempt must leave exactly as it was."""
    return list(
        Customer.objects.order_by("pk").values_list(
            "pk", "name", "email", "email_verified", "user_id", "phone_verified_at", "account_verified_at"
        )
    )


# --- sign up --------------------------------------------------------------------------------


def test_signup_page_asks_for_a_code_and_no_other_proof(client):
    response = client.get(reverse("portal:signup"))
    assert response.status_code == 200
    assert response.context["nav"] == "account"
    body = response.content.decode()
    assert 'name="proof"' not in body
    assert 'name="code"' in body and 'autocomplete="one-time-code"' in body
    assert 'name="action" value="send"' in body


def test_asking_for_a_code_sends_one_by_sms_keeps_what_was_typed_and_creates_nothing(client, ask_code):
    before = _counts()
    response = ask_code(name="Li Na", email="li@example.com", password1=PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["code_sent"] is True
    assert 'id="code-sent"' in body
    assert 'value="Li Na"' in body and 'value="li@example.com"' in body
    assert PASSWORD not in body
    [sms] = outbox
    assert (sms.to, sms.language, len(sms.params["code"])) == ("+8613800138000", "zh-hans", 6)
    assert _counts() == before
    assert _signed_in_user_id(client) is None


def test_asking_for_a_code_answers_the_same_for_a_stranger_a_customer_and_an_account(client, ask_code):
    factories.CustomerFactory(phone="+8613800138001")
    _account_holder(phone="+8613800138002")
    pages = []
    for n, phone in enumerate(("13800138000", "13800138001", "13800138002")):
        response = ask_code(phone=phone, REMOTE_ADDR=f"10.0.0.{n}")
        pages.append((response.status_code, _page_text(response, phone)))
    assert pages[0] == pages[1] == pages[2]


def test_asking_for_a_code_with_a_bad_phone_is_a_field_error(client, ask_code):
    response = ask_code(phone="call me")
    assert response.status_code == 400
    assert "phone" in response.context["form"].errors
    assert outbox == []


def test_signup_new_customer_with_the_code_creates_links_proves_and_signs_in(client, ask_code):
    ask_code(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = _signup(client, email="li.na@example.com", code=_code(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")
    customer = Customer.objects.select_related("user").get(phone="+8613800138000")
    assert customer.name == "Li Na" and customer.email == "li.na@example.com"
    # The email is theirs, but nothing goes to it before it is confirmed.
    assert customer.email_verified is False
    assert customer.preferred_language == "zh-hans"
    assert customer.phone_verified_at is not None and customer.account_verified_at is not None
    user = customer.user
    assert user.username == "+8613800138000" and user.email == "li.na@example.com"
    assert user.check_password(PASSWORD)
    assert not user.is_staff and not user.groups.exists()
    assert str(_signed_in_user_id(client)) == str(user.pk)
    assert client.session[PROVEN_PHONE_SESSION_KEY] == "+8613800138000"


def test_signup_without_a_password_is_reached_by_code_only(client, ask_code):
    ask_code()
    response = _signup(client, password1="", password2="", code=_code())
    assert response.status_code == 302
    user = Customer.objects.get(phone="+8613800138000").user
    assert not user.has_usable_password()


def test_signup_with_a_wrong_code_changes_nothing(client, ask_code):
    ask_code()
    right = _code()
    before, customers = _counts(), _customers()
    response = _signup(client, code=f"{(int(right) + 1) % 1_000_000:06d}")
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [str(CODE_WRONG)]
    assert (_counts(), _customers()) == (before, customers)
    assert _signed_in_user_id(client) is None
    assert PROVEN_PHONE_SESSION_KEY not in client.session


def test_signup_without_a_code_is_a_field_error(client):
    before = _counts()
    response = _signup(client)
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert _counts() == before


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
def test_signup_bad_input_is_a_field_error_keeps_what_was_typed_and_the_code(client, ask_code, fields, field, message):
    ask_code()
    before = _counts()
    response = _signup(client, **{"name": "Wang Fang", "code": _code(), **fields})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and any(message in error for error in errors[field])
    body = response.content.decode()
    if field != "name":
        assert 'value="Wang Fang"' in body
    assert PASSWORD not in body
    assert _counts() == before
    assert _signed_in_user_id(client) is None
    # The code was not used up by a typo elsewhere.
    assert PhoneCode.objects.get().used_at is None


def test_signup_email_of_another_account_is_refused(client, ask_code):
    _account_holder(email="taken@example.com")
    ask_code()
    before = _counts()
    response = _signup(client, email="TAKEN@example.com", code=_code())
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert _counts() == before


def test_signup_for_a_known_customer_links_after_the_code_and_keeps_the_desk_record(client, ask_code):
    known = factories.CustomerFactory(phone="+8613800138000", name="Li Na (desk)", email="")
    users_before = User.objects.count()
    ask_code()
    response = _signup(client, email="li@example.com", code=_code())
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.user is not None and known.user.username == "+8613800138000"
    # The desk's record keeps its name; an email fills it only because it had none, unconfirmed.
    assert (known.name, known.email, known.email_verified) == ("Li Na (desk)", "li@example.com", False)
    assert known.account_verified_at is not None and known.phone_verified_at is not None
    assert Customer.objects.filter(phone="+8613800138000").count() == 1
    assert User.objects.count() == users_before + 1
    assert str(_signed_in_user_id(client)) == str(known.user.pk)


def test_signup_for_a_known_customer_never_replaces_their_email(client, ask_code):
    known = factories.CustomerFactory(phone="+8613800138000", email="desk@example.com", email_verified=True)
    ask_code()
    assert _signup(client, email="other@example.com", code=_code()).status_code == 302
    known.refresh_from_db()
    assert (known.email, known.email_verified) == ("desk@example.com", True)


def test_signup_for_a_phone_that_has_an_account_signs_its_owner_in(client, ask_code):
    holder = _account_holder(phone="+8613800138000")
    ask_code(phone="+86 138-0013-8000")
    before = _counts()
    response = _signup(client, phone="+86 138-0013-8000", code=_code())
    assert response.status_code == 302
    assert _counts() == before
    assert str(_signed_in_user_id(client)) == str(holder.user_id)


def test_takeover_through_a_self_made_reference_fails(client, ask_code, django_capture_on_commit_callbacks):
    """The attack: a stranger makes a request with a known customer's phone, gets its reference at
    once, and signs up with the phone and that reference as proof. The reference proves nothing:
    without the code sent to the customer's phone nothing is linked, and the code went to the
    customer, not to the stranger."""
    victim = factories.CustomerFactory(phone="+8613800138000", name="Victim", address="1 Secret Road")
    factories.TicketFactory(customer=victim, description="Earlier repair")
    model = factories.ProductModelFactory(code="XQG80-T1")
    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(
            reverse("portal:submit"),
            {
                "kind": "repair",
                "description": "Anything",
                "model": model.code,
                "name": "Attacker",
                "phone": "13800138000",
                "address": "Anywhere",
                "website": "",
            },
        )
    assert submitted.status_code == 302
    reference = client.session["portal_submitted"]
    outbox.clear()
    before, customers, sessions_user = _counts(), _customers(), _signed_in_user_id(client)

    attempts = [
        {"proof": reference, "code": ""},
        {"proof": reference, "code": "000000"},
        {"proof": reference.lower(), "code": "123456", "password1": "", "password2": ""},
    ]
    for fields in attempts:
        response = _signup(client, name="Attacker", email="attacker@example.com", **fields)
        assert response.status_code == 400
        assert "code" in response.context["form"].errors
    ask_code()  # the code goes to the victim's phone, which the stranger does not hold
    assert [message.to for message in outbox] == ["+8613800138000"]
    assert _signup(client, name="Attacker", proof=reference, code="999999").status_code == 400

    assert (_counts(), _customers()) == (before, customers)
    assert _signed_in_user_id(client) == sessions_user is None
    assert PROVEN_PHONE_SESSION_KEY not in client.session
    victim.refresh_from_db()
    assert victim.user is None and victim.account_verified_at is None
    # And the victim still signs up with the code that reached them.
    victim_client = type(client)()
    response = _signup(victim_client, code=_code())
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.user.username == "+8613800138000" and victim.account_verified_at is not None


def test_takeover_through_a_made_up_serial_fails(client, ask_code):
    """The attack: register a made-up serial with a known customer's phone on the portal, then
    sign up with the phone and that serial as proof. Nothing is linked without the code."""
    victim = factories.CustomerFactory(phone="+8613800138000", name="Victim")
    model = factories.ProductModelFactory(code="XQG80-T2")
    registered = client.post(
        reverse("portal:register"),
        {
            "model": model.code,
            "serial": "MADE-UP-1",
            "purchase_date": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
            "name": "Attacker",
            "phone": "13800138000",
            "website": "",
        },
    )
    assert registered.status_code == 200
    before, customers = _counts(), _customers()
    for code in ("", "111111", "MADE-UP-1"):
        response = _signup(client, name="Attacker", proof="MADE-UP-1", code=code)
        assert response.status_code == 400
        assert "code" in response.context["form"].errors
    assert (_counts(), _customers()) == (before, customers)
    assert _signed_in_user_id(client) is None
    assert PROVEN_PHONE_SESSION_KEY not in client.session
    victim.refresh_from_db()
    assert victim.user is None


def test_a_session_that_proved_the_phone_is_not_asked_for_the_code_again(client, ask_code):
    ask_code("portal:login", way="code")
    response = client.post(reverse("portal:login"), {"way": "code", "phone": "13800138000", "code": "000000"})
    assert response.status_code == 400  # no account: no code was sent, any code is wrong
    assert outbox == []
    ask_code()
    response = client.post(reverse("portal:login"), {"way": "code", "phone": "13800138000", "code": _code()})
    assert response.status_code == 400  # a sign-up code does not sign in
    _signup(client, code=_code(), password1="", password2="")
    assert client.session[PROVEN_PHONE_SESSION_KEY] == "+8613800138000"
    client.logout()
    # Signed out, the proof is gone with the session.
    assert PROVEN_PHONE_SESSION_KEY not in client.session


# --- sign in --------------------------------------------------------------------------------


def test_login_page_renders(client):
    response = client.get(reverse("portal:login"))
    assert response.status_code == 200
    assert "portal/account/login.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert 'name="way" value="code"' in body and 'name="way" value="password"' in body
    assert reverse("portal:password_reset") in body


def _login_code(client, phone: str, code: str, **extra):
    return client.post(reverse("portal:login"), {"way": "code", "phone": phone, "code": code}, **extra)


@pytest.mark.parametrize("typed", ["+8613900000001", "139 0000 0001", "139-0000-0001"])
def test_login_with_a_code_sent_to_the_phone(client, ask_code, typed):
    holder = _account_holder()
    response = ask_code("portal:login", phone=typed, way="code")
    assert response.status_code == 200 and response.context["code_sent"] is True
    response = _login_code(client, typed, _code("+8613900000001"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")
    assert str(_signed_in_user_id(client)) == str(holder.user_id)


def test_login_with_a_wrong_code_signs_nobody_in(client, ask_code):
    _account_holder()
    ask_code("portal:login", phone="13900000001", way="code")
    customers = _customers()
    response = _login_code(client, "13900000001", "000000" if _code("+8613900000001") != "000000" else "111111")
    assert response.status_code == 400
    assert response.context["code_form"].errors["code"] == [str(CODE_WRONG)]
    assert _signed_in_user_id(client) is None
    assert _customers() == customers


def test_login_with_a_code_for_a_phone_without_account_sends_nothing_and_says_the_same(client, ask_code):
    _account_holder()
    with_account = ask_code("portal:login", phone="13900000001", way="code", REMOTE_ADDR="10.0.0.1")
    without = ask_code("portal:login", phone="13900000002", way="code", REMOTE_ADDR="10.0.0.2")
    assert [message.to for message in outbox] == ["+8613900000001"]
    assert _page_text(with_account, "13900000001") == _page_text(without, "13900000002")


def test_an_account_linked_before_codes_cannot_sign_in_with_its_password(client):
    """A link made with a reference as "proof" may be anyone's: its password opens nothing."""
    _account_holder(proven=False)
    response = _login(client, "13900000001")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [str(PROVE_FIRST)]
    assert _signed_in_user_id(client) is None


def test_an_account_linked_before_codes_is_proven_by_its_owner_signing_in_with_a_code(client, ask_code):
    holder = _account_holder(proven=False)
    ask_code("portal:login", phone="13900000001", way="code")
    assert _login_code(client, "13900000001", _code("+8613900000001")).status_code == 302
    holder.refresh_from_db()
    holder.user.refresh_from_db()
    assert holder.account_verified_at is not None
    # The password whoever linked it chose no longer works.
    assert not holder.user.has_usable_password()
    client.logout()
    assert _login(client, "13900000001").status_code == 400


def test_a_signed_in_account_linked_before_codes_sees_nothing_until_proven(client):
    holder = _account_holder(proven=False)
    mine = factories.TicketFactory(customer=holder)
    client.force_login(holder.user)
    assert client.get(reverse("portal:account"))["Location"].startswith(reverse("portal:login"))
    assert client.get(reverse("portal:track_detail", args=[mine.reference]))["Location"].startswith(
        reverse("portal:track")
    )


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


def test_wrong_passwords_from_other_addresses_do_not_lock_the_owner_out(client, settings):
    """The lock-out attack: wrong passwords for the owner's phone from many addresses. Limits count
    per address and login name, so the owner's right password from their address still works."""
    settings.AXES_FAILURE_LIMIT = 100  # django-axes (per name and address) is tested in test_security.py
    holder = _account_holder()
    formats = ["13900000001", "+8613900000001", "139 0000 0001"]
    for n in range(30):
        response = _login(client, formats[n % 3], password="Wrong-password-1", REMOTE_ADDR=f"10.0.{n // 10}.{n}")
        assert response.status_code in (400, 429)
    assert _login(client, "139-0000-0001", REMOTE_ADDR="10.9.9.9").status_code == 302
    assert str(_signed_in_user_id(client)) == str(holder.user_id)


def test_login_is_rate_limited_per_address_and_login_name(client, settings):
    settings.AXES_FAILURE_LIMIT = 100
    _account_holder()
    formats = ["13900000001", "+8613900000001", "139 0000 0001"]
    for n in range(10):
        assert _login(client, formats[n % 3], password="Wrong-password-1").status_code == 400
    response = _login(client, "139-0000-0001")
    assert response.status_code == 429
    assert _signed_in_user_id(client) is None


def test_signed_in_customer_skips_the_signup_and_login_pages(client):
    holder = _account_holder()
    client.force_login(holder.user)
    assert client.get(reverse("portal:signup"))["Location"] == reverse("portal:account")
    assert client.get(reverse("portal:login"))["Location"] == reverse("portal:account")


# --- password reset -------------------------------------------------------------------------


def _reset(client, phone: str, code: str, password: str = "New-kettle-2024", again: str | None = None):
    data = {"phone": phone, "code": code, "password1": password, "password2": again or password}
    return client.post(reverse("portal:password_reset"), data)


def test_reset_the_password_with_a_code(client, ask_code):
    holder = _account_holder(proven=False)
    assert client.get(reverse("portal:password_reset")).status_code == 200
    response = ask_code("portal:password_reset", phone="139 0000 0001")
    assert response.status_code == 200 and response.context["code_sent"] is True
    response = _reset(client, "13900000001", _code("+8613900000001"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")
    holder.refresh_from_db()
    holder.user.refresh_from_db()
    assert holder.user.check_password("New-kettle-2024") and not holder.user.check_password(PASSWORD)
    assert holder.account_verified_at is not None
    assert str(_signed_in_user_id(client)) == str(holder.user_id)
    client.logout()
    assert _login(client, "13900000001", password="New-kettle-2024").status_code == 302


def test_reset_with_a_wrong_code_or_a_weak_password_changes_nothing(client, ask_code):
    holder = _account_holder()
    ask_code("portal:password_reset", phone="13900000001")
    code = _code("+8613900000001")
    weak = _reset(client, "13900000001", code, password="12345678")
    assert weak.status_code == 400 and "password1" in weak.context["form"].errors
    wrong = _reset(client, "13900000001", f"{(int(code) + 1) % 1_000_000:06d}")
    assert wrong.status_code == 400 and wrong.context["form"].errors["code"] == [str(CODE_WRONG)]
    holder.user.refresh_from_db()
    assert holder.user.check_password(PASSWORD)
    assert _signed_in_user_id(client) is None


def test_reset_for_a_phone_without_account_sends_nothing(client, ask_code):
    ask_code("portal:password_reset", phone="13900000005")
    assert outbox == []
    response = _reset(client, "13900000005", "123456")
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [str(CODE_WRONG)]


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
    # User, roles, customer, requests, products, contracts.
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(6):
        client.get(reverse("portal:account"))
    for _ in range(5):
        factories.TicketFactory(customer=holder)
    with django_assert_num_queries(5):
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
