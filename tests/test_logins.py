"""aftersales/logins.py: the username a typed login signs in as, with the customers' resolver
that their app registers at start (customers/accounts.py, ``customer_login_name``)."""

import pytest

from aftersales.logins import login_name
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    user = factories.UserFactory(username="+8613812345678", email="Li.Wei@example.com")
    return factories.CustomerFactory(phone="+8613812345678", user=user)


@pytest.mark.parametrize(
    "typed, username",
    [
        ("138 1234 5678", "+8613812345678"),  # a phone in any format: its E.164 form
        ("+86 138-1234-5678", "+8613812345678"),
        (" li.wei@EXAMPLE.com ", "+8613812345678"),  # a portal account's email, in any case
        ("  agent-7 ", "agent-7"),  # anything else: as typed, without the spaces around it
        ("nobody@example.com", "nobody@example.com"),
        ("", ""),
    ],
)
def test_a_login_signs_in_as(account, typed, username):
    assert login_name(typed) == username


def test_an_email_two_accounts_carry_signs_in_as_neither(account):
    other = factories.UserFactory(username="+8613900000000", email="li.wei@example.com")
    factories.CustomerFactory(phone="+8613900000000", user=other)
    assert login_name("li.wei@example.com") == "li.wei@example.com"


def test_a_staff_email_is_no_login(account):
    factories.UserFactory(username="agent-7", email="agent7@example.com")
    assert login_name("agent7@example.com") == "agent7@example.com"
