"""Who is in the demo: the staff accounts and the names customers are made from."""

from aftersales.roles import Role

USERS = (
    # username, role, first name, last name
    ("agent", Role.AGENT, "Fang", "Wang"),
    ("agent2", Role.AGENT, "Lei", "Zhao"),
    ("technician", Role.TECHNICIAN, "Qiang", "Liu"),
    ("technician2", Role.TECHNICIAN, "Jie", "Chen"),
    ("manager", Role.MANAGER, "Wei", "Zhang"),
    ("quality", Role.DEPARTMENT, "Li", "Sun"),
    ("sales", Role.SALES, "Min", "Zhou"),
    ("admin", Role.ADMIN, "Na", "Li"),
)

SURNAMES = (
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("赵", "zhao"),
    ("黄", "huang"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("林", "lin"),
    ("高", "gao"),
    ("罗", "luo"),
)
GIVEN_NAMES = (
    ("芳", "fang"),
    ("伟", "wei"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("桂英", "guiying"),
    ("建华", "jianhua"),
    ("志强", "zhiqiang"),
    ("海燕", "haiyan"),
    ("晓东", "xiaodong"),
    ("丽娟", "lijuan"),
    ("文博", "wenbo"),
    ("子涵", "zihan"),
    ("雨桐", "yutong"),
    ("浩然", "haoran"),
    ("欣怡", "xinyi"),
)
# Customers who asked to be served in English: name, mailbox.
ENGLISH_CUSTOMERS = (
    ("Michael Brown", "michael.brown"),
    ("Sarah Johnson", "sarah.johnson"),
    ("David Miller", "d.miller"),
    ("Emma Wilson", "emma.wilson"),
    ("Lukas Schmidt", "lukas.schmidt"),
)
