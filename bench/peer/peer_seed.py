"""The peer's volume: django-helpdesk's tables migrated and filled up to ``--tickets`` tickets
(1,000,000 by default, as the product's load benchmark), each with the follow-up its creation
writes, in one public queue; a staff agent with a password fresh for the run; and the file the
peer's locust users read (``--config``). Runs in the peer's virtualenv (bench/peer/peer_bench.py
starts it there); a second run adds no tickets.

The tickets are spread over three years with the product seed's mix of states (about nine in
ten closed, the rest open, reopened or resolved), a fifth assigned to the agent; rows go in with
``bulk_create`` in batches of 5,000, then ``VACUUM ANALYZE``.
"""

import argparse
import datetime as dt
import json
import os
import random
import secrets
import sys
import time

import django

BATCH = 5_000
AGENT = "bench-peer-agent"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets to seed up to")
    parser.add_argument("--config", required=True, help="where to write the locust users' file")
    return parser.parse_args()


def seed_tickets(queue, agent, missing: int, start: int) -> None:
    from django.utils import timezone
    from helpdesk.models import FollowUp, Ticket

    rng = random.Random(start)
    now = timezone.now()
    statuses = (Ticket.CLOSED_STATUS, Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS, Ticket.RESOLVED_STATUS)
    weights = (90, 5, 2, 3)
    started = time.perf_counter()
    for offset in range(0, missing, BATCH):
        numbers = range(start + offset, start + min(missing, offset + BATCH))
        tickets = []
        for n in numbers:
            created = now - dt.timedelta(seconds=rng.randrange(3 * 365 * 86400))
            tickets.append(
                Ticket(
                    title=f"Repair request {n}",
                    queue=queue,
                    created=created,
                    modified=created,
                    submitter_email=f"customer{n % 200_000}@example.com",
                    status=rng.choices(statuses, weights)[0],
                    priority=3,
                    description="It stopped working this morning and shows an error code.",
                    assigned_to=agent if n % 5 == 0 else None,
                )
            )
        tickets = Ticket.objects.bulk_create(tickets)
        FollowUp.objects.bulk_create(
            FollowUp(ticket=t, date=t.created, title="Ticket Opened", comment=t.description, public=True)
            for t in tickets
        )
        done = offset + len(tickets)
        if done % (BATCH * 20) == 0 or done == missing:
            print(f"  {done:,} tickets in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    args = parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from helpdesk.models import Queue, Ticket

    call_command("migrate", verbosity=0)
    queue, _created = Queue.objects.get_or_create(
        slug="service",
        defaults={"title": "Service", "email_address": "service@example.com", "allow_public_submission": True},
    )
    password = secrets.token_urlsafe(18)
    agent, _created = get_user_model().objects.get_or_create(username=AGENT, defaults={"email": "agent@example.com"})
    agent.is_staff = True
    agent.set_password(password)
    agent.save()
    have = Ticket.objects.count()
    if have < args.tickets:
        print(f"Seeding {args.tickets - have:,} tickets", flush=True)
        seed_tickets(queue, agent, args.tickets - have, have)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    ids = Ticket.objects.order_by("?").values_list("id", flat=True)[:2000]
    config = {"agent": {"username": AGENT, "password": password}, "queue": queue.pk, "tickets": list(ids)}
    with open(args.config, "w", encoding="utf-8") as handle:
        json.dump(config, handle)
    os.chmod(args.config, 0o600)
    print(f"Peer database: {Ticket.objects.count():,} tickets")


if __name__ == "__main__":
    sys.exit(main())
