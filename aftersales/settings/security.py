"""Sign-in and lock-out, the client's address behind proxies, and the HTTP security headers."""

import ipaddress
from datetime import timedelta

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from aftersales.env import env_bool, env_int, env_list, env_str
from aftersales.settings.core import DEBUG

# --- Auth ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username and address before any password is checked.
# Passwords are checked by Django's model backend; the sessions it signs in are then served by
# the memo's backend, which reads the staff of each request from the memo of users
# (aftersales/auth_backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "aftersales.auth_backends.StaffMemoBackend",
]
# Sign-in lock-out (aftersales/lockout.py): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is refused for AXES_COOLOFF_MINUTES, even with the right
# password; tries while locked do not extend it, and a successful sign-in forgets the failures.
# Administrators lift a lock-out in the admin (Axes → Access attempts: delete the row).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "aftersales.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "aftersales.client_ip.client_ip"
# The desk's and the admin's sign-in are limited per address as well: after this many failed
# sign-ins from one address (whatever the usernames) within the window, that address is refused
# until the window ends (aftersales/lockout.py); 0 turns it off. Other addresses are not touched.
SIGN_IN_ADDRESS_FAILURE_LIMIT = env_int("SIGN_IN_ADDRESS_FAILURE_LIMIT", 30)
SIGN_IN_ADDRESS_WINDOW_MINUTES = env_int("SIGN_IN_ADDRESS_WINDOW_MINUTES", 15)
# Staff reset a forgotten password by email from the desk's sign-in page (aftersales/staff/password_views.py):
# at most this many requests per address and per email address typed; a link stays valid this long.
STAFF_PASSWORD_RESET_ADDRESS_RATE = env_str("STAFF_PASSWORD_RESET_ADDRESS_RATE", "10/h")
STAFF_PASSWORD_RESET_EMAIL_RATE = env_str("STAFF_PASSWORD_RESET_EMAIL_RATE", "3/h")
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_MINUTES", 60) * 60
LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:queue"
LOGOUT_REDIRECT_URL = "desk:login"

# --- Security ---------------------------------------------------------------------------------
# The reverse proxies in front of the app server (addresses or networks, e.g. "127.0.0.1" for
# nginx on the same machine; "unix" for one connecting over a Unix socket): X-Forwarded-For is
# believed only on a request that comes from one of them, read from the right past the trusted
# proxies' own entries. Empty: the socket's address is the client's. The API throttles, the
# public forms' rate limits, the sign-in limits and lock-out all read the client's address this
# one way (aftersales/client_ip.py). The older API_NUM_PROXIES (a count of proxies) still works:
# any count above 0 trusts a proxy on this machine (127.0.0.1, ::1), as docs/deployment.md sets up.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"] if env_int("API_NUM_PROXIES", 0) > 0 else [])
for _proxy in TRUSTED_PROXIES:
    try:
        if _proxy.strip().lower() != "unix":
            ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from error
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache and written through to the database: a page no longer reads
# the session table, and a cache that is down or was emptied loses no session (it is read from
# the database again). Sessions are only ever changed through Django's session store.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# No script reads the CSRF cookie: htmx sends the token from the page's hidden input (static/js/desk.js).
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy (django-csp): scripts, styles, fonts and images from our own origin
# only. No inline script, event-handler attribute or style attribute in templates/ (the page
# behaviours live in static/js/; tests/test_security.py checks). Only the Swagger UI page
# widens it, for itself (aftersales/api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The header a TLS-terminating proxy (nginx) sets to "https", replacing any the client sent.
    # Set it empty when clients reach the app directly: then no header may claim https.
    _ssl_header = env_str("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto").strip()
    if _ssl_header:
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + _ssl_header.upper().replace("-", "_"), "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
