"""What the load benchmark's locust users share, here and beside the peer (bench/peer/): the
warm-up phase and the two headers that name each request's row and phase in gunicorn's access
log, what the TLS-terminating balancer adds, the refusal of any host but 127.0.0.1, the form
posts and sign-in of a browser, and the hello-world user. See bench/locustfile.py."""

import itertools
import os
import re
import uuid
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode, urlsplit

import gevent
from load_portal import address
from locust import FastHttpUser, constant, events, task

WARMUP_S = float(os.environ.get("LOAD_BENCH_WARMUP", "5"))
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Each simulated user's client address (load_portal.address), counted from 198.18.0.1.
_addresses = itertools.count(1)
PHASE = {"value": "warmup"}


class BehindTheBalancer(DefaultCookiePolicy):
    """Send the app's Secure cookies over the plain HTTP hop, as the TLS-terminating balancer does."""

    def return_ok_secure(self, cookie, request):
        return True


# The only host these users may load: the gunicorn the benchmark started on this machine.
LOCAL_HOST = "127.0.0.1"


@events.init.add_listener
def _refuse_other_hosts(environment, **_kwargs):
    # Fired before the first user starts; SystemExit is not swallowed by locust's event hooks.
    if urlsplit(environment.host or "").hostname != LOCAL_HOST:
        raise SystemExit(f"The load benchmark only loads http://{LOCAL_HOST}:<port>, not {environment.host!r}")


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
        self.new_client()
        self.client.cookiejar.set_policy(BehindTheBalancer())

    def new_client(self) -> None:
        """From now on, requests come from an address no simulated client used before."""
        self.client_ip = address(next(_addresses))

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

    def sign_in(self, account: dict[str, str], login: str) -> None:
        """The login form at ``login``, once per simulated user: a session like a person's."""
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
