"""Portal account forms: sign up, sign in (by code or password), reset the password, claim a request.

They parse and check what was typed; the customers services create and link accounts. A phone
number alone never opens someone's data (anyone can type it), nor does anything a visitor can
create with it themselves (a request's reference, a registered serial): only a code sent to the
phone by SMS proves it (customers/phone_codes.py). A form checks everything else first and the
code last, so a typo elsewhere does not use up the code.
"""

import re

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aftersales.logins import login_name
from customers.models import Customer
from customers.phone_code_models import CodePurpose
from customers.phone_codes import CODE_RE, code_verify, normalize_code
from portal.access import is_portal_customer
from tickets.forms import PhoneField
from tickets.models import Ticket

REFERENCE_RE = re.compile(r"^AS-(\d{4})-(\d{1,9})$", re.IGNORECASE)

TOO_MANY = _("Too many attempts, try again later.")
ALREADY_HAS_ACCOUNT = _("This phone number already has an account: sign in.")
BAD_LOGIN = _("The phone number or email and the password do not match an account.")
CLAIM_NOT_FOUND = _("We could not find a request with this reference and phone number.")
CODE_WRONG = _("This code is wrong or no longer valid. Check the SMS, or ask for a new code.")
CODE_FORMAT = _("Enter the 6 digits of the code we sent you by SMS.")
NO_ACCOUNT = _("This phone number has no account yet: create one.")
PROVE_FIRST = _(
    "Your account was opened before we checked phone numbers with a code. Sign in once with a code sent to "
    "your phone; then set a new password if you want one."
)


def normalize_reference(text: str) -> str | None:
    """A reference as stored (``AS-2026-000123``), however it was typed; None when it is not one."""
    match = REFERENCE_RE.match((text or "").strip())
    if match is None:
        return None
    year, number = match.groups()
    return f"AS-{year}-{int(number):06d}"


class CodeField(forms.CharField):
    """The 6 digits of a code sent by SMS, with any spaces or dashes typed in them left out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Code from the SMS"))
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("error_messages", {"required": CODE_FORMAT})
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*", "maxlength": "12"}
        )

    def clean(self, value):
        value = normalize_code(super().clean(value))
        if value and not CODE_RE.match(value):
            raise ValidationError(CODE_FORMAT, code="code_format")
        return value


def _account_holder(form: forms.Form, phone: str) -> Customer | None:
    """The customer whose portal account signs in with ``phone``; None, with the phone's field
    error on ``form``, when the number has no account (asked only after the phone is proven)."""
    customer = Customer.objects.select_related("user").filter(phone=phone).first()
    if customer is None or customer.user is None or not is_portal_customer(customer.user):
        form.add_error("phone", NO_ACCOUNT)
        return None
    return customer


def _password_errors(form: forms.Form, password1: str, password2: str, user: AbstractBaseUser) -> None:
    if password1 and password1 != password2:
        form.add_error("password2", _("The two passwords are not the same."))
    elif password1:
        try:
            password_validation.validate_password(password1, user)
        except ValidationError as exc:
            form.add_error("password1", exc)


class LimitedForm(forms.Form):
    """A form that refuses to check anything while its sender is over the rate limit."""

    def __init__(self, *args, limited: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.limited = limited

    def clean(self):
        if self.limited:
            raise ValidationError(TOO_MANY, code="limited")
        return super().clean()


class CodeForm(forms.Form):
    """A phone and the code sent to it. With ``send_only`` only the phone is checked (the
    visitor asks for a code); otherwise the code is checked last, after every other field,
    unless the session already proved this phone (``proven``)."""

    purpose: str = CodePurpose.SIGNUP

    phone = PhoneField(label=_("Mobile phone"), error_messages={"required": _("Enter your mobile phone number.")})
    code = CodeField()

    def __init__(self, *args, send_only: bool = False, proven: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.send_only = send_only
        self.proven = proven
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        if send_only:
            for name, field in self.fields.items():
                field.required = name == "phone"
        # The code is not asked again of a session that proved a phone already (check_code
        # asks for it when the phone typed is another one).
        if proven:
            self.fields["code"].required = False
        # The phone this form proved with a code, for the view to remember in the session.
        self.proved_phone: str | None = None

    @property
    def phone_proven(self) -> bool:
        return bool(self.proven) and self.cleaned_data.get("phone") == self.proven

    def check_code(self) -> bool:
        """Whether the phone is proven: by this session, or by the code typed (used up then)."""
        data = self.cleaned_data
        if self.phone_proven:
            return True
        if not data.get("code"):
            self.add_error("code", CODE_FORMAT)
            return False
        if not code_verify(phone=data["phone"], purpose=self.purpose, code=data["code"]):
            self.add_error("code", CODE_WRONG)
            return False
        self.proved_phone = data["phone"]
        return True

    def clean(self):
        data = super().clean()
        if self.send_only or self.errors:
            return data
        self.check_code()
        return data


class SignupForm(CodeForm):
    """Sign up with the phone and the code sent to it; a password is optional, as a second way in."""

    purpose = CodePurpose.SIGNUP

    name = forms.CharField(label=_("Your name"), max_length=120, error_messages={"required": _("Enter your name.")})
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("We send nothing to it until you confirm it."),
    )
    password1 = forms.CharField(
        label=_("Password (optional)"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Without one, you sign in with a code sent to your phone."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["phone", "code", "name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The customer the phone number belongs to, when the desk knows them already.
        self.customer: Customer | None = None

    def clean(self):
        data = forms.Form.clean(self)
        if self.send_only:
            return data
        phone, email = data.get("phone") or "", data.get("email") or ""
        user = get_user_model()(username=phone, email=email, first_name=(data.get("name") or "")[:150])
        _password_errors(self, data.get("password1") or "", data.get("password2") or "", user)
        if email and get_user_model().objects.filter(email__iexact=email, customer__isnull=False).exists():
            self.add_error("email", _("This email address is already used by another account."))
        if self.errors or not self.check_code():
            return data
        self.customer = Customer.objects.select_related("user").filter(phone=phone).first()
        return data


class CodeLoginForm(CodeForm):
    """Sign in with the phone and a code sent to it."""

    purpose = CodePurpose.SIGN_IN

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer: Customer | None = None

    def clean(self):
        data = super().clean()
        if self.send_only or self.errors:
            return data
        # The phone is proven: saying it has no account tells its owner nothing new.
        self.customer = _account_holder(self, data["phone"])
        return data


class ResetForm(CodeForm):
    """Choose a new password with the phone and a code sent to it."""

    purpose = CodePurpose.RESET

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer: Customer | None = None

    def clean(self):
        data = forms.Form.clean(self)
        if self.send_only:
            return data
        phone = data.get("phone") or ""
        _password_errors(
            self, data.get("password1") or "", data.get("password2") or "", get_user_model()(username=phone)
        )
        if self.errors or not self.check_code():
            return data
        self.customer = _account_holder(self, phone)
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
        # An account linked before codes existed may have been linked by someone else: its
        # password opens nothing until the phone's owner signs in with a code.
        if user.customer.account_verified_at is None:
            raise ValidationError(PROVE_FIRST, code="unproven")
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
