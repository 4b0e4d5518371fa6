"""Phone numbers: one normal form, so a caller is found whatever way the number is typed.

Pure: no ORM, no settings. Numbers are stored in E.164 (``+8613812345678``); a number
typed without a country code is read as a number of ``default_region``.
"""

import phonenumbers
from django.utils.translation import gettext as _

DEFAULT_REGION = "CN"


class InvalidPhone(ValueError):
    """The text is not a valid phone number; ``str(exc)`` says why in the user's language."""


def normalize_phone(raw: str, default_region: str = DEFAULT_REGION) -> str:
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone(_("Enter a phone number."))
    if any(ch.isalpha() for ch in text):
        raise InvalidPhone(_("A phone number contains digits only."))
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(_("This is not a phone number.")) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(_("This phone number is not valid: check the digits and the country code."))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def try_normalize_phone(raw: str, default_region: str = DEFAULT_REGION) -> str | None:
    """The normal form, or None when the text is not a phone number (for search boxes)."""
    try:
        return normalize_phone(raw, default_region)
    except InvalidPhone:
        return None


def display_phone(e164: str) -> str:
    """National format for numbers of the default region, international for the rest."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(parsed) == DEFAULT_REGION:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
