"""The demo's revenue side: the contracts on sale, the lead rules, the consumables that fall due
and the CSI survey program of a repair (demo/scenario/sales.py loads them)."""

from decimal import Decimal

# How long each category is built to last, in months (a unit older than that is a trade-in lead).
DESIGN_LIFE_MONTHS = {
    "washing_machine": 96,
    "fridge": 120,
    "air_conditioner": 120,
    "crt_tv": 96,
    "flat_panel_tv": 96,
    "microwave": 96,
    "mobile_phone": 48,
    "laptop": 72,
    "desktop": 72,
    "car": 180,
}

# fmt: off
CONTRACT_PRODUCTS = (
    # code, kind, category, English, Chinese, months, km, price, cover, visits, months between, km between, exclusions (en, zh)
    ("ew-washer-24", "extended_warranty", "washing_machine", "Washer extended warranty, 2 years", "洗衣机延保2年",
     24, None, Decimal("299.00"), "both", 0, None, None,
     "Drum scratches, door seals and damage from misuse are not covered.", "滚筒划痕、门封及使用不当造成的损坏不在保障范围内。"),
    ("ew-fridge-36", "extended_warranty", "fridge", "Refrigerator extended warranty, 3 years", "冰箱延保3年",
     36, None, Decimal("399.00"), "both", 0, None, None,
     "Shelves, drawers and light bulbs are not covered.", "搁架、抽屉和灯泡不在保障范围内。"),
    ("ew-ac-parts-24", "extended_warranty", "air_conditioner", "Air conditioner parts cover, 2 years", "空调配件延保2年",
     24, None, Decimal("199.00"), "parts", 0, None, None,
     "Labour is charged; refrigerant top-ups are not covered.", "人工费另计；补充冷媒不在保障范围内。"),
    ("mp-ac-12", "maintenance_plan", "air_conditioner", "Air conditioner care plan, 1 year", "空调保养套餐1年",
     12, None, Decimal("158.00"), "labour", 2, 6, None,
     "Two cleanings a year; parts are charged.", "每年两次清洗保养；配件另计。"),
    ("ew-car-36", "extended_warranty", "car", "Car extended warranty, 3 years or 100,000 km", "汽车延保3年或10万公里",
     36, 100000, Decimal("4980.00"), "both", 0, None, None,
     "Wear parts (brakes, tyres, wipers) and accident damage are not covered.", "易损件（刹车片、轮胎、雨刮）及事故损坏不在保障范围内。"),
    ("mp-car-24", "maintenance_plan", "car", "Car maintenance plan, 2 years or 40,000 km", "汽车保养套餐2年或4万公里",
     24, 40000, Decimal("2680.00"), "both", 4, 6, 10000,
     "Oil, filter and inspection at each visit; repairs are charged.", "每次保养含机油、机滤及检查；维修另计。"),
)

LEAD_RULES = (
    # code, trigger, lead kind, English, Chinese, share %, repairs, within days
    ("costly-repair", "repair_cost_share", "upgrade", "Repair costing 40% of a new unit", "维修费超过新机价40%",
     Decimal("40.00"), None, None),
    ("past-design-life", "unit_age", "trade_in", "Older than its design life", "超过设计寿命", None, None, None),
    ("third-repair", "repeat_repairs", "upgrade", "Third repair within a year", "一年内第三次维修", None, 3, 365),
    ("consumables-due", "consumable_due", "cross_sell", "Consumable or accessory due", "耗材或配件到期", None, None, None),
)

CONSUMABLES = (
    # code, model code, English, Chinese, part number, every months, every km, price
    ("filter-kfr35", "KFR-35GW-81U1", "Air filter set", "空调滤网套装", "ACF-35-01", 12, None, Decimal("69.00")),
    ("descaler-xqg100", "XQG100-BD14126L", "Drum cleaner, 12 tablets", "滚筒清洁剂12片装", "WDC-12", 6, None, Decimal("39.90")),
    ("oil-s7", "SD-S7-15T", "Engine oil and filter service kit", "机油机滤保养套件", "S7-OIL-5W30", 12, 10000, Decimal("458.00")),
)
# fmt: on

# The survey of a repair: the contact points of the CSI, in both languages, with their weights.
REPAIR_SURVEY = {
    "code": "repair-csi",
    "name": "Repair CSI survey",
    "name_zh": "维修客户满意度调查",
    "ticket_kinds": ["repair", "maintenance"],
    "channels": [],
    "priority": 10,
    "questions": (
        # contact point, kind, English, Chinese, weight, options
        ("reception", "scale", "How were you received when you asked for service?", "您报修时的接待如何？", "1", []),
        (
            "explanation",
            "scale",
            "How well did the technician explain the work?",
            "技术人员对维修内容的解释是否清楚？",
            "1",
            [],
        ),
        ("repair_quality", "scale", "How good is the repair?", "维修质量如何？", "2", []),
        (
            "price_transparency",
            "choice",
            "Were the charges explained before the work?",
            "收费是否在维修前说明？",
            "1",
            [
                {"value": "yes", "label": "Yes, in full", "label_zh": "是，说明清楚", "score": 5},
                {"value": "partly", "label": "Partly", "label_zh": "部分说明", "score": 3},
                {"value": "no", "label": "No", "label_zh": "没有说明", "score": 1},
                {"value": "free", "label": "Nothing was charged", "label_zh": "未收费", "score": None},
            ],
        ),
        ("on_time", "scale", "Was the work done when we said it would be?", "是否按约定时间完成？", "1", []),
        ("overall", "scale", "Overall, how satisfied are you?", "总体来说，您的满意程度如何？", "2", []),
        ("overall", "text", "Anything else you would like to tell us?", "您还有什么想告诉我们的吗？", "0", []),
    ),
}
