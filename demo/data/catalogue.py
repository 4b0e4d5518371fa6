"""The catalogue the demo sells and repairs: product categories and models, fault categories,
and the fault-code catalogue with the department each quality fault is fed back to.

Category codes are the statutory catalogue of docs/three-guarantees.md, which the warranty engine reads.
"""

from tickets.choices import FaultGroup

CATEGORIES = (
    # code, English, Chinese, the date the warranty period starts on
    ("washing_machine", "Washing machine", "洗衣机", "invoice"),
    ("fridge", "Refrigerator", "电冰箱", "invoice"),
    ("air_conditioner", "Air conditioner", "空调器", "invoice"),
    ("crt_tv", "CRT television", "CRT彩色电视机", "invoice"),
    ("flat_panel_tv", "Flat-panel television", "平板电视", "installation"),
    ("microwave", "Microwave oven", "微波炉", "invoice"),
    ("mobile_phone", "Mobile phone", "移动电话机", "invoice"),
    ("laptop", "Laptop computer", "笔记本电脑", "invoice"),
    ("desktop", "Desktop computer", "台式电脑", "invoice"),
    ("car", "Passenger car", "家用汽车", "delivery"),
)

# fmt: off
MODELS = (
    # category, model code, English, Chinese, main components, maintenance interval (days), list price (CNY)
    ("washing_machine", "XQG100-BD14126L", "10 kg front-loading washer", "10公斤滚筒洗衣机", ["motor", "program controller"], 365, 3299),
    ("washing_machine", "XQB90-BM1269", "9 kg top-loading washer", "9公斤波轮洗衣机", ["motor", "program controller"], 365, 1599),
    ("washing_machine", "EG10014HBD59S", "10 kg washer-dryer", "10公斤洗烘一体机", ["motor", "program controller", "heater"], 365, 4599),
    ("fridge", "BCD-470WDPG", "470 L French-door refrigerator", "470升法式多门冰箱", ["compressor", "evaporator", "condenser"], None, 5999),
    ("fridge", "BCD-258WDVMU1", "258 L three-door refrigerator", "258升三门冰箱", ["compressor", "evaporator", "condenser"], None, 2399),
    ("fridge", "BCD-650WDGK", "650 L side-by-side refrigerator", "650升对开门冰箱", ["compressor", "evaporator", "condenser"], None, 7499),
    ("air_conditioner", "KFR-35GW-81U1", "1.5 HP inverter wall unit", "1.5匹变频挂机", ["compressor", "evaporator", "condenser"], 365, 3199),
    ("air_conditioner", "KFR-72LW-28UDP", "3 HP inverter floor-standing unit", "3匹变频立式柜机", ["compressor", "evaporator", "condenser"], 365, 7999),
    ("air_conditioner", "KFR-26GW-B1KBB", "1 HP fixed-speed wall unit", "1匹定频挂机", ["compressor", "evaporator", "condenser"], 365, 1999),
    ("crt_tv", "29F3A-T", "29-inch CRT television", "29英寸CRT彩电", ["picture tube", "main board"], None, 1299),
    ("crt_tv", "21FA1", "21-inch CRT television", "21英寸CRT彩电", ["picture tube", "main board"], None, 799),
    ("flat_panel_tv", "LU55J51", "55-inch 4K LED television", "55英寸4K液晶电视", ["panel", "main board"], None, 3499),
    ("flat_panel_tv", "LU65X81", "65-inch 4K QLED television", "65英寸4K量子点电视", ["panel", "main board"], None, 6999),
    ("flat_panel_tv", "LU75C8", "75-inch Mini LED television", "75英寸Mini LED电视", ["panel", "main board", "backlight"], None, 11999),
    ("microwave", "MZC-2070M1", "20 L mechanical microwave", "20升机械式微波炉", ["magnetron", "transformer"], None, 499),
    ("microwave", "MZK-2380EGCZ", "23 L grill microwave", "23升光波微波炉", ["magnetron", "transformer"], None, 899),
    ("mobile_phone", "HX-A5-128", "A5 smartphone, 128 GB", "A5智能手机 128GB", ["mainboard", "display", "battery"], None, 1499),
    ("mobile_phone", "HX-M12-256", "M12 smartphone, 256 GB", "M12智能手机 256GB", ["mainboard", "display", "battery"], None, 3999),
    ("mobile_phone", "HX-M12P-512", "M12 Pro smartphone, 512 GB", "M12 Pro智能手机 512GB", ["mainboard", "display", "battery"], None, 5999),
    ("laptop", "NB-X14-G3", "X14 Gen 3 laptop, 16 GB", "X14第三代笔记本电脑 16GB", ["mainboard", "display", "hard disk", "keyboard"], None, 6999),
    ("laptop", "NB-G16-R7", "G16 gaming laptop", "G16游戏笔记本电脑", ["mainboard", "display", "hard disk", "keyboard"], None, 8999),
    ("desktop", "DT-T5-I5", "T5 tower desktop, Core i5", "T5台式电脑 酷睿i5", ["mainboard", "CPU", "memory", "hard disk", "power supply"], None, 4599),
    ("desktop", "DT-AIO24", "24-inch all-in-one desktop", "24英寸一体机电脑", ["mainboard", "CPU", "memory", "hard disk", "display"], None, 5299),
    ("car", "SD-S7-15T", "S7 1.5T sedan", "S7 1.5T轿车", ["engine", "transmission"], 180, 149800),
    ("car", "EV-E5-LR", "E5 long-range electric SUV", "E5长续航纯电SUV", ["traction battery", "drive motor"], 365, 219800),
    ("car", "SV-X9-20T", "X9 2.0T SUV", "X9 2.0T SUV", ["engine", "transmission"], 180, 259800),
)
# fmt: on

# How often each category turns up among the customers' products.
CATEGORY_WEIGHTS = {
    "washing_machine": 14,
    "fridge": 14,
    "air_conditioner": 14,
    "crt_tv": 3,
    "flat_panel_tv": 12,
    "microwave": 6,
    "mobile_phone": 16,
    "laptop": 8,
    "desktop": 5,
    "car": 5,
}

P, S, R = FaultGroup.PRODUCT, FaultGroup.SERVICE, FaultGroup.REQUEST
FAULTS = (
    # code, group, English, Chinese, product category (None: any product)
    ("no_power", P, "No power", "不通电", None),
    ("not_cooling", P, "Not cooling", "不制冷", None),
    ("leaking_water", P, "Leaking water", "漏水", None),
    ("abnormal_noise", P, "Abnormal noise", "异响", None),
    ("display_fault", P, "Display fault", "显示故障", None),
    ("battery_fault", P, "Battery fault", "电池故障", None),
    ("wont_start", P, "Won't start", "无法启动", None),
    ("overheating", P, "Overheating", "过热", None),
    ("drum_not_spinning", P, "Drum does not spin", "滚筒不转", "washing_machine"),
    ("not_heating", P, "Not heating", "不加热", "microwave"),
    ("attitude", S, "Staff attitude", "服务态度", None),
    ("delay", S, "Service delay", "服务延误", None),
    ("no_show", S, "Technician did not come", "未按约上门", None),
    ("overcharging", S, "Overcharging", "乱收费", None),
    ("workmanship", S, "Poor workmanship", "维修质量差", None),
    ("installation_request", R, "Installation request", "安装请求", None),
    ("maintenance_request", R, "Maintenance request", "保养请求", None),
    ("usage_question", R, "Usage question", "使用咨询", None),
)

# The product faults that occur in each category.
CATEGORY_FAULTS = {
    "washing_machine": ["no_power", "leaking_water", "abnormal_noise", "drum_not_spinning", "display_fault"],
    "fridge": ["not_cooling", "abnormal_noise", "leaking_water", "no_power"],
    "air_conditioner": ["not_cooling", "leaking_water", "abnormal_noise", "no_power"],
    "crt_tv": ["no_power", "display_fault", "abnormal_noise"],
    "flat_panel_tv": ["display_fault", "no_power", "wont_start"],
    "microwave": ["not_heating", "no_power", "abnormal_noise"],
    "mobile_phone": ["battery_fault", "display_fault", "wont_start", "overheating"],
    "laptop": ["battery_fault", "display_fault", "wont_start", "overheating"],
    "desktop": ["wont_start", "display_fault", "abnormal_noise", "overheating"],
    "car": ["wont_start", "abnormal_noise", "overheating", "battery_fault"],
}

# The fault-code catalogue: every code in RESOLUTIONS (demo/data/texts.py), with the department
# a quality fault is fed back to ("" for faults that say nothing about the product: wear,
# rodents, dust, a loose cable). code, component, department, name, Chinese name.
# fmt: off
FAULT_CODES = (
    ("PWR-01", "power board", "production", "Power board capacitor failure", "电源板电容击穿"),
    ("PWR-02", "power cord", "", "Power cord damaged by a rodent", "电源线鼠咬损坏"),
    ("CMP-01", "compressor", "production", "Compressor start relay burnt out", "压缩机启动继电器烧毁"),
    ("REF-02", "condenser", "production", "Refrigerant leak at a condenser weld", "冷凝器焊点泄漏"),
    ("CMP-03", "compressor", "design", "Compressor seized", "压缩机卡缸"),
    ("DRN-01", "drain hose", "operations", "Drain hose cracked at the clamp", "排水管卡箍处开裂"),
    ("SEA-02", "door seal", "", "Door seal torn", "门封条破损"),
    ("BRG-01", "motor", "production", "Motor bearing worn early", "电机轴承早期磨损"),
    ("FAN-02", "fan", "production", "Fan blade touching its housing", "风扇叶片与外壳摩擦"),
    ("DSP-01", "panel", "production", "Panel column driver failure", "屏幕列驱动损坏"),
    ("DSP-02", "main board", "", "Loose display cable", "屏线松动"),
    ("BAT-01", "battery", "design", "Battery capacity degraded early", "电池容量过早衰减"),
    ("CHG-02", "charging port", "", "Charging port corroded", "充电接口氧化"),
    ("BOT-01", "mainboard", "design", "Firmware corrupted during an update", "系统升级导致固件损坏"),
    ("STR-02", "starter", "production", "Starter solenoid worn out", "起动机电磁开关老化"),
    ("THM-01", "cooling fan", "", "Cooling fan clogged with dust", "散热风扇积灰"),
    ("THM-02", "thermostat", "production", "Thermostat stuck closed", "节温器卡滞"),
    ("MOT-01", "motor", "production", "Motor winding open circuit", "电机绕组断路"),
    ("BLT-02", "drive belt", "design", "Drive belt slipped off", "传动皮带脱落"),
    ("MAG-01", "magnetron", "production", "Magnetron failure", "磁控管损坏"),
    ("FUS-02", "high-voltage fuse", "design", "High-voltage fuse blown", "高压保险丝熔断"),
)
# fmt: on
