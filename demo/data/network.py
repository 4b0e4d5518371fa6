"""Where the demo happens: the service stations, the customers' streets per region, and the
shops and car dealers that sold the products."""

STATIONS = (
    # code, name, Chinese name, region, address, phone
    (
        "qingdao-laoshan",
        "Qingdao Laoshan Service Centre",
        "青岛崂山服务中心",
        "Qingdao",
        "青岛市崂山区海尔路1号",
        "0532-88930000",
    ),
    (
        "qingdao-licang",
        "Qingdao Licang Service Point",
        "青岛李沧服务网点",
        "Qingdao",
        "青岛市李沧区九水东路320号",
        "0532-87651234",
    ),
    (
        "beijing-chaoyang",
        "Beijing Chaoyang Service Centre",
        "北京朝阳服务中心",
        "Beijing",
        "北京市朝阳区建国路88号",
        "010-65881234",
    ),
    (
        "shanghai-pudong",
        "Shanghai Pudong Service Centre",
        "上海浦东服务中心",
        "Shanghai",
        "上海市浦东新区世纪大道1568号",
        "021-58781234",
    ),
    (
        "guangzhou-tianhe",
        "Guangzhou Tianhe Service Centre",
        "广州天河服务中心",
        "Guangzhou",
        "广州市天河区天河路385号",
        "020-38881234",
    ),
    (
        "chengdu-wuhou",
        "Chengdu Wuhou Service Centre",
        "成都武侯服务中心",
        "Chengdu",
        "成都市武侯区人民南路四段27号",
        "028-85551234",
    ),
)

# Streets per region, "{n}" is the house number: (Chinese, English).
ADDRESSES = {
    "Qingdao": (
        ("青岛市崂山区海尔路{n}号", "No. {n} Haier Road, Laoshan District, Qingdao"),
        ("青岛市市南区香港中路{n}号", "No. {n} Xianggang Middle Road, Shinan District, Qingdao"),
        ("青岛市李沧区九水东路{n}号", "No. {n} Jiushui East Road, Licang District, Qingdao"),
    ),
    "Beijing": (
        ("北京市朝阳区建国路{n}号", "No. {n} Jianguo Road, Chaoyang District, Beijing"),
        ("北京市海淀区中关村大街{n}号", "No. {n} Zhongguancun Street, Haidian District, Beijing"),
    ),
    "Shanghai": (
        ("上海市浦东新区世纪大道{n}号", "No. {n} Century Avenue, Pudong New Area, Shanghai"),
        ("上海市徐汇区漕溪北路{n}号", "No. {n} Caoxi North Road, Xuhui District, Shanghai"),
    ),
    "Guangzhou": (
        ("广州市天河区天河路{n}号", "No. {n} Tianhe Road, Tianhe District, Guangzhou"),
        ("广州市越秀区环市东路{n}号", "No. {n} Huanshi East Road, Yuexiu District, Guangzhou"),
    ),
    "Chengdu": (
        ("成都市武侯区人民南路四段{n}号", "No. {n} Section 4 Renmin South Road, Wuhou District, Chengdu"),
        ("成都市锦江区春熙路{n}号", "No. {n} Chunxi Road, Jinjiang District, Chengdu"),
    ),
}

# Where products are sold, per region: shops for everything, 4S stores for cars.
DEALERS = {
    "shop": {
        "Qingdao": ("苏宁易购（青岛崂山店）", "国美电器（青岛李沧店）", "京东自营", "海尔专卖店（青岛市南）"),
        "Beijing": ("苏宁易购（北京朝阳店）", "国美电器（北京中关村店）", "京东自营", "天猫官方旗舰店"),
        "Shanghai": ("苏宁易购（上海浦东店）", "百联电器（上海徐汇店）", "京东自营", "天猫官方旗舰店"),
        "Guangzhou": ("苏宁易购（广州天河店）", "国美电器（广州越秀店）", "京东自营", "天猫官方旗舰店"),
        "Chengdu": ("苏宁易购（成都春熙路店）", "国美电器（成都武侯店）", "京东自营", "天猫官方旗舰店"),
    },
    "car": {
        "Qingdao": ("青岛海联汽车4S店",),
        "Beijing": ("北京博瑞汽车4S店",),
        "Shanghai": ("上海浦东永达汽车4S店",),
        "Guangzhou": ("广州天河骏诚汽车4S店",),
        "Chengdu": ("成都武侯港宏汽车4S店",),
    },
}
