"""Fault: Redis stops while customers submit requests (issue 8, item 3).

Redis is both the broker and the cache. While it is down, portal submissions go through the
real view (rate limits and all): every one must answer with its reference, and its ticket and
its confirmation email (an outbox row) must be saved. Once Redis is back, the worker that was
running all along reconnects by itself, the outbox sweep sent through the broker delivers
every email, and each email goes out exactly once, however often the sweep runs.
"""

import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.delivery import SWEEP_GRACE
from notifications.models import MessageStatus, OutboundMessage
from notifications.tasks import outbox_sweep_task
from tests.faults.services import redis_answers, redis_stopped, require_controllable_redis
from tests.test_celery_worker import (
    REDIS_URL,
    needs_worker,
    task_results,
    tasks_sent_to,
    wait_for,
)
from tickets.choices import Channel, Status
from tickets.models import Ticket

SUBMISSIONS = 5
BROKER = {"broker_url": REDIS_URL, "transport_options": {"visibility_timeout": 3600}}


def submit(client: Client, n: int):
    """One customer's request on the portal, from their own address and phone."""
    return client.post(
        reverse("portal:submit"),
        {
            "name": f"Customer {n}",
            "phone": f"1390000{n:04d}",
            "email": f"customer{n}@example.com",
            "address": f"{n} Binhai Road, Qingdao",
            "language": "en",
            "kind": "repair",
            "description": "The washer stops mid-cycle.",
        },
        REMOTE_ADDR=f"10.8.0.{n}",
        follow=True,
    )


@needs_worker(redis=True)
@pytest.mark.redis
def test_requests_submitted_while_redis_is_down_are_saved_and_emailed_once_it_is_back(celery_processes):
    require_controllable_redis()
    worker = celery_processes.worker(redis_url=REDIS_URL)
    client = Client()
    outage_started = time.monotonic()

    with tasks_sent_to(celery_processes.queue, **BROKER), redis_stopped():
        assert not redis_answers()
        responses, seconds = [], []
        for n in range(1, SUBMISSIONS + 1):
            started = time.monotonic()
            responses.append(submit(client, n))
            seconds.append(time.monotonic() - started)
        # Each customer got their reference at once, on the confirmation page.
        assert [r.status_code for r in responses] == [200] * SUBMISSIONS, [
            r.context["form"].errors for r in responses if r.status_code != 200
        ]
        references = [r.context["ticket"].reference for r in responses]
        for response, reference in zip(responses, references, strict=True):
            assert response.redirect_chain == [(reverse("portal:submitted"), 302)]
            assert reference in response.content.decode()
        # Saved while Redis is still down: the tickets and their confirmation messages, waiting.
        assert sorted(Ticket.objects.filter(channel=Channel.WEB).values_list("reference", "status")) == sorted(
            (reference, Status.NEW) for reference in references
        )
        assert sorted(
            OutboundMessage.objects.values_list("ticket_reference", "template", "status", "attempts")
        ) == sorted((reference, "request_received", MessageStatus.PENDING, 0) for reference in references)
    outage = time.monotonic() - outage_started

    # Redis is back (empty: it keeps nothing on disk). The emails have waited longer than the
    # sweep's grace period, as they would in an outage of minutes.
    OutboundMessage.objects.update(created_at=timezone.now() - 2 * SWEEP_GRACE)
    with tasks_sent_to(celery_processes.queue, **BROKER):
        # The worker started before the outage reconnects on its own; beat would send this.
        outbox_sweep_task.apply_async(queue=celery_processes.queue)
        wait_for(
            lambda: not OutboundMessage.objects.exclude(status=MessageStatus.SENT).exists(),
            what="every email sent by the sweep",
            processes=[worker],
        )
        # Beat sends the sweep again: nothing is left for it.
        outbox_sweep_task.apply_async(queue=celery_processes.queue)
        wait_for(
            lambda: len(task_results(worker, "notifications.outbox_sweep_task")) == 2,
            what="the second sweep",
            processes=[worker],
        )

    assert task_results(worker, "notifications.outbox_sweep_task") == [str(SUBMISSIONS), "0"]
    # By SMS: the emails typed on the portal are not confirmed.
    assert celery_processes.sent_mail() == []
    assert sorted(celery_processes.sent_sms()) == sorted(
        (
            f"+861390000{n:04d}",
            f"We received your request {reference}. Track it: {settings.SITE_URL}/track/?reference={reference}",
        )
        for n, reference in enumerate(references, start=1)
    )
    assert not OutboundMessage.objects.exclude(status=MessageStatus.SENT, attempts=0).exists()
    print(
        f"\nRedis down {outage:.1f} s: {SUBMISSIONS} requests accepted (slowest {max(seconds):.1f} s), 0 failed, "
        f"0 lost; {SUBMISSIONS} messages sent once after it came back"
    )
