"""What the benchmarks share to set up: the benchmark database (its name must contain "bench"),
Django with production-like settings, the volume seeded with ``manage.py demo`` and ``seed``, a
staff user to sign in as, and a description of the machine for the results."""

import argparse
import logging
import os
import platform
import sys
import warnings
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench"
# docs/architecture.md#quality-bars sizes the product at 1,000,000 tickets, 200,000 customers and 300,000 units.
CUSTOMERS_PER_TICKET = 0.2
UNITS_PER_TICKET = 0.3


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"The benchmark runs on PostgreSQL; DATABASE_URL is {parsed.scheme}://…")
    if "bench" not in name:
        sys.exit(f"Refusing to seed database {name!r}: use a database whose name contains 'bench'.")
    return url


def ensure_database(url: str) -> None:
    """Create the benchmark database on the server when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    connection = psycopg2.connect(
        dbname="postgres",
        user=parsed.username or "postgres",
        password=parsed.password,
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            print(f"Creating database {name}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


# Not a secret: the benchmark's processes share it so each reads what another encrypted.
BENCH_FIELD_ENCRYPTION_KEY = "YmVuY2htYXJrLW9ubHktbm90LWEtc2VjcmV0LWtleSE="


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "aftersales.settings"
    # Production-like: DEBUG off (templates cached, no debug cursor). The in-process client
    # speaks plain HTTP to "testserver", so the HTTPS redirect and host check are relaxed.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", BENCH_FIELD_ENCRYPTION_KEY)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    # WhiteNoise warns that collectstatic has not run; static files are not what is measured.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    # The benchmark seeds and reads for the whole organisation, as a command does; the pages it
    # requests run in their user's scope (aftersales/scoping.py).
    from django_scopes.state import state

    state.set({"_enabled": False})
    # A failing page is reported in the results table; its traceback would drown the output.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)


def prepare(args: argparse.Namespace) -> dict[str, int]:
    """Migrate, then seed up to the requested volume; returns the row counts."""
    from django.core.management import call_command
    from django.db import connection

    from customers.models import Customer, ProductUnit
    from tickets.models import Ticket

    call_command("migrate", verbosity=0)
    # The demo's 120 tickets have full timelines for the ticket page; the seed brings the volume.
    with open(os.devnull, "w") as quiet:
        call_command("demo", stdout=quiet)
    customers = args.customers if args.customers is not None else int(args.tickets * CUSTOMERS_PER_TICKET)
    units = args.units if args.units is not None else int(args.tickets * UNITS_PER_TICKET)
    missing = {
        "customers": max(0, customers - Customer.objects.count()),
        "units": max(0, units - ProductUnit.objects.count()),
        "tickets": max(0, args.tickets - Ticket.objects.count()),
    }
    if any(missing.values()):
        print(f"Seeding {missing}")
        call_command("seed", **missing)
        print("VACUUM ANALYZE")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "customers": Customer.objects.count(),
        "units": ProductUnit.objects.count(),
        "tickets": Ticket.objects.count(),
    }


def bench_user(role: str = "agent", username: str = "bench-agent", name: tuple[str, str] = ("Bench", "Agent")):
    """A staff user with the given role and no usable password (the benchmarks force_login)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": name[0], "last_name": name[1]}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def machine() -> dict[str, str]:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        db_size = cursor.fetchone()[0]
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": f"{os.cpu_count()} × {cpu}",
        "postgres": f"PostgreSQL {pg_version} on 127.0.0.1 (database size {db_size})",
        "python": f"Python {platform.python_version()}, Django {django.get_version()}",
    }
