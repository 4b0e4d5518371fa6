"""The referral code: normalised as people type it, and recorded once for a new customer with the
same refusal, and nothing written, whatever the reason."""

import pytest
from django.core.exceptions import ValidationError

from customers.models import Customer
from customers.referral_choices import ReferralChannel
from customers.referrals import CODE_REFUSED, normalize_referral_code, referral_record
from tests import factories


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("7KQ2MX9P", "7KQ2MX9P"),
        ("7kq2mx9p", "7KQ2MX9P"),
        (" 7KQ2-MX9P ", "7KQ2MX9P"),
        ("7KQ2 MX9P", "7KQ2MX9P"),
        ("７ＫＱ２ＭＸ９Ｐ", "7KQ2MX9P"),  # full-width, from a Chinese input method
        ("7KQ2\u3000MX9P", "7KQ2MX9P"),  # an ideographic space
        ("7КQ2МХ9Р", "7KQ2MX9P"),  # Cyrillic К, М, Х, Р
        ("7ΚQ2ΜΧ9Ρ", "7KQ2MX9P"),  # Greek Κ, Μ, Χ, Ρ
        ("7KQ2MX9", None),  # too short
        ("7KQ2MX9PP", None),  # too long
        ("0KQ2MX9P", None),  # 0, 1, I and O are never in a code
        ("IKQ2MX9P", None),
        ("", None),
        ("7KQ2MX9!", None),
    ],
)
def test_a_code_is_read_as_people_type_it(typed, expected):
    assert normalize_referral_code(typed) == expected


@pytest.fixture
def referrer(db):
    return factories.CustomerFactory(name="Referrer Li", phone="+8613700000001", referral_code="7KQ2MX9P")


@pytest.mark.django_db
def test_a_new_customer_is_referred_once_with_when_and_where(referrer, django_assert_num_queries):
    new = factories.CustomerFactory()

    # The savepoint, the customer locked, the referrer, history?, the update, the release.
    with django_assert_num_queries(6):
        customer = referral_record(customer=new, code="7kq2-mx9p", channel=ReferralChannel.PORTAL, by=None)

    row = Customer.objects.values("referred_by", "referral_channel").get(pk=new.pk)
    assert row == {"referred_by": referrer.pk, "referral_channel": ReferralChannel.PORTAL}
    assert customer.referred_at is not None


def _state(customer):
    return Customer.objects.values("referred_by", "referred_at", "referral_channel").get(pk=customer.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["unknown", "badly_formed", "self", "already_referred", "has_ticket", "has_unit"])
def test_every_refusal_is_the_same_field_error_and_writes_nothing(referrer, case):
    customer = factories.CustomerFactory(name="Customer Zhao")
    code = referrer.referral_code
    if case == "unknown":
        code = "22222222"
    elif case == "badly_formed":
        code = "nonsense"
    elif case == "self":
        code = customer.referral_code
    elif case == "already_referred":
        other = factories.CustomerFactory()
        customer.referred_by = other
        customer.save()
    elif case == "has_ticket":
        factories.TicketFactory(customer=customer)
    elif case == "has_unit":
        factories.ProductUnitFactory(owner=customer)
    before = _state(customer)

    with pytest.raises(ValidationError) as refused:
        referral_record(customer=customer, code=code, channel=ReferralChannel.PORTAL, by=None)

    assert refused.value.message_dict == {"referral_code": [str(CODE_REFUSED)]}
    # Nothing about the code's owner in the answer.
    assert "Referrer" not in str(refused.value.message_dict) and "13700000001" not in str(refused.value.message_dict)
    assert _state(customer) == before


@pytest.mark.django_db
def test_only_staff_enter_a_code_at_the_desk(referrer):
    from django.core.exceptions import PermissionDenied

    customer = factories.CustomerFactory()
    with pytest.raises(PermissionDenied):
        referral_record(customer=customer, code=referrer.referral_code, channel=ReferralChannel.DESK, by=None)
    assert _state(customer)["referred_by"] is None
