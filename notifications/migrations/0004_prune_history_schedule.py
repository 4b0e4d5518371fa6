"""The nightly pruning of finished messages and webhook deliveries in django-celery-beat's
tables (editable in the admin)."""

from django.conf import settings
from django.db import migrations

PRUNE = "Prune finished messages and webhook deliveries"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    # Daily at night in business time, after the other nightly jobs and before the morning.
    night, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="4",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=PRUNE, defaults={"task": "notifications.prune_history_task", "crontab": night}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PRUNE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_webhook_delivery_finished_index"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
