"""What a customer said about referrals and offers, and the referral code every customer has."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralChannel(models.TextChoices):
    """Where something the customer said was entered: a referral code, an offers consent."""

    PORTAL = "portal", _("Portal")
    DESK = "desk", _("Service desk")
    PHONE = "phone", _("Phone call")
    API = "api", _("API")


class OffersConsent(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not asked")
    GIVEN = "given", _("Agreed")
    REFUSED = "refused", _("Opted out")


# Letters and digits that cannot be mistaken for one another when read out or typed on a phone.
REFERRAL_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERRAL_CODE_LENGTH = 8


def new_referral_code() -> str:
    """A random referral code: 8 characters of 31, so nearly 10^12 codes; unguessable enough
    that trying codes finds no one, and the database's unique index catches the rare clash."""
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(REFERRAL_CODE_LENGTH))


# 31**8 codes; a multiplier prime to it makes the seeded codes a permutation of the ids.
_CODE_SPACE = len(REFERRAL_ALPHABET) ** REFERRAL_CODE_LENGTH
_SPREAD = 590_872_612_427


def referral_code_for_id(pk: int) -> str:
    """A distinct code for each id below 31**8, spread over the whole code space so that
    neighbouring ids do not read alike: for rows loaded in bulk, where codes cannot be drawn
    and checked one by one (demo/seed/customers.py)."""
    number = (pk * _SPREAD) % _CODE_SPACE
    letters = []
    for _position in range(REFERRAL_CODE_LENGTH):
        number, digit = divmod(number, len(REFERRAL_ALPHABET))
        letters.append(REFERRAL_ALPHABET[digit])
    return "".join(letters)
