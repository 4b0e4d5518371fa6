"""What people write in the demo, as ``(English, Chinese)`` pairs: customers' descriptions of
their faults, the technicians' findings, the departments' answers, the work done and staff notes."""

# What customers say, per fault category; "{product}" is the model's name.
DESCRIPTIONS = {
    "no_power": (
        (
            "The {product} shows no lights and does not react to the power button.",
            "{product}完全不通电，按电源键没有任何反应。",
        ),
        ("After a thunderstorm last night the {product} will not switch on.", "昨晚打雷后{product}就开不了机了。"),
    ),
    "not_cooling": (
        (
            "The {product} runs but does not cool; the room stays at 30 °C.",
            "{product}能运转但不制冷，室温一直在30度左右。",
        ),
        ("The {product} has stopped cooling, food in it is going off.", "{product}不制冷了，里面的食物都放坏了。"),
    ),
    "leaking_water": (
        ("Water collects under the {product} after every use.", "{product}每次使用后底下都有一滩水。"),
        ("The {product} drips water onto the floor.", "{product}一直往地上滴水。"),
    ),
    "abnormal_noise": (
        ("The {product} makes a loud rattling noise, worse at night.", "{product}有很大的咔咔异响，晚上尤其明显。"),
        ("A high-pitched whine comes from the {product} since last week.", "{product}上周开始发出刺耳的尖啸声。"),
    ),
    "display_fault": (
        ("The screen of the {product} flickers and shows vertical lines.", "{product}屏幕闪烁，有竖线。"),
        ("Half of the {product}'s display stays black.", "{product}的屏幕有一半是黑的。"),
    ),
    "battery_fault": (
        ("The {product}'s battery drops from full to empty in two hours.", "{product}电池两个小时就从满电掉到没电。"),
        ("The {product} will not charge and the battery looks swollen.", "{product}充不进电，电池好像鼓起来了。"),
    ),
    "wont_start": (
        ("The {product} does not start at all this morning.", "今天早上{product}完全无法启动。"),
        ("The {product} gets stuck on the start screen and restarts.", "{product}卡在开机画面后不断重启。"),
    ),
    "overheating": (
        ("The {product} gets too hot to touch after a few minutes.", "{product}用几分钟就烫得没法摸。"),
        ("The {product} shuts itself down because it overheats.", "{product}过热后自动关机。"),
    ),
    "drum_not_spinning": (
        ("The drum of the {product} does not turn; error E4 on the display.", "{product}滚筒不转，显示屏报E4。"),
        ("The {product} fills with water but the drum stays still.", "{product}能进水但滚筒不转。"),
    ),
    "not_heating": (
        ("The {product} runs but the food stays cold.", "{product}能转，但食物一点都不热。"),
        ("The {product} hums and does not heat.", "{product}嗡嗡响但不加热。"),
    ),
    "attitude": (
        ("The technician was rude on the phone and hung up on me.", "维修师傅电话里态度很差，还挂了我的电话。"),
        (
            "The engineer argued with my mother and left without explaining anything.",
            "师傅和我母亲吵了起来，什么都没解释就走了。",
        ),
    ),
    "delay": (
        ("I reported the fault five days ago and nobody has been in touch.", "五天前报修，到现在还没人联系我。"),
        ("The repair was promised for Monday and it is still not done.", "说好周一修好，现在还没修好。"),
    ),
    "no_show": (
        ("I took a day off work for the visit and the technician never came.", "我请假在家等，师傅根本没来。"),
        ("Nobody came in the agreed time window and nobody called.", "约好的时间段没人上门，也没人打电话。"),
    ),
    "overcharging": (
        ("I was charged 380 yuan for a repair that should be free under warranty.", "在保修期内还被收了380元维修费。"),
        ("The parts price on the receipt is far above the official price list.", "收据上的配件价格远高于官方价格表。"),
    ),
    "workmanship": (
        ("Same fault again two days after the repair.", "修完两天又出现同样的故障。"),
        ("The technician scratched the panel and left the cover loose.", "师傅把面板划花了，外壳也没装好。"),
    ),
    "installation_request": (
        ("New {product} delivered today, please arrange installation.", "新买的{product}今天到货，请安排上门安装。"),
        ("Please install the {product}; I am home on weekday evenings.", "请安排安装{product}，工作日晚上家里有人。"),
    ),
    "maintenance_request": (
        ("Please book the yearly maintenance of the {product}.", "请安排{product}的年度保养。"),
        ("The {product} is due for servicing; can someone come next week?", "{product}到了保养时间，下周能上门吗？"),
    ),
    "usage_question": (
        ("How do I set the child lock on the {product}?", "{product}的童锁怎么设置？"),
        ("Which programme of the {product} saves the most energy?", "{product}哪个模式最省电？"),
        ("Where can I find the warranty terms for my purchase?", "我买的产品保修条款在哪里可以查到？"),
    ),
}

# What the technician finds for a product fault:
# fault code, component, root cause, work done, parts used, charge out of warranty (CNY).
# fmt: off
RESOLUTIONS = {
    "no_power": (
        ("PWR-01", "power board", ("Power board capacitor failed after a voltage surge", "电压浪涌导致电源板电容击穿"),
         ("Replaced the power board and ran a full function test", "更换电源板，整机功能测试正常"),
         ("power board x1", "电源板×1"), 260),
        ("PWR-02", "power cord", ("Plug and cord damaged by a rodent", "电源线被老鼠咬坏"),
         ("Replaced the power cord", "更换电源线"), ("power cord x1", "电源线×1"), 60),
    ),
    "not_cooling": (
        ("CMP-01", "compressor", ("Compressor start relay burnt out", "压缩机启动继电器烧毁"),
         ("Replaced the start relay; compressor restarts, cooling checked for 2 h", "更换启动继电器，压缩机恢复运转，制冷测试2小时正常"),
         ("start relay x1", "启动继电器×1"), 180),
        ("REF-02", "condenser", ("Refrigerant leak at a condenser weld", "冷凝器焊点泄漏导致缺氟"),
         ("Re-welded the condenser joint, vacuumed and recharged refrigerant", "补焊冷凝器焊点，抽真空后重新加注冷媒"),
         ("refrigerant 0.6 kg", "冷媒0.6公斤"), 350),
        ("CMP-03", "compressor", ("Compressor seized", "压缩机卡缸"),
         ("Replaced the compressor and recharged refrigerant", "更换压缩机并重新加注冷媒"), ("compressor x1", "压缩机×1"), 900),
    ),
    "leaking_water": (
        ("DRN-01", "drain hose", ("Drain hose cracked at the clamp", "排水管在卡箍处开裂"),
         ("Replaced the drain hose and checked for leaks", "更换排水管并检查无渗漏"), ("drain hose x1", "排水管×1"), 80),
        ("SEA-02", "door seal", ("Door seal torn", "门封条破损"),
         ("Replaced the door seal", "更换门封条"), ("door seal x1", "门封条×1"), 150),
    ),
    "abnormal_noise": (
        ("BRG-01", "motor", ("Motor bearing worn", "电机轴承磨损"),
         ("Replaced the motor bearings and balanced the drum", "更换电机轴承并调整平衡"), ("bearing x2", "轴承×2"), 220),
        ("FAN-02", "fan", ("Fan blade touching its housing", "风扇叶片与外壳摩擦"),
         ("Re-seated the fan and fixed the bracket", "重新安装风扇并固定支架"), ("none", "无"), 80),
    ),
    "display_fault": (
        ("DSP-01", "panel", ("Panel column driver failed", "屏幕列驱动损坏"),
         ("Replaced the display panel", "更换显示屏"), ("display panel x1", "显示屏×1"), 1200),
        ("DSP-02", "main board", ("Loose display cable on the main board", "主板屏线松动"),
         ("Re-seated and secured the display cable", "重新插接并固定屏线"), ("none", "无"), 80),
    ),
    "battery_fault": (
        ("BAT-01", "battery", ("Battery cells degraded, capacity at 61 %", "电池老化，容量仅剩61%"),
         ("Replaced the battery and calibrated it", "更换电池并校准"), ("battery x1", "电池×1"), 299),
        ("CHG-02", "charging port", ("Charging port corroded", "充电接口氧化"),
         ("Replaced the charging port flex", "更换尾插排线"), ("charging flex x1", "尾插排线×1"), 120),
    ),
    "wont_start": (
        ("BOT-01", "mainboard", ("Firmware corrupted during an update", "系统升级中断导致固件损坏"),
         ("Re-flashed the firmware and restored settings", "重新刷写固件并恢复设置"), ("none", "无"), 100),
        ("STR-02", "starter", ("Starter solenoid worn out", "起动机电磁开关老化"),
         ("Replaced the starter", "更换起动机"), ("starter x1", "起动机×1"), 850),
    ),
    "overheating": (
        ("THM-01", "cooling fan", ("Cooling fan clogged with dust", "散热风扇积灰堵塞"),
         ("Cleaned the cooling system and renewed the thermal paste", "清理散热系统并更换导热硅脂"), ("thermal paste", "导热硅脂"), 150),
        ("THM-02", "thermostat", ("Thermostat stuck closed", "节温器卡滞"),
         ("Replaced the thermostat and refilled the coolant", "更换节温器并补充冷却液"), ("thermostat x1", "节温器×1"), 480),
    ),
    "drum_not_spinning": (
        ("MOT-01", "motor", ("Motor winding open circuit", "电机绕组断路"),
         ("Replaced the drive motor", "更换驱动电机"), ("motor x1", "电机×1"), 680),
        ("BLT-02", "drive belt", ("Drive belt slipped off", "传动皮带脱落"),
         ("Refitted a new drive belt", "更换并安装新皮带"), ("drive belt x1", "皮带×1"), 90),
    ),
    "not_heating": (
        ("MAG-01", "magnetron", ("Magnetron failed", "磁控管损坏"),
         ("Replaced the magnetron and tested heating", "更换磁控管，加热测试正常"), ("magnetron x1", "磁控管×1"), 260),
        ("FUS-02", "high-voltage fuse", ("High-voltage fuse blown", "高压保险丝熔断"),
         ("Replaced the fuse and checked the diode", "更换保险丝并检查高压二极管"), ("fuse x1", "保险丝×1"), 60),
    ),
}

# fmt: on

# fmt: off
# How a department answers a quality fault: cause and corrective action, per department.
FEEDBACK_ANSWERS = {
    "production": (
        (("Incoming inspection let a supplier lot with weak parts through", "来料检验未拦截供应商一批性能偏弱的零件"),
         ("Lot quarantined, supplier audited, sampling at incoming inspection doubled", "该批次已隔离，供应商已审核，来料抽检比例加倍")),
        (("Assembly step not done to specification on one line", "一条产线的装配工序未按规范执行"),
         ("Operators retrained, a check added at the end of the line", "已对操作工再培训，并在线末增加检验点")),
    ),
    "design": (
        (("Design margin too small for the field conditions", "设计余量不足以应对实际使用工况"),
         ("Design change approved; running production takes it from the next batch", "设计变更已批准，下一批次起量产导入")),
        (("Part rated too close to its limit in this model", "该型号所选零件额定值余量过小"),
         ("Higher-rated part specified; the change applies from the next batch", "已改选更高额定值零件，下一批次起生效")),
    ),
    "operations": (
        (("Installers tighten the clamp too hard", "安装人员卡箍拧得过紧"),
         ("Installation guide updated and installers briefed", "已更新安装指导书并对安装人员宣贯")),
    ),
}
# fmt: on

# The work recorded for tickets that need no fault analysis, per kind or complaint class.
WORK = {
    "installation": (
        ("Installed, levelled and test-ran the unit; explained daily care", "完成安装调试，讲解日常使用与保养"),
        ("Mounted the unit, connected and tested it with the customer", "完成安装并与客户一起试机"),
    ),
    "maintenance": (
        ("Cleaned filters and heat exchanger, checked pressure and drainage", "清洗滤网和换热器，检查压力与排水"),
        ("Routine service done: fluids, filters and safety check", "完成例行保养：油液、滤芯及安全检查"),
    ),
    "consultation": (
        ("Explained the setting by phone; the customer confirmed it works", "电话指导设置，客户确认已可正常使用"),
        ("Sent the user manual page and warranty terms by email", "已通过邮件发送说明书相关页面及保修条款"),
    ),
    "attitude": (
        ("Apologised on behalf of the station; the technician was coached", "代表网点向客户致歉，已对服务人员进行辅导"),
    ),
    "delay": (("Arranged a priority visit and apologised for the delay", "已安排优先上门并就延误致歉"),),
    "no_show": (
        (
            "Rebooked the visit at the customer's chosen time with a senior technician",
            "按客户指定时间重新预约资深师傅上门",
        ),
    ),
    "overcharging": (
        ("Checked the receipt against the price list and refunded the excess", "核对收费标准后退还多收费用"),
    ),
    "workmanship": (("A senior technician redid the repair free of charge", "资深师傅免费返修"),),
}

# Staff notes for moves that need a reason.
NOTES = {
    "hold": (
        (
            "Customer is away on business until next week; visit moved at their request.",
            "客户出差到下周，应客户要求改期上门。",
        ),
        ("Waiting for the customer to send a photo of the invoice.", "等待客户提供发票照片。"),
        ("Customer asked us to come after the holiday.", "客户要求节后再上门。"),
    ),
    "cancel": (
        ("Customer solved it with phone guidance; no visit needed.", "经电话指导客户已自行解决，无需上门。"),
        ("Customer no longer needs the service.", "客户表示不再需要服务。"),
    ),
    "reopen": (
        ("Callback: the fault came back two days after the repair.", "回访时客户反映维修两天后故障复现。"),
        ("Customer is not satisfied with the result; another visit is needed.", "客户对处理结果不满意，需再次上门。"),
    ),
    "verify": (
        ("Callback: customer confirms everything works.", "回访：客户确认使用正常。"),
        ("Callback: customer satisfied with the service.", "回访：客户对服务满意。"),
    ),
    "merge": (
        ("Same problem reported again; handled under {reference}.", "同一问题重复报修，合并至{reference}处理。"),
    ),
}
