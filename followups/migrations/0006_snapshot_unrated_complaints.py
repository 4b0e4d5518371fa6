"""Snapshots keep the complaints made during a callback without a rating: each is one
dissatisfied response, in the dissatisfaction rate's numerator and denominator. Days already
computed get them at their next recompute."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("followups", "0005_batch_warning_schedule")]

    operations = [
        migrations.AddField(
            model_name="ratesnapshot",
            name="unrated_complaints",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
