"""The client's address, the same way for every limit that tells clients apart by address.

The API throttles (DRF), the public forms' rate limits (django-ratelimit) and the sign-in
lock-out (django-axes) all count per address. Behind a reverse proxy ``REMOTE_ADDR`` is the
proxy's, so every visitor would share one counter; ``X-Forwarded-For`` is trusted only from
the ``NUM_PROXIES`` proxies in front of the app (``API_NUM_PROXIES``), exactly as DRF reads it,
so a client cannot pick its own address by sending the header itself.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as seen by the last trusted proxy (or the socket, with none)."""
    remote_addr = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    num_proxies = settings.NUM_PROXIES
    if num_proxies <= 0 or not forwarded:
        return remote_addr
    # Each proxy appends the address it received the request from: the right-most entries are
    # the trusted proxies' own, and the one they saw the request come from is NUM_PROXIES from the right.
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(num_proxies, len(addresses))]
