"""The batch early warning and the recall ticket sweep in django-celery-beat's tables
(editable in the admin)."""

from django.conf import settings
from django.db import migrations

BATCH_WARNING = "Check production batches for early warnings"
RECALL_SWEEP = "Open the tickets of recalls left unfinished"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    # In business time, once a day: a batch's failure rate moves over weeks, not hours, and the
    # managers find the alert in the morning. After the nightly jobs, so they do not compete.
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="45",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(
        name=BATCH_WARNING,
        defaults={"task": "followups.batch_warning_task", "crontab": nightly},
    )
    # A recall's tickets are opened by a task queued when it starts; if the broker was down
    # then, or a worker died, this picks the campaign up again within minutes.
    every_ten, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=RECALL_SWEEP,
        defaults={"task": "followups.recall_sweep_task", "interval": every_ten},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[BATCH_WARNING, RECALL_SWEEP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0004_recall_opening"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
