"""Locust users for a peer (django-helpdesk) served beside the product: the same scenarios as the
product's pages alone (bench/locustfile.py), under the same names, so bench/peer/peer_bench.py
reads both the same way. The shared parts (the warm-up, the row and phase headers, the balancer's
headers, the refusal of any host but 127.0.0.1, the hello-world user) are bench/load_users.py's.

The peer's pages for the product's: its ticket page (``/tickets/<id>/``) for the ticket page, its
ticket list (``/tickets/``, and the data call that page makes for its rows) for the desk queue,
``GET /api/tickets/`` (signed in: the peer has no API tokens, and HTTP Basic would hash the
password on every request) for the API list, and its public submission form for the portal.
"""

import json
import os
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load_users import BenchUser, HelloUser  # noqa: E402, F401  (HelloUser: the hello scenario's user class)
from locust import task  # noqa: E402

CONFIG = json.loads(open(os.environ["LOAD_BENCH_CONFIG"], encoding="utf-8").read())
LOGIN = "/login/"
DATA_URL = re.compile(r'"(/datatables_ticket_list/[^"]+)"')
_submissions = iter(range(10**9))


class PeerAgent(BenchUser):
    abstract = True

    def on_start(self):
        super().on_start()
        self.sign_in(CONFIG["agent"], LOGIN)


class TicketPageAgent(PeerAgent):
    """The ticket page alone, tickets picked at random from the seeded ones."""

    @task
    def ticket_page(self):
        self.fetch("desk: ticket page", f"/tickets/{random.choice(CONFIG['tickets'])}/")


class QueueAgent(PeerAgent):
    """The ticket list as a browser loads it: the page, then the rows it asks for."""

    @task
    def queue_default(self):
        response = self.fetch("desk: queue, default", "/tickets/")
        match = DATA_URL.search(response.text or "")
        if match:
            self.fetch("desk: queue, default (its rows)", match.group(1) + "?draw=1&start=0&length=25")


class ApiListClient(PeerAgent):
    """The API ticket list's default page alone."""

    @task
    def ticket_list_default(self):
        self.fetch("api: tickets, default", "/api/tickets/")


class PortalCustomer(BenchUser):
    """A customer submitting a ticket on the public form: the form, then a valid submission from a
    new address and e-mail address each time."""

    @task
    def submit(self):
        self.new_client()
        token = self.csrf_token("portal: request form", "/tickets/submit/")
        number = next(_submissions)
        fields = {
            "csrfmiddlewaretoken": token,
            "queue": str(CONFIG["queue"]),
            "title": f"Repair request, load bench {number}",
            "body": "It stopped working this morning and shows an error code.",
            "priority": "3",
            "due_date": "",
            "submitter_email": f"load-bench-{os.getpid()}-{number}@example.com",
        }
        self.post_form("portal: submit (POST)", "/tickets/submit/", fields, files=("attachment",))
