"""Customer accounts on the portal (issue 4, point 5): optional for customers.

A customer signs up with their mobile phone (the identity, and the login name in E.164),
signs in with that phone in any format or their email, and then sees their own requests and
registered products. Sign-in and sign-up are rate-limited per address and per login name;
staff sign in at the desk, never here (DESIGN.md section 8).
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

from aftersales.errors import add_errors_to_form
from aftersales.ratelimits import is_limited, posted_phone_key
from customers.models import Customer, Language
from customers.phones import try_normalize_phone
from customers.selectors import units_with_warranty
from customers.services import customer_account_create, customer_account_link
from tickets.account_forms import ClaimForm, LoginForm, SignupForm, is_portal_customer
from tickets.models import Ticket

# Ten tries per quarter of an hour is plenty for a person and useless for guessing.
LOGIN_RATE = "10/15m"
# A sign-up for a known phone asks for a reference or serial: slow down guessing them.
SIGNUP_PHONE_RATE = "10/h"
# The account page lists this many requests, newest first.
ACCOUNT_TICKETS = 100


def login_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the login name posted, the way it signs in (a phone in E.164, an email
    in lower case), so typing the same number differently does not buy more tries."""
    text = request.POST.get("username", "").strip()[:254]
    if "@" in text:
        return text.lower()
    return try_normalize_phone(text) or text.lower()


def _customer(request: HttpRequest) -> Customer | None:
    user = request.user
    return user.customer if user.is_authenticated and is_portal_customer(user) else None


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only a signed-in customer; anyone else goes to the portal's sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if _customer(request) is None:
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


def _sign_in_new(request: HttpRequest, customer: Customer) -> None:
    """Sign in an account just created (no password check ran, so name the backend: the model
    backend, not django-axes's, which only watches sign-ins and cannot load a user)."""
    auth_login(request, customer.user, backend="django.contrib.auth.backends.ModelBackend")


# --- sign up, sign in, sign out -------------------------------------------------------------


@ratelimit(group="portal-signup-ip", key="ip", rate=LOGIN_RATE, method="POST", block=False)
@ratelimit(group="portal-signup-phone", key=posted_phone_key, rate=SIGNUP_PHONE_RATE, method="POST", block=False)
def signup(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        if _customer(request) is not None:
            return redirect("portal:account")
        return render(request, "portal/account/signup.html", {"form": SignupForm(), "nav": "account"})
    form = SignupForm(request.POST, limited=is_limited(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            if form.customer is None:
                customer = customer_account_create(
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    password=data["password1"],
                    preferred_language=Language.active(),
                )
            else:
                customer = customer_account_link(
                    customer=form.customer, email=data["email"], password=data["password1"]
                )
        except ValidationError as exc:
            add_errors_to_form(form, exc, {"password": "password1"})
        else:
            _sign_in_new(request, customer)
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("portal:account")
    status = 429 if is_limited(request) else 400
    return render(request, "portal/account/signup.html", {"form": form, "nav": "account"}, status=status)


@ratelimit(group="portal-login-ip", key="ip", rate=LOGIN_RATE, method="POST", block=False)
@ratelimit(group="portal-login-name", key=login_key, rate=LOGIN_RATE, method="POST", block=False)
def login(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.method != "POST":
        if _customer(request) is not None:
            return redirect(next_url)
        context = {"form": LoginForm(request), "next": next_url, "nav": "account"}
        return render(request, "portal/account/login.html", context)
    form = LoginForm(request, request.POST, limited=is_limited(request))
    if form.is_valid():
        auth_login(request, form.user)
        return redirect(next_url)
    status = 429 if is_limited(request) else 400
    return render(
        request, "portal/account/login.html", {"form": form, "next": next_url, "nav": "account"}, status=status
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("portal:home")


# --- the account ----------------------------------------------------------------------------


def _account_page(request: HttpRequest, customer: Customer, claim_form: ClaimForm, status: int = 200) -> HttpResponse:
    """The customer's own requests and products, nobody else's: both read by the customer's id."""
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
            "claim_form": claim_form,
            "nav": "account",
        },
        status=status,
    )


@customer_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    customer = request.user.customer
    return _account_page(request, customer, ClaimForm(customer=customer))


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
