"""The client's address, the same way for every limit that tells clients apart by address.

The API throttles (DRF, aftersales/api/throttles.py), the public forms' rate limits
(django-ratelimit, ``RATELIMIT_IP_META_KEY``), the desk and admin sign-in's per-address limit and
the sign-in lock-out (django-axes, ``AXES_CLIENT_IP_CALLABLE``) all count per address, and all
read it here.

Behind a reverse proxy ``REMOTE_ADDR`` is the proxy's, so every visitor would share one counter;
the proxy says whom it received the request from by appending that address to
``X-Forwarded-For``. The header is believed only when the request itself comes from a proxy
named in ``TRUSTED_PROXIES`` (addresses or networks): a request sent straight to the app server
is answered with its socket's address, whatever header it carries. (``unix`` in the list
trusts a proxy that connects over a Unix socket.) Through the proxies, the
entries are read from the right, skipping the trusted proxies' own, and the first address that
is not a trusted proxy is the client's: whatever the client wrote into the header itself stands
further left and is never reached.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# In TRUSTED_PROXIES: the proxy reaches the app server over a Unix socket. gunicorn gives such a
# request no address (REMOTE_ADDR is empty), and only processes on the machine can connect to it.
UNIX_SOCKET = "unix"


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """``TRUSTED_PROXIES`` as networks; a bare address is a network of one. Raises ``ValueError``
    on an entry that is neither, nor ``unix`` (settings.py checks them at start-up)."""
    return tuple(
        ipaddress.ip_network(entry.strip(), strict=False)
        for entry in entries
        if entry.strip() and entry.strip().lower() != UNIX_SOCKET
    )


# The answer when a request carries no usable address (no socket address, and no trusted proxy
# to say one): the unspecified address, so every such request shares one count and each limit
# still gets an address it can work with, rather than failing the request.
UNKNOWN = "0.0.0.0"


def _trusts_unix_socket(entries: list[str]) -> bool:
    return any(entry.strip().lower() == UNIX_SOCKET for entry in entries)


def _address(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket ("::ffff:203.0.113.7") is that IPv4 client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client: the socket's, unless the socket is a trusted proxy; then the
    right-most ``X-Forwarded-For`` entry that is not a trusted proxy (or the left-most, when every
    entry is one). An entry that is not an address ends the walk at the last trusted hop: nothing
    to its left can be believed. Empty entries are skipped. ``UNKNOWN`` when there is no
    usable address at all."""
    remote_text = request.META.get("REMOTE_ADDR", "") or ""
    remote = _address(remote_text)
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    if remote is None:
        if remote_text or not _trusts_unix_socket(settings.TRUSTED_PROXIES):
            return UNKNOWN
    elif not _is_trusted(remote, networks):
        return str(remote)
    answer: IPAddress | None = remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        if not entry.strip():
            continue
        address = _address(entry)
        if address is None:
            break
        answer = address
        if not _is_trusted(address, networks):
            break
    return str(answer) if answer is not None else UNKNOWN
