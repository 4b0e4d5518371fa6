"""The public forms' rate limits that name a phone (django-ratelimit).

Limits that name a phone count per address and that phone together, never per phone alone: a
flood of junk from other addresses naming someone's phone would otherwise lock its owner out
(the attacker's tries cost the attacker's budget, not the owner's). A session that proved the
phone it posts is not held by its address's limit. The limits that name no phone are
aftersales/ratelimits.py.
"""

from django.http import HttpRequest

from aftersales.client_ip import client_ip
from aftersales.ratelimits import address_limited, is_limited
from customers.phone_codes import proven_phone
from customers.phones import try_normalize_phone


def posted_phone_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the phone number posted, in its normal form, so typing the same number
    differently does not buy more tries."""
    return try_normalize_phone(request.POST.get("phone", "")) or "no-phone"


def address_phone_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the client's address and the phone posted (normal form) together."""
    return f"{client_ip(request)}|{posted_phone_key(group, request)}"


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
