"""Every customer has a referral code of their own, and says whether they may be offered
anything: customers/referral_choices.py and customers/offers.py."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from customers.models import Customer, OffersConsent
from customers.offers import may_offer, offers_consent_set
from customers.referral_choices import REFERRAL_ALPHABET, new_referral_code, referral_code_for_id
from customers.services import customer_create
from tests import factories

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 3, 2, 30, tzinfo=dt.UTC)


def _consent(customer: Customer) -> tuple:
    customer.refresh_from_db()
    return customer.offers_consent, customer.offers_consent_at, customer.offers_consent_source


def test_a_referral_code_is_8_unambiguous_characters():
    codes = {new_referral_code() for _ in range(500)}

    assert len(codes) == 500
    assert all(len(code) == 8 and set(code) <= set(REFERRAL_ALPHABET) for code in codes)
    # Nothing a customer could misread on a phone: no 0/O, no 1/I/L.
    assert not set("01OIL") & set(REFERRAL_ALPHABET)


def test_every_new_customer_gets_a_code_of_their_own():
    first, second = factories.CustomerFactory(), factories.CustomerFactory()

    assert len(first.referral_code) == 8
    assert first.referral_code != second.referral_code
    assert Customer.objects.filter(referral_code=first.referral_code).get() == first


def test_a_new_customer_has_not_been_asked_about_offers_and_may_be_offered():
    customer = factories.CustomerFactory()

    assert _consent(customer) == (OffersConsent.NOT_ASKED, None, "")
    assert may_offer(customer)


@time_machine.travel(AT, tick=False)
def test_staff_record_an_opt_out_and_the_customer_is_never_offered_again(agent):
    customer = factories.CustomerFactory()

    offers_consent_set(customer=customer, consent=OffersConsent.REFUSED, source="phone", by=agent)

    assert _consent(customer) == (OffersConsent.REFUSED, AT, "phone")
    assert not may_offer(customer)


def test_the_same_answer_again_keeps_its_first_date(agent):
    customer = factories.CustomerFactory()
    with time_machine.travel(AT, tick=False):
        offers_consent_set(customer=customer, consent=OffersConsent.GIVEN, source="desk", by=agent)
    with time_machine.travel(AT + dt.timedelta(days=3), tick=False):
        offers_consent_set(customer=customer, consent=OffersConsent.GIVEN, source="phone", by=agent)

    assert _consent(customer) == (OffersConsent.GIVEN, AT, "desk")


def test_the_proven_customer_changes_their_own_answer_on_the_portal():
    user = factories.UserFactory(username="+8613900000001")
    customer = factories.CustomerFactory(phone="+8613900000001", user=user, account_verified_at=timezone.now())

    offers_consent_set(customer=customer, consent=OffersConsent.REFUSED, source="portal", by=user)

    assert _consent(customer)[0] == OffersConsent.REFUSED


@pytest.mark.parametrize("who", ["unproven", "other_customer", "nobody"])
def test_nobody_else_records_a_customers_answer(who):
    user = factories.UserFactory(username="+8613900000001")
    customer = factories.CustomerFactory(
        phone="+8613900000001", user=user, account_verified_at=None if who == "unproven" else timezone.now()
    )
    other_user = factories.UserFactory(username="+8613900000002")
    factories.CustomerFactory(phone="+8613900000002", user=other_user, account_verified_at=timezone.now())
    by = {"unproven": user, "other_customer": other_user, "nobody": None}[who]

    with pytest.raises(PermissionDenied):
        offers_consent_set(customer=customer, consent=OffersConsent.REFUSED, source="portal", by=by)

    assert _consent(customer) == (OffersConsent.NOT_ASKED, None, "")


@pytest.mark.parametrize(
    ("consent", "source", "field"),
    [
        ("not_asked", "desk", "offers_consent"),
        ("maybe", "desk", "offers_consent"),
        ("given", "fax", "offers_consent_source"),
    ],
)
def test_an_answer_that_is_not_one_is_a_field_error_and_nothing_changes(agent, consent, source, field):
    customer = factories.CustomerFactory()

    with pytest.raises(ValidationError) as raised:
        offers_consent_set(customer=customer, consent=consent, source=source, by=agent)

    assert set(raised.value.message_dict) == {field}
    assert _consent(customer) == (OffersConsent.NOT_ASKED, None, "")


def test_a_referral_code_already_taken_is_drawn_again(monkeypatch):
    taken = factories.CustomerFactory().referral_code
    draws = iter([taken, "NEWCODE2"])
    monkeypatch.setattr("customers.services.new_referral_code", lambda: next(draws))

    customer = customer_create(name="Chen Jie", phone="+8613900000077")

    assert Customer.objects.get(pk=customer.pk).referral_code == "NEWCODE2"
    assert Customer.objects.filter(referral_code=taken).count() == 1


def test_a_phone_taken_is_still_the_phone_error_not_a_new_code():
    factories.CustomerFactory(phone="+8613900000078")

    with pytest.raises(ValidationError) as raised:
        customer_create(name="Chen Jie", phone="+8613900000078")

    assert set(raised.value.message_dict) == {"phone"}


def test_codes_for_ids_loaded_in_bulk_are_distinct_and_do_not_read_alike():
    codes = [referral_code_for_id(pk) for pk in range(1, 100_001)]

    assert len(set(codes)) == 100_000
    assert all(len(code) == 8 and set(code) <= set(REFERRAL_ALPHABET) for code in codes)
    # Neighbouring ids share no leading characters that would let one guess the next.
    assert sum(a[:3] == b[:3] for a, b in zip(codes, codes[1:], strict=False)) < 100
