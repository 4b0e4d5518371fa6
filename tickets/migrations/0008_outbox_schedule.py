"""The outbox sweep, in django-celery-beat's tables (editable in the admin)."""

from django.db import migrations

NAME = "Send waiting emails"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    # An email queued while the broker or the mail server was down stays in the outbox;
    # this sends it within a minute or two of them being back (docs/architecture.md#celery-tasks-and-the-beat-schedule).
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": "tickets.outbox_sweep_task", "interval": every_minute},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0007_portal"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
