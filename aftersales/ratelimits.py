"""Shared pieces for django-ratelimit on the public forms: whether a view's limit was reached,
and a limit counted per client address. The limits that name a phone are portal/phone_limits.py.
"""

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def is_limited(request: HttpRequest) -> bool:
    """Whether a ``block=False`` limit on the view was reached for this request."""
    return bool(getattr(request, "limited", False))


def address_limited(request: HttpRequest, *, group: str, rate: str) -> bool:
    """Count this post against the client's address in ``group``; whether it is over ``rate``."""
    return is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True)
