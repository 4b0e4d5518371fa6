"""The fault tests start real Celery workers with the fixture of tests/test_celery_worker.py."""

from tests.test_celery_worker import celery_processes  # noqa: F401 - a fixture, shared with the fault tests
