"""One-time codes by SMS (customers/phone_codes.py): sent, stored hashed, used once, limited in
wrong tries per code and in sends per address and per phone and address, the same answer for
every number, and never a way to lock the phone's owner out."""

import datetime as dt

import pytest

from customers.phone_code_models import CodePurpose, PhoneCode
from customers.phone_codes import (
    MAX_WRONG_TRIES,
    SENDS_PER_ADDRESS,
    SENDS_PER_PHONE_ADDRESS,
    code_verify,
    normalize_code,
)
from notifications.codes import code_send
from notifications.sms.locmem import outbox
from tests import factories

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"
OWNER_IP = "203.0.113.7"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Ask for a code as a visitor would; returns what the visitor is told (always nothing)."""

    def send(phone: str = PHONE, purpose: str = CodePurpose.SIGNUP, ip: str = OWNER_IP, language: str = "en"):
        with django_capture_on_commit_callbacks(execute=True):
            return code_send(phone=phone, purpose=purpose, language=language, ip=ip)

    return send


def codes_to(phone: str = PHONE) -> list[str]:
    return [message.params["code"] for message in outbox if message.to == phone]


def age_codes(seconds: int) -> None:
    """Move every code's sending back in time, as if ``seconds`` had passed."""
    for row in PhoneCode.objects.all():
        PhoneCode.objects.filter(pk=row.pk).update(
            created_at=row.created_at - dt.timedelta(seconds=seconds),
            expires_at=row.expires_at - dt.timedelta(seconds=seconds),
        )


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_code_is_six_digits_sent_by_sms_and_stored_only_as_a_salted_hash(send):
    assert send() is None
    [code] = codes_to()
    assert len(code) == 6 and code.isdigit()
    row = PhoneCode.objects.get()
    assert (row.phone, row.purpose, row.failed_tries, row.used_at, row.sent_from_ip) == (
        PHONE,
        "signup",
        0,
        None,
        OWNER_IP,
    )
    assert code not in row.code_hash
    salt, digest = row.code_hash.split("$")
    assert len(salt) == 16 and len(digest) == 64
    assert dt.timedelta(minutes=9, seconds=59) < row.expires_at - row.created_at <= dt.timedelta(minutes=10)
    message = outbox[-1]
    assert code in message.text


def test_the_right_code_proves_the_phone_once_and_marks_the_customer(send):
    customer = factories.CustomerFactory(phone=PHONE)
    send()
    [code] = codes_to()
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=f" {code[:3]} {code[3:]} ") is True
    customer.refresh_from_db()
    assert customer.phone_verified_at is not None
    assert PhoneCode.objects.get().used_at is not None
    # Single use.
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=code) is False


def test_a_code_proves_only_its_phone_and_purpose(send):
    send()
    [code] = codes_to()
    assert code_verify(phone="+8613800138001", purpose=CodePurpose.SIGNUP, code=code) is False
    assert code_verify(phone=PHONE, purpose=CodePurpose.RESET, code=code) is False
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=code) is True


def test_an_expired_code_is_refused(send):
    send()
    [code] = codes_to()
    age_codes(10 * 60 + 1)
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=code) is False


def test_guessing_locks_the_code_after_five_wrong_tries(send):
    """The attack: guess a code sent to someone else's phone. Five wrong tries kill it; the right
    code is refused after that and the customer is not marked as proven."""
    customer = factories.CustomerFactory(phone=PHONE)
    send()
    [code] = codes_to()
    for _ in range(MAX_WRONG_TRIES):
        assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=wrong(code)) is False
    assert PhoneCode.objects.get().failed_tries == MAX_WRONG_TRIES
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=code) is False
    customer.refresh_from_db()
    assert customer.phone_verified_at is None
    assert PhoneCode.objects.get().used_at is None


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_malformed_codes_are_never_right(send, typed):
    send()
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=typed) is False


def test_the_same_answer_for_any_number_and_no_code_for_signing_in_to_no_account(send):
    factories.CustomerFactory(phone="+8613900000001")
    holder = factories.CustomerFactory(phone="+8613900000002", user=factories.UserFactory(username="+8613900000002"))
    answers = [
        send(phone="+8613900000001", purpose=CodePurpose.SIGN_IN),  # a customer, no account
        send(phone="+8613900000009", purpose=CodePurpose.RESET, ip="198.51.100.1"),  # nobody
        send(phone=holder.phone, purpose=CodePurpose.SIGN_IN, ip="198.51.100.2"),  # an account
        send(phone="+8613900000009", purpose=CodePurpose.SIGNUP, ip="198.51.100.3"),  # nobody, sign-up
    ]
    assert answers == [None, None, None, None]
    assert [message.to for message in outbox] == [holder.phone, "+8613900000009"]


def test_one_send_a_minute_and_five_an_hour_per_phone_and_address(send):
    send()
    send()  # within the minute: held back, same answer
    assert len(codes_to()) == 1
    sent = 1
    for _ in range(10):
        age_codes(61)
        send()
        sent = min(sent + 1, SENDS_PER_PHONE_ADDRESS)
        assert len(codes_to()) == sent
    assert PhoneCode.objects.filter(sent_from_ip=OWNER_IP).count() == SENDS_PER_PHONE_ADDRESS
    # An hour after the first ones, the address may ask again.
    age_codes(60 * 60)
    send()
    assert len(codes_to()) == SENDS_PER_PHONE_ADDRESS + 1


def test_at_most_twenty_sends_an_hour_from_one_address(send):
    for n in range(SENDS_PER_ADDRESS + 3):
        send(phone=f"+86139000{n:05d}", ip="198.51.100.9")
    assert len(outbox) == SENDS_PER_ADDRESS
    # Another address is not affected.
    send(phone="+8613900099999", ip="198.51.100.10")
    assert len(outbox) == SENDS_PER_ADDRESS + 1


def test_a_flood_of_code_requests_from_other_addresses_cannot_keep_the_owner_from_a_code(send):
    """The lock-out attack: ask for codes for the owner's phone from many addresses until every
    per-phone budget is spent. The sends count against the attackers' addresses; the owner asking
    from their own address still gets a code, and a code held back is one already on their phone."""
    customer = factories.CustomerFactory(phone=PHONE)
    attackers = [f"192.0.2.{n + 1}" for n in range(4)]
    for _ in range(len(attackers) * SENDS_PER_PHONE_ADDRESS):
        for ip in attackers:
            send(ip=ip)
        age_codes(61)
    assert len(codes_to()) == len(attackers) * SENDS_PER_PHONE_ADDRESS
    for ip in attackers:  # every attacker address has spent its hour
        send(ip=ip)
    assert len(codes_to()) == len(attackers) * SENDS_PER_PHONE_ADDRESS

    send()  # the owner
    assert PhoneCode.objects.filter(sent_from_ip=OWNER_IP).count() == 1
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=codes_to()[-1]) is True

    # Right after an attacker's request the owner's own is held back, but the attacker's code
    # is on the owner's phone, and proves it.
    age_codes(61 * 60)
    send(ip="192.0.2.99")
    send()
    assert PhoneCode.objects.filter(sent_from_ip=OWNER_IP).count() == 1
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=codes_to()[-1]) is True

    # The attacker spoils the next code with wrong guesses: the owner gets a new one at once.
    age_codes(61)
    send(ip="192.0.2.98")
    spoiled = codes_to()[-1]
    for _ in range(MAX_WRONG_TRIES):
        code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=wrong(spoiled))
    send()
    assert PhoneCode.objects.filter(sent_from_ip=OWNER_IP).count() == 2
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=codes_to()[-1]) is True
    customer.refresh_from_db()
    assert customer.phone_verified_at is not None


def test_wrong_tries_from_one_address_do_not_spoil_a_code_sent_after_them(send):
    send(ip="192.0.2.1")
    first = codes_to()[-1]
    for _ in range(MAX_WRONG_TRIES):
        code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=wrong(first))
    send()
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=codes_to()[-1]) is True


def test_every_usable_code_of_the_phone_works_until_one_is_used(send):
    send(ip="192.0.2.1")
    age_codes(61)
    send(ip="192.0.2.2")
    older, newer = codes_to()
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=older) is True
    assert code_verify(phone=PHONE, purpose=CodePurpose.SIGNUP, code=newer) is False
    assert PhoneCode.objects.filter(used_at__isnull=True).count() == 0


def test_the_sms_is_in_the_language_asked_for(send):
    send(language="zh-hans")
    assert outbox[-1].language == "zh-hans"


@pytest.mark.parametrize(("typed", "expected"), [("123 456", "123456"), ("123-456", "123456"), (" 1 2 3 ", "123")])
def test_normalize_code(typed, expected):
    assert normalize_code(typed) == expected
