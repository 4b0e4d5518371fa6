"""Referrals: a customer's referral code carried by a new customer, and the one write path of it
(docs/referrals.md).

Every customer has a referral code (``Customer.referral_code``) to give friends. A *new*
customer, or their first request, may carry one: the portal's request form, the desk's new
ticket, the customers API. "New" means the customer has no ticket and no registered product
yet when the code is recorded, which is always true of a customer created in the same request
(the callers record the code before the request's product and ticket are written). A referral is
recorded once and never changed.

A code is a key someone may try to guess, so it reveals nothing about its owner: an unknown
code, one's own code, and a customer who cannot take one (already referred, or not new) all
get the same message, and no name or phone is ever shown for a code. Trying codes costs the
public form's rate limit (portal/views.py).
"""

import unicodedata

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from customers.referral_choices import REFERRAL_ALPHABET, REFERRAL_CODE_LENGTH, ReferralChannel
from customers.services import entered_by_staff

# One message for every refusal, so that trying codes tells nothing about who owns one.
CODE_REFUSED = _("This referral code cannot be used here. Check the code, or leave the field empty.")
# Where only staff enter a code for the customer; on the portal and the API the customer may.
STAFF_CHANNELS = frozenset({ReferralChannel.DESK, ReferralChannel.PHONE})
# A rating at or above this invites the customer to refer friends (a satisfied customer, 4–5 of 5).
INVITE_AT_LEAST = 4
# Separators people type or phones insert when a code is read out or copied.
SEPARATORS = frozenset(" -_.·/\u3000\u2010\u2011\u2012\u2013\u2014\u30fb")
# Letters of other scripts that look like the code's Latin letters (a phone keyboard in Russian or
# Greek mode, a code copied from a message in another script): read as the letter they look like.
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "Р": "P", "С": "C", "Т": "T",
        "Х": "X", "У": "Y", "Ѕ": "S", "Ј": "J", "Ԛ": "Q", "Ԝ": "W", "З": "3", "Ч": "4", "Б": "6",
        # Greek
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Κ": "K", "Μ": "M", "Ν": "N", "Ρ": "P",
        "Τ": "T", "Υ": "Y", "Χ": "X",
    }
)  # fmt: skip


def normalize_referral_code(value: str) -> str | None:
    """The code as stored, or None when ``value`` cannot be a code. Full-width characters (a
    Chinese input method) become ASCII, case and separators are ignored, and lookalike letters of
    other scripts are read as the Latin letter. The alphabet has no 0, 1, I or O, so those are
    never a code's characters and are not guessed at."""
    text = unicodedata.normalize("NFKC", value or "").upper()
    code = "".join(char for char in text if char not in SEPARATORS).translate(CONFUSABLES)
    if len(code) != REFERRAL_CODE_LENGTH or any(char not in REFERRAL_ALPHABET for char in code):
        return None
    return code


def _refused() -> ValidationError:
    return ValidationError({"referral_code": CODE_REFUSED})


def has_history(customer: Customer) -> bool:
    """Whether the customer already has a ticket or a registered product (with any provider)."""
    return (
        Customer._base_manager.filter(pk=customer.pk).filter(Q(tickets__isnull=False) | Q(units__isnull=False)).exists()
    )


@transaction.atomic
def referral_record(*, customer: Customer, code: str, channel: str, by: AbstractBaseUser | None) -> Customer:
    """Record that ``customer`` was referred by the owner of ``code``, entered on ``channel``.

    Refused, with the one field error on ``referral_code`` and nothing written, when the code is
    no customer's, is the customer's own, or the customer already has a referrer or is not new
    (a ticket or product on record). The referrer is found whatever provider serves them (a
    code works across the network). Staff enter codes at the desk or on the phone; on the portal
    and the API the customer may enter their own (``by`` None). Callers record the code
    before writing the request's product and ticket, in the same transaction, so a refusal
    leaves nothing saved.
    """
    if channel not in ReferralChannel.values:
        raise ValidationError({"referral_channel": _("Choose where the referral code was entered.")})
    if channel in STAFF_CHANNELS and not entered_by_staff(by):
        raise PermissionDenied
    normalized = normalize_referral_code(code)
    if normalized is None:
        raise _refused()
    customer = Customer._base_manager.select_for_update().get(pk=customer.pk)
    referrer = Customer._base_manager.filter(referral_code=normalized).only("pk").first()
    if referrer is None or referrer.pk == customer.pk or customer.referred_by_id is not None or has_history(customer):
        raise _refused()
    customer.referred_by = referrer
    customer.referred_at = timezone.now()
    customer.referral_channel = channel
    customer.save(update_fields=["referred_by", "referred_at", "referral_channel", "updated_at"])
    return customer


def invites_referrals(*, score: int | None, raised_complaint: bool = False) -> bool:
    """Whether a rating is good enough to invite the customer to refer friends: 4 or 5, no
    complaint. A low rating never carries the invitation."""
    return not raised_complaint and score is not None and score >= INVITE_AT_LEAST


def referral_invitation(code: str) -> str:
    """The short invitation shown with the customer's own code, in the active language."""
    return gettext("Your referral code is %(code)s: give it to friends, they enter it when they request service.") % {
        "code": code
    }
