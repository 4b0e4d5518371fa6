"""The project's base: settings, the Celery app, the root URLs, and what every app shares.

Owns the staff roles and page access, the API's base classes (one error shape, pagination,
permissions, throttles, token authentication and the token store), rate limits and sign-in
lock-outs, the client's address, encrypted secrets, money and dates as people read them, and
the staff password reset and API-token pages. The bottom layer: it imports no other app (the
root URL modules name the apps' URL modules by string). See docs/architecture.md.
"""

from aftersales.celery import app as celery_app

__all__ = ("celery_app",)
