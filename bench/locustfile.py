"""Locust users for the load benchmark; bench/load_bench.py runs them (see bench/README.md).

Never pointed at anything but the gunicorn that load_bench.py starts on 127.0.0.1: a run whose
host is not 127.0.0.1 stops before its first request. It reads the users, token and sample data
that script prepared from the JSON file named by ``LOAD_BENCH_CONFIG``. Each user class is one
page or endpoint group; the script runs one class per scenario, closed-loop (no think time), so
the figures are the server's capacity, not a guess at real users' pacing. A class that requests
one page alone (ticket page, desk queue, API list) gives that page's own throughput.

Every request carries ``X-Bench-Name`` (the row it is counted under) and ``X-Bench-Phase``
(``warmup`` until the warm-up is over, then ``measure``); gunicorn writes both into its access
log beside the request's duration, which is how the script gets server-side percentiles per
row. The statistics locust itself keeps are reset when the warm-up ends, so both sides count
the same window.

The app users send what the TLS-terminating load balancer in front of a production deployment
adds: ``X-Forwarded-Proto: https`` (SECURE_PROXY_SSL_HEADER: the app runs its HTTPS path,
secure cookies, HSTS, CSRF's same-origin check) and ``X-Forwarded-For`` with the client's
address, which the app believes from a proxy on 127.0.0.1 only (``API_NUM_PROXIES=1``, i.e.
``TRUSTED_PROXIES`` 127.0.0.1 and ::1; aftersales/client_ip.py) for its per-address limits.
Each simulated user has an address of its own, and each portal submission comes from a new one,
as real customers do; the addresses are from 198.18.0.0/15, the range set aside for benchmarks,
and are header values only: every request goes to 127.0.0.1. The hello-world user sends
neither header, like the balancer's own health probe.
"""

import datetime as dt
import itertools
import json
import os
import random
from urllib.parse import urlencode

# Beside this file: locust puts its directory on the path.
from load_portal import submission
from load_users import BenchUser, HelloUser  # noqa: F401  (HelloUser: the hello scenario's user class)
from locust import task

CONFIG = json.loads(open(os.environ["LOAD_BENCH_CONFIG"], encoding="utf-8").read())
LOGIN = CONFIG["paths"]["login"]
# Phone numbers nobody has used (load_config.py finds where they start).
_numbers = itertools.count(CONFIG["portal"]["first_number"])


class DeskAgent(BenchUser):
    """A service agent working the queue: the default list, its filters and searches, tickets."""

    def on_start(self):
        super().on_start()
        self.sign_in(CONFIG["agent"], LOGIN)

    @task(6)
    def queue_default(self):
        self.fetch("desk: queue, default", CONFIG["desk"]["default"])

    @task(6)
    def queue_filtered(self):
        name, url = random.choice(CONFIG["desk"]["filters"])
        self.fetch(f"desk: queue, {name}", url)

    @task(2)
    def queue_search(self):
        name, url = random.choice(CONFIG["desk"]["searches"])
        self.fetch(f"desk: search, {name}", url)

    @task(6)
    def ticket_page(self):
        reference = random.choice(CONFIG["references"])
        self.fetch("desk: ticket page", CONFIG["desk"]["ticket"].replace("REFERENCE", reference))


class TicketPageAgent(BenchUser):
    """The ticket page alone, tickets picked at random from the sample: its own throughput."""

    def on_start(self):
        super().on_start()
        self.sign_in(CONFIG["agent"], LOGIN)

    @task
    def ticket_page(self):
        reference = random.choice(CONFIG["references"])
        self.fetch("desk: ticket page", CONFIG["desk"]["ticket"].replace("REFERENCE", reference))


class QueueAgent(BenchUser):
    """The desk queue's default page alone (what an agent opens the desk on): its own throughput."""

    def on_start(self):
        super().on_start()
        self.sign_in(CONFIG["agent"], LOGIN)

    @task
    def queue_default(self):
        self.fetch("desk: queue, default", CONFIG["desk"]["default"])


class CallbackAgent(BenchUser):
    """An agent on the callback queue: the calls due, the most overdue first; and overdue only."""

    def on_start(self):
        super().on_start()
        self.sign_in(CONFIG["agent"], LOGIN)

    @task
    def callback_queue(self):
        name, url = random.choice(CONFIG["callbacks"])
        self.fetch(f"callbacks: queue, {name}", url)


class Technician(BenchUser):
    """The technician with the busiest day of the field volume: the day page, and the day API
    (session-authenticated, as the page's own calls are)."""

    def on_start(self):
        super().on_start()
        self.sign_in(CONFIG["technician"], LOGIN)

    @task(3)
    def day_page(self):
        self.fetch("field: technician's day page", CONFIG["field"]["page"])

    @task(1)
    def day_api(self):
        self.fetch("field: GET /api/field/day/", CONFIG["field"]["api"])


class Manager(BenchUser):
    """A manager on the dashboard: the default view, the longer range, breakdowns, drill-downs."""

    def on_start(self):
        super().on_start()
        self.sign_in(CONFIG["manager"], LOGIN)

    @task
    def dashboard(self):
        name, url = random.choice(CONFIG["dashboard"])
        self.fetch(f"dashboard: {name}", url)


# The dashboard's first views: filter combinations drawn without repeat, in a different order each run.
_first_views: set[tuple] = set()


def first_view_params() -> list[tuple[str, str]]:
    """A period, breakdown and order no one asked for yet in this run: a custom period inside the
    days the snapshots cover (at least a week long, ending by today), one of the breakdowns and one
    of the sort orders the page offers: 571,200 combinations (3,570 periods x 8 breakdowns x 20
    orders), each one a manager can pick on the page."""
    view = CONFIG["first_view"]
    today = dt.date.fromisoformat(view["today"])
    while True:
        start_back = random.randint(view["shortest"] - 1, view["days"] - 1)
        end_back = random.randint(0, start_back - (view["shortest"] - 1))
        combination = (start_back, end_back, random.choice(view["by"]), random.choice(view["sorts"]))
        if combination not in _first_views:
            _first_views.add(combination)
            break
    return [
        ("range", "custom"),
        ("start", (today - dt.timedelta(days=start_back)).isoformat()),
        ("end", (today - dt.timedelta(days=end_back)).isoformat()),
        ("by", combination[2]),
        ("sort", combination[3]),
    ]


class ManagerFirstView(BenchUser):
    """A manager opening the dashboard on filters no one opened before: every request renders
    the figures instead of reading them from the fragments cache (load_bench.py counts the cache
    entries it wrote to show it)."""

    def on_start(self):
        super().on_start()
        self.sign_in(CONFIG["manager"], LOGIN)

    @task
    def first_view(self):
        path = CONFIG["first_view"]["path"]
        self.fetch("dashboard: first view (uncached)", path + "?" + urlencode(first_view_params()))


class PortalCustomer(BenchUser):
    """A customer requesting a repair on the portal: the form, then a valid submission with a
    phone nobody has used yet: the per-phone and per-address limits count as for real customers."""

    @task
    def submit(self):
        portal = CONFIG["portal"]
        path = CONFIG["paths"]["submit"]
        self.new_client()
        token = self.csrf_token("portal: request form", path)
        fields = {"csrfmiddlewaretoken": token, **submission(portal, next(_numbers))}
        self.post_form("portal: submit (POST)", path, fields, files=("proof",))


class TokenUser(BenchUser):
    """An integration: every request carries the manager's API token."""

    abstract = True

    def on_start(self):
        super().on_start()
        self.client.auth_header = f"Token {CONFIG['api']['token']}"


class ApiClient(TokenUser):
    """The ticket list (and a filter), one ticket, the metrics with and without a breakdown."""

    @task(4)
    def ticket_list(self):
        name, url = random.choice(CONFIG["api"]["lists"])
        self.fetch(f"api: tickets, {name}", url)

    @task(4)
    def ticket_detail(self):
        reference = random.choice(CONFIG["references"])
        self.fetch("api: ticket detail", CONFIG["api"]["detail"].replace("REFERENCE", reference))

    @task(2)
    def metrics(self):
        name, url = random.choice(CONFIG["api"]["metrics"])
        self.fetch(f"api: metrics, {name}", url)


class ApiListClient(TokenUser):
    """The API ticket list's default page alone: its own throughput."""

    @task
    def ticket_list_default(self):
        name, url = CONFIG["api"]["lists"][0]
        self.fetch(f"api: tickets, {name}", url)
