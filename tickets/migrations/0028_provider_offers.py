"""Dispatching a ticket to a service provider: when the provider gave it back, the offers still
waiting by their deadline, the timeline's kinds of offer events, and the beat entry that returns
the offers not accepted in time (docs/network-dispatch.md)."""

from django.conf import settings
from django.db import migrations, models

SCHEDULE_NAME = "Return provider offers not accepted in time"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={"task": "tickets.expire_provider_offers_task", "interval": every_five},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0012_business_calendar'),
        ('network', '0001_initial'),
        ('tickets', '0027_service_network'),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='ticket',
            name='provider_returned_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='returned to headquarters'),
        ),
        migrations.AlterField(
            model_name='ticketevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Created'), ('status', 'Status changed'), ('assigned', 'Assigned'), ('note', 'Note'), ('resolution', 'Resolution recorded'), ('sla_breached', 'Deadline missed'), ('escalated', 'Escalated'), ('duplicate', 'Possible duplicate'), ('claim', 'Warranty claim'), ('attachment', 'File added'), ('rating', 'Rated'), ('callback', 'Callback'), ('provider_offered', 'Offered to a service provider'), ('provider_accepted', 'Accepted by the service provider'), ('provider_returned', 'Returned to headquarters')], max_length=20, verbose_name='kind'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('provider_accept_due__isnull', False), ('provider_accepted_at__isnull', True)), fields=['provider_accept_due'], name='ticket_offer_waiting'),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
