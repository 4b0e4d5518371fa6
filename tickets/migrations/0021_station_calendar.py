import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0012_business_calendar"),
        ("tickets", "0020_webhook_secret_encrypted"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicestation",
            name="calendar",
            field=models.ForeignKey(
                blank=True,
                help_text="The hours this station's SLA clocks count in. Leave empty for the organisation's default.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="stations",
                to="customers.businesscalendar",
                verbose_name="business calendar",
            ),
        ),
    ]
