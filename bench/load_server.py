"""The product served for the load benchmark: gunicorn on 127.0.0.1 with the production
settings behind a (simulated) load balancer, its access log recording each request's duration."""

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench_setup import BENCH_FIELD_ENCRYPTION_KEY, ROOT

VENV_BIN = Path(sys.executable).parent
# Every field of the access log line, tab-separated: what load_bench reads back.
ACCESS_LOG_FORMAT = "\t".join(["%({x-bench-name}i)s", "%({x-bench-phase}i)s", "%(s)s", "%(D)s", "%(m)s %(U)s"])


def server_env(base: dict[str, str], url: str, args: argparse.Namespace, work: Path) -> dict[str, str]:
    """The production settings, served over plain HTTP on 127.0.0.1 behind a (simulated) load balancer."""
    settings_module = work / "load_bench_settings.py"
    settings_module.write_text(
        "# The product's settings; only the static files go to this run's own directory.\n"
        "from aftersales.settings import *  # noqa: F403\n\n"
        f"STATIC_ROOT = {str(work / 'static')!r}\n"
    )
    env = {key: value for key, value in base.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="load_bench_settings",
        PYTHONPATH=os.pathsep.join([str(work), str(ROOT)]),
        DATABASE_URL=url,
        REDIS_URL=args.redis_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(40),
        FIELD_ENCRYPTION_KEY=base.get("FIELD_ENCRYPTION_KEY") or BENCH_FIELD_ENCRYPTION_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        # The balancer terminates TLS and says so in X-Forwarded-Proto (the app users send it); its
        # health probe comes over plain HTTP, so no redirect to https here.
        SECURE_SSL_REDIRECT="0",
        # One proxy in front: X-Forwarded-For's last address is the client's (aftersales/client_ip.py).
        API_NUM_PROXIES="1",
        # One token makes all the API traffic: its per-user throttle would stop it after 600 a
        # minute. The throttle still counts every request in Redis, as in production.
        API_USER_RATE="1000000/minute",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        AFTERSALES_VAR_DIR=str(work / "var"),
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    env: dict[str, str],
    args: argparse.Namespace,
    work: Path,
    port: int,
    *,
    gunicorn: Path = VENV_BIN / "gunicorn",
    app: str = "aftersales.wsgi",
    cwd: Path = ROOT,
) -> subprocess.Popen:
    """``app`` served by ``args.workers`` sync workers on 127.0.0.1 only, logging each request's
    row, phase, status and duration (ACCESS_LOG_FORMAT); returns once /healthz answers."""
    command = [
        str(gunicorn),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        str(work / "access.log"),
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--error-logfile",
        str(work / "error.log"),
        "--timeout",
        "60",
    ]
    print(f"Starting gunicorn on 127.0.0.1:{port} with {args.workers} workers")
    server = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}); see {work / 'error.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    # Not left running: the caller never got hold of it to stop it.
    stop_gunicorn(server)
    errors = (work / "error.log").read_text(errors="replace")[-2000:] if (work / "error.log").exists() else ""
    raise RuntimeError(f"gunicorn did not answer /healthz within 60 s; its error log ends:\n{errors}")


def stop_gunicorn(server: subprocess.Popen | None) -> None:
    """Gracefully, then for good: only the process group this script started."""
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
