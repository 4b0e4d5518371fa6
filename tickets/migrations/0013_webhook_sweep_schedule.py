"""The webhook sweep, in django-celery-beat's tables (editable in the admin)."""

from django.db import migrations

NAME = "Send waiting webhook deliveries"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_two_minutes, _ = IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    # A delivery written while the broker was down, or whose retry was lost with a worker,
    # stays pending; this sends it within minutes of things being back (docs/architecture.md#celery-tasks-and-the-beat-schedule).
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": "tickets.webhook_sweep_task", "interval": every_two_minutes},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0012_webhooks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
