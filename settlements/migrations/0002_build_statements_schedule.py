"""The daily build of the month's settlement statements in django-celery-beat's tables (editable in the admin)."""

from django.conf import settings
from django.db import migrations

BUILD = "Build this month's settlement statements"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    # Daily at night in business time: the claims are caught up and checked before the working day.
    night, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="3",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=BUILD,
        defaults={"task": "settlements.build_statements_task", "crontab": night},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=BUILD).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("settlements", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
