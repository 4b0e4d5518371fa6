"""Every customer gets a referral code (existing customers too, in batches), and says whether
offers may be sent; models get a design life and a replacement price."""


from django.db import migrations, models

import customers.referral_choices

BATCH = 2000


def give_codes(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    used: set[str] = set()
    pks = list(Customer.objects.filter(referral_code__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        rows = []
        for pk in pks[start : start + BATCH]:
            code = customers.referral_choices.new_referral_code()
            while code in used:
                code = customers.referral_choices.new_referral_code()
            used.add(code)
            rows.append(Customer(pk=pk, referral_code=code))
        Customer.objects.bulk_update(rows, ["referral_code"])


class Migration(migrations.Migration):
    dependencies = [("customers", "0012_business_calendar")]

    operations = [
        migrations.AddField(
            model_name="customer",
            name="referral_code",
            field=models.CharField(editable=False, max_length=12, null=True, verbose_name="referral code"),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="customer",
            name="referral_code",
            field=models.CharField(
                default=customers.referral_choices.new_referral_code,
                editable=False,
                help_text="The code this customer gives friends; a new customer or request that carries it counts for them.",
                max_length=12,
                unique=True,
                verbose_name="referral code",
            ),
        ),
    ]
