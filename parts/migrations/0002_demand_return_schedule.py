"""The overdue old-part returns check in django-celery-beat's tables (editable in the admin)."""

from django.conf import settings
from django.db import migrations

OVERDUE_RETURNS = "Flag overdue old-part returns"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    # Daily in business time, in the morning's queue: the due dates are days, and the station
    # ships during its working day.
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=OVERDUE_RETURNS,
        defaults={"task": "parts.flag_overdue_returns_task", "crontab": morning},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=OVERDUE_RETURNS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("parts", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
