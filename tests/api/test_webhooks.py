"""Webhooks (issue 7): subscriptions through the API and the admin; one delivery row per
subscriber written in the transaction that caused the event and sent after its commit (nothing
on rollback); signed so a receiver can verify it; retried with growing pauses, every attempt
logged; a failing receiver never touching the request that caused the event; a real receiver
on 127.0.0.1 end to end."""

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.exceptions import Retry
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from rest_framework import serializers

from aftersales.roles import Role
from followups.callbacks.services import record_attempt
from followups.choices import CallbackResult
from notifications import webhooks
from notifications.models import WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription
from notifications.webhooks import listened, tasks
from quality import alerts
from quality.models import AlertKind, Dimension
from tests import factories
from tests.api.conftest import client_for, error, field_errors
from tickets.choices import Channel, Kind, Status
from tickets.services import ticket_assign, ticket_create, ticket_transition
from warranty import claims

pytestmark = pytest.mark.django_db

WEBHOOKS = "/api/webhooks/"
EVERY_EVENT = [
    "ticket.created",
    "ticket.status_changed",
    "ticket.assigned",
    "claim.decided",
    "claim.executed",
    "callback.completed",
    "alert.raised",
    "alert.cleared",
]


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else serializers.DateTimeField().to_representation(value)


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """The receiver's side, as notifications/webhooks/ documents it."""
    expected = hmac.new(secret.encode(), f"{headers['X-Aftersales-Timestamp']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(f"sha256={expected.hexdigest()}", headers["X-Aftersales-Signature"])


# --- a real receiver on 127.0.0.1 -----------------------------------------------------------------------


class Receiver:
    """An HTTP server in a thread: records every request, answers ``status`` after ``delay`` seconds."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.delay = 0.0
        self.location = ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                if receiver.location:
                    self.send_header("Location", receiver.location)
                answer = b'{"ok": true}' if receiver.status < 300 else b"Internal trouble " + b"x" * 5000
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                try:
                    self.wfile.write(answer)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_HTTP = ["127.0.0.1"]
    settings.WEBHOOK_ALLOW_PRIVATE = ["127.0.0.1"]
    settings.WEBHOOK_TIMEOUT = 1
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def as_manager(manager):
    return client_for(manager)


@pytest.fixture
def as_other_manager():
    return client_for(factories.UserFactory(roles=[Role.MANAGER], username="manager2"))


@pytest.fixture
def as_department(department_user):
    return client_for(department_user)


@pytest.fixture
def subscription(manager, receiver) -> WebhookSubscription:
    return factories.WebhookSubscriptionFactory(owner=manager, url=receiver.url)


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """The deliveries handed to Celery, instead of running them (the tests run tasks eagerly)."""
    pks: list[int] = []
    monkeypatch.setattr(tasks.deliver_webhook_task, "delay", pks.append)
    return pks


def new_ticket(by=None, **kwargs):
    customer = kwargs.pop("customer", None) or factories.CustomerFactory()
    return ticket_create(
        customer=customer, kind=Kind.REPAIR, channel=Channel.PHONE, description="Does not spin.", by=by, **kwargs
    )


# --- subscriptions --------------------------------------------------------------------------------------


def subscription_body(subscription: WebhookSubscription) -> dict:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "events": subscription.events,
        "description": subscription.description,
        "is_active": subscription.is_active,
        "created_at": iso(subscription.created_at),
    }


def test_a_manager_subscribes_and_sees_the_secret_once(as_manager, manager, settings):
    settings.DEBUG = False
    data = {
        "url": "https://dealer.example.com/hooks",
        "events": ["ticket.status_changed", "ticket.created", "ticket.created"],
        "description": "Dealer system",
    }

    response = as_manager.post(WEBHOOKS, data, format="json")

    assert response.status_code == 201, response.content
    subscription = WebhookSubscription.objects.get()
    assert subscription.owner == manager
    assert subscription.events == ["ticket.created", "ticket.status_changed"]  # once each, in catalogue order
    assert len(subscription.secret) == 64
    assert response.json() == {**subscription_body(subscription), "secret": subscription.secret}
    assert as_manager.get(f"{WEBHOOKS}{subscription.pk}/").json() == subscription_body(subscription)
    assert as_manager.get(WEBHOOKS).json() == {
        "next": None,
        "previous": None,
        "results": [subscription_body(subscription)],
    }


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"url": ["This field is required."], "events": ["This field is required."]}),
        ({"url": "dealer", "events": ["ticket.created"]}, {"url": ["Enter a valid URL."]}),
        (
            {"url": "http://dealer.example.com/h", "events": ["ticket.created"]},
            {"url": ["The receiver must use https."]},
        ),
        (
            {"url": "https://bob:pw@dealer.example.com/h", "events": ["ticket.created"]},
            {"url": ["Leave credentials out of the URL: every delivery is signed instead."]},
        ),
        ({"url": "https://dealer.example.com/h", "events": []}, {"events": ["This list may not be empty."]}),
        (
            {"url": "https://dealer.example.com/h", "events": ["ticket.created", "ticket.deleted"]},
            {"events.1": ['"ticket.deleted" is not a valid choice.']},
        ),
    ],
)
def test_bad_input_is_a_400_and_nothing_is_subscribed(as_manager, settings, data, errors):
    settings.DEBUG = False

    assert field_errors(as_manager.post(WEBHOOKS, data, format="json")) == errors
    assert not WebhookSubscription.objects.exists()


def test_plain_http_only_for_the_allowed_hosts(as_manager, settings):
    settings.DEBUG = False
    settings.WEBHOOK_ALLOW_HTTP = ["localhost"]
    settings.WEBHOOK_ALLOW_PRIVATE = ["localhost"]
    data = {"url": "http://localhost:9000/hooks", "events": ["ticket.created"]}

    assert as_manager.post(WEBHOOKS, data, format="json").status_code == 201


def test_another_managers_subscription_is_not_found_and_untouched(as_other_manager, subscription):
    missing = error(as_other_manager.get(f"{WEBHOOKS}999999/"), 404, "not_found")
    base = f"{WEBHOOKS}{subscription.pk}/"

    assert error(as_other_manager.get(base), 404, "not_found") == missing
    assert error(as_other_manager.delete(base), 404, "not_found") == missing
    assert error(as_other_manager.get(f"{base}deliveries/"), 404, "not_found") == missing
    assert error(as_other_manager.post(f"{base}ping/"), 404, "not_found") == missing
    assert as_other_manager.get(WEBHOOKS).json()["results"] == []
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.deleted_at) == (True, None)
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("as_agent", 403, "permission_denied"),
        ("as_technician", 403, "permission_denied"),
        ("as_department", 403, "permission_denied"),
        ("as_customer", 403, "permission_denied"),
    ],
)
def test_only_managers_and_admins_subscribe(request, subscription, who, status, code):
    client = request.getfixturevalue(who)
    data = {"url": "https://dealer.example.com/h", "events": ["ticket.created"]}

    error(client.get(WEBHOOKS), status, code)
    error(client.post(WEBHOOKS, data, format="json"), status, code)
    error(client.get(f"{WEBHOOKS}{subscription.pk}/"), status, code)
    error(client.delete(f"{WEBHOOKS}{subscription.pk}/"), status, code)
    assert WebhookSubscription.objects.count() == 1


def test_deleting_stops_deliveries_and_keeps_the_log(as_manager, subscription, receiver, queued):
    delivered = webhooks.ping(subscription=subscription, by=subscription.owner)
    webhooks.attempt_delivery(delivered.pk)
    pending = webhooks.ping(subscription=subscription, by=subscription.owner)

    response = as_manager.delete(f"{WEBHOOKS}{subscription.pk}/")

    assert response.status_code == 204
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.deleted_at is not None) == (False, True)
    error(as_manager.get(f"{WEBHOOKS}{subscription.pk}/"), 404, "not_found")
    assert webhooks.attempt_delivery(pending.pk) == webhooks.Outcome()
    assert len(receiver.requests) == 1
    pending.refresh_from_db()
    assert pending.status == WebhookDeliveryStatus.FAILED
    assert WebhookDelivery.objects.count() == 2
    assert not webhooks.emit("ticket.created", {"id": 1})


def test_ping_queues_a_delivery_after_the_commit(as_manager, subscription, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_manager.post(f"{WEBHOOKS}{subscription.pk}/ping/")

    assert response.status_code == 202, response.content
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.payload["data"]) == ("ping", {"subscription": subscription.pk})
    assert response.json()["uuid"] == str(delivery.uuid)
    assert queued == [delivery.pk]


def delivery_body(delivery: WebhookDelivery) -> dict:
    delivery.refresh_from_db()
    return {
        "id": delivery.pk,
        "uuid": str(delivery.uuid),
        "event": delivery.event,
        "event_id": str(delivery.event_id),
        "payload": delivery.payload,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_response": delivery.last_response,
        "last_error": delivery.last_error,
        "attempt_log": delivery.attempt_log,
        "next_attempt_at": iso(delivery.next_attempt_at),
        "created_at": iso(delivery.created_at),
        "delivered_at": iso(delivery.delivered_at),
    }


def test_the_deliveries_with_every_attempt_page_by_cursor(
    as_manager, subscription, receiver, queued, django_assert_num_queries
):
    sent = [webhooks.ping(subscription=subscription, by=subscription.owner) for _ in range(3)]
    for delivery in sent:
        webhooks.attempt_delivery(delivery.pk)
    url = f"{WEBHOOKS}{subscription.pk}/deliveries/"

    with django_assert_num_queries(3):  # the token, the user's roles, the subscription, the page
        first = as_manager.get(url, {"page_size": 2}).json()
    with django_assert_num_queries(3):
        second = as_manager.get(first["next"]).json()

    assert first["results"] == [delivery_body(sent[2]), delivery_body(sent[1])]
    assert second["results"] == [delivery_body(sent[0])]
    [attempt] = first["results"][0]["attempt_log"]
    assert (attempt["attempt"], attempt["status_code"], attempt["error"], attempt["response"]) == (
        1,
        200,
        "",
        '{"ok": true}',
    )


# --- emitting: in the transaction, sent after the commit ------------------------------------------------


def test_one_delivery_per_live_subscriber_of_the_event(manager, django_assert_num_queries):
    wanted = factories.WebhookSubscriptionFactory(owner=manager, events=["ticket.created"])
    factories.WebhookSubscriptionFactory(owner=manager, events=["claim.decided"])
    factories.WebhookSubscriptionFactory(owner=manager, is_active=False)
    factories.WebhookSubscriptionFactory(owner=manager, deleted_at=timezone.now())
    factories.WebhookSubscriptionFactory(owner=factories.UserFactory(roles=[Role.AGENT]))
    factories.WebhookSubscriptionFactory(owner=factories.UserFactory(roles=[Role.MANAGER], is_active=False))
    admin = factories.WebhookSubscriptionFactory(owner=factories.UserFactory(is_superuser=True))

    with django_assert_num_queries(2):  # the subscribers, one insert
        rows = webhooks.emit("ticket.created", {"id": 7}, now=dt.datetime(2026, 3, 8, 2, 0, tzinfo=dt.UTC))

    assert {row.subscription for row in rows} == {wanted, admin}
    assert rows[0].event_id == rows[1].event_id
    assert rows[0].payload == {
        "id": str(rows[0].event_id),
        "event": "ticket.created",
        "occurred_at": "2026-03-08T02:00:00Z",
        "data": {"id": 7},
    }


@pytest.fixture
def nothing_cached():
    """No set of listened events cached by an earlier test (the cache outlives their rollbacks)."""
    cache.delete_many([listened.SET_KEY, listened.TOKEN_KEY])
    yield
    cache.delete_many([listened.SET_KEY, listened.TOKEN_KEY])


def test_nobody_listening_costs_one_query_then_none(nothing_cached, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert webhooks.emit("ticket.created", {"id": 7}) == []
    with django_assert_num_queries(0):
        assert webhooks.emit("ticket.created", {"id": 8}) == []
        assert webhooks.emit("alert.raised", {"id": 9}) == []


def test_a_transaction_that_changed_subscriptions_reads_them_itself_and_caches_nothing(
    nothing_cached, queued, django_assert_num_queries
):
    assert webhooks.emit("ticket.created", {"id": 1}) == []
    cached = cache.get(listened.SET_KEY)
    assert cached is not None

    # Not committed yet: only this transaction sees it, and it may still roll back.
    wanted = factories.WebhookSubscriptionFactory(events=["ticket.created"])

    with django_assert_num_queries(2):  # the subscribers, one insert
        [row] = webhooks.emit("ticket.created", {"id": 2})
    assert row.subscription == wanted
    assert cache.get(listened.SET_KEY) == cached


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_cached_set_follows_every_committed_change(nothing_cached, queued, django_assert_num_queries):
    manager = factories.UserFactory(roles=[Role.MANAGER], username="hooks-manager")

    def deliveries() -> int:
        return len(webhooks.emit("ticket.created", {"id": 1}))

    assert deliveries() == 0
    with django_assert_num_queries(0):
        assert deliveries() == 0

    subscription = webhooks.subscription_create(
        owner=manager, url="https://dealer.example.com/hooks", events=["ticket.created"]
    )
    with django_assert_num_queries(4) as captured:  # the subscribers, one insert (in its own transaction)
        assert deliveries() == 1
    assert [query["sql"].split()[0] for query in captured.captured_queries] == ["SELECT", "BEGIN", "INSERT", "COMMIT"]
    with django_assert_num_queries(0):  # listened to, but nobody asked for this one
        assert webhooks.emit("alert.raised", {"id": 2}) == []

    manager.last_login = timezone.now()
    manager.save(update_fields=["last_login"])  # signing in changes nothing that counts
    with django_assert_num_queries(0):
        assert webhooks.emit("alert.raised", {"id": 3}) == []

    manager.is_active = False
    manager.save()
    assert deliveries() == 0
    with django_assert_num_queries(0):
        assert deliveries() == 0

    manager.is_active = True
    manager.save()
    assert deliveries() == 1
    manager.groups.clear()  # no longer a manager
    assert deliveries() == 0
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    assert deliveries() == 1

    webhooks.subscription_delete(subscription=subscription, by=manager)  # an update: no signal of its own
    assert deliveries() == 0
    with django_assert_num_queries(0):
        assert deliveries() == 0

    factories.WebhookSubscriptionFactory(owner=factories.UserFactory(is_superuser=True), events=["ticket.created"])
    assert deliveries() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_set_read_before_a_change_was_committed_is_read_again(nothing_cached):
    listened.forget()  # outside a transaction: at once
    known, token = listened.lookup()
    assert (known, token is not None) == (None, True)
    # The rows are read with this token; a change is committed before they are stored.
    listened.forget()
    listened.store(token, frozenset())
    known, newer = listened.lookup()
    assert (known, newer != token) == (None, True)
    listened.store(newer, frozenset({"ticket.created"}))
    assert listened.lookup() == (frozenset({"ticket.created"}), newer)

    # The token was lost (evicted): a change that sets one first wins over the reader's.
    cache.delete(listened.TOKEN_KEY)
    known, token = listened.lookup()
    assert (known, token) == (None, None)
    listened.forget()
    listened.store(token, frozenset())
    assert listened.lookup()[0] is None


def test_deliveries_are_sent_only_after_the_commit(subscription, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        ticket = new_ticket()
        assert WebhookDelivery.objects.get().status == WebhookDeliveryStatus.PENDING
        assert queued == []

    for callback in callbacks:
        callback()
    assert queued == [WebhookDelivery.objects.get(payload__data__id=ticket.pk).pk]


def test_nothing_is_recorded_or_sent_when_the_change_rolls_back(
    subscription, queued, receiver, django_capture_on_commit_callbacks
):
    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        with transaction.atomic():
            new_ticket()
            raise Boom

    assert callbacks == []
    assert not WebhookDelivery.objects.exists()
    assert (queued, receiver.requests) == ([], [])


def test_every_hook_point_emits_its_event(manager, agent, technician, queued):
    factories.WebhookSubscriptionFactory(owner=manager)
    station = factories.ServiceStationFactory()

    ticket = new_ticket(by=agent, unit=None)
    ticket = ticket_transition(ticket=ticket, move="acknowledge", by=agent)
    ticket = ticket_assign(ticket=ticket, station=station, assignee=technician, by=agent)
    claim_ticket = factories.TicketFactory(status=Status.IN_PROGRESS)
    claim = claims.claim_evaluate(ticket=claim_ticket, by=agent, entered={})
    claims.claim_choose(claim=claim, remedy="repair_free", by=agent)
    claims.claim_execute(claim=claim, by=agent)
    visit = factories.CallbackVisitFactory()
    record_attempt(visit=visit, result=CallbackResult.REACHED, by=agent, scores={"score_overall": 4}, comment="Fine")
    reading = alerts.Reading(
        kind=AlertKind.RATE,
        kpi="complaint_rate",
        dimension=Dimension.ALL,
        value="",
        label="Whole organisation",
        numerator=12,
        denominator=100,
        rate=Decimal("0.12"),
        threshold=Decimal("0.1"),
        window_start=dt.date(2026, 3, 1),
        window_end=dt.date(2026, 3, 30),
    )
    alert, _raised = alerts.raise_or_refresh(reading)
    alerts.clear_all_but(AlertKind.RATE, [])

    data = {row.event: row.payload["data"] for row in WebhookDelivery.objects.order_by("id")}
    assert list(data) == EVERY_EVENT
    assert data["ticket.created"] == {
        "id": ticket.pk,
        "reference": ticket.reference,
        "kind": "repair",
        "channel": "phone",
        "priority": "normal",
        "status": "new",
        "customer_id": ticket.customer_id,
        "unit_id": None,
        "station_id": None,
        "assignee_id": None,
        "created_at": DjangoJSONEncoder().default(ticket.created_at),  # ISO 8601 in UTC, as every payload date
    }
    assert (data["ticket.status_changed"]["from_status"], data["ticket.status_changed"]["to_status"]) == (
        "new",
        "acknowledged",
    )
    assert (data["ticket.assigned"]["station_id"], data["ticket.assigned"]["assignee_id"]) == (
        station.pk,
        technician.pk,
    )
    assert (data["claim.decided"]["id"], data["claim.decided"]["status"], data["claim.decided"]["remedies"]) == (
        claim.pk,
        "evaluated",
        ["repair_free"],
    )
    assert (data["claim.executed"]["status"], data["claim.executed"]["charge"]) == ("executed", "0.00")
    assert data["callback.completed"] == {
        "id": visit.pk,
        "kind": "after_service",
        "status": "done",
        "customer_id": visit.customer_id,
        "ticket": {"id": visit.ticket_id, "reference": visit.ticket.reference},
        "completed_at": data["callback.completed"]["completed_at"],
        "scores": {"attitude": None, "punctuality": None, "quality": None, "overall": 4},
        "raised_complaint": False,
        "complaint_ticket": None,
    }
    assert "Fine" not in json.dumps(data)  # the customer's own words stay in the product
    assert (data["alert.raised"]["id"], data["alert.raised"]["rate"], data["alert.raised"]["cleared_at"]) == (
        alert.pk,
        "0.120000",
        None,
    )
    assert data["alert.cleared"]["id"] == alert.pk and data["alert.cleared"]["cleared_at"] is not None
    assert len(queued) == 0  # the on-commit hand-over never ran: the test's transaction is still open


# --- delivering: signed, retried, logged ----------------------------------------------------------------


def test_a_delivery_is_signed_so_the_receiver_can_verify_it(subscription, receiver):
    [delivery] = webhooks.emit("ticket.created", {"id": 7})

    assert webhooks.attempt_delivery(delivery.pk) == webhooks.Outcome(delivered=True)

    [sent] = receiver.requests
    headers, body = sent["headers"], sent["body"]
    assert verify(subscription.secret, headers, body)
    assert not verify("another secret", headers, body)
    assert not verify(subscription.secret, headers, body.replace(b"7", b"8"))
    assert json.loads(body) == delivery.payload
    assert (headers["X-Aftersales-Event"], headers["X-Aftersales-Delivery"]) == ("ticket.created", str(delivery.uuid))
    assert headers["Content-Type"] == "application/json"
    assert abs(int(headers["X-Aftersales-Timestamp"]) - time.time()) < 60
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (WebhookDeliveryStatus.DELIVERED, 1, 200)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None


def test_a_failing_receiver_is_retried_with_growing_pauses_and_every_attempt_logged(subscription, receiver):
    receiver.status = 500
    [delivery] = webhooks.emit("ticket.created", {"id": 7})
    start = timezone.now()
    pauses = []
    now = start

    for _ in range(webhooks.MAX_ATTEMPTS):
        outcome = webhooks.attempt_delivery(delivery.pk, now=now)
        pauses.append(outcome.retry_in)
        # A retry that arrives early finds its delivery not due, and sends nothing.
        assert webhooks.attempt_delivery(delivery.pk, now=now + dt.timedelta(seconds=10)) == webhooks.Outcome()
        now += dt.timedelta(seconds=outcome.retry_in or 0)

    assert pauses == [30, 60, 120, 240, 480, 960, 1920, None]
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (WebhookDeliveryStatus.FAILED, 8, 500)
    assert len(delivery.last_response) == webhooks.RESPONSE_KEPT
    assert delivery.last_response.startswith("Internal trouble")
    assert [entry["attempt"] for entry in delivery.attempt_log] == list(range(1, 9))
    assert {entry["status_code"] for entry in delivery.attempt_log} == {500}
    assert delivery.attempt_log[1]["at"] == timezone.localtime(start + dt.timedelta(seconds=30)).isoformat()
    assert webhooks.attempt_delivery(delivery.pk, now=now + dt.timedelta(days=1)) == webhooks.Outcome()
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS


def test_the_task_asks_celery_for_each_retry_with_the_growing_countdown(subscription, receiver, monkeypatch):
    receiver.status = 503
    [delivery] = webhooks.emit("ticket.created", {"id": 7})
    countdowns = []

    def retry(self, *args, countdown=None, **kwargs):
        countdowns.append(countdown)
        return Retry(when=countdown)

    monkeypatch.setattr(type(tasks.deliver_webhook_task._get_current_object()), "retry", retry)
    for _ in range(3):
        tasks.deliver_webhook_task.apply(args=[delivery.pk], throw=False)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # time passes

    assert countdowns == [30, 60, 120]
    delivery.refresh_from_db()
    assert [entry["status_code"] for entry in delivery.attempt_log] == [503, 503, 503]


def test_a_receiver_that_times_out_is_logged_and_retried(subscription, receiver, settings):
    settings.WEBHOOK_TIMEOUT = 0.3
    receiver.delay = 1.5
    [delivery] = webhooks.emit("ticket.created", {"id": 7})

    assert webhooks.attempt_delivery(delivery.pk) == webhooks.Outcome(retry_in=30)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_status_code) == (WebhookDeliveryStatus.PENDING, None)
    assert "timed out" in delivery.last_error
    assert delivery.attempt_log[0]["error"] == delivery.last_error
    assert delivery.attempt_log[0]["duration_ms"] < 1500


def test_a_receiver_that_is_down_or_redirects_is_retried(subscription, receiver):
    receiver.status, receiver.location = 302, "https://elsewhere.example.com/"
    [redirected] = webhooks.emit("ticket.created", {"id": 7})
    assert webhooks.attempt_delivery(redirected.pk) == webhooks.Outcome(retry_in=30)
    redirected.refresh_from_db()
    assert redirected.last_status_code == 302  # not followed
    assert len(receiver.requests) == 1

    receiver.stop()
    [refused] = webhooks.emit("ticket.created", {"id": 8})
    assert webhooks.attempt_delivery(refused.pk) == webhooks.Outcome(retry_in=30)
    refused.refresh_from_db()
    assert refused.last_status_code is None
    assert "refused" in refused.last_error.lower()


def test_an_attempt_under_way_is_not_sent_twice(subscription, receiver):
    [delivery] = webhooks.emit("ticket.created", {"id": 7})
    assert webhooks.take_for_attempt(delivery.pk, timezone.now()) is not None  # another worker took it

    assert webhooks.attempt_delivery(delivery.pk) == webhooks.Outcome()
    assert receiver.requests == []


def test_an_owner_no_longer_a_manager_is_sent_nothing(subscription, receiver):
    [delivery] = webhooks.emit("ticket.created", {"id": 7})
    subscription.owner.groups.clear()

    assert webhooks.attempt_delivery(delivery.pk) == webhooks.Outcome()
    assert receiver.requests == []
    delivery.refresh_from_db()
    assert delivery.status == WebhookDeliveryStatus.FAILED


def test_the_sweep_queues_what_the_broker_missed(subscription, queued):
    now = timezone.now()
    [stuck] = webhooks.emit("ticket.created", {"id": 1}, now=now - dt.timedelta(minutes=10))
    [fresh] = webhooks.emit("ticket.created", {"id": 2}, now=now)
    [done] = webhooks.emit("ticket.created", {"id": 3}, now=now - dt.timedelta(minutes=10))
    WebhookDelivery.objects.filter(pk=done.pk).update(status=WebhookDeliveryStatus.DELIVERED)

    assert webhooks.webhook_sweep(now=now) == 1
    assert queued == [stuck.pk]
    assert fresh.pk not in queued


# --- the request that causes an event --------------------------------------------------------------------


def test_a_failing_receiver_never_touches_the_request(
    as_agent, manager, receiver, queued, django_capture_on_commit_callbacks
):
    receiver.status, receiver.delay = 500, 0.5
    factories.WebhookSubscriptionFactory(owner=manager, url=receiver.url, events=["callback.completed"])
    visit = factories.CallbackVisitFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = as_agent.post(
            f"/api/callbacks/{visit.pk}/attempts/", {"result": "reached", "scores": {"overall": 5}}, format="json"
        )

    assert response.status_code == 201, response.content
    delivery = WebhookDelivery.objects.get()
    assert queued == [delivery.pk]  # handed to a Celery worker after the commit
    assert receiver.requests == []  # the request itself sent nothing
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.PENDING, 0)


def test_a_broker_that_is_down_leaves_the_delivery_to_the_sweep(
    as_agent, manager, monkeypatch, django_capture_on_commit_callbacks
):
    factories.WebhookSubscriptionFactory(owner=manager, events=["callback.completed"])
    visit = factories.CallbackVisitFactory()

    def broker_down(pk):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.deliver_webhook_task, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_agent.post(
            f"/api/callbacks/{visit.pk}/attempts/", {"result": "reached", "scores": {"overall": 5}}, format="json"
        )

    assert response.status_code == 201, response.content
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDeliveryStatus.PENDING
    queued: list[int] = []
    monkeypatch.setattr(tasks.deliver_webhook_task, "delay", queued.append)
    assert webhooks.webhook_sweep(now=timezone.now() + dt.timedelta(minutes=3)) == 1
    assert queued == [delivery.pk]


# --- end to end ------------------------------------------------------------------------------------------


def test_end_to_end_a_real_receiver_gets_a_signed_claim_event(
    as_manager, as_agent, receiver, django_capture_on_commit_callbacks
):
    created = as_manager.post(WEBHOOKS, {"url": receiver.url, "events": ["claim.decided"]}, format="json")
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    ticket = factories.TicketFactory(status=Status.IN_PROGRESS)

    # The task runs inline here (CELERY_TASK_ALWAYS_EAGER in the tests), after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = as_agent.post("/api/claims/", {"ticket": ticket.reference}, format="json")

    assert response.status_code == 201, response.content
    [sent] = receiver.requests
    assert verify(secret, sent["headers"], sent["body"])
    event = json.loads(sent["body"])
    assert (event["event"], event["data"]["id"], event["data"]["ticket"]) == (
        "claim.decided",
        response.json()["id"],
        {"id": ticket.pk, "reference": ticket.reference},
    )
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status_code, delivery.attempts) == (WebhookDeliveryStatus.DELIVERED, 200, 1)
    log = as_manager.get(f"{WEBHOOKS}{created.json()['id']}/deliveries/").json()["results"]
    assert [(row["event"], row["status"]) for row in log] == [("claim.decided", "delivered")]


# --- the admin -------------------------------------------------------------------------------------------


def test_the_admin_shows_the_secret_once_and_resends_deliveries(
    client, manager, subscription, queued, django_capture_on_commit_callbacks
):
    admin = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    added = client.post(
        "/admin/notifications/webhooksubscription/add/",
        {"owner": manager.pk, "url": "https://dealer.example.com/h", "events": ["ticket.created"], "is_active": "on"},
        follow=True,
    )
    new = WebhookSubscription.objects.exclude(pk=subscription.pk).get()
    assert new.secret in added.content.decode()
    page = client.get(f"/admin/notifications/webhooksubscription/{new.pk}/change/").content.decode()
    assert new.secret not in page
    # A change goes through the same checks as the API's and never touches the secret.
    secret = new.secret
    refused = client.post(
        f"/admin/notifications/webhooksubscription/{new.pk}/change/",
        {"owner": manager.pk, "url": "http://10.0.0.1/h", "events": ["ticket.created"], "is_active": "on"},
    )
    assert refused.status_code == 200
    new.refresh_from_db()
    assert (new.url, new.secret) == ("https://dealer.example.com/h", secret)
    client.post(
        f"/admin/notifications/webhooksubscription/{new.pk}/change/",
        {
            "owner": manager.pk,
            "url": "https://dealer.example.com/h2",
            "events": ["ticket.assigned"],
            "description": " Dealer ",
        },
    )
    new.refresh_from_db()
    assert (new.url, new.events, new.description, new.is_active, new.secret) == (
        "https://dealer.example.com/h2",
        ["ticket.assigned"],
        "Dealer",
        False,
        secret,
    )

    delivery = webhooks.emit("ticket.created", {"id": 7})[0]
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDeliveryStatus.FAILED, attempts=8)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/notifications/webhookdelivery/",
            {"action": "resend", "_selected_action": [delivery.pk]},
            follow=True,
        )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.PENDING, 0)
    assert queued == [delivery.pk]
