"""Locust users for the load benchmark; bench/load_bench.py runs them (see bench/README.md).

Not meant to be pointed at anything but the gunicorn that load_bench.py starts on 127.0.0.1:
it reads the users, token and sample data that script prepared from the JSON file named by
``LOAD_BENCH_CONFIG``. Each user class is one endpoint group; the script runs one class (or
the hello-world alone) per scenario, closed-loop (no think time), so the figures are the
server's capacity, not a guess at real users' pacing.

Every request carries ``X-Bench-Name`` (the row it is counted under) and ``X-Bench-Phase``
(``warmup`` until the warm-up is over, then ``measure``); gunicorn writes both into its access
log beside the request's duration, which is how the script gets server-side percentiles per
row. The statistics locust itself keeps are reset when the warm-up ends, so both sides count
the same window.

The app users send what the TLS-terminating load balancer in front of a production deployment
adds: ``X-Forwarded-Proto: https`` (SECURE_PROXY_SSL_HEADER: the app runs its HTTPS path,
secure cookies, HSTS, CSRF's same-origin check) and ``X-Forwarded-For`` with the client's
address, which the app trusts from one proxy (``API_NUM_PROXIES=1``) for its per-address limits.
Each simulated user has an address of its own, and each portal submission comes from a new one,
as real customers do; the addresses are from 198.18.0.0/15, the range set aside for benchmarks,
and are header values only: every request goes to 127.0.0.1. The hello-world user sends
neither header, like the balancer's own health probe.
"""

import itertools
import json
import os
import random
import re
import uuid
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, events, task

CONFIG = json.loads(open(os.environ["LOAD_BENCH_CONFIG"], encoding="utf-8").read())
WARMUP_S = float(os.environ.get("LOAD_BENCH_WARMUP", "5"))
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# Phone numbers nobody has used (load_bench.py finds where they start) and client addresses.
_numbers = itertools.count(CONFIG["portal"]["first_number"])
_addresses = itertools.count(1)
PHASE = {"value": "warmup"}


def address(number: int) -> str:
    """The ``number``-th address of 198.18.0.0/15."""
    return f"198.{18 + (number >> 16) % 2}.{(number >> 8) % 256}.{number % 256}"


class BehindTheBalancer(DefaultCookiePolicy):
    """Send the app's Secure cookies over the plain HTTP hop, as the TLS-terminating balancer does."""

    def return_ok_secure(self, cookie, request):
        return True


@events.test_start.add_listener
def _start_warmup(environment, **_kwargs):
    def end_warmup():
        gevent.sleep(WARMUP_S)
        PHASE["value"] = "measure"
        environment.runner.stats.reset_all()

    gevent.spawn(end_warmup)


def bench_headers(name: str, client_ip: str | None = None) -> dict[str, str]:
    """The row's name and phase, and what the load balancer adds for a client at ``client_ip``."""
    headers = {"X-Bench-Name": name, "X-Bench-Phase": PHASE["value"]}
    if client_ip:
        headers["X-Forwarded-Proto"] = "https"
        headers["X-Forwarded-For"] = client_ip
    return headers


class BenchUser(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    # Connections are kept alive, as between a load balancer and its backends.
    concurrency = 1

    def on_start(self):
        self.client_ip = address(next(_addresses))
        self.client.cookiejar.set_policy(BehindTheBalancer())

    def fetch(self, name: str, path: str, *, expect: int = 200, **kwargs):
        """GET ``path``, counted under ``name``; anything but ``expect`` is a failure."""
        with self.client.get(
            path,
            name=name,
            headers=bench_headers(name, self.client_ip),
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code}")
            return response

    def post_form(
        self, name: str, path: str, fields: dict[str, str], *, expect: int = 302, files: tuple[str, ...] = (), **headers
    ):
        """POST a form as a browser does: multipart when it has file inputs (left empty here),
        with the CSRF token among ``fields`` and a same-origin Referer and Origin."""
        origin = "https://" + self.host.split("://", 1)[1]
        headers = {**bench_headers(name, self.client_ip), **headers, "Referer": origin + path, "Origin": origin}
        if files:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
            ]
            parts += [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"; filename=""\r\n'
                "Content-Type: application/octet-stream\r\n\r\n\r\n"
                for k in files
            ]
            body = ("".join(parts) + f"--{boundary}--\r\n").encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        with self.client.post(
            path, name=name, data=body, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code}: {(response.text or '')[:200]}")
            return response

    def csrf_token(self, name: str, path: str) -> str:
        response = self.fetch(name, path)
        match = CSRF_RE.search(response.text or "")
        if match is None:
            raise RuntimeError(f"No CSRF token on {path} (HTTP {response.status_code})")
        return match.group(1)

    def sign_in(self, account: dict[str, str]) -> None:
        """The desk's login form, once per simulated user: a session like a person's."""
        login = CONFIG["paths"]["login"]
        token = self.csrf_token("sign-in: form (setup)", login)
        response = self.post_form(
            "sign-in: submit (setup)",
            login,
            {"csrfmiddlewaretoken": token, "username": account["username"], "password": account["password"]},
        )
        if response.status_code != 302:
            raise RuntimeError(f"Sign-in as {account['username']} failed: HTTP {response.status_code}")


class HelloUser(BenchUser):
    """The ceiling: Django's whole middleware stack and a view that does nothing (/healthz)."""

    @task
    def healthz(self):
        with self.client.get(
            "/healthz",
            name="hello-world /healthz",
            headers=bench_headers("hello-world /healthz"),
            catch_response=True,
        ) as response:
            if response.status_code != 200 or response.content != b"ok":
                response.failure(f"HTTP {response.status_code}")


class DeskAgent(BenchUser):
    """A service agent working the queue: the default list, its filters and searches, tickets."""

    def on_start(self):
        super().on_start()
        self.sign_in(CONFIG["agent"])

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


class Manager(BenchUser):
    """A manager on the dashboard: the default view, the longer range, breakdowns, drill-downs."""

    def on_start(self):
        super().on_start()
        self.sign_in(CONFIG["manager"])

    @task
    def dashboard(self):
        name, url = random.choice(CONFIG["dashboard"])
        self.fetch(f"dashboard: {name}", url)


class PortalCustomer(BenchUser):
    """A customer requesting a repair on the portal: the form, then a valid submission with a
    phone nobody has used yet: the per-phone and per-address limits count as for real customers."""

    @task
    def submit(self):
        portal = CONFIG["portal"]
        path = CONFIG["paths"]["submit"]
        # A new customer, from an address of their own.
        self.client_ip = address(next(_addresses))
        token = self.csrf_token("portal: request form", path)
        number = next(_numbers)
        phone = f"{portal['phone_prefix']}{number % 10**8:08d}"
        model = random.choice(portal["models"])
        fields = {
            "csrfmiddlewaretoken": token,
            "website": "",  # the honeypot: people leave it empty
            "kind": "repair",
            "description": random.choice(portal["descriptions"]),
            "model": model,
            "serial": f"LB{number:010d}",
            "purchase_date": portal["purchase_date"],
            "name": f"Load Bench {number}",
            "phone": phone,
            "email": "",
            "address": f"{number % 9999 + 1} Bench Road, Pudong, Shanghai",
            "region": "Shanghai",
            "language": "",
            "preferred_visit_date": "",
            "preferred_visit_slot": "",
        }
        self.post_form("portal: submit (POST)", path, fields, files=("proof",))


class ApiClient(BenchUser):
    """An integration with a token: the ticket list (and a filter), one ticket, the metrics."""

    def on_start(self):
        super().on_start()
        self.client.auth_header = f"Token {CONFIG['api']['token']}"

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
