"""The product's own settings: the organisation, the desk, quality figures and alerts, batch
warnings, webhooks, the portal's rate limits; and logging."""

from aftersales.env import env_decimal, env_int, env_list, env_str

# --- The organisation -------------------------------------------------------------------------
# The service organisation's name, in English and Chinese, and its logo (a static file): on
# every page and at the end of every message (aftersales/organisation.py).
ORGANISATION_NAME = env_str("ORGANISATION_NAME", "Aftersales Service")
ORGANISATION_NAME_ZH = env_str("ORGANISATION_NAME_ZH", "售后服务中心")
ORGANISATION_LOGO = env_str("ORGANISATION_LOGO", "img/logo.svg")
# The currency every amount is in (ISO 4217): prices, charges and refunds are always shown with it.
CURRENCY = env_str("CURRENCY", "CNY")

# --- Product settings -----------------------------------------------------------------------
# The desk's service day ends at this local hour: a complaint must get its first response
# before the end of the business day it arrived on (docs/lifecycle.md#sla-clocks-in-business-time).
SERVICE_DAY_END_HOUR = env_int("SERVICE_DAY_END_HOUR", 18)
DESK_PAGE_SIZE = env_int("DESK_PAGE_SIZE", 25)
# Lists count at most this many rows; beyond it they say "10,000+" and filters narrow them down.
DESK_COUNT_CAP = env_int("DESK_COUNT_CAP", 10_000)
# Quality snapshots and alerts (quality/snapshots.py): the nightly run recomputes the last
# RECOMPUTE_DAYS days (a day's figures settle once its callbacks, feedback and first-time-fix
# windows are over); alerts compare the last ALERT_WINDOW_DAYS days with the thresholds. A rate
# over fewer than MIN_RECORDS records (its denominator) is "too few to judge": the dashboard
# shows it neutral and it raises no alert, for the whole organisation as for a breakdown row or
# a chart point (quality/alerts.py, has_enough_records). The old name still sets it.
QUALITY_RECOMPUTE_DAYS = env_int("QUALITY_RECOMPUTE_DAYS", 45)
QUALITY_ALERT_WINDOW_DAYS = env_int("QUALITY_ALERT_WINDOW_DAYS", 30)
QUALITY_MIN_RECORDS = env_int("QUALITY_MIN_RECORDS", env_int("QUALITY_ALERT_MIN_DENOMINATOR", 20))
# Batch early warning (quality/batches.py): a production batch is flagged when its failure
# rate (repairs per registered unit, over the last WINDOW_DAYS) is at least FACTOR times the
# rest of its model's rate and MIN_MARGIN (a fraction: 0.02 is 2 points) above it, with at
# least MIN_REPAIRS repairs and MIN_UNITS registered units, so a handful of units proves nothing.
BATCH_WARNING_FACTOR = env_decimal("BATCH_WARNING_FACTOR", "2.0")
BATCH_WARNING_MIN_MARGIN = env_decimal("BATCH_WARNING_MIN_MARGIN", "0.02")
BATCH_WARNING_MIN_REPAIRS = env_int("BATCH_WARNING_MIN_REPAIRS", 5)
BATCH_WARNING_MIN_UNITS = env_int("BATCH_WARNING_MIN_UNITS", 20)
BATCH_WARNING_WINDOW_DAYS = env_int("BATCH_WARNING_WINDOW_DAYS", 365)
# Old-part returns (parts/returns.py): a part replaced under warranty must be shipped back to the
# maker within this many days of its use, or its return is flagged and the station alerted.
PART_RETURN_DAYS = env_int("PART_RETURN_DAYS", 15)
# Webhooks (notifications/webhooks/): seconds to wait for a receiver to connect and for each read
# (a slow receiver only delays its own delivery task); plain http is refused except while
# developing (DEBUG) and for the hosts listed here, e.g. "localhost,127.0.0.1".
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 5)
WEBHOOK_ALLOW_HTTP = env_list("WEBHOOK_ALLOW_HTTP", [])
# Receivers must be at public internet addresses (notifications/webhooks/addresses.py), except while
# developing and for the hosts listed here: a receiver on your own network, e.g. "erp.internal".
WEBHOOK_ALLOW_PRIVATE = env_list("WEBHOOK_ALLOW_PRIVATE", [])
# The portal's per-address limits (django-ratelimit) read the client's address like the API and
# the sign-in lock-out (aftersales/client_ip.py: X-Forwarded-For from TRUSTED_PROXIES only).
# Or name the META key of a header the proxy sets (e.g. HTTP_X_REAL_IP), only one it always
# overwrites, or a client picks its own address.
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY") or "aftersales.client_ip.client_ip"
# While the cache is unreachable the portal's limits let requests through rather than refuse
# them: a customer's request must be recorded (no-leak 1), and the sign-in lock-out (django-axes)
# counts in the database, so it still holds.
RATELIMIT_FAIL_OPEN = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
