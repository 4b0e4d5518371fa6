"""The periodic jobs of the tickets app, in django-celery-beat's tables (editable in the admin)."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    # No-leak 2: a missed deadline is flagged within minutes, not when someone looks.
    PeriodicTask.objects.get_or_create(
        name="Flag missed SLA deadlines",
        defaults={"task": "tickets.sla_sweep_task", "interval": every_five},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name="Flag missed SLA deadlines").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
