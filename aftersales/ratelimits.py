"""Shared pieces for django-ratelimit on the public forms.

Limits that name a phone or login count per address and that identity together, never per
identity alone: a flood of junk from other addresses naming someone's phone would otherwise
lock its owner out (the attacker's tries cost the attacker's budget, not the owner's).
"""

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from aftersales.client_ip import client_ip
from customers.phone_codes import proven_phone
from customers.phones import try_normalize_phone


def posted_phone_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the phone number posted, in its normal form, so typing the same number
    differently does not buy more tries."""
    return try_normalize_phone(request.POST.get("phone", "")) or "no-phone"


def address_phone_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the client's address and the phone posted (normal form) together."""
    return f"{client_ip(request)}|{posted_phone_key(group, request)}"


def is_limited(request: HttpRequest) -> bool:
    """Whether a ``block=False`` limit on the view was reached for this request."""
    return bool(getattr(request, "limited", False))


def address_limited(request: HttpRequest, *, group: str, rate: str) -> bool:
    """Count this post against the client's address in ``group``; whether it is over ``rate``."""
    return is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True)


def posted_phone_is_proven(request: HttpRequest) -> bool:
    """Whether the phone posted is the one this session proved with a code."""
    phone = try_normalize_phone(request.POST.get("phone", ""))
    return phone is not None and phone == proven_phone(request)


def over_limits(request: HttpRequest, *, group: str, address_rate: str) -> bool:
    """For a view limited per address and phone (its decorator, which holds for everyone) and per
    address: the per-address limit holds only for a session that has not proven the phone it
    posts, so others' junk from a shared address never stops an owner who proved their phone."""
    if is_limited(request):
        return True
    return address_limited(request, group=group, rate=address_rate) and not posted_phone_is_proven(request)
