"""The connection settings of the primary and its replicas, read from their URLs.

Imported by the settings: nothing here may import models or read Django's settings.
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

POSTGRESQL = "django.db.backends.postgresql"
# A replica that does not answer is given up on this soon, and the request read from the primary.
CONNECT_TIMEOUT_SECONDS = 2


def database_from_url(url: str) -> dict:
    """A database's settings: connections kept for a minute and checked before each request
    reuses one."""
    database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if database["ENGINE"] == POSTGRESQL:
        # PostgreSQL's JIT compiles a plan when its cost estimate is high; for the quality
        # rates' grouped counts that takes ~350 ms to save ~5. Short queries gain nothing from it.
        # Memoize sizes its cache by the rows a join would give without the LIMIT: for a page of
        # 25 tickets joined to their customers and units it set up ~3 ms of cache for 0.5 ms of work.
        options = database.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off -c enable_memoize=off").strip()
    return database


def replica_databases(urls: list[str], *, primary: dict) -> dict[str, dict]:
    """The replicas' aliases (``replica_1``, ``replica_2``…) and settings, in the order given.

    A replica is a copy of the primary's PostgreSQL cluster, so the primary must be PostgreSQL
    too. Tests run against the primary's test database alone (``TEST.MIRROR``): no second test
    database is created for a replica."""
    if not urls:
        return {}
    if primary["ENGINE"] != POSTGRESQL:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL to point at the PostgreSQL primary.")
    replicas = {}
    for number, url in enumerate(urls, start=1):
        database = database_from_url(url)
        if database["ENGINE"] != POSTGRESQL:
            raise ImproperlyConfigured(f"DATABASE_REPLICA_URL must name PostgreSQL replicas, got {url.split(':')[0]}:")
        database["OPTIONS"].setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        database["TEST"] = {"MIRROR": "default"}
        replicas[f"replica_{number}"] = database
    return replicas
