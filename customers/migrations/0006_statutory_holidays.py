"""China's statutory days off, 2024 to 2026, from the State Council's published schedules.

Administrators add later years in the admin when the State Council publishes them.
"""

import datetime as dt

from django.db import migrations

# (name, first day, last day) of each holiday run.
SCHEDULE = [
    ("元旦 New Year's Day", "2024-01-01", "2024-01-01"),
    ("春节 Spring Festival", "2024-02-10", "2024-02-17"),
    ("清明节 Qingming Festival", "2024-04-04", "2024-04-06"),
    ("劳动节 Labour Day", "2024-05-01", "2024-05-05"),
    ("端午节 Dragon Boat Festival", "2024-06-10", "2024-06-10"),
    ("中秋节 Mid-Autumn Festival", "2024-09-15", "2024-09-17"),
    ("国庆节 National Day", "2024-10-01", "2024-10-07"),
    ("元旦 New Year's Day", "2025-01-01", "2025-01-01"),
    ("春节 Spring Festival", "2025-01-28", "2025-02-04"),
    ("清明节 Qingming Festival", "2025-04-04", "2025-04-06"),
    ("劳动节 Labour Day", "2025-05-01", "2025-05-05"),
    ("端午节 Dragon Boat Festival", "2025-05-31", "2025-06-02"),
    ("国庆节、中秋节 National Day and Mid-Autumn Festival", "2025-10-01", "2025-10-08"),
    ("元旦 New Year's Day", "2026-01-01", "2026-01-03"),
    ("春节 Spring Festival", "2026-02-15", "2026-02-23"),
    ("清明节 Qingming Festival", "2026-04-04", "2026-04-06"),
    ("劳动节 Labour Day", "2026-05-01", "2026-05-05"),
    ("端午节 Dragon Boat Festival", "2026-06-19", "2026-06-21"),
    ("中秋节 Mid-Autumn Festival", "2026-09-25", "2026-09-27"),
    ("国庆节 National Day", "2026-10-01", "2026-10-07"),
]


def days():
    for name, first, last in SCHEDULE:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            yield day, name
            day += dt.timedelta(days=1)


def load(apps, schema_editor):
    StatutoryHoliday = apps.get_model("customers", "StatutoryHoliday")
    for day, name in days():
        StatutoryHoliday.objects.get_or_create(date=day, defaults={"name": name})


def unload(apps, schema_editor):
    apps.get_model("customers", "StatutoryHoliday").objects.filter(date__in=[day for day, _ in days()]).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_warranty_policies_and_holidays")]
    operations = [migrations.RunPython(load, unload)]
