"""Customer accounts on the portal: optional for customers.

A customer signs up with their mobile phone (the identity, and the login name in E.164) and
the code sent to it by SMS, signs in with a code or with a password (phone in any format, or
email), resets the password with a code, and then sees their own requests and products. The
code is the only proof of the phone (customers/phone_codes.py): a request's reference or a
product's serial, which anyone can create with someone else's number, prove nothing.
Password sign-in is rate-limited per address and per address and login name, never per name
alone, so nobody locks an owner out from elsewhere; staff sign in at the desk, never here
(docs/threat-model.md).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from aftersales.client_ip import client_ip
from aftersales.errors import add_errors_to_form
from aftersales.ratelimits import is_limited
from customers.accounts import (
    customer_account_create,
    customer_account_link,
    customer_account_prove,
    customer_password_set,
)
from customers.forms import MessagePreferencesForm
from customers.models import Customer, Language
from customers.phone_codes import code_sent_context, proven_phone, remember_proven_phone
from customers.phones import try_normalize_phone
from customers.preferences import customer_preferences_set
from customers.selectors import units_with_warranty
from notifications.codes import code_send
from portal.access import is_portal_customer, signed_in_customer
from portal.accounts.forms import (
    ALREADY_HAS_ACCOUNT,
    ClaimForm,
    CodeForm,
    CodeLoginForm,
    LoginForm,
    ResetForm,
    SignupForm,
)
from portal.contract_selectors import contracts_of
from tickets.models import Ticket

# Ten password tries per quarter of an hour is plenty for a person and useless for guessing.
LOGIN_RATE = "10/15m"
# The account page lists this many requests, newest first.
ACCOUNT_TICKETS = 100
# The fields a page keeps when it comes back after a code was sent (never a password or code).
KEPT_FIELDS = ("phone", "name", "email", "username")


def login_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the client's address with the login name posted, the way it signs in (a
    phone in E.164, an email in lower case), so typing the same number differently does not
    buy more tries, and tries from other addresses do not count against the owner's."""
    text = request.POST.get("username", "").strip()[:254]
    name = text.lower() if "@" in text else (try_normalize_phone(text) or text.lower())
    return f"{client_ip(request)}|{name}"


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only a signed-in customer with a proven account; anyone else goes to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if signed_in_customer(request) is None:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        return view(request, *args, **kwargs)

    return wrapper


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:account")


def _sign_in(request: HttpRequest, customer: Customer) -> None:
    """Sign in an account whose phone was just proven (no password check ran, so name the
    backend: the model backend, not django-axes's, which only watches sign-ins)."""
    auth_login(request, customer.user, backend="django.contrib.auth.backends.ModelBackend")


def _code_step(
    request: HttpRequest, form_class: type[CodeForm], template: str, context: dict
) -> tuple[CodeForm, HttpResponse | None]:
    """The shared first half of every form proven by a code.

    "Send me a code" (``action=send``) checks the phone only, sends a code (or not: the answer
    is the same, customers/phone_codes.py) and shows the page again with what was typed. Any
    other post is the form itself; a phone it proved is remembered in the session even when
    something else on the form is still wrong, so the code is not asked for twice."""
    proven = proven_phone(request)
    if request.POST.get("action") == "send":
        form = form_class(request.POST, send_only=True, proven=proven)
        if not form.is_valid():
            return form, render(request, template, {**context, "form": form}, status=400)
        code_send(
            phone=form.cleaned_data["phone"],
            purpose=form.purpose,
            language=Language.active(),
            ip=client_ip(request),
        )
        kept = {name: request.POST.get(name, "") for name in KEPT_FIELDS}
        context = {**context, "form": form_class(initial=kept, proven=proven), **code_sent_context()}
        return form, render(request, template, context)
    form = form_class(request.POST, proven=proven)
    valid = form.is_valid()
    if form.proved_phone:
        remember_proven_phone(request, form.proved_phone)
    if not valid:
        return form, render(request, template, {**context, "form": form}, status=400)
    return form, None


# --- sign up, sign in, sign out, reset ------------------------------------------------------


def signup(request: HttpRequest) -> HttpResponse:
    template, context = "portal/account/signup.html", {"nav": "account"}
    if request.method != "POST":
        if signed_in_customer(request) is not None:
            return redirect("portal:account")
        return render(request, template, {**context, "form": SignupForm(proven=proven_phone(request))})
    form, response = _code_step(request, SignupForm, template, context)
    if response is not None:
        return response
    data, known = form.cleaned_data, form.customer
    try:
        if known is not None and known.user_id is not None:
            # The phone's owner has an account already: the code they just entered signs them in.
            if not is_portal_customer(known.user):
                raise ValidationError({"phone": ALREADY_HAS_ACCOUNT})
            customer = customer_account_prove(customer=known)
            welcome = _("This phone number already has an account: you are signed in.")
        elif known is not None:
            customer = customer_account_link(customer=known, email=data["email"], password=data["password1"] or None)
            welcome = _("Welcome! Your account is ready.")
        else:
            customer = customer_account_create(
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                password=data["password1"] or None,
                preferred_language=Language.active(),
            )
            welcome = _("Welcome! Your account is ready.")
    except ValidationError as exc:
        add_errors_to_form(form, exc, {"password": "password1"})
        return render(request, template, {**context, "form": form}, status=400)
    _sign_in(request, customer)
    messages.success(request, welcome)
    return redirect("portal:account")


def _login_page(request: HttpRequest, status: int = 200, **forms) -> HttpResponse:
    context = {
        "form": forms.get("form") or LoginForm(request),
        "code_form": forms.get("code_form") or CodeLoginForm(proven=proven_phone(request)),
        "code_sent": forms.get("code_sent", False),
        "code_minutes": forms.get("code_minutes"),
        "next": _next_url(request),
        "nav": "account",
    }
    return render(request, "portal/account/login.html", context, status=status)


@ratelimit(group="portal-login-ip", key="ip", rate=LOGIN_RATE, method="POST", block=False)
@ratelimit(group="portal-login-name", key=login_key, rate=LOGIN_RATE, method="POST", block=False)
def login(request: HttpRequest) -> HttpResponse:
    """Sign in with a code sent to the phone (``way=code``) or with a password."""
    if request.method != "POST":
        if signed_in_customer(request) is not None:
            return redirect(_next_url(request))
        return _login_page(request)
    if request.POST.get("way") == "code":
        return _login_with_code(request)
    form = LoginForm(request, request.POST, limited=is_limited(request))
    if form.is_valid():
        auth_login(request, form.user)
        return redirect(_next_url(request))
    return _login_page(request, 429 if is_limited(request) else 400, form=form)


def _login_with_code(request: HttpRequest) -> HttpResponse:
    """A correct code always gets in: the password limits do not apply to it (only the tries
    per code bound guessing, customers/phone_codes.py)."""
    proven = proven_phone(request)
    if request.POST.get("action") == "send":
        code_form = CodeLoginForm(request.POST, send_only=True, proven=proven)
        if not code_form.is_valid():
            return _login_page(request, 400, code_form=code_form)
        code_send(
            phone=code_form.cleaned_data["phone"],
            purpose=code_form.purpose,
            language=Language.active(),
            ip=client_ip(request),
        )
        kept = CodeLoginForm(initial={"phone": request.POST.get("phone", "")}, proven=proven)
        return _login_page(request, code_form=kept, **code_sent_context())
    code_form = CodeLoginForm(request.POST, proven=proven)
    valid = code_form.is_valid()
    if code_form.proved_phone:
        remember_proven_phone(request, code_form.proved_phone)
    if not valid:
        return _login_page(request, 400, code_form=code_form)
    customer = customer_account_prove(customer=code_form.customer)
    _sign_in(request, customer)
    return redirect(_next_url(request))


def password_reset(request: HttpRequest) -> HttpResponse:
    """A customer who forgot their password proves the phone with a code and chooses a new one."""
    template, context = "portal/account/reset.html", {"nav": "account"}
    if request.method != "POST":
        return render(request, template, {**context, "form": ResetForm(proven=proven_phone(request))})
    form, response = _code_step(request, ResetForm, template, context)
    if response is not None:
        return response
    try:
        customer = customer_password_set(customer=form.customer, password=form.cleaned_data["password1"])
    except ValidationError as exc:
        add_errors_to_form(form, exc, {"password": "password1"})
        return render(request, template, {**context, "form": form}, status=400)
    _sign_in(request, customer)
    messages.success(request, _("Your new password is set. You are signed in."))
    return redirect("portal:account")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("portal:home")


# --- the account ----------------------------------------------------------------------------


def _account_page(
    request: HttpRequest,
    customer: Customer,
    claim_form: ClaimForm | None = None,
    status: int = 200,
    preferences_form: MessagePreferencesForm | None = None,
) -> HttpResponse:
    """The customer's own requests, products and contracts, nobody else's: read by the customer's id."""
    tickets = (
        Ticket.objects.filter(customer=customer)
        .select_related("unit__model")
        .order_by("-created_at", "-id")[:ACCOUNT_TICKETS]
    )
    return render(
        request,
        "portal/account/account.html",
        {
            "customer": customer,
            "tickets": tickets,
            "units": units_with_warranty(customer, timezone.localdate()),
            "contracts": contracts_of(customer),
            "claim_form": claim_form or ClaimForm(customer=customer),
            "preferences_form": preferences_form or MessagePreferencesForm(customer=customer),
            "nav": "account",
        },
        status=status,
    )


@customer_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request, request.user.customer)


@customer_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    """The signed-in customer chooses how and in which language they are reached, and whether
    they receive reminders and offers. The email they type is confirmed: they proved the phone
    the account signs in with (customers/preferences.py)."""
    customer = request.user.customer
    form = MessagePreferencesForm(request.POST, customer=customer)
    if form.is_valid():
        try:
            customer_preferences_set(customer=customer, **form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, _("Your message settings are saved."))
            return redirect(reverse("portal:account") + "#messages")
    return _account_page(request, customer, status=400, preferences_form=form)


@customer_required
@ratelimit(group="portal-claim", key="user", rate=LOGIN_RATE, method="POST", block=False)
def claim_request(request: HttpRequest) -> HttpResponse:
    """Confirm that a request made without signing in belongs to this account. Only the
    account's own customer's requests qualify, so nothing changes hands: a wrong reference, a
    wrong phone and someone else's request all get the same answer."""
    customer = request.user.customer
    if request.method != "POST":
        return redirect("portal:account")
    form = ClaimForm(request.POST, customer=customer, limited=is_limited(request))
    if form.is_valid():
        messages.success(request, _("Request %(reference)s is on your account.") % {"reference": form.ticket.reference})
        return redirect("portal:account")
    return _account_page(request, customer, form, status=429 if is_limited(request) else 400)
