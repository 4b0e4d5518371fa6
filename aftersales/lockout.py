"""Sign-in lock-out (django-axes; DESIGN.md section 8, "logins are throttled").

After ``AXES_FAILURE_LIMIT`` wrong passwords for one username from one address, that pair is
refused for ``AXES_COOLOFF_TIME``, even with the right password. Axes counts the failures of
every ``authenticate(request, ...)`` call: the desk, portal and admin sign-in pages and the API
token endpoint. This module says so to the person: the pages answer with a page of their own
(429), the API with its one error shape (429, code ``locked_out``). An administrator lifts a
lock-out early by deleting the access attempt in the admin (Axes → Access attempts).
"""

import math
from datetime import timedelta

from axes.helpers import get_cool_off
from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import Throttled

from aftersales.client_ip import client_ip


def _cool_off(request: HttpRequest) -> timedelta:
    return get_cool_off(request) or timedelta(0)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page shown instead of the sign-in form's answer (``AXES_LOCKOUT_CALLABLE``).

    It keeps the look of the site the person signed in to (the portal, or the desk and admin)
    and offers the sign-in page again for later."""
    cool_off = _cool_off(request)
    match = getattr(request, "resolver_match", None)
    on_portal = match is not None and match.namespace == "portal"
    context = {
        "base_template": "portal/base.html" if on_portal else "desk/base.html",
        "minutes": max(1, math.ceil(cool_off.total_seconds() / 60)),
        "retry_url": request.path,
        "nav": "account" if on_portal else "",
    }
    response = render(request, "locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


class LockedOut(Throttled):
    """The API's answer to a locked-out username and address: 429, with ``Retry-After``."""

    default_detail = _("Too many failed sign-in attempts: signing in with this username from this address is paused.")
    default_code = "locked_out"


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
