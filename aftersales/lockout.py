"""Sign-in lock-outs (django-axes and a per-address limit; docs/threat-model.md).

Two limits, neither of which lets an attacker lock the real user out from elsewhere:

- **Per username and address** (django-axes): after ``AXES_FAILURE_LIMIT`` wrong passwords for
  one username from one address, that pair is refused for ``AXES_COOLOFF_TIME``, even with the
  right password. The same username from any other address signs in as usual. Axes counts the
  failures of every ``authenticate(request, ...)`` call: the desk, portal and admin sign-in pages
  and the API token endpoint.
- **Per address** (django-ratelimit), on the desk's and the admin's sign-in: after
  ``SIGN_IN_ADDRESS_FAILURE_LIMIT`` failed sign-ins from one address within
  ``SIGN_IN_ADDRESS_WINDOW_MINUTES``, whatever the usernames, that address is refused until the
  window ends; other addresses are not touched. It stops one address trying a password on many
  usernames, which the first limit alone does not.

The address is the client's as every limit reads it (aftersales/client_ip.py). This module says
so to the person: the pages answer with a page of their own (429, ``Retry-After``), the API with
its one error shape (429, code ``locked_out``). An administrator lifts an axes lock-out early by
deleting the access attempt in the admin (Axes → Access attempts).
"""

import math
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from axes.helpers import get_cool_off
from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from rest_framework.exceptions import Throttled

from aftersales.client_ip import client_ip


def _cool_off(request: HttpRequest) -> timedelta:
    return get_cool_off(request) or timedelta(0)


def _locked_out_page(request: HttpRequest, *, seconds: int, whole_address: bool) -> HttpResponse:
    """The page of a paused sign-in, in the look of the site the person signed in to (the
    portal, or the desk and admin), offering the sign-in page again for later."""
    match = getattr(request, "resolver_match", None)
    on_portal = match is not None and match.namespace == "portal"
    context = {
        "base_template": "portal/base.html" if on_portal else "desk/base.html",
        "minutes": max(1, math.ceil(seconds / 60)),
        "whole_address": whole_address,
        "retry_url": request.path,
        "nav": "account" if on_portal else "",
    }
    response = render(request, "locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(seconds)
    return response


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page shown instead of the sign-in form's answer (``AXES_LOCKOUT_CALLABLE``)."""
    return _locked_out_page(request, seconds=int(_cool_off(request).total_seconds()), whole_address=False)


# --- per address: the desk's and the admin's sign-in -------------------------------------------

ADDRESS_GROUP = "sign-in-address"


def _address_usage(request: HttpRequest, *, increment: bool) -> dict | None:
    """The failed sign-ins counted for the client's address in the current window (None when
    the limit is off, ``SIGN_IN_ADDRESS_FAILURE_LIMIT`` = 0)."""
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    if limit <= 0:
        return None
    rate = f"{limit}/{settings.SIGN_IN_ADDRESS_WINDOW_MINUTES}m"
    return get_usage(request, group=ADDRESS_GROUP, key="ip", rate=rate, method=ALL, increment=increment)


def address_paused_for(request: HttpRequest) -> int | None:
    """Seconds until sign-ins from the client's address are accepted again, or None when they
    are: the address had ``SIGN_IN_ADDRESS_FAILURE_LIMIT`` failed sign-ins in the current window."""
    usage = _address_usage(request, increment=False)
    if usage is None or usage["count"] < usage["limit"]:
        return None
    return max(1, int(usage["time_left"]))


def count_failed_sign_in(request: HttpRequest) -> None:
    """Count one failed sign-in against the client's address."""
    _address_usage(request, increment=True)


def _sign_in_failed(response: HttpResponse) -> bool:
    """A sign-in form was posted and shown again with its errors: a failed sign-in. (A success
    redirects; a lock-out answers 429 without a form.)"""
    form = (getattr(response, "context_data", None) or {}).get("form")
    return form is not None and form.is_bound and bool(form.errors)


def limit_sign_in_failures_per_address(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a sign-in view (Django's ``LoginView`` or the admin's login): a posted sign-in from
    a paused address (``address_paused_for``) is refused before any password is checked, with
    the lock-out page (429); each failure counts. Showing the form (GET) is never refused."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        paused = address_paused_for(request)
        if paused is not None:
            return _locked_out_page(request, seconds=paused, whole_address=True)
        response = view(request, *args, **kwargs)
        if _sign_in_failed(response):
            count_failed_sign_in(request)
        return response

    return wrapper


# --- the API -------------------------------------------------------------------------------------


class LockedOut(Throttled):
    """The API's answer to a locked-out username and address: 429, with ``Retry-After``."""

    default_detail = _("Too many failed sign-in attempts: signing in with this username from this address is paused.")
    default_code = "locked_out"


class AddressPaused(Throttled):
    """The API's answer to a sign-in from a paused address: 429, with ``Retry-After``."""

    default_detail = _("Too many failed sign-in attempts from this address: signing in from here is paused.")
    default_code = "locked_out"


def raise_if_address_paused(request: HttpRequest) -> None:
    """For a sign-in that does not go through a page (the API): refuse it, before any password
    is checked, while the client's address is paused."""
    paused = address_paused_for(request)
    if paused is not None:
        raise AddressPaused(wait=paused)


def raise_if_locked_out(request: HttpRequest) -> None:
    """For a sign-in that did not go through a page (the API): axes marks the request it refused
    or that reached the limit, and the caller is told so instead of "wrong password"."""
    if getattr(request, "axes_locked_out", False):
        raise LockedOut(wait=_cool_off(request).total_seconds())


def forget_failures(request: HttpRequest, username: str) -> int:
    """After a successful sign-in without a session (the API), forget the earlier failures of
    this username from this address, as ``AXES_RESET_ON_SUCCESS`` does for a session sign-in."""
    if not settings.AXES_RESET_ON_SUCCESS:
        return 0
    return reset(ip=client_ip(request), username=username)
