"""The statutory three-guarantees catalogue ships loaded: one category per code of
docs/three-guarantees.md, each with version 1 of its policy taken from the engine's statutory values."""

import datetime as dt

from django.db import migrations

# code: (English name, Chinese name, the date the period starts on)
CATEGORIES = {
    "washing_machine": ("Washing machine", "洗衣机", "invoice"),
    "fridge": ("Refrigerator", "电冰箱", "invoice"),
    "air_conditioner": ("Air conditioner", "空调器", "invoice"),
    "crt_tv": ("CRT television", "CRT彩色电视机", "invoice"),
    "flat_panel_tv": ("Flat-panel television", "平板电视", "installation"),
    "microwave": ("Microwave oven", "微波炉", "invoice"),
    "mobile_phone": ("Mobile phone", "移动电话机", "invoice"),
    "laptop": ("Laptop computer", "笔记本电脑", "invoice"),
    "desktop": ("Desktop computer", "台式电脑", "invoice"),
    "car": ("Passenger car", "家用汽车", "delivery"),
}
# The statutes in force: the oldest is the 1995 catalogue; a first version covers every sale.
EFFECTIVE_FROM = dt.date(1995, 8, 25)


def load(apps, schema_editor):
    from warranty.three_guarantees import STATUTORY_POLICIES

    ProductCategory = apps.get_model("customers", "ProductCategory")
    WarrantyPolicy = apps.get_model("customers", "WarrantyPolicy")
    for code, (name, name_zh, basis) in CATEGORIES.items():
        category, _ = ProductCategory.objects.get_or_create(
            code=code, defaults={"name": name, "name_zh": name_zh, "warranty_start_basis": basis}
        )
        if WarrantyPolicy.objects.filter(category=category).exists():
            continue
        policy = STATUTORY_POLICIES[code]
        WarrantyPolicy.objects.create(
            category=category,
            version=1,
            effective_from=EFFECTIVE_FROM,
            family=policy.family,
            whole_unit_months=policy.whole_unit_months,
            main_component_months=policy.main_component_months,
            main_components=[list(pair) for pair in policy.main_components],
            accessories=[list(pair) for pair in policy.accessories],
            depreciation_rate_per_day=policy.depreciation_rate_per_day,
            count_start_day=policy.count_start_day,
            return_days=policy.return_days,
            replace_days=policy.replace_days,
            repairer_limit_days=policy.repairer_limit_days,
            no_parts_limit_days=policy.no_parts_limit_days,
            brand_extra_remedies=list(policy.brand_extra_remedies),
            validity_months=policy.validity_months,
            validity_km=policy.validity_km,
            repair_period_months=policy.repair_period_months,
            repair_period_km=policy.repair_period_km,
            car_usage_rate=policy.car_usage_rate,
            note="Statutory catalogue",
        )


def unload(apps, schema_editor):
    apps.get_model("customers", "WarrantyPolicy").objects.filter(version=1, note="Statutory catalogue").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_station_chinese_name_kind_index"),
        ("customers", "0006_statutory_holidays"),
    ]
    operations = [migrations.RunPython(load, unload)]
