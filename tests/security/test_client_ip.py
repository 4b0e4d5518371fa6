"""The client's address (aftersales/client_ip.py): X-Forwarded-For is believed only on a request
that comes from a trusted proxy (TRUSTED_PROXIES), read from the right; a request straight to
the app server cannot choose its own address, and entries a client adds on the left are never
reached. Every limit reads the address this one way: django-axes, django-ratelimit, the API's
throttles."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from rest_framework.request import Request

from aftersales.api import throttles
from aftersales.api.tokens import TokenObtainThrottle
from aftersales.client_ip import client_ip
from tests import factories
from tests.security.sign_in import WRONG, desk_login, obtain_token

PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "192.0.2.9", None, "192.0.2.9"),
        # Straight to the app server, nothing trusted: the header is the client's own claim.
        ([], "192.0.2.9", "203.0.113.7", "192.0.2.9"),
        # Proxies are configured, but this request did not come through one.
        (["10.0.0.0/8"], "192.0.2.9", "203.0.113.7", "192.0.2.9"),
        (["10.0.0.0/8"], "192.0.2.9", "10.0.0.5", "192.0.2.9"),
        # Through the proxy: the address it received the request from.
        ([PROXY], PROXY, "203.0.113.7", "203.0.113.7"),
        (["10.0.0.0/8"], PROXY, "203.0.113.7", "203.0.113.7"),
        # What the client wrote itself is left of what the proxy appended, and never reached,
        # even when it names a trusted proxy.
        ([PROXY], PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (["10.0.0.0/8"], PROXY, "10.9.9.9, 203.0.113.7", "203.0.113.7"),
        (["10.0.0.0/8"], PROXY, "not-an-address, 203.0.113.7", "203.0.113.7"),
        # Two proxies (a load balancer, then nginx): both skipped, right to left.
        (["10.0.0.0/8"], PROXY, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        # Only trusted entries (a health check from inside): the left-most.
        (["10.0.0.0/8"], PROXY, "10.0.0.5", "10.0.0.5"),
        # From the proxy without the header, or with nothing usable in it: the proxy itself.
        ([PROXY], PROXY, None, PROXY),
        ([PROXY], PROXY, " , ", PROXY),
        ([PROXY], PROXY, "203.0.113.7, garbage", PROXY),
        # IPv6, and an IPv4 client on an IPv6 socket.
        (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
        (["10.0.0.0/8"], "::ffff:10.0.0.1", "203.0.113.7", "203.0.113.7"),
        (["127.0.0.1"], "::1", "203.0.113.7", "::1"),
        # A proxy on a Unix socket: gunicorn gives no address; trusted only when named.
        (["unix"], "", "203.0.113.7", "203.0.113.7"),
        ([], "", "203.0.113.7", "0.0.0.0"),
        # No usable address at all: one shared, unspecified address, never a failure.
        ([], "not-an-address", None, "0.0.0.0"),
        (["unix"], "", None, "0.0.0.0"),
    ],
)
def test_client_ip(trusted, remote, forwarded, expected):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(TRUSTED_PROXIES=trusted):
        assert client_ip(RequestFactory().get("/", **headers)) == expected


def test_every_limit_reads_the_address_one_way():
    assert settings.AXES_CLIENT_IP_CALLABLE == "aftersales.client_ip.client_ip"
    assert settings.RATELIMIT_IP_META_KEY == "aftersales.client_ip.client_ip"
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "aftersales.api.throttles.AnonRateThrottle",
        "aftersales.api.throttles.UserRateThrottle",
    ]
    request = Request(RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"))
    with override_settings(TRUSTED_PROXIES=[PROXY]):
        idents = {
            throttle().get_ident(request)
            for throttle in (throttles.AnonRateThrottle, throttles.UserRateThrottle, TokenObtainThrottle)
        }
    assert idents == {"203.0.113.7"}


# --- the limits, attacked ---------------------------------------------------------------------------


@override_settings(SIGN_IN_ADDRESS_FAILURE_LIMIT=3)
def test_a_forged_header_straight_to_the_app_does_not_escape_the_per_address_limit(client, agent):
    """django-ratelimit's "ip" key: a new forged address on every try changes nothing."""
    for n in range(3):
        desk_login(client, f"guess-{n}", WRONG, address="192.0.2.50", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = desk_login(
        client, agent.username, factories.PASSWORD, address="192.0.2.50", HTTP_X_FORWARDED_FOR="203.0.113.99"
    )

    assert response.status_code == 429


@override_settings(TRUSTED_PROXIES=[PROXY], SIGN_IN_ADDRESS_FAILURE_LIMIT=3)
def test_behind_the_proxy_each_client_has_its_own_count(agent):
    for n in range(3):
        desk_login(Client(), f"guess-{n}", WRONG, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")

    refused = desk_login(
        Client(), agent.username, factories.PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    spoofed = desk_login(
        Client(), agent.username, factories.PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    neighbour = desk_login(
        Client(), agent.username, factories.PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )

    assert (refused.status_code, spoofed.status_code, neighbour.status_code) == (429, 429, 302)


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_behind_the_proxy_the_lock_out_holds_the_forwarded_address(client, agent):
    """django-axes: the failures are recorded against the client's address, not the proxy's."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        desk_login(client, agent.username, WRONG, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")

    spoofed = desk_login(
        client, agent.username, factories.PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    neighbour = desk_login(
        client, agent.username, factories.PASSWORD, address=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )

    assert AccessAttempt.objects.get().ip_address == "203.0.113.7"
    assert spoofed.status_code == 429
    assert neighbour.status_code == 302


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_lock_out(client, agent):
    for n in range(settings.AXES_FAILURE_LIMIT):
        desk_login(client, agent.username, WRONG, address="192.0.2.50", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    response = desk_login(
        client, agent.username, factories.PASSWORD, address="192.0.2.50", HTTP_X_FORWARDED_FOR="203.0.113.99"
    )

    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == "192.0.2.50"


@override_settings(TRUSTED_PROXIES=[PROXY])
def test_a_forged_header_straight_to_the_app_does_not_escape_the_api_throttle(db):
    """DRF: the token endpoint's ten tries a minute per address hold for a client that sends
    straight to the app server, whatever it writes into X-Forwarded-For."""
    statuses = [
        obtain_token(f"nobody-{n}", WRONG, address="192.0.2.50", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(11)
    ]
    through_proxy = [
        obtain_token(f"nobody-{n}", WRONG, address=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(11)
    ]

    assert statuses == [400] * 10 + [429]
    assert through_proxy == [400] * 11


def test_a_request_without_an_address_is_counted_not_failed(client, agent):
    """A server that gives no client address (a Unix socket not named in TRUSTED_PROXIES):
    every limit still answers, counting such requests together."""
    token = obtain_token(agent.username, WRONG, address="")
    desk = desk_login(client, agent.username, WRONG, address="")

    assert (token.status_code, desk.status_code) == (400, 200)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"0.0.0.0"}
