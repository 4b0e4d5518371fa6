"""Settings for Aftersales, read from the environment.

With no configuration at all the product runs on the embedded default: SQLite and a Celery
broker on the filesystem (no server needed). ``DATABASE_URL`` switches to PostgreSQL and
``REDIS_URL`` to Redis for the broker and the cache (docs/architecture.md#the-embedded-default-and-postgresql-with-redis).
"""

# Each part reads the environment as the product starts and imports the values it uses from
# another part itself, so their order here does not matter.
# `DJANGO_SETTINGS_MODULE=aftersales.settings` reads them all from here.
from aftersales.settings.api import *  # noqa: F403
from aftersales.settings.core import *  # noqa: F403
from aftersales.settings.messaging import *  # noqa: F403
from aftersales.settings.product import *  # noqa: F403
from aftersales.settings.queues import *  # noqa: F403
from aftersales.settings.security import *  # noqa: F403
from aftersales.settings.storage import *  # noqa: F403
