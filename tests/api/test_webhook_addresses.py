"""Webhook receivers must be on the public internet (notifications/webhooks/addresses.py): a URL that
names an internal address is refused when subscribed, and a name that resolves to one is
refused on delivery, before anything is sent; the delivery connects to the address it checked."""

import socket

import pytest

from notifications import webhooks
from notifications.models import WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription
from notifications.webhooks import addresses
from tests import factories
from tests.api.conftest import client_for, field_errors
from tests.api.test_webhooks import Receiver

pytestmark = pytest.mark.django_db

WEBHOOKS = "/api/webhooks/"
PRIVATE_ONLY = "Webhooks go to public internet addresses only; {host} is on a private network or this machine."


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_HTTP = []
    settings.WEBHOOK_ALLOW_PRIVATE = []
    settings.WEBHOOK_TIMEOUT = 1


@pytest.fixture
def as_manager(manager):
    return client_for(manager)


@pytest.fixture
def dns(monkeypatch) -> dict[str, list[str]]:
    """Names the resolver knows, each with its addresses; every lookup is recorded under ``"asked"``."""
    table: dict[str, list[str]] = {"asked": []}

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        table["asked"].append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))
            for ip in table[host]
        ]

    monkeypatch.setattr(addresses.socket, "getaddrinfo", getaddrinfo)
    return table


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.20",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "[::1]",
        "[fd00::1]",
        "[::ffff:10.0.0.1]",
        "localhost",
        "LOCALHOST",
        "printer.localhost",
    ],
)
def test_a_url_naming_an_internal_address_is_refused_and_nothing_is_subscribed(as_manager, host):
    data = {"url": f"https://{host}/hooks", "events": ["ticket.created"]}

    errors = field_errors(as_manager.post(WEBHOOKS, data, format="json"))

    named = host.strip("[]").lower()
    assert errors == {"url": [PRIVATE_ONLY.format(host=named)]}
    assert not WebhookSubscription.objects.exists()


def test_a_public_address_or_name_is_subscribed_without_resolving_it(as_manager, dns):
    for url in ["https://93.184.215.14/hooks", "https://hooks.dealer.example/in", "https://[2001:4860::8888]/h"]:
        assert as_manager.post(WEBHOOKS, {"url": url, "events": ["ticket.created"]}, format="json").status_code == 201

    assert WebhookSubscription.objects.count() == 3
    assert dns["asked"] == []


def test_a_host_on_the_allowed_list_may_be_internal(as_manager, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = ["10.1.2.3", "erp.localhost"]

    for url in ["https://10.1.2.3/hooks", "https://ERP.localhost/hooks"]:
        assert as_manager.post(WEBHOOKS, {"url": url, "events": ["ticket.created"]}, format="json").status_code == 201


def test_while_developing_any_host_may_be_subscribed(as_manager, settings):
    settings.DEBUG = True

    data = {"url": "http://localhost:9000/hooks", "events": ["ticket.created"]}
    assert as_manager.post(WEBHOOKS, data, format="json").status_code == 201


def test_the_admin_refuses_an_internal_url_too(client, manager):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    page = client.post(
        "/admin/notifications/webhooksubscription/add/",
        {"owner": manager.pk, "url": "https://169.254.169.254/latest", "events": ["ticket.created"], "is_active": "on"},
    )

    assert page.status_code == 200
    assert PRIVATE_ONLY.format(host="169.254.169.254") in page.content.decode()
    assert not WebhookSubscription.objects.exists()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def deliver_to(manager, url: str) -> WebhookDelivery:
    factories.WebhookSubscriptionFactory(owner=manager, url=url)
    [delivery] = webhooks.emit("ticket.created", {"id": 7})
    webhooks.attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    return delivery


@pytest.mark.parametrize(
    "resolved",
    [["127.0.0.1"], ["10.0.0.5"], ["::1"], ["93.184.215.14", "192.168.0.4"], ["::ffff:127.0.0.1"]],
    ids=["loopback", "private", "ipv6-loopback", "public-and-private", "ipv4-mapped"],
)
def test_a_name_resolving_inside_the_network_is_refused_on_delivery_and_nothing_is_sent(
    manager, settings, dns, receiver, resolved
):
    settings.WEBHOOK_ALLOW_HTTP = ["hooks.dealer.example"]
    dns["hooks.dealer.example"] = resolved
    port = receiver.server.server_port

    delivery = deliver_to(manager, f"http://hooks.dealer.example:{port}/hooks")

    refused = next(ip for ip in resolved if ip != "93.184.215.14")
    assert receiver.requests == []
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (WebhookDeliveryStatus.PENDING, 1, None)
    assert delivery.last_error == (
        f"URLError: hooks.dealer.example resolves to {refused}, which is not a public address"
    )
    assert delivery.attempt_log[0]["error"] == delivery.last_error
    assert delivery.next_attempt_at is not None


def test_an_allowed_internal_receiver_is_reached_at_the_address_that_was_checked(manager, settings, dns, receiver):
    settings.WEBHOOK_ALLOW_HTTP = ["erp.internal"]
    settings.WEBHOOK_ALLOW_PRIVATE = ["erp.internal"]
    dns["erp.internal"] = ["127.0.0.1"]
    port = receiver.server.server_port

    delivery = deliver_to(manager, f"http://erp.internal:{port}/hooks")

    assert (delivery.status, delivery.last_status_code) == (WebhookDeliveryStatus.DELIVERED, 200)
    [sent] = receiver.requests
    assert sent["headers"]["Host"] == f"erp.internal:{port}"
    assert dns["asked"] == ["erp.internal"]


def test_a_name_that_does_not_resolve_is_a_logged_failure_and_retried(manager, settings, dns):
    settings.WEBHOOK_ALLOW_HTTP = ["gone.dealer.example"]

    delivery = deliver_to(manager, "http://gone.dealer.example/hooks")

    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.PENDING, 1)
    assert delivery.last_error == "URLError: [Errno -2] Name or service not known"


def test_proxies_in_the_environment_are_not_used(manager, settings, dns, receiver, monkeypatch):
    """A proxy would be the address checked instead of the receiver's, and would reach anything."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{receiver.server.server_port}")
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{receiver.server.server_port}")
    settings.WEBHOOK_ALLOW_HTTP = ["hooks.dealer.example"]
    dns["hooks.dealer.example"] = ["10.9.9.9"]

    delivery = deliver_to(manager, "http://hooks.dealer.example/hooks")

    assert receiver.requests == []
    assert delivery.last_error == "URLError: hooks.dealer.example resolves to 10.9.9.9, which is not a public address"
