"""Sign-in helpers for the security tests: each attempt says from which address it comes."""

import datetime as dt
from unittest import mock

from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

WRONG = "Wrong-password-1"
TOKEN = "/api/auth/token/"
# The attacker's address and the real user's: two different places.
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def later(minutes: float):
    """Travel forward: django-axes reads the time of an attempt from ``axes.handlers.proxy.now``."""
    return mock.patch("axes.handlers.proxy.now", return_value=timezone.now() + dt.timedelta(minutes=minutes))


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def desk_login(client, username: str, password: str, *, address: str, **extra):
    data = {"username": username, "password": password}
    return client.post(reverse("desk:login"), data, REMOTE_ADDR=address, **extra)


def admin_login(client, username: str, password: str, *, address: str, **extra):
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post(reverse("admin:login"), data, REMOTE_ADDR=address, **extra)


def portal_login(client, username: str, password: str, *, address: str, **extra):
    data = {"username": username, "password": password}
    return client.post(reverse("portal:login"), data, REMOTE_ADDR=address, **extra)


def obtain_token(username: str, password: str, *, address: str, **extra):
    data = {"username": username, "password": password}
    return APIClient().post(TOKEN, data, format="json", REMOTE_ADDR=address, **extra)
