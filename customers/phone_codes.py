"""One-time codes sent by SMS: the proof that a visitor holds a phone.

In China a customer's mobile number is their identity. Anyone can type a number, so typing it
proves nothing; receiving a code sent to it does. Signing up, linking a portal account to the
customer the desk already knows, signing in without a password, resetting a password, and
seeing or acting on a request beyond its status all need a code. Nothing a visitor can create
themselves (a request's reference, a registered serial) counts as proof.

The rules:

- A code is 6 digits from ``secrets``, valid ``PHONE_CODE_MINUTES`` (10), for one purpose,
  used once. Only a keyed hash is stored: HMAC-SHA256 by Django's ``salted_hmac`` (keyed by
  ``SECRET_KEY``) over a salt of the row's own, the phone, the purpose and the code, compared in
  constant time. A copy of the table alone cannot be searched for the million possible codes.
- Wrong tries are limited per code: after ``MAX_WRONG_TRIES`` (5) a code is dead. A wrong
  entry counts against every code still usable for that phone and purpose, so guessing gets at
  most 5 tries per code sent, whichever code it aims at.
- The answer to "send me a code" is the same whether or not the number belongs to a customer,
  has an account, or was held back by a limit below: ``code_send`` (notifications/codes.py)
  returns nothing.

Sending limits, and why the owner cannot be locked out with them (no-lock-out rule):

- per address: ``SENDS_PER_ADDRESS`` (20) an hour, whatever the numbers;
- per phone and address: one every ``SEND_GAP`` (60 s) and ``SENDS_PER_PHONE_ADDRESS`` (5) an
  hour. These count only the sends asked from that address, so an attacker asking for codes
  for someone's phone from other addresses spends their own budget, never the owner's;
- per phone, across all addresses: no new code while one sent less than ``SEND_GAP`` ago is
  still usable. This bounds how fast a phone can be flooded with messages, and it never
  stands between the owner and a code: the code it holds back is the one already on the
  owner's phone (every code sent goes to the phone, whoever asked for it), and a code spoiled
  by wrong guesses no longer holds anything back. There is deliberately no hourly ceiling
  per phone across addresses: anyone reaching it could keep the owner from ever getting a code.

A correct code is always accepted: checking one is not rate-limited by address or phone (only
the per-code tries bound guessing), so others' failures never refuse the owner.

Libraries considered: django-otp keeps its devices (and their tokens) on a user, and its SMS
plugins deliver to a user's registered device; our codes prove a phone before any user exists
(sign-up, tracking a request made without an account). django-phone-verify stores the security
code in clear, brings its own SMS backends (Twilio, Nexmo) and JWT session tokens, and has no
per-address limits. Neither fits, so this module uses Django's own primitives
(``django.utils.crypto``). It issues and checks codes; the SMS carrying one is written by the
notifications app like every other message (notifications/codes.py, ``code_send``).
"""

import datetime as dt
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, get_random_string, salted_hmac

from customers.models import Customer
from customers.phone_code_models import CodePurpose, PhoneCode
from customers.services import customer_phone_proven

CODE_LENGTH = 6
CODE_RE = re.compile(r"^\d{6}$")
MAX_WRONG_TRIES = 5
SEND_GAP = dt.timedelta(seconds=60)
SENDS_PER_PHONE_ADDRESS = 5
SENDS_PER_ADDRESS = 20
SEND_WINDOW = dt.timedelta(hours=1)
# Codes still usable for one phone and purpose: at most one new one a minute (the per-phone
# rule above) within their validity, so this many are enough to check.
LIVE_CODES_CHECKED = 20

# The session remembers a phone proven by a code, in E.164: tracking and the account pages read it.
PROVEN_PHONE_SESSION_KEY = "portal_proven_phone"

_HASH_SALT = "customers.phone_codes.PhoneCode"
# Purposes that only make sense for a number with a portal account: the code is sent only then
# (the visitor is told the same either way), so strangers' phones are not sent codes for nothing.
_ACCOUNT_PURPOSES = frozenset({CodePurpose.SIGN_IN, CodePurpose.RESET})


def normalize_code(text: str) -> str:
    """A code as typed, without the spaces or dashes people put in it."""
    return re.sub(r"[\s-]", "", text or "")


def _digest(*, salt: str, phone: str, purpose: str, code: str) -> str:
    return salted_hmac(_HASH_SALT, f"{salt}|{phone}|{purpose}|{code}", algorithm="sha256").hexdigest()


def _hash(*, phone: str, purpose: str, code: str) -> str:
    salt = get_random_string(16)
    return f"{salt}${_digest(salt=salt, phone=phone, purpose=purpose, code=code)}"


def _matches(row: PhoneCode, code: str) -> bool:
    salt, _sep, digest = row.code_hash.partition("$")
    return constant_time_compare(digest, _digest(salt=salt, phone=row.phone, purpose=row.purpose, code=code))


def _usable(now: dt.datetime) -> Q:
    return Q(used_at__isnull=True, expires_at__gt=now, failed_tries__lt=MAX_WRONG_TRIES)


def _held_back(*, phone: str, purpose: str, ip: str | None, now: dt.datetime) -> bool:
    """Whether a limit holds this send back (see the module's docstring)."""
    hour_ago = now - SEND_WINDOW
    from_address = PhoneCode.objects.filter(sent_from_ip=ip) if ip else PhoneCode.objects.filter(sent_from_ip=None)
    if from_address.filter(created_at__gt=hour_ago).count() >= SENDS_PER_ADDRESS:
        return True
    this_phone = from_address.filter(phone=phone, created_at__gt=hour_ago)
    if this_phone.filter(created_at__gt=now - SEND_GAP).exists():
        return True
    if this_phone.count() >= SENDS_PER_PHONE_ADDRESS:
        return True
    return (
        PhoneCode.objects.filter(phone=phone, purpose=purpose, created_at__gt=now - SEND_GAP)
        .filter(_usable(now))
        .exists()
    )


def code_issue(*, phone: str, purpose: str, ip: str | None) -> str | None:
    """A new code for ``phone`` (E.164) and ``purpose``, stored hashed; None when a limit holds
    it back or the purpose needs an account the number does not have (see the module's docstring).

    The code is returned only for the SMS that carries it: the caller sends it in the same
    transaction (notifications/codes.py, ``code_send``), and nothing else may see it."""
    now = timezone.now()
    ip = ip or None
    if purpose in _ACCOUNT_PURPOSES and not Customer.objects.filter(phone=phone, user__isnull=False).exists():
        return None
    if _held_back(phone=phone, purpose=purpose, ip=ip, now=now):
        return None
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))
    PhoneCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=_hash(phone=phone, purpose=purpose, code=code),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.PHONE_CODE_MINUTES),
        sent_from_ip=ip,
    )
    return code


@transaction.atomic
def code_verify(*, phone: str, purpose: str, code: str) -> bool:
    """Whether ``code`` is a usable code sent to ``phone`` for ``purpose``.

    A right code is used up, with every other code of that phone and purpose, and the
    customer with that phone (if any) is marked as having proven it now. A wrong one counts a
    wrong try against each usable code; a code with ``MAX_WRONG_TRIES`` wrong tries is dead.
    Every usable code is compared (in constant time), so the time taken does not say which."""
    code = normalize_code(code)
    if not CODE_RE.match(code):
        return False
    now = timezone.now()
    live = list(
        PhoneCode.objects.select_for_update()
        .filter(_usable(now), phone=phone, purpose=purpose)
        .order_by("-created_at", "-id")[:LIVE_CODES_CHECKED]
    )
    matched = [row for row in live if _matches(row, code)]
    ids = [row.pk for row in live]
    if not matched:
        if ids:
            PhoneCode.objects.filter(pk__in=ids).update(failed_tries=F("failed_tries") + 1)
        return False
    PhoneCode.objects.filter(pk__in=ids).update(used_at=now)
    customer_phone_proven(phone=phone, at=now)
    return True


def code_sent_context() -> dict:
    """What a page shows after "send me a code": the same whatever happened to the send."""
    return {"code_sent": True, "code_minutes": settings.PHONE_CODE_MINUTES}


def proven_phone(request: HttpRequest) -> str | None:
    """The phone (E.164) this visitor proved with a code in this session, if any."""
    phone = request.session.get(PROVEN_PHONE_SESSION_KEY)
    return phone if isinstance(phone, str) and phone else None


def remember_proven_phone(request: HttpRequest, phone: str) -> None:
    """Remember in the session that this visitor proved ``phone``. The session gets a new key
    first, so a session id planted before the proof is worth nothing after it."""
    request.session.cycle_key()
    request.session[PROVEN_PHONE_SESSION_KEY] = phone
