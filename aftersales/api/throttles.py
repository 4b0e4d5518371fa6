"""The API's rate limits, telling anonymous callers apart by the client's address.

DRF's own throttles read ``X-Forwarded-For`` by a count of proxies (``NUM_PROXIES``) from
whoever connects; these read the address as every other limit in the product does
(aftersales/client_ip.py: the header only from ``TRUSTED_PROXIES``), so a caller sending
straight to the app server cannot get a fresh counter by writing the header itself.
"""

from rest_framework import throttling
from rest_framework.request import Request

from aftersales.client_ip import client_ip


class ClientAddressMixin:
    """``get_ident`` is the client's address (aftersales/client_ip.py)."""

    def get_ident(self, request: Request) -> str:
        return client_ip(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    """Anonymous requests, per client address (``anon`` rate)."""


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    """Requests per signed-in user (``user`` rate); anonymous ones per client address."""


class ClientAddressRateThrottle(ClientAddressMixin, throttling.SimpleRateThrottle):
    """A base for an endpoint's own limit that counts per client address."""
