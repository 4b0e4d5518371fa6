"""The daily follow-up schedulers, in django-celery-beat's tables (editable in the admin)."""

from django.conf import settings
from django.db import migrations

MAINTENANCE = "Schedule maintenance callbacks"
WARRANTY_EXPIRY = "Schedule warranty-expiry callbacks"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    def daily_at(hour, minute):
        # In business time: the night is quiet, and the calls are in the morning's queue.
        schedule, _ = CrontabSchedule.objects.get_or_create(
            minute=str(minute),
            hour=str(hour),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        return schedule

    # Every unit in use is called two weeks before its maintenance is due, at its model's
    # interval (docs/lifecycle.md#callbacks-close-the-case). Daily, so every maintenance date passes through the window.
    PeriodicTask.objects.get_or_create(
        name=MAINTENANCE,
        defaults={"task": "followups.maintenance_callbacks_task", "crontab": daily_at(2, 0)},
    )
    # Every customer is offered an extended warranty in the last 30 days of their warranty.
    # A quarter of an hour later, so the two runs do not compete for the database.
    PeriodicTask.objects.get_or_create(
        name=WARRANTY_EXPIRY,
        defaults={"task": "followups.warranty_expiry_callbacks_task", "crontab": daily_at(2, 15)},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[MAINTENANCE, WARRANTY_EXPIRY]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_callbacks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
