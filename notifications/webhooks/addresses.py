"""Where a webhook may be sent: to public internet addresses only, so that a subscription
cannot make the workers call into the service centre's own network (server-side request
forgery). A host listed in settings.WEBHOOK_ALLOW_PRIVATE (a receiver on your own network)
and every host while developing (DEBUG) are exempt.

The check is made twice: when a URL is subscribed (a literal address or ``localhost``), and
on every delivery, when the name is resolved. The delivery then connects to the very address
it checked, so a name that resolves to something else a moment later (DNS rebinding) gains
nothing; TLS still verifies the certificate against the name."""

import http.client
import ipaddress
import socket
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

LOCAL_NAMES = ("localhost", "localhost.localdomain")


class AddressRefused(OSError):
    """The receiver's name leads to an address the workers may not call."""


def _exempt(host: str) -> bool:
    allowed = {name.lower().strip("[]") for name in settings.WEBHOOK_ALLOW_PRIVATE}
    return settings.DEBUG or host.lower().strip("[]") in allowed


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return address.is_global and not address.is_multicast


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def refusal(host: str) -> str | None:
    """Why a URL naming ``host`` may not be subscribed, or None. Names are resolved only when a
    delivery is made (the answer may change; see ``resolve``), so only what the URL itself says
    is judged here: a literal address that is not public, or a name for this machine."""
    if _exempt(host):
        return None
    name = host.lower().rstrip(".")
    address = _literal(host)
    if (address is not None and not _is_public(address)) or name in LOCAL_NAMES or name.endswith(".localhost"):
        return _("Webhooks go to public internet addresses only; %(host)s is on a private network or this machine.") % {
            "host": host
        }
    return None


def resolve(host: str, port: int) -> list[tuple]:
    """The addresses to connect to for ``host``, as ``getaddrinfo`` gives them; refused when any of
    them is not public, so a name cannot mix a public address with an internal one."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not _exempt(host):
        for _family, _type, _proto, _canon, sockaddr in found:
            if not _is_public(ipaddress.ip_address(sockaddr[0].split("%", 1)[0])):
                raise AddressRefused(f"{host} resolves to {sockaddr[0]}, which is not a public address")
    return found


def connect(address: tuple[str, int], timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None) -> socket.socket:
    """``socket.create_connection`` to an address that ``resolve`` has checked, trying each in turn."""
    host, port = address
    error: OSError | None = None
    for family, kind, proto, _canon, sockaddr in resolve(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error or OSError(f"no address found for {host}")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        self._create_connection = connect
        super().connect()


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        self._create_connection = connect
        super().connect()


class CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)
