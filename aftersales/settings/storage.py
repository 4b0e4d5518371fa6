"""Where data lives: the database, the cache, and Celery's broker and task settings."""

from aftersales.beat import beat_schedule
from aftersales.env import env_bool, env_int, env_list, env_str
from aftersales.replicas.config import database_from_url, replica_databases
from aftersales.settings.core import TIME_ZONE, VAR_DIR

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "aftersales.sqlite3",
            # Web, worker and beat share one file: wait for locks instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Read replicas (docs/read-replicas.md) ----------------------------------------------------
# Streaming replicas of the primary, comma-separated URLs: the dashboard, exports, reports and the
# API's lists read from them (aftersales/replicas/). Unset, every query goes to the primary.
_replicas = replica_databases(env_list("DATABASE_REPLICA_URL", []), primary=DATABASES["default"])
DATABASES.update(_replicas)
DATABASE_REPLICAS = list(_replicas)
DATABASE_ROUTERS = ["aftersales.replicas.router.ReplicaRouter"] if DATABASE_REPLICAS else []
# How long after a change its author reads from the primary only: longer than the replicas lag.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
# How long a replica that did not answer is left alone before it is tried again.
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30)

# --- Cache and Celery ---------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# Fragments that are pure functions of what keys them (the desk's menu for a set of roles in a
# language), kept in each process's memory with either store: nothing to invalidate or share.
LOCAL_FRAGMENTS = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "local-fragments",
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
if REDIS_URL:
    # Only counters and pages that can be worked out again live in the cache: while Redis is down
    # it answers "nothing cached" instead of failing every request that counts (aftersales/cache.py).
    CACHES = {
        "default": {"BACKEND": "aftersales.cache.ResilientRedisCache", "LOCATION": REDIS_URL},
        # Parts of pages rendered once and served again until what they show changes: the
        # dashboard's figures (quality/dashboard/rendering.py), the portal's blank request form.
        "fragments": {
            "BACKEND": "aftersales.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "fragments",
            "TIMEOUT": 24 * 3600,
        },
        # The versions of the small tables each process keeps (aftersales/table_memo.py).
        "memo": {"BACKEND": "aftersales.cache.ResilientRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "memo"},
        "local": LOCAL_FRAGMENTS,
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    # A cache every process on this machine shares, so nothing lives in one process's memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        },
        "fragments": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / "fragments"),
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
        # The versions of the small tables each process keeps (aftersales/table_memo.py): a dozen
        # keys in a directory of their own, never culled to make room for counters.
        "memo": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / "memo"),
            "TIMEOUT": None,
        },
        "local": LOCAL_FRAGMENTS,
    }
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only once it finished, so a worker killed mid-task loses nothing;
# every task is idempotent, so running one twice does no harm (docs/architecture.md#celery-tasks-and-the-beat-schedule).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic task, declared once with why it runs when it does (aftersales/beat.py); beat
# writes the entries into django-celery-beat's table by name when it starts.
CELERY_BEAT_SCHEDULE = beat_schedule(TIME_ZONE)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "UTC"
