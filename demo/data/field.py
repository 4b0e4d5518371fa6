"""Field service in the demo: the technicians' stations and skills, the spare-parts catalogue
for the demo's product models, each station's opening stock, and the technician's day."""

from decimal import Decimal

# username: (station codes, product category codes the technician is trained on)
TECHNICIANS = {
    "technician": (
        ("qingdao-laoshan", "qingdao-licang"),
        ("air_conditioner", "fridge", "washing_machine", "microwave"),
    ),
    "technician2": (
        ("qingdao-licang", "chengdu-wuhou"),
        ("flat_panel_tv", "crt_tv", "mobile_phone", "laptop", "desktop", "air_conditioner", "fridge"),
    ),
    # The service providers' technicians (demo/data/providers.py), at their providers' stations.
    "bj-tech": (
        ("beijing-chaoyang", "beijing-haidian"),
        ("air_conditioner", "fridge", "washing_machine", "flat_panel_tv", "laptop"),
    ),
    "sh-tech": (
        ("shanghai-pudong",),
        ("air_conditioner", "fridge", "washing_machine", "microwave", "mobile_phone"),
    ),
    "gz-tech": (
        ("guangzhou-tianhe",),
        ("air_conditioner", "fridge", "flat_panel_tv", "crt_tv", "desktop"),
    ),
}
VISITS_PER_SLOT = 2
SLOT_MINUTES = 240

# fmt: off
PARTS = (
    # part number, English, Chinese, fits models, main component, standard cost, price, part warranty (days),
    # opening stock per station, reorder point
    ("0064000847", "Inverter rotary compressor, 1.5 HP", "变频旋转压缩机 1.5匹", ("KFR-35GW-81U1",), True, "486.40", "728.00", 365, 3, 1),
    ("0064000912", "Inverter twin-rotary compressor, 3 HP", "变频双转子压缩机 3匹", ("KFR-72LW-28UDP",), True, "1120.00", "1580.00", 365, 2, 1),
    ("0064000315", "Fixed-speed rotary compressor, 1 HP", "定频旋转压缩机 1匹", ("KFR-26GW-B1KBB",), True, "318.60", "455.00", 365, 2, 1),
    ("0060206871", "Inverter refrigerator compressor, R600a", "冰箱变频压缩机 R600a", ("BCD-470WDPG", "BCD-650WDGK"), True, "392.75", "560.00", 365, 2, 1),
    ("0060206544", "Refrigerator compressor, R600a", "冰箱定频压缩机 R600a", ("BCD-258WDVMU1",), True, "265.30", "380.00", 365, 2, 1),
    ("0011800234", "Outdoor unit control board", "空调外机主控板", ("KFR-35GW-81U1", "KFR-72LW-28UDP"), False, "168.00", "268.00", 180, 4, 2),
    ("0011800198", "Indoor fan motor", "室内风机电机", ("KFR-35GW-81U1", "KFR-72LW-28UDP", "KFR-26GW-B1KBB"), False, "72.50", "118.00", 180, 5, 2),
    ("0060300712", "Defrost heater", "化霜加热器", ("BCD-470WDPG", "BCD-258WDVMU1", "BCD-650WDGK"), False, "18.40", "36.00", 90, 8, 3),
    ("0060401125", "Fresh-food door gasket", "冷藏室门封条", ("BCD-470WDPG", "BCD-258WDVMU1"), False, "22.80", "45.00", 90, 6, 2),
    ("0034000853", "Direct-drive motor", "直驱电机", ("XQG100-BD14126L", "EG10014HBD59S"), True, "420.00", "620.00", 365, 2, 1),
    ("0034000411", "Top-loader wash motor", "波轮洗衣机电机", ("XQB90-BM1269",), True, "138.50", "215.00", 365, 3, 1),
    ("0024000622", "Drain pump", "排水泵", ("XQG100-BD14126L", "XQB90-BM1269", "EG10014HBD59S"), False, "28.60", "58.00", 90, 10, 3),
    ("0031800367", "Washer program controller board", "洗衣机程序控制板", ("XQG100-BD14126L", "XQB90-BM1269", "EG10014HBD59S"), True, "156.00", "245.00", 180, 3, 1),
    ("0021800104", "Door interlock switch", "门锁开关", ("XQG100-BD14126L", "EG10014HBD59S"), False, "15.20", "32.00", 90, 8, 2),
    ("0094001230", "Magnetron, 20–23 L ovens", "磁控管（20–23升）", ("MZC-2070M1", "MZK-2380EGCZ"), True, "86.00", "138.00", 365, 4, 1),
    ("0094001511", "High-voltage transformer", "高压变压器", ("MZC-2070M1", "MZK-2380EGCZ"), True, "64.30", "105.00", 365, 3, 1),
    ("0090501872", "55-inch 4K LCD panel", "55英寸4K液晶屏", ("LU55J51",), True, "1180.00", "1650.00", 365, 1, 0),
    ("0090501903", "4K television main board", "4K电视主板", ("LU55J51", "LU65X81"), True, "298.00", "430.00", 180, 3, 1),
    ("HX-M12-BAT45", "M12 battery, 4,500 mAh", "M12电池 4500毫安时", ("HX-M12-256", "HX-M12P-512"), True, "58.00", "129.00", 180, 6, 2),
    ("HX-A5-LCD", "A5 display assembly", "A5显示屏总成", ("HX-A5-128",), True, "165.00", "299.00", 180, 4, 1),
    ("HX-M12-MB256", "M12 mainboard, 256 GB", "M12主板 256GB", ("HX-M12-256",), True, "620.00", "899.00", 180, 2, 1),
)
# fmt: on

# Stock at or under its reorder point when the demo starts: (station code, part number, on hand).
SHORT_STOCK = (
    ("qingdao-laoshan", "0064000847", 1),
    ("beijing-chaoyang", "0024000622", 2),
)
RECEIPT_REASON = "Opening stock from the central warehouse"
RECEIPT_BATCH = "2026-Q4"

# The first demo technician's visits today: local start and end hours, visit status.
TODAYS_VISITS = (
    ((9, 0), (11, 0), "confirmed"),
    ((11, 0), (13, 0), "confirmed"),
    ((14, 0), (16, 0), "booked"),
)
DAY_STATION = "qingdao-laoshan"


def money(text: str) -> Decimal:
    return Decimal(text)
