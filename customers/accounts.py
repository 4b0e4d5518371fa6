"""Portal accounts of customers: the login created with a new customer or linked to a known
one, proven by a code sent to the phone, its password; and the ways a customer types their
login name (a phone in any format, or the account's email). Their records are written by
customers/services.py."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.phones import try_normalize_phone
from customers.services import customer_create


def customer_login_name(text: str) -> str | None:
    """The username a customer's login signs in as, or None when ``text`` is not one: a phone in
    any format is its E.164 form, an email is the portal account that carries it (when exactly
    one does). Registered with aftersales/logins.py, which every sign-in asks."""
    if "@" in text:
        usernames = list(
            get_user_model()
            .objects.filter(email__iexact=text, customer__isnull=False)
            .values_list("username", flat=True)[:2]
        )
        return usernames[0] if len(usernames) == 1 else None
    return try_normalize_phone(text)


def _portal_user_create(*, phone: str, name: str, email: str, password: str | None) -> AbstractBaseUser:
    """The login of a portal account: its username is the customer's phone in E.164, and an
    email, when given, belongs to one account only, so either signs in. It has no staff role,
    so the desk refuses it (docs/threat-model.md). Without a password the account is reached
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
