"""The maintenance-plan visit and contract renewal schedulers in django-celery-beat's tables
(editable in the admin), as aftersales/beat.py declares them."""

from django.conf import settings
from django.db import migrations

PLAN_VISITS = "Schedule maintenance-plan visit callbacks"
RENEWALS = "Schedule contract renewal callbacks"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute in (
        (PLAN_VISITS, "followups.plan_visit_callbacks_task", "20"),
        (RENEWALS, "followups.contract_renewal_callbacks_task", "25"),
    ):
        # Nightly, after the maintenance and warranty-expiry runs, so they do not compete.
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour="2",
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[PLAN_VISITS, RENEWALS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0010_rating_low_contact_point"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
