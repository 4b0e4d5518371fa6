"""customers/phones.py: one normal form for every way a number is typed. No database."""

import pytest

from customers.phones import InvalidPhone, display_phone, normalize_phone, try_normalize_phone

ENTER = "Enter a phone number."
DIGITS_ONLY = "A phone number contains digits only."
NOT_A_NUMBER = "This is not a phone number."
NOT_VALID = "This phone number is not valid: check the digits and the country code."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Chinese mobiles, however the caller or agent typed them.
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("(138) 1234-5678", "+8613812345678"),
        ("  13812345678  ", "+8613812345678"),
        ("+8613812345678", "+8613812345678"),
        ("+86 138 1234 5678", "+8613812345678"),
        ("+86-138-1234-5678", "+8613812345678"),
        ("008613812345678", "+8613812345678"),
        ("0086 138 1234 5678", "+8613812345678"),
        ("86 138 1234 5678", "+8613812345678"),
        ("8613812345678", "+8613812345678"),
        ("１３８１２３４５６７８", "+8613812345678"),  # full-width digits from a Chinese IME
        ("15012345678", "+8615012345678"),
        ("199 1234 5678", "+8619912345678"),
        # Landlines: the trunk 0 goes, the area code stays.
        ("010 1234 5678", "+861012345678"),
        ("010-12345678", "+861012345678"),
        ("+86 10 1234 5678", "+861012345678"),
        ("021-6123 4567", "+862161234567"),
        ("0532 8888 8888", "+8653288888888"),
        # Foreign numbers keep their own country code.
        ("+1 650 253 0000", "+16502530000"),
        ("001 650 253 0000", "+16502530000"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+852 2123 4567", "+85221234567"),
    ],
)
def test_normalize_phone_returns_e164(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", ENTER),
        ("   ", ENTER),
        (None, ENTER),
        ("abc", DIGITS_ONLY),
        ("138x1234x5678", DIGITS_ONLY),
        ("tel:13812345678", DIGITS_ONLY),
        ("+86 138 1234 5678 ext 12", DIGITS_ONLY),
        ("+", NOT_A_NUMBER),
        ("+86", NOT_A_NUMBER),
        ("+999 1234", NOT_A_NUMBER),
        ("13812345678#", NOT_A_NUMBER),
        ("12345", NOT_VALID),
        ("1381234567", NOT_VALID),  # one digit short
        ("138123456789", NOT_VALID),  # one digit too many
        ("+86 138 1234 56789", NOT_VALID),
        ("23812345678", NOT_VALID),  # no Chinese mobile starts with 2
        ("12312345678", NOT_VALID),  # nor with 123
    ],
)
def test_normalize_phone_rejects(raw, message):
    with pytest.raises(InvalidPhone) as excinfo:
        normalize_phone(raw)
    assert str(excinfo.value) == message


def test_invalid_phone_is_a_value_error():
    assert issubclass(InvalidPhone, ValueError)


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("650 253 0000", "US", "+16502530000"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+86 138 1234 5678", "US", "+8613812345678"),
    ],
)
def test_normalize_phone_reads_numbers_without_country_code_in_the_given_region(raw, region, expected):
    assert normalize_phone(raw, default_region=region) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0086 138-1234-5678", "+8613812345678"),
        ("", None),
        ("abc", None),
        ("12345", None),
    ],
)
def test_try_normalize_phone(raw, expected):
    assert try_normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        # Numbers of the home region in national form, the rest in international form.
        ("+8613812345678", "138 1234 5678"),
        ("+861012345678", "010 1234 5678"),
        ("+862161234567", "021 6123 4567"),
        ("+16502530000", "+1 650-253-0000"),
        ("+442079460958", "+44 20 7946 0958"),
        ("+85221234567", "+852 2123 4567"),
        # Whatever cannot be parsed is shown as stored.
        ("garbage", "garbage"),
        ("", ""),
    ],
)
def test_display_phone(e164, expected):
    assert display_phone(e164) == expected
