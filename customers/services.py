"""Writes for customers and their product units (STYLE.md: services write)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.roles import roles_of
from customers.models import Channel, Customer, ProductModel, ProductUnit, WarrantyPolicy
from customers.phones import InvalidPhone, normalize_phone
from customers.selectors import policy_in_force
from customers.warranty_periods import add_months, warranty_start


def entered_by_staff(by: AbstractBaseUser | None) -> bool:
    """Whether ``by`` is a staff member (any role): what they enter about a customer is taken as
    confirmed. ``None`` is the customer themselves or an anonymous visitor."""
    return by is not None and by.is_authenticated and bool(roles_of(by))


def _phone_or_error(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except InvalidPhone as exc:
        raise ValidationError({"phone": str(exc)}) from exc


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
    referred_by: Customer | None = None,
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
    if normalized and not phone_is_new and Customer.objects.filter(phone=normalized).exists():
        errors["phone"] = _("A customer with this phone number already exists.")
    email_confirmed = bool((email or "").strip()) and entered_by_staff(by)
    if preferred_channel == Channel.EMAIL and not email_confirmed:
        errors["preferred_channel"] = email_channel_error()
    if errors:
        raise ValidationError(errors)
    customer = Customer(
        name=name.strip(),
        phone=normalized,
        email=(email or "").strip(),
        email_verified=email_confirmed,
        address=(address or "").strip(),
        region=(region or "").strip(),
        preferred_language=preferred_language,
        preferred_channel=preferred_channel,
        optional_messages=optional_messages,
        representative=representative,
        referred_by=referred_by,
    )
    customer.full_clean(exclude=["phone"])
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:  # a concurrent create with the same number won the race
        raise ValidationError({"phone": _("A customer with this phone number already exists.")}) from exc
    return customer


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
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
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
            taken = Customer.objects.filter(phone=phone).exclude(pk=locked.pk).exists()
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
    locked.full_clean(exclude=["phone", "representative", "referred_by", "user"])
    try:
        with transaction.atomic():
            locked.save(update_fields=[*fields, "updated_at"])
            if "phone" in changes and locked.user_id is not None:
                get_user_model().objects.filter(pk=locked.user_id).update(username=phone)
    except IntegrityError as exc:  # a concurrent change took the number
        raise ValidationError({"phone": _("A customer with this phone number already exists.")}) from exc
    return locked


def compute_unit_warranty(unit: ProductUnit) -> None:
    """Set the derived warranty start and end of ``unit`` from the policy in force when its
    warranty started (the whole-unit period; DESIGN.md section 5)."""
    category = unit.model.category
    # A replacement unit's periods restart on the day it was handed over.
    start = unit.replacement_date or warranty_start(
        category.warranty_start_basis,
        invoice_date=unit.invoice_date,
        delivery_date=unit.delivery_date,
        installation_date=unit.installation_date,
    )
    policy = policy_in_force(category.pk, start)
    unit.warranty_start = start
    unit.warranty_end = add_months(start, policy.whole_unit_months) if start and policy else None


def unit_register(
    *,
    owner: Customer,
    model: ProductModel | None,
    serial: str,
    batch: str = "",
    invoice_date: dt.date | None = None,
    delivery_date: dt.date | None = None,
    installation_date: dt.date | None = None,
    dealer: str = "",
    price: Decimal | None = None,
    has_invoice: bool = False,
    has_warranty_card: bool = False,
    manufacture_date: dt.date | None = None,
    replacement_date: dt.date | None = None,
    today: dt.date | None = None,
    by: AbstractBaseUser | None = None,
    serial_is_new: bool = False,
) -> ProductUnit:
    """Register a product unit for its owner and derive its warranty period.

    A serial is unique per model; dates cannot lie in the future; delivery and installation
    cannot precede the invoice. ``serial_is_new``: the caller has just looked this model and
    serial up in this transaction and found none, so they are not looked up again.
    """
    today = today or timezone.localdate()
    serial = (serial or "").strip()
    errors: dict[str, str] = {}
    if model is None:
        errors["model"] = _("Choose a known product model.")
    if not serial:
        errors["serial"] = _("Enter the serial number.")
    elif (
        model is not None
        and not serial_is_new
        and ProductUnit.objects.filter(model=model, serial__iexact=serial).exists()
    ):
        errors["serial"] = _("A unit of this model with this serial number is already registered.")
    for field, value in (
        ("invoice_date", invoice_date),
        ("delivery_date", delivery_date),
        ("installation_date", installation_date),
        ("manufacture_date", manufacture_date),
        ("replacement_date", replacement_date),
    ):
        if value and value > today:
            errors[field] = _("This date is in the future.")
    if invoice_date and delivery_date and delivery_date < invoice_date and "delivery_date" not in errors:
        errors["delivery_date"] = _("Delivery cannot be before the invoice date.")
    if invoice_date and installation_date and installation_date < invoice_date and "installation_date" not in errors:
        errors["installation_date"] = _("Installation cannot be before the invoice date.")
    if price is not None and price < 0:
        errors["price"] = _("The price cannot be negative.")
    if errors:
        raise ValidationError(errors)
    unit = ProductUnit(
        owner=owner,
        model=model,
        serial=serial,
        batch=(batch or "").strip(),
        invoice_date=invoice_date,
        delivery_date=delivery_date,
        installation_date=installation_date,
        dealer=(dealer or "").strip(),
        price=price,
        has_invoice=has_invoice,
        has_warranty_card=has_warranty_card,
        manufacture_date=manufacture_date,
        replacement_date=replacement_date,
    )
    compute_unit_warranty(unit)
    # The columns' own limits (lengths, digits): a field error, not a database error.
    unit.full_clean(exclude=["owner", "model", "replaced_by"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"serial": _("A unit of this model with this serial number is already registered.")}
        ) from exc
    return unit


@transaction.atomic
def policy_publish(*, policy: WarrantyPolicy, by: AbstractBaseUser | None) -> WarrantyPolicy:
    """Save ``policy`` as its category's next version. Earlier versions are never changed:
    every claim names the version it was decided under (DESIGN.md section 5)."""
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


def _portal_user_create(*, phone: str, name: str, email: str, password: str | None) -> AbstractBaseUser:
    """The login of a portal account: its username is the customer's phone in E.164, and an
    email, when given, belongs to one account only, so either signs in. It has no staff role,
    so the desk refuses it (DESIGN.md section 8). Without a password the account is reached
    only with a code sent to the phone."""
    User = get_user_model()
    user = User(username=phone, email=email, first_name=name[:150])
    errors: dict[str, list] = {}
    if User.objects.filter(username=phone).exists():
        errors["phone"] = [_("This phone number already has an account: sign in.")]
    if email and User.objects.filter(email__iexact=email, customer__isnull=False).exists():
        errors["email"] = [_("This email address is already used by another account.")]
    if password:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            errors["password"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent sign-up with the same number won the race
        raise ValidationError({"phone": _("This phone number already has an account: sign in.")}) from exc
    return user


@transaction.atomic
def customer_account_create(
    *, name: str, phone: str, email: str = "", password: str | None = None, preferred_language: str = "zh-hans"
) -> Customer:
    """A new customer signs up on the portal, having proven their phone with a code sent to it
    (customers/phone_codes.py): the customer and their login are created and linked in one
    transaction, marked as proven. The phone is the identity: an existing customer is never
    created twice. The email typed is theirs but not confirmed: nothing is sent to it until it is."""
    customer = customer_create(name=name, phone=phone, email=email, preferred_language=preferred_language)
    customer.user = _portal_user_create(
        phone=customer.phone, name=customer.name, email=customer.email, password=password
    )
    now = timezone.now()
    customer.phone_verified_at = customer.account_verified_at = now
    customer.email_verified = False
    customer.save(update_fields=["user", "phone_verified_at", "account_verified_at", "email_verified", "updated_at"])
    return customer


@transaction.atomic
def customer_account_link(*, customer: Customer, email: str = "", password: str | None = None) -> Customer:
    """Give a customer the desk already knows (an earlier request, a phone call) a portal login.

    The caller has checked a code sent to the customer's phone: the phone number alone, a
    request's reference or a product's serial are no proof, since anyone can create those
    with someone else's number. The customer's recorded name is kept; an email fills the
    record only when it has none, unconfirmed.
    """
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.user_id is not None:
        raise ValidationError({"phone": _("This phone number already has an account: sign in.")})
    email = (email or "").strip()
    locked.user = _portal_user_create(phone=locked.phone, name=locked.name, email=email, password=password)
    locked.phone_verified_at = locked.account_verified_at = timezone.now()
    fields = ["user", "phone_verified_at", "account_verified_at", "updated_at"]
    if email and not locked.email:
        locked.email = email
        locked.email_verified = False
        fields += ["email", "email_verified"]
    locked.save(update_fields=fields)
    return locked


@transaction.atomic
def customer_account_prove(*, customer: Customer) -> Customer:
    """The holder of a portal account linked before codes existed proved the phone with a code:
    the account is now proven. Its password, set by whoever made the link, stops working, so
    a link made by someone else is closed to them; the owner sets a new one by code."""
    locked = Customer.objects.select_for_update(of=("self",)).select_related("user").get(pk=customer.pk)
    if locked.account_verified_at is not None or locked.user is None:
        return locked
    locked.user.set_unusable_password()
    locked.user.save(update_fields=["password"])
    locked.account_verified_at = locked.phone_verified_at = timezone.now()
    locked.save(update_fields=["account_verified_at", "phone_verified_at", "updated_at"])
    return locked


@transaction.atomic
def customer_password_set(*, customer: Customer, password: str) -> Customer:
    """A customer who proved their phone with a code chooses a new portal password. The account
    is then proven, whatever it was before."""
    locked = Customer.objects.select_for_update(of=("self",)).select_related("user").get(pk=customer.pk)
    user = locked.user
    if user is None:
        raise ValidationError({"phone": _("This phone number has no account yet: create one.")})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    locked.account_verified_at = locked.phone_verified_at = timezone.now()
    locked.save(update_fields=["account_verified_at", "phone_verified_at", "updated_at"])
    return locked
