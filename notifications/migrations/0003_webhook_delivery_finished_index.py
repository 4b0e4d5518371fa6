"""The webhook deliveries by status and age, for the nightly pruning of the finished ones
(notifications/pruning.py), as the outbox already has."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_webhooks_move_in"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="webhookdelivery",
            index=models.Index(fields=["status", "created_at"], name="webhook_delivery_finished"),
        ),
    ]
