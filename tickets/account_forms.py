"""Portal account forms: sign up, sign in, claim a request (issue 4, point 5).

They parse and check what was typed; the customers services create and link accounts. A
phone number alone never opens someone's data: anyone could type someone else's number.
"""

import re

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aftersales.roles import roles_of
from customers.models import Customer, ProductUnit
from customers.phones import try_normalize_phone
from tickets.forms import PhoneField
from tickets.models import Ticket

REFERENCE_RE = re.compile(r"^AS-(\d{4})-(\d{1,9})$", re.IGNORECASE)

TOO_MANY = _("Too many attempts, try again later.")
ALREADY_HAS_ACCOUNT = _("This phone number already has an account: sign in.")
BAD_LOGIN = _("The phone number or email and the password do not match an account.")
CLAIM_NOT_FOUND = _("We could not find a request with this reference and phone number.")
PROOF_NEEDED = _(
    "We already know this phone number from an earlier request or call. To show that it is yours, enter the "
    "reference of one of your requests or the serial number of one of your registered products."
)
PROOF_WRONG = _("This does not match the requests or products we have for this phone number.")


def normalize_reference(text: str) -> str | None:
    """A reference as stored (``AS-2026-000123``), however it was typed; None when it is not one."""
    match = REFERENCE_RE.match((text or "").strip())
    if match is None:
        return None
    year, number = match.groups()
    return f"AS-{year}-{int(number):06d}"


def proof_matches(customer: Customer, proof: str) -> bool:
    """Whether ``proof`` is the reference of one of the customer's requests or the serial of one
    of their products. Both are looked up every time, among this customer's rows only, so the
    answer and its timing say nothing about other customers' references."""
    text = (proof or "").strip()
    reference = normalize_reference(text) or text.upper()
    has_ticket = Ticket.objects.filter(customer=customer, reference=reference).exists()
    has_unit = ProductUnit.objects.filter(owner=customer, serial__iexact=text).exists()
    return has_ticket or has_unit


def is_portal_customer(user: AbstractBaseUser) -> bool:
    """A login the portal accepts: linked to a customer and holding no staff role. Staff sign
    in at the desk, so a desk session never carries into the portal."""
    if not user.is_active or user.is_staff or user.is_superuser or roles_of(user):
        return False
    try:
        user.customer  # noqa: B018 - loads and caches the linked customer
    except Customer.DoesNotExist:
        return False
    return True


def login_name(text: str) -> str:
    """The username an entered phone number or email signs in as. A phone in any format is
    its E.164 form; an email is the portal account that carries it. Unknown input is passed on
    as typed, so the password check (and its timing) still happens and simply fails."""
    text = (text or "").strip()
    if "@" in text:
        usernames = list(
            get_user_model()
            .objects.filter(email__iexact=text, customer__isnull=False)
            .values_list("username", flat=True)[:2]
        )
        return usernames[0] if len(usernames) == 1 else text
    return try_normalize_phone(text) or text


class LimitedForm(forms.Form):
    """A form that refuses to check anything while its sender is over the rate limit."""

    def __init__(self, *args, limited: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.limited = limited

    def clean(self):
        if self.limited:
            raise ValidationError(TOO_MANY, code="limited")
        return super().clean()


class SignupForm(LimitedForm):
    phone = PhoneField(
        label=_("Mobile phone"),
        help_text=_("You sign in with this number."),
        error_messages={"required": _("Enter your mobile phone number.")},
    )
    name = forms.CharField(label=_("Your name"), max_length=120, error_messages={"required": _("Enter your name.")})
    email = forms.EmailField(label=_("Email (optional)"), required=False, help_text=_("You can sign in with it too."))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again.")},
    )
    proof = forms.CharField(
        label=_("Reference of one of your requests, or serial number of one of your products"),
        max_length=64,
        required=False,
        help_text=_("The reference looks like AS-2026-000123; the serial number is on the product's label."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs["autocomplete"] = "username"
        # The customer the phone number belongs to, when the desk knows them already.
        self.customer: Customer | None = None
        self.needs_proof = bool(self.data.get("proof"))

    def clean(self):
        data = super().clean()
        phone = data.get("phone")
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            user = get_user_model()(
                username=phone or "", email=data.get("email") or "", first_name=(data.get("name") or "")[:150]
            )
            try:
                password_validation.validate_password(password1, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        if not phone:
            return data
        customer = Customer.objects.filter(phone=phone).first()
        if customer is None:
            return data
        if customer.user_id is not None:
            self.add_error("phone", ALREADY_HAS_ACCOUNT)
            return data
        self.customer = customer
        self.needs_proof = True
        if not (data.get("proof") or "").strip():
            self.add_error("proof", PROOF_NEEDED)
        elif not proof_matches(customer, data["proof"]):
            self.add_error("proof", PROOF_WRONG)
        return data


class LoginForm(LimitedForm):
    username = forms.CharField(
        label=_("Mobile phone or email"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        error_messages={"required": _("Enter your mobile phone number or email.")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password.")},
    )

    def __init__(self, request: HttpRequest, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.user: AbstractBaseUser | None = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        user = authenticate(self.request, username=login_name(data["username"]), password=data["password"])
        # Staff, and logins with no customer behind them, get the same answer as a wrong password.
        if user is None or not is_portal_customer(user):
            raise ValidationError(BAD_LOGIN, code="invalid_login")
        self.user = user
        return data


class ClaimForm(LimitedForm):
    """Add a request made without signing in to the account: only a request of the account's
    own customer, named by its reference and the phone it was made with."""

    reference = forms.CharField(
        label=_("Request reference"),
        max_length=30,
        error_messages={"required": _("Enter the reference, e.g. AS-2026-000123.")},
    )
    phone = PhoneField(
        label=_("Mobile phone"),
        help_text=_("The number the request was made with."),
        error_messages={"required": _("Enter your mobile phone number.")},
    )

    def __init__(self, *args, customer: Customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.ticket: Ticket | None = None

    def clean_reference(self) -> str:
        reference = normalize_reference(self.cleaned_data["reference"])
        if reference is None:
            raise ValidationError(_("Enter the reference as it was given to you, e.g. AS-2026-000123."))
        return reference

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        # One lookup whatever was wrong: the reference, the phone or the owner.
        ticket = Ticket.objects.filter(customer=self.customer, reference=data["reference"]).first()
        if ticket is None or data["phone"] != self.customer.phone:
            raise ValidationError(CLAIM_NOT_FOUND, code="not_found")
        self.ticket = ticket
        return data
