"""The quality snapshot job in django-celery-beat's tables (editable in the admin)."""

import json

from django.conf import settings
from django.db import migrations

HOURLY = "Refresh today's quality rates"
NIGHTLY = "Recompute the quality rates of recent days"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    def crontab(minute, hour):
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=str(minute),
            hour=str(hour),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        return schedule

    # Today and yesterday, every hour: the dashboard is never more than an hour behind.
    PeriodicTask.objects.get_or_create(
        name=HOURLY,
        defaults={"task": "followups.quality_snapshot_task", "crontab": crontab(5, "*"), "kwargs": json.dumps({"days": 2})},
    )
    # The recent days whose callback, feedback and first-time-fix windows are still closing.
    # 0 days means QUALITY_RECOMPUTE_DAYS.
    PeriodicTask.objects.get_or_create(
        name=NIGHTLY,
        defaults={"task": "followups.quality_snapshot_task", "crontab": crontab(30, 1), "kwargs": json.dumps({"days": 0})},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[HOURLY, NIGHTLY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0002_quality_control"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
