"""The portal ships with useful help answers and a price list, in English and Chinese.

Administrators edit or unpublish them in the admin; removing this migration's rows on the
way back leaves anything they added alone.
"""

from decimal import Decimal

from django.db import migrations

# (position, question, question in Chinese, answer, answer in Chinese)
FAQ = [
    (
        10,
        "Where do I find the serial number?",
        "在哪里找到产品序列号？",
        "Look for the rating plate, the label with the model and a bar code: on the back or side of most "
        "appliances, inside the door of washing machines and refrigerators, on the side of an air conditioner's "
        "indoor unit, under laptops and microwave ovens. The serial number is also printed on the box, the "
        "invoice and the warranty card.\n\n"
        "Mobile phone: dial *#06# to show the IMEI. Car: the VIN is on the vehicle registration certificate "
        "and at the bottom of the windscreen.",
        "请查看产品铭牌（印有型号和条形码的标签）：大多数家电在机身背面或侧面，洗衣机和冰箱在门内侧，"
        "空调在室内机侧面，笔记本电脑和微波炉在机身底部。包装箱、发票和三包凭证上也印有序列号。\n\n"
        "手机：拨打 *#06# 即可显示 IMEI 号。汽车：车辆识别代号（VIN）见机动车登记证书和前挡风玻璃下方。",
    ),
    (
        20,
        "What do the three guarantees (repair, replacement, return) give me?",
        "三包（包修、包换、包退）给我哪些保障？",
        "The periods count from the invoice date (flat-panel TVs: from installation; cars: from delivery).\n\n"
        "Within 7 days, a performance fault entitles you to a return with a full refund, a replacement or a "
        "free repair, as you choose.\n"
        "From day 8 to day 15: a replacement or a free repair.\n"
        "Within the warranty period, usually 1 year for the whole product and longer for main components "
        "(for example 3 years for a compressor): free repair, parts and labour included. If the same fault is "
        "still there after two repairs, you may choose a replacement or a return.\n\n"
        "Damage from misuse, repair by someone not authorised, or force majeure is not covered; a paid repair "
        "is always available. Cars follow their own rules (at least 2 years or 50,000 km).",
        "三包有效期自发票开具之日起计算（平板电视自安装完成之日起，汽车自交付之日起）。\n\n"
        "7 日内出现性能故障：可选择退货（全额退款）、换货或免费修理。\n"
        "第 8 日至第 15 日内：可选择换货或免费修理。\n"
        "在保修期内（整机一般为 1 年，主要部件更长，例如压缩机 3 年）：免费修理，包括配件和工时。"
        "同一性能故障经两次修理仍不能正常使用的，可选择换货或退货。\n\n"
        "因使用不当、非授权拆修或不可抗力造成的损坏不属于三包范围，但我们仍提供收费维修。"
        "汽车适用专门的三包规定（不少于 2 年或 5 万公里）。",
    ),
    (
        30,
        "What proof of purchase do I need?",
        "需要提供哪些购买凭证？",
        "The purchase invoice (paper or electronic) and the warranty card. When you request service online, "
        "upload a photo or a PDF of the invoice; the serial number on the documents must match the product.\n\n"
        "Without an invoice and without a warranty card the free three-guarantees service does not apply, but "
        "a paid repair is always available. For a mobile phone with no proof at all, the warranty counts from "
        "90 days after the manufacture date in its IMEI, for free repair only.",
        "购机发票（纸质或电子发票）和三包凭证（保修卡）。在线报修时请上传发票的照片或 PDF；"
        "凭证上的序列号须与产品一致。\n\n"
        "既无发票又无三包凭证的，不能享受免费三包服务，但可以收费维修。"
        "手机如无任何凭证，保修期自 IMEI 所含生产日期后第 90 日起计算，仅提供免费修理。",
    ),
    (
        40,
        "How long does a repair take?",
        "维修需要多长时间？",
        "We normally contact you within 2 hours of your request and agree a visit window with you; a technician "
        "visits within 24 hours and most repairs are finished within 3 days. If a part has to be ordered, we "
        "tell you when it is expected.\n\n"
        "Under the three guarantees a repair must be finished within 30 days. If it is not, or if the maker's "
        "parts have not arrived after 90 days (mobile phones: 60 days), you are entitled to a replacement.",
        "我们一般在收到报修后 2 小时内与您联系并约定上门时间，24 小时内上门，多数维修在 3 天内完成。"
        "如需订购配件，我们会告知预计到货时间。\n\n"
        "根据三包规定，修理应在 30 日内完成；超过 30 日未修好，或因等待厂家配件超过 90 日"
        "（手机为 60 日），您有权要求换货。",
    ),
    (
        50,
        "How do I follow my request?",
        "如何查询报修进度？",
        "Open \u201cTrack a request\u201d and enter the reference you received (for example AS-2026-000123) with "
        "the mobile phone number you gave. You see each step, the appointment and the technician's name; you "
        "can add information or photos, and cancel before a technician is sent. With an account, all your "
        "requests are listed under \u201cMy account\u201d.",
        "打开\u201c查询进度\u201d，输入您收到的受理编号（例如 AS-2026-000123）和报修时留下的手机号码，"
        "即可查看每一步进展、预约时间和服务工程师姓名；还可以补充说明或照片，并在派工前取消申请。"
        "注册账户后，您的全部申请都列在\u201c我的账户\u201d中。",
    ),
    (
        60,
        "What does a repair cost after the warranty?",
        "保修期外维修怎样收费？",
        "A paid repair is charged as the call-out fee, the labour time and the genuine parts used, at the "
        "prices of our public price list.",
        "收费维修按上门服务费、维修工时费和所用原厂配件收费，价格以公开的收费标准为准。",
    ),
]

# (kind, category code or None, code, name, Chinese name, price, per)
PRICES = [
    ("service", None, "SVC-CALLOUT", "Call-out fee (home visit)", "上门服务费", "50.00", "per visit"),
    ("service", None, "SVC-LABOUR", "Labour", "维修工时费", "80.00", "per hour"),
    ("service", None, "SVC-CHECK", "Inspection when no repair is made", "检测费（未维修时收取）", "30.00", "per visit"),
    ("service", "air_conditioner", "AC-GAS", "Refrigerant top-up (R32)", "补充冷媒（R32）", "180.00", "each"),
    ("service", "air_conditioner", "AC-MOVE", "Move a wall-mounted unit", "挂机移机", "260.00", "each"),
    ("service", "car", "CAR-LABOUR", "Workshop labour", "车间工时费", "150.00", "per hour"),
    ("part", "washing_machine", "WM-PUMP", "Drain pump", "排水泵", "120.00", "each"),
    ("part", "washing_machine", "WM-SEAL", "Door seal", "门封圈", "180.00", "each"),
    ("part", "washing_machine", "WM-BEARING", "Drum bearing and seal kit", "滚筒轴承密封套件", "260.00", "per set"),
    ("part", "washing_machine", "WM-BOARD", "Main control board", "主控板", "380.00", "each"),
    ("part", "washing_machine", "WM-MOTOR", "Drive motor", "电机", "680.00", "each"),
    ("part", "fridge", "FR-GASKET", "Door gasket", "门封条", "150.00", "each"),
    ("part", "fridge", "FR-THERMO", "Thermostat", "温控器", "90.00", "each"),
    ("part", "fridge", "FR-FAN", "Evaporator fan motor", "蒸发器风扇电机", "160.00", "each"),
    ("part", "fridge", "FR-COMP", "Compressor", "压缩机", "980.00", "each"),
    ("part", "air_conditioner", "AC-REMOTE", "Remote control", "遥控器", "60.00", "each"),
    ("part", "air_conditioner", "AC-CAP", "Compressor start capacitor", "压缩机启动电容", "45.00", "each"),
    ("part", "air_conditioner", "AC-FAN", "Indoor fan motor", "室内风机电机", "260.00", "each"),
    ("part", "air_conditioner", "AC-BOARD", "Outdoor control board", "室外机控制板", "450.00", "each"),
    ("part", "air_conditioner", "AC-COMP", "Compressor", "压缩机", "1280.00", "each"),
    ("part", "flat_panel_tv", "TV-REMOTE", "Remote control", "遥控器", "80.00", "each"),
    ("part", "flat_panel_tv", "TV-POWER", "Power board", "电源板", "320.00", "each"),
    ("part", "flat_panel_tv", "TV-MAIN", "Main board", "主板", "560.00", "each"),
    ("part", "microwave", "MW-PLATE", "Glass turntable plate", "玻璃转盘", "45.00", "each"),
    ("part", "microwave", "MW-MAGNETRON", "Magnetron", "磁控管", "220.00", "each"),
    ("part", "mobile_phone", "PH-BATTERY", "Battery", "电池", "199.00", "each"),
    ("part", "mobile_phone", "PH-PORT", "Charging port module", "尾插模块", "149.00", "each"),
    ("part", "mobile_phone", "PH-SCREEN", "Screen assembly", "屏幕总成", "899.00", "each"),
    ("part", "laptop", "LT-ADAPTER", "Power adapter", "电源适配器", "199.00", "each"),
    ("part", "laptop", "LT-KEYBOARD", "Keyboard", "键盘", "299.00", "each"),
    ("part", "laptop", "LT-BATTERY", "Battery", "电池", "399.00", "each"),
    ("part", "desktop", "DT-PSU", "Power supply unit", "电源", "299.00", "each"),
    ("part", "car", "CAR-PADS", "Front brake pads", "前刹车片", "480.00", "per set"),
    ("part", "car", "CAR-CABIN", "Cabin air filter", "空调滤芯", "120.00", "each"),
    ("part", "car", "CAR-WIPERS", "Wiper blades", "雨刮片", "150.00", "per pair"),
]


def load(apps, schema_editor):
    FaqEntry = apps.get_model("customers", "FaqEntry")
    PriceListItem = apps.get_model("customers", "PriceListItem")
    ProductCategory = apps.get_model("customers", "ProductCategory")
    categories = {category.code: category for category in ProductCategory.objects.all()}
    for position, question, question_zh, answer, answer_zh in FAQ:
        FaqEntry.objects.get_or_create(
            question=question,
            defaults={"question_zh": question_zh, "answer": answer, "answer_zh": answer_zh, "position": position},
        )
    for position, (kind, category_code, code, name, name_zh, price, per) in enumerate(PRICES, start=1):
        if category_code is not None and category_code not in categories:
            continue  # a catalogue without this category has no use for its parts
        PriceListItem.objects.get_or_create(
            kind=kind,
            code=code,
            defaults={
                "category": categories.get(category_code),
                "name": name,
                "name_zh": name_zh,
                "price": Decimal(price),
                "unit_label": per,
                "position": position * 10,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("customers", "FaqEntry").objects.filter(question__in=[row[1] for row in FAQ]).delete()
    apps.get_model("customers", "PriceListItem").objects.filter(code__in=[row[2] for row in PRICES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_portal"),
        # The statutory categories the parts belong to.
        ("tickets", "0005_statutory_catalogue"),
    ]
    operations = [migrations.RunPython(load, unload)]
