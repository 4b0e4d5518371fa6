"""aftersales/beat.py: the whole beat schedule in one place, and what beat makes of it at start.

Every task of ours that needs no argument is periodic work, so it has an entry; every entry runs
a registered task; and the entries are the rows the data migrations stored (same names, tasks,
arguments and times), so beat's ``DatabaseScheduler`` updates those rows at start instead of
adding new ones.
"""

import datetime as dt
import inspect
import json

import pytest
from django.conf import settings
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from aftersales.celery import app

SCHEDULE = settings.CELERY_BEAT_SCHEDULE
# An entry an administrator switched off.
SCHEDULE_SWITCHED_OFF = "Schedule warranty-expiry callbacks"


@pytest.fixture(scope="module")
def our_tasks() -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def _needs_no_argument(task) -> bool:
    parameters = inspect.signature(task.run).parameters.values()
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)


def test_every_entry_runs_a_registered_task(our_tasks):
    assert sorted({entry["task"] for entry in SCHEDULE.values()} - set(our_tasks)) == []


def test_every_sweep_and_every_task_needing_no_argument_has_an_entry(our_tasks):
    periodic = {name for name, task in our_tasks.items() if _needs_no_argument(task)}
    assert {name for name in our_tasks if name.endswith("_sweep_task")} <= periodic
    assert sorted(periodic - {entry["task"] for entry in SCHEDULE.values()}) == []
    # The rest take the id of what they work on: queued one by one, never by beat.
    assert sorted(set(our_tasks) - periodic) == [
        "followups.recall_open_tickets_task",
        "notifications.send_message_task",
        "tickets.deliver_webhook_task",
    ]


def _stored(task: PeriodicTask) -> tuple:
    if task.interval is not None:
        when = dt.timedelta(**{task.interval.period: task.interval.every})
    else:
        cron = task.crontab
        when = (cron.minute, cron.hour, cron.day_of_week, cron.day_of_month, cron.month_of_year, str(cron.timezone))
    return task.task, json.loads(task.kwargs), json.loads(task.args), when


def _declared(entry: dict) -> tuple:
    schedule = entry["schedule"]
    if isinstance(schedule, dt.timedelta):
        when = schedule
    else:
        when = (
            schedule._orig_minute,
            schedule._orig_hour,
            schedule._orig_day_of_week,
            schedule._orig_day_of_month,
            schedule._orig_month_of_year,
            str(schedule.tz),
        )
    return entry["task"], entry.get("kwargs", {}), entry.get("args", []), when


def _rows() -> dict[str, PeriodicTask]:
    return {task.name: task for task in PeriodicTask.objects.select_related("interval", "crontab")}


@pytest.mark.django_db
def test_the_declared_schedule_is_the_one_the_migrations_stored():
    rows = _rows()
    assert sorted(rows) == sorted(SCHEDULE)
    assert {name: _stored(task) for name, task in rows.items()} == {
        name: _declared(entry) for name, entry in SCHEDULE.items()
    }
    assert all(task.enabled for task in rows.values())


@pytest.mark.django_db
def test_beat_at_start_updates_the_stored_entries_in_place():
    before = _rows()
    before[SCHEDULE_SWITCHED_OFF].enabled = False
    before[SCHEDULE_SWITCHED_OFF].save()
    # What DatabaseScheduler.setup_schedule does with the declared schedule.
    for name, entry in SCHEDULE.items():
        ModelEntry.from_entry(name, app=app, **entry)

    after = _rows()
    assert {name: task.pk for name, task in after.items()} == {name: task.pk for name, task in before.items()}
    assert {name: _stored(task) for name, task in after.items()} == {
        name: _declared(entry) for name, entry in SCHEDULE.items()
    }
    # The daily times keep their rows; an entry switched off in the admin stays off.
    assert {name: task.crontab_id for name, task in after.items()} == {
        name: task.crontab_id for name, task in before.items()
    }
    assert [name for name, task in after.items() if not task.enabled] == [SCHEDULE_SWITCHED_OFF]
