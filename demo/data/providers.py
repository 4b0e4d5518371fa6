"""The demo's service network: headquarters runs the Qingdao and Chengdu stations itself, and
three authorised service providers run the others, each with an agent, a manager and a
technician of its own."""

from aftersales.roles import Role

# code, name, Chinese name, contact, phone, email, business hours to accept a job,
# the demo stations it runs
PROVIDERS = (
    (
        "jinghua",
        "Beijing Jinghua Appliance Service Co., Ltd.",
        "北京京华家电服务有限公司",
        "Zhou Min",
        "010-65889001",
        "service@jinghua.example",
        4,
        ("beijing-chaoyang", "beijing-haidian"),
    ),
    (
        "shenyi",
        "Shanghai Shenyi Appliance Technical Service Co., Ltd.",
        "上海申益电器技术服务有限公司",
        "Xu Jing",
        "021-58789002",
        "dispatch@shenyi.example",
        6,
        ("shanghai-pudong",),
    ),
    (
        "suiyuan",
        "Guangzhou Suiyuan Home Appliance Repair Co., Ltd.",
        "广州穗源家电维修服务有限公司",
        "Huang Tao",
        "020-38889003",
        "kefu@suiyuan.example",
        8,
        ("guangzhou-tianhe",),
    ),
)

# Stations a provider opened beside the demo's own (not part of the ticket story): same columns
# as demo.data.network.STATIONS.
PROVIDER_STATIONS = (
    (
        "beijing-haidian",
        "Beijing Haidian Service Point",
        "北京海淀服务网点",
        "Beijing",
        "北京市海淀区中关村大街27号",
        "010-62551234",
    ),
)

# username, role, first name, last name, provider code
PROVIDER_USERS = (
    ("bj-agent", Role.AGENT, "Min", "Zhou", "jinghua"),
    ("bj-manager", Role.MANAGER, "Hao", "Qian", "jinghua"),
    ("bj-tech", Role.TECHNICIAN, "Jun", "Ma", "jinghua"),
    ("sh-agent", Role.AGENT, "Jing", "Xu", "shenyi"),
    ("sh-manager", Role.MANAGER, "Yong", "Lu", "shenyi"),
    ("sh-tech", Role.TECHNICIAN, "Ming", "Shen", "shenyi"),
    ("gz-agent", Role.AGENT, "Tao", "Huang", "suiyuan"),
    ("gz-manager", Role.MANAGER, "Yan", "Liang", "suiyuan"),
    ("gz-tech", Role.TECHNICIAN, "Chao", "He", "suiyuan"),
)

# How long after a dispatch the provider accepted it, in minutes (the demo's providers are prompt).
ACCEPTED_AFTER_MINUTES = 25
