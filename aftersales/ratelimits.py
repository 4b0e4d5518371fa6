"""Shared pieces for django-ratelimit on the public forms."""

from django.http import HttpRequest

from customers.phones import try_normalize_phone


def posted_phone_key(group: str, request: HttpRequest) -> str:
    """Rate-limit key: the phone number posted, in its normal form, so typing the same number
    differently does not buy more tries."""
    return try_normalize_phone(request.POST.get("phone", "")) or "no-phone"


def is_limited(request: HttpRequest) -> bool:
    """Whether a ``block=False`` limit on the view was reached for this request."""
    return bool(getattr(request, "limited", False))
