"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from django.db import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings")

# Tasks act for the whole organisation, never in a service provider's scope (aftersales/scoping.py).
app = Celery("aftersales", task_cls="aftersales.scoping:UnscopedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work retries a lost database connection (worth another try); anything else is a
# bug to look at. Shared by every app's periodic tasks: ``@shared_task(..., **RETRY_TRANSIENT)``.
RETRY_TRANSIENT = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 60,
    "retry_backoff_max": 900,
    "max_retries": 5,
}
