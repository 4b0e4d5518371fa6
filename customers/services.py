"""Writes for customers' records: create, correct, the rule of the preferred channel, the phone
proven; and the catalogue's warranty policies (docs/architecture.md#house-rules). Product units are
written by customers/units.py, portal accounts by customers/accounts.py, message preferences by
customers/preferences.py."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales import table_memo
from aftersales.roles import roles_of
from customers.models import Channel, Customer, WarrantyPolicy
from customers.phones import InvalidPhone, normalize_phone
from customers.referral_choices import new_referral_code
from customers.selectors import customer_with_phone

# A new referral code is drawn when one is taken; three taken in a row would mean the codes ran out.
REFERRAL_CODE_DRAWS = 3


def entered_by_staff(by: AbstractBaseUser | None) -> bool:
    """Whether ``by`` is a staff member (any role): what they enter about a customer is taken as
    confirmed. ``None`` is the customer themselves or an anonymous visitor."""
    return by is not None and by.is_authenticated and bool(roles_of(by))


def customer_create(
    *,
    name: str,
    phone: str,
    email: str = "",
    address: str = "",
    region: str = "",
    preferred_language: str = "zh-hans",
    preferred_channel: str = Channel.SMS,
    optional_messages: bool = True,
    representative: AbstractBaseUser | None = None,
    by: AbstractBaseUser | None = None,
    phone_is_new: bool = False,
) -> Customer:
    """Create a customer. The mobile phone is the identity: one customer per number, never two.

    An email a staff member (``by``) entered is confirmed and receives messages; one typed on a
    public form or at sign-up (``by`` None) is kept unconfirmed, so nothing is sent to it until
    staff or the customer, having proven the phone, confirm it (``email_verified``).

    ``phone_is_new``: the caller has just looked the number up in this transaction and found
    nobody, so it is not looked up again; the unique phone still refuses a customer created
    with the same number meanwhile, with the same field error. The preferred channel is email
    only with a confirmed email.
    """
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = _("Enter the customer's name.")
    try:
        normalized = normalize_phone(phone)
    except InvalidPhone as exc:
        errors["phone"] = str(exc)
        normalized = ""
    if normalized and not phone_is_new and Customer._base_manager.filter(phone=normalized).exists():
        errors["phone"] = _("A customer with this phone number already exists.")
    email_confirmed = bool((email or "").strip()) and entered_by_staff(by)
    if preferred_channel == Channel.EMAIL and not email_confirmed:
        errors["preferred_channel"] = email_channel_error()
    if errors:
        raise ValidationError(errors)
    customer = Customer(
        name=name.strip(),
        phone=normalized,
        referral_code=new_referral_code(),
        email=(email or "").strip(),
        email_verified=email_confirmed,
        address=(address or "").strip(),
        region=(region or "").strip(),
        preferred_language=preferred_language,
        preferred_channel=preferred_channel,
        optional_messages=optional_messages,
        representative=representative,
    )
    # The referral code is random and the unique index catches the rare clash: no query to look
    # for it first; a clash draws another code.
    customer.full_clean(exclude=["phone", "referral_code"])
    for _attempt in range(REFERRAL_CODE_DRAWS):
        try:
            with transaction.atomic():
                customer.save()
        except IntegrityError as exc:
            if not Customer._base_manager.filter(referral_code=customer.referral_code).exists():
                # A concurrent create with the same number won the race.
                raise ValidationError({"phone": _("A customer with this phone number already exists.")}) from exc
            customer.referral_code = new_referral_code()
        else:
            return customer
    raise IntegrityError("no free referral code")


# What staff may correct on a customer record; the portal account and the dates are not among them.
CUSTOMER_EDITABLE = frozenset(
    {"name", "phone", "email", "address", "region", "preferred_language", "preferred_channel", "optional_messages"}
)
# Fields that are not text: taken as given, never stripped.
NOT_TEXT = frozenset({"phone", "optional_messages"})


def email_channel_error() -> str:
    return _("Messages go by email only to a confirmed email address: enter the email, or choose SMS.")


def check_channel(customer: Customer, channel_chosen: bool) -> str | None:
    """The rule of the preferred channel: email only to a confirmed address (nothing goes to an
    address nobody proved). A channel chosen now with no confirmed email is an error; an email
    preference left without a confirmed address (the email was emptied, or changed by someone
    who cannot confirm it) falls back to SMS, which ``customer_channel`` would use anyway."""
    if customer.preferred_channel != Channel.EMAIL or (customer.email and customer.email_verified):
        return None
    if channel_chosen:
        return email_channel_error()
    customer.preferred_channel = Channel.SMS
    return None


@transaction.atomic
def customer_update(*, customer: Customer, changes: dict[str, str | bool], by: AbstractBaseUser | None) -> Customer:
    """Correct a customer's details; only the fields named in ``changes`` change.

    The phone stays the identity: normalised, and never the number of another customer. A
    customer with a portal account signs in with their phone, so the account's login name
    follows the new number (and may not be another account's).

    An email a staff member (``by``) enters, new or the same, is confirmed; a changed email
    from anyone else is unconfirmed until staff or the proven customer confirm it; an emptied
    email is unconfirmed. The preferred channel is email only with a confirmed email (chosen
    without one: a field error; left without one: back to SMS). ``optional_messages`` is
    whether the customer receives reminders and offers; messages about requests always go.
    """
    unknown = set(changes) - CUSTOMER_EDITABLE
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Customer._base_manager.select_for_update().get(pk=customer.pk)
    errors: dict[str, str] = {}
    if "name" in changes and not (changes["name"] or "").strip():
        errors["name"] = _("Enter the customer's name.")
    phone = locked.phone
    if "phone" in changes:
        try:
            phone = normalize_phone(changes["phone"])
        except InvalidPhone as exc:
            errors["phone"] = str(exc)
        else:
            taken = Customer._base_manager.filter(phone=phone).exclude(pk=locked.pk).exists()
            login_taken = (
                locked.user_id is not None
                and get_user_model().objects.filter(username=phone).exclude(pk=locked.user_id).exists()
            )
            if taken or login_taken:
                errors["phone"] = _("A customer with this phone number already exists.")
    if errors:
        raise ValidationError(errors)
    previous_email = locked.email
    for field, value in changes.items():
        if field == "phone":
            value = phone
        elif field not in NOT_TEXT:
            value = (value or "").strip()
        setattr(locked, field, value)
    fields = [*changes]
    if "email" in changes:
        locked.email_verified = bool(locked.email) and (
            entered_by_staff(by) or (locked.email == previous_email and locked.email_verified)
        )
        fields.append("email_verified")
    channel_error = check_channel(locked, channel_chosen="preferred_channel" in changes)
    if channel_error:
        raise ValidationError({"preferred_channel": channel_error})
    if "preferred_channel" not in fields:
        fields.append("preferred_channel")
    locked.full_clean(exclude=["phone", "representative", "referred_by", "user", "referral_code"])
    try:
        with transaction.atomic():
            locked.save(update_fields=[*fields, "updated_at"])
            if "phone" in changes and locked.user_id is not None:
                get_user_model().objects.filter(pk=locked.user_id).update(username=phone)
                table_memo.bump(get_user_model())  # an update sends no signal (aftersales/table_memo.py)
    except IntegrityError as exc:  # a concurrent change took the number
        raise ValidationError({"phone": _("A customer with this phone number already exists.")}) from exc
    return locked


@dataclass(frozen=True)
class Contact:
    """Who a visitor says they are, as typed on a public form (or taken from a signed-in
    customer's record): the phone is the identity, the rest is what they typed."""

    name: str
    phone: str
    email: str = ""
    address: str = ""
    region: str = ""
    language: str = "zh-hans"


def customer_for_contact(contact: Contact) -> Customer:
    """The customer who owns the phone number; a new one only when nobody does.

    Typing a phone number proves nothing, so a public form never changes what is stored about a
    known customer, not even a detail the record lacks: what was typed is kept on the request
    and offered to the desk (tickets/submitted_contact.py). A new customer gets the typed
    details, but their email stays unconfirmed (``by`` None) and receives nothing until staff
    or the customer, having proven the phone, confirm it."""
    customer = customer_with_phone(contact.phone)
    if customer is not None:
        return customer
    return customer_create(
        name=contact.name,
        phone=contact.phone,
        email=contact.email,
        address=contact.address,
        region=contact.region,
        preferred_language=contact.language,
        by=None,
        phone_is_new=True,
    )


def customer_phone_proven(*, phone: str, at: dt.datetime) -> None:
    """The holder of ``phone`` (E.164) proved it ``at`` with a code sent to it
    (customers/phone_codes.py): the customer with that number, if any, is marked so."""
    Customer._base_manager.filter(phone=phone).update(phone_verified_at=at)


def customer_admin_save(*, customer: Customer, changed: Collection[str]) -> Customer:
    """Save a customer record an administrator edited in the admin (``changed``: the fields
    they changed). An email they type is entered by staff: confirmed, as at the desk and in the
    API, unless they untick "email confirmed" themselves; no email is never confirmed."""
    if "email" in changed and "email_verified" not in changed:
        customer.email_verified = bool(customer.email)
    if not customer.email:
        customer.email_verified = False
    customer.save()
    return customer


@transaction.atomic
def policy_publish(*, policy: WarrantyPolicy, by: AbstractBaseUser | None) -> WarrantyPolicy:
    """Save ``policy`` as its category's next version. Earlier versions are never changed:
    every claim names the version it was decided under (docs/three-guarantees.md#policies-and-their-versions)."""
    latest = (
        WarrantyPolicy.objects.select_for_update()
        .filter(category=policy.category)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    policy.pk = None
    policy.version = (latest or 0) + 1
    policy.created_by = by if by is not None and by.is_authenticated else None
    policy.save()
    return policy
