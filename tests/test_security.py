"""Security (issue 8, item 4; docs/threat-model.md): the sign-in lock-out on every way in,
security headers and the content security policy, cookie flags, the templates' lack of inline
script, and ``manage.py check --deploy`` with production settings."""

import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests import factories

BASE_DIR = Path(settings.BASE_DIR)
WRONG = "Wrong-password-1"
TOKEN = "/api/auth/token/"


@pytest.fixture(autouse=True)
def fresh_counters():
    """Rate-limit and throttle counters live in the shared cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def _later(minutes: float):
    """Travel forward: django-axes reads the time of an attempt from ``axes.handlers.proxy.now``."""
    return mock.patch("axes.handlers.proxy.now", return_value=timezone.now() + dt.timedelta(minutes=minutes))


def _signed_in(client) -> bool:
    return SESSION_KEY in client.session


# --- the desk's sign-in ---------------------------------------------------------------------


def _desk_login(client, username: str, password: str, **extra):
    return client.post(reverse("desk:login"), {"username": username, "password": password}, **extra)


@pytest.fixture
def agent(db):
    """A desk user (the suite's own ``agent`` fixture, renamed so its failures are its own)."""
    return factories.UserFactory(username="agent-lock", roles=["agent"])


def test_wrong_passwords_lock_the_desk_sign_in_even_with_the_right_password(client, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _desk_login(client, agent.username, WRONG)
        assert response.status_code == 200
        assert response.context["form"].errors
    locking = _desk_login(client, agent.username, WRONG)
    right = _desk_login(client, agent.username, factories.PASSWORD)

    for response in (locking, right):
        assert response.status_code == 429
        assert "locked_out.html" in [template.name for template in response.templates]
        assert "desk/base.html" in [template.name for template in response.templates]
        body = response.content.decode()
        assert "Too many attempts" in body
        assert "paused for 15 minutes" in body
        assert f'href="{reverse("desk:login")}"' in body
        assert response["Retry-After"] == "900"
    assert not _signed_in(client)
    assert AccessAttempt.objects.get(username=agent.username).failures_since_start == settings.AXES_FAILURE_LIMIT


def test_the_lock_lifts_after_the_cool_off_and_tries_meanwhile_do_not_extend_it(client, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _desk_login(client, agent.username, WRONG)
    with _later(10):
        assert _desk_login(client, agent.username, WRONG).status_code == 429
    with _later(14):
        assert _desk_login(client, agent.username, factories.PASSWORD).status_code == 429
    assert not _signed_in(client)

    with _later(16):
        response = _desk_login(client, agent.username, factories.PASSWORD)

    assert response.status_code == 302
    assert _signed_in(client)


def test_the_lock_holds_one_username_from_one_address_only(client, agent):
    other = factories.UserFactory(username="agent-other")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _desk_login(client, agent.username, WRONG)

    assert _desk_login(client, other.username, factories.PASSWORD).status_code == 302
    client.logout()
    assert _desk_login(client, agent.username, factories.PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_a_successful_sign_in_forgets_the_earlier_failures(client, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _desk_login(client, agent.username, WRONG)
    assert _desk_login(client, agent.username, factories.PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.exists()
    assert AccessLog.objects.filter(username=agent.username).count() == 1

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _desk_login(client, agent.username, WRONG).status_code == 200
    assert _desk_login(client, agent.username, factories.PASSWORD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=dt.timedelta(minutes=1))
def test_the_limit_and_the_cool_off_are_settings(client, agent):
    _desk_login(client, agent.username, WRONG)
    response = _desk_login(client, agent.username, WRONG)

    assert response.status_code == 429
    assert "paused for 1 minute." in response.content.decode()
    with _later(2):
        assert _desk_login(client, agent.username, factories.PASSWORD).status_code == 302


def test_an_administrator_lifts_a_lock_out_in_the_admin(client, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _desk_login(client, agent.username, WRONG)
    attempt = AccessAttempt.objects.get(username=agent.username)
    admin = factories.UserFactory(username="root-unlock", is_staff=True, is_superuser=True)
    admin_client = type(client)()
    admin_client.force_login(admin)

    listed = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    deleted = admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert listed.status_code == 200
    assert agent.username in listed.content.decode()
    assert deleted.status_code == 302
    assert _desk_login(client, agent.username, factories.PASSWORD).status_code == 302


# --- the portal's and the admin's sign-in -----------------------------------------------------


def test_the_portal_sign_in_locks_a_phone_however_it_is_typed(client, db):
    user = factories.UserFactory(username="+8613900000001")
    factories.CustomerFactory(phone="+8613900000001", user=user)
    typed = ["13900000001", "139 0000 0001", "+86 139-0000-0001", "139-0000-0001", "+8613900000001"]
    statuses = [
        client.post(reverse("portal:login"), {"username": phone, "password": WRONG}).status_code for phone in typed
    ]
    response = client.post(reverse("portal:login"), {"username": "13900000001", "password": factories.PASSWORD})

    assert statuses == [400, 400, 400, 400, 429]
    assert response.status_code == 429
    templates = [template.name for template in response.templates]
    assert "locked_out.html" in templates and "portal/base.html" in templates
    assert f'href="{reverse("portal:login")}"' in response.content.decode()
    assert not _signed_in(client)


def test_the_admin_sign_in_locks_too(client, db):
    admin = factories.UserFactory(username="root-lock", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": admin.username, "password": WRONG, "next": "/admin/"})

    response = client.post(url, {"username": admin.username, "password": factories.PASSWORD, "next": "/admin/"})

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not _signed_in(client)


# --- the API token endpoint ---------------------------------------------------------------------


def _obtain(api: APIClient, username: str, password: str, **extra):
    return api.post(TOKEN, {"username": username, "password": password}, format="json", **extra)


def test_the_api_token_endpoint_locks_and_says_so(agent):
    api = APIClient()
    statuses = [_obtain(api, agent.username, WRONG).status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    response = _obtain(api, agent.username, factories.PASSWORD)

    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert response.status_code == 429
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "locked_out"
    assert body["detail"].startswith("Too many failed sign-in attempts")
    assert response["Retry-After"] == "900"
    assert not AuthToken.objects.filter(user=agent).exists()

    with _later(16):
        assert _obtain(api, agent.username, factories.PASSWORD).status_code == 201


def test_a_token_obtained_forgets_the_earlier_failures(agent):
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _obtain(api, agent.username, WRONG)
    assert _obtain(api, agent.username, factories.PASSWORD).status_code == 201
    assert not AccessAttempt.objects.exists()

    cache.clear()  # the endpoint's own throttle (10 a minute) is not what this test is about
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _obtain(api, agent.username, WRONG).status_code == 400
    # A new key each time (keys are stored hashed): 201 again.
    assert _obtain(api, agent.username, factories.PASSWORD).status_code == 201


def test_a_lock_out_on_the_pages_holds_for_the_api_too(client, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _desk_login(client, agent.username, WRONG)

    assert _obtain(APIClient(), agent.username, factories.PASSWORD).json()["code"] == "locked_out"


# The client's address behind proxies: tests/security/test_client_ip.py.


# --- headers, the content security policy and cookies -------------------------------------------

CSP = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def _assert_security_headers(response) -> None:
    assert _directives(response) == set(CSP)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_desk_page_carries_the_security_headers(client, agent):
    _assert_security_headers(client.get(reverse("desk:login")))
    client.force_login(factories.UserFactory(username="agent-headers", roles=["agent"]))
    _assert_security_headers(client.get(reverse("desk:queue")))


@pytest.mark.django_db
def test_a_portal_page_carries_the_security_headers(client):
    _assert_security_headers(client.get(reverse("portal:home")))
    _assert_security_headers(client.get(reverse("portal:submit")))


@pytest.mark.django_db
def test_the_api_carries_the_security_headers(agent):
    response = APIClient().get("/api/tickets/")
    assert response.status_code == 401
    _assert_security_headers(response)
    _assert_security_headers(APIClient().get("/api/schema/"))


@pytest.mark.django_db
def test_only_the_swagger_page_allows_inline_styles_and_never_inline_script(client):
    directives = _directives(client.get("/api/docs/"))

    assert "style-src 'self' 'unsafe-inline'" in directives
    assert "script-src 'self'" in directives
    assert directives - {"style-src 'self' 'unsafe-inline'"} == set(CSP) - {"style-src 'self'"}


@pytest.mark.django_db
def test_the_cookies_are_http_only(client, agent):
    client.get(reverse("desk:login"))
    assert client.cookies[settings.CSRF_COOKIE_NAME]["httponly"]
    _desk_login(client, agent.username, factories.PASSWORD)
    assert client.cookies[settings.SESSION_COOKIE_NAME]["httponly"]
    assert client.cookies[settings.SESSION_COOKIE_NAME]["samesite"] == "Lax"


# --- no inline script or style in the templates ----------------------------------------------------

TEMPLATES = BASE_DIR / "templates"
# Emails are read in mail clients, never served under the site's policy.
SERVED = sorted(path for path in TEMPLATES.rglob("*.html") if "emails" not in path.relative_to(TEMPLATES).parts)
DJANGO_COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.DOTALL)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def test_the_scan_covers_the_served_templates():
    names = {str(path.relative_to(TEMPLATES)) for path in SERVED}
    assert {"base.html", "desk/base.html", "portal/base.html", "dashboard/_filters.html"} <= names
    assert not any(name.startswith("emails/") for name in names)


@pytest.mark.parametrize("path", SERVED, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_or_style(path):
    """The CSP allows scripts and styles from files only: an inline one would silently not run."""
    text = DJANGO_COMMENT.sub("", path.read_text(encoding="utf-8"))
    for attributes in SCRIPT_TAG.findall(text):
        assert re.search(r"\ssrc\s*=", attributes), f"inline <script> in {path.name}"
    assert not EVENT_HANDLER.search(text), f"on…= handler in {path.name}"
    assert not STYLE_ATTRIBUTE.search(text), f"style attribute in {path.name}"
    assert not STYLE_ELEMENT.search(text), f"<style> element in {path.name}"
    assert not JAVASCRIPT_URL.search(text), f"javascript: URL in {path.name}"


def test_the_scan_catches_what_it_looks_for():
    samples = {
        "<script>alert(1)</script>": SCRIPT_TAG,
        '<select name="x"\n onchange="go()">': EVENT_HANDLER,
        '<span class="a" style="width: 3%">': STYLE_ATTRIBUTE,
        "<style>p{}</style>": STYLE_ELEMENT,
        '<a href="javascript:go()">': JAVASCRIPT_URL,
    }
    for sample, pattern in samples.items():
        assert pattern.search(sample)
    assert re.search(r"\ssrc\s*=", SCRIPT_TAG.search('<script src="/static/js/base.js" defer>').group(1))
    assert not EVENT_HANDLER.search('<select data-autosubmit name="x">')
    assert not DJANGO_COMMENT.sub("", "{# <script>x</script> #}")


# --- production settings -----------------------------------------------------------------------------


def _production_env(tmp_path, **overrides) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not name.startswith("SECURE_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="aftersales.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.com",
        AFTERSALES_VAR_DIR=str(tmp_path),
    )
    env.update(overrides)
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _run(_production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
names = ["SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "CSRF_COOKIE_HTTPONLY", "AXES_FAILURE_LIMIT", "TRUSTED_PROXIES", "SECRET_KEY_FALLBACKS",
         "SIGN_IN_ADDRESS_FAILURE_LIMIT", "SIGN_IN_ADDRESS_WINDOW_MINUTES", "PASSWORD_RESET_TIMEOUT"]
values = {name: getattr(s, name, None) for name in names}
values["AXES_COOLOFF_SECONDS"] = s.AXES_COOLOFF_TIME.total_seconds()
values["DRF_NUM_PROXIES"] = s.REST_FRAMEWORK.get("NUM_PROXIES")
print(json.dumps(values))
"""


def _settings(env: dict[str, str]) -> dict:
    result = _run(env, "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_defaults_are_secure(tmp_path):
    values = _settings(_production_env(tmp_path))

    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "AXES_FAILURE_LIMIT": 5,
        "TRUSTED_PROXIES": [],
        "SECRET_KEY_FALLBACKS": [],
        "SIGN_IN_ADDRESS_FAILURE_LIMIT": 30,
        "SIGN_IN_ADDRESS_WINDOW_MINUTES": 15,
        "PASSWORD_RESET_TIMEOUT": 3600,
        "AXES_COOLOFF_SECONDS": 900.0,
        # DRF's own reading of X-Forwarded-For is not used: aftersales/api/throttles.py.
        "DRF_NUM_PROXIES": None,
    }


def test_production_settings_follow_the_environment(tmp_path):
    env = _production_env(
        tmp_path,
        SECURE_PROXY_SSL_HEADER="",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        SECURE_HSTS_SECONDS="600",
        AXES_FAILURE_LIMIT="8",
        AXES_COOLOFF_MINUTES="30",
        TRUSTED_PROXIES="10.0.0.2, 10.1.0.0/16,unix",
        SIGN_IN_ADDRESS_FAILURE_LIMIT="50",
        SIGN_IN_ADDRESS_WINDOW_MINUTES="60",
        PASSWORD_RESET_TIMEOUT_MINUTES="20",
        SECRET_KEY_FALLBACKS="old-key-one,old-key-two",
    )
    values = _settings(env)

    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert (values["SECURE_HSTS_INCLUDE_SUBDOMAINS"], values["SECURE_HSTS_SECONDS"]) == (False, 600)
    assert (values["AXES_FAILURE_LIMIT"], values["AXES_COOLOFF_SECONDS"]) == (8, 1800.0)
    assert values["TRUSTED_PROXIES"] == ["10.0.0.2", "10.1.0.0/16", "unix"]
    assert (values["SIGN_IN_ADDRESS_FAILURE_LIMIT"], values["SIGN_IN_ADDRESS_WINDOW_MINUTES"]) == (50, 60)
    assert values["PASSWORD_RESET_TIMEOUT"] == 1200
    assert values["SECRET_KEY_FALLBACKS"] == ["old-key-one", "old-key-two"]


def test_the_older_count_of_proxies_trusts_a_proxy_on_this_machine(tmp_path):
    """API_NUM_PROXIES=1 (the earlier setting) keeps working where nginx runs on the same machine."""
    values = _settings(_production_env(tmp_path, API_NUM_PROXIES="1"))

    assert values["TRUSTED_PROXIES"] == ["127.0.0.1", "::1"]
    assert _settings(_production_env(tmp_path, API_NUM_PROXIES="1", TRUSTED_PROXIES="10.0.0.2"))["TRUSTED_PROXIES"] == [
        "10.0.0.2"
    ]


def test_production_refuses_to_start_with_a_trusted_proxy_that_is_not_an_address(tmp_path):
    result = _run(_production_env(tmp_path, TRUSTED_PROXIES="10.0.0.2,nginx.internal"), "manage.py", "check")

    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx.internal' does not appear to be an IPv4 or IPv6 network" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]

    result = _run(env, "manage.py", "check")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
