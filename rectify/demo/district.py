"""The demo district: 重庆市 › 黔江区, its organizations, sectors and people.

Everything here is fictional demo data: the district and the kinds of its bodies are real, the
people, the findings and every figure are made up.
"""

from __future__ import annotations

CITY = ("重庆市", "CQ")
DISTRICT = ("黔江区", "QJ")
ADMIN_CODE = "500114"  # 行政区划代码 of 黔江区, used in the organizations' credit codes

# (code, name) of the sectors (行业领域).
SECTORS: list[tuple[str, str]] = [
    ("EDU", "教育"),
    ("HEALTH", "卫生健康"),
    ("TRANSPORT", "交通"),
    ("AGRI", "农业农村"),
    ("CONSTRUCTION", "住房城建"),
    ("CIVIL", "民政"),
    ("WATER", "水利"),
    ("URBAN", "城市管理"),
    ("SOE", "国有企业"),
    ("NATRES", "自然资源"),
    ("CULTURE", "文化旅游"),
    ("SOCIAL", "人力社保"),
    ("FISCAL", "财政"),
    ("TOWN", "乡镇街道"),
    ("GENERAL", "综合管理"),
]

# Kind abbreviations used in ORGANIZATIONS.
AO, AU, CD, OD, DC, CO, FB, GV, PC, OS = (
    "audit_office",
    "audited_unit",
    "competent_department",
    "organization_department",
    "discipline_commission",
    "committee_office",
    "finance_bureau",
    "government",
    "peoples_congress",
    "other_supervisor",
)

# (key, name, short name, kind, sector code, competent department key, head title, document prefix, legal form)
# legal form: "agency" (机关), "institution" (事业单位), "enterprise" (企业) — sets the credit code.
ORGANIZATIONS: list[tuple[str, str, str, str, str | None, str | None, str, str, str]] = [
    ("audit", "重庆市黔江区审计局", "区审计局", AO, None, None, "局长", "黔江审", "agency"),
    ("committee", "中共重庆市黔江区委审计委员会办公室", "区委审计办", CO, None, None, "主任", "黔江审委办", "agency"),
    ("orgdept", "中共重庆市黔江区委组织部", "区委组织部", OD, None, None, "部长", "黔江组", "agency"),
    (
        "discipline",
        "中共重庆市黔江区纪委 重庆市黔江区监委",
        "区纪委监委",
        DC,
        None,
        None,
        "书记、主任",
        "黔江纪",
        "agency",
    ),
    ("finance", "重庆市黔江区财政局", "区财政局", FB, "FISCAL", None, "局长", "黔江财", "agency"),
    ("gov", "重庆市黔江区人民政府", "区政府", GV, None, None, "区长", "黔江府", "agency"),
    ("congress", "重庆市黔江区人民代表大会常务委员会", "区人大常委会", PC, None, None, "主任", "黔江人常", "agency"),
    ("inspect", "中共重庆市黔江区委巡察工作领导小组办公室", "区委巡察办", OS, None, None, "主任", "黔江巡", "agency"),
    ("eco", "重庆市黔江区生态环境局", "区生态环境局", OS, None, None, "局长", "黔江环", "agency"),
    # Competent departments and the units under them.
    ("edu", "重庆市黔江区教育委员会", "区教委", CD, "EDU", None, "主任", "黔江教委", "agency"),
    ("edu_yz", "重庆市黔江区第一中学校", "区第一中学", AU, "EDU", "edu", "校长", "黔江一中", "institution"),
    ("edu_sy", "重庆市黔江区实验中学", "区实验中学", AU, "EDU", "edu", "校长", "黔江实中", "institution"),
    ("edu_cd", "重庆市黔江区城东小学校", "城东小学", AU, "EDU", "edu", "校长", "城东小", "institution"),
    ("edu_zj", "重庆市黔江区民族职业教育中心", "区职教中心", AU, "EDU", "edu", "主任", "黔江职教", "institution"),
    ("edu_yey", "重庆市黔江区城南幼儿园", "城南幼儿园", AU, "EDU", "edu", "园长", "城南幼", "institution"),
    ("health", "重庆市黔江区卫生健康委员会", "区卫生健康委", CD, "HEALTH", None, "主任", "黔江卫健", "agency"),
    ("health_rm", "重庆市黔江区人民医院", "区人民医院", AU, "HEALTH", "health", "院长", "黔江人医", "institution"),
    ("health_zy", "重庆市黔江区中医院", "区中医院", AU, "HEALTH", "health", "院长", "黔江中医", "institution"),
    ("health_fy", "重庆市黔江区妇幼保健院", "区妇幼保健院", AU, "HEALTH", "health", "院长", "黔江妇幼", "institution"),
    (
        "health_jk",
        "重庆市黔江区疾病预防控制中心",
        "区疾控中心",
        AU,
        "HEALTH",
        "health",
        "主任",
        "黔江疾控",
        "institution",
    ),
    ("transport", "重庆市黔江区交通局", "区交通局", CD, "TRANSPORT", None, "局长", "黔江交", "agency"),
    (
        "tr_gl",
        "重庆市黔江区公路事务中心",
        "区公路事务中心",
        AU,
        "TRANSPORT",
        "transport",
        "主任",
        "黔江公路",
        "institution",
    ),
    (
        "tr_yh",
        "重庆市黔江区农村公路养护中心",
        "区农村公路养护中心",
        AU,
        "TRANSPORT",
        "transport",
        "主任",
        "黔江养护",
        "institution",
    ),
    ("agri", "重庆市黔江区农业农村委员会", "区农业农村委", CD, "AGRI", None, "主任", "黔江农委", "agency"),
    ("ag_nj", "重庆市黔江区农业技术推广中心", "区农技推广中心", AU, "AGRI", "agri", "主任", "黔江农技", "institution"),
    ("ag_xm", "重庆市黔江区畜牧产业发展中心", "区畜牧中心", AU, "AGRI", "agri", "主任", "黔江畜牧", "institution"),
    ("ag_nz", "重庆市黔江区农村合作经济经营管理站", "区农经站", AU, "AGRI", "agri", "站长", "黔江农经", "institution"),
    (
        "build",
        "重庆市黔江区住房和城乡建设委员会",
        "区住房城乡建委",
        CD,
        "CONSTRUCTION",
        None,
        "主任",
        "黔江建委",
        "agency",
    ),
    (
        "bd_bz",
        "重庆市黔江区住房保障服务中心",
        "区住房保障中心",
        AU,
        "CONSTRUCTION",
        "build",
        "主任",
        "黔江住保",
        "institution",
    ),
    (
        "bd_za",
        "重庆市黔江区建设工程质量安全服务中心",
        "区建设工程质安中心",
        AU,
        "CONSTRUCTION",
        "build",
        "主任",
        "黔江质安",
        "institution",
    ),
    ("civil", "重庆市黔江区民政局", "区民政局", CD, "CIVIL", None, "局长", "黔江民政", "agency"),
    ("cv_fl", "重庆市黔江区社会福利院", "区社会福利院", AU, "CIVIL", "civil", "院长", "黔江福利", "institution"),
    ("cv_jz", "重庆市黔江区救助管理站", "区救助管理站", AU, "CIVIL", "civil", "站长", "黔江救助", "institution"),
    ("water", "重庆市黔江区水利局", "区水利局", CD, "WATER", None, "局长", "黔江水", "agency"),
    (
        "wt_gc",
        "重庆市黔江区水利工程服务中心",
        "区水利工程中心",
        AU,
        "WATER",
        "water",
        "主任",
        "黔江水工",
        "institution",
    ),
    ("wt_sk", "重庆市黔江区水库管理所", "区水库管理所", AU, "WATER", "water", "所长", "黔江水库", "institution"),
    ("urban", "重庆市黔江区城市管理局", "区城市管理局", CD, "URBAN", None, "局长", "黔江城管", "agency"),
    ("ub_hw", "重庆市黔江区环境卫生管理所", "区环卫所", AU, "URBAN", "urban", "所长", "黔江环卫", "institution"),
    ("ub_sz", "重庆市黔江区市政设施管理所", "区市政设施所", AU, "URBAN", "urban", "所长", "黔江市政", "institution"),
    ("soe", "重庆市黔江区国有资产监督管理委员会", "区国资委", CD, "SOE", None, "主任", "黔江国资", "agency"),
    (
        "soe_ct",
        "重庆市黔江区城市建设投资（集团）有限公司",
        "区城投集团",
        AU,
        "SOE",
        "soe",
        "董事长",
        "黔江城投",
        "enterprise",
    ),
    (
        "soe_jl",
        "重庆市黔江区交通旅游建设投资集团有限公司",
        "区交旅集团",
        AU,
        "SOE",
        "soe",
        "董事长",
        "黔江交旅",
        "enterprise",
    ),
    ("soe_sw", "重庆市黔江区水务有限责任公司", "区水务公司", AU, "SOE", "soe", "董事长", "黔江水务", "enterprise"),
    ("soe_nf", "重庆市黔江区农业发展集团有限公司", "区农发集团", AU, "SOE", "soe", "董事长", "黔江农发", "enterprise"),
    ("natres", "重庆市黔江区规划和自然资源局", "区规划自然资源局", CD, "NATRES", None, "局长", "黔江规资", "agency"),
    (
        "nr_td",
        "重庆市黔江区土地储备整治中心",
        "区土地储备整治中心",
        AU,
        "NATRES",
        "natres",
        "主任",
        "黔江土储",
        "institution",
    ),
    (
        "nr_bdc",
        "重庆市黔江区不动产登记中心",
        "区不动产登记中心",
        AU,
        "NATRES",
        "natres",
        "主任",
        "黔江不动产",
        "institution",
    ),
    ("culture", "重庆市黔江区文化和旅游发展委员会", "区文化旅游委", CD, "CULTURE", None, "主任", "黔江文旅", "agency"),
    ("ct_tsg", "重庆市黔江区图书馆", "区图书馆", AU, "CULTURE", "culture", "馆长", "黔江图", "institution"),
    ("ct_wb", "重庆市黔江区文物保护中心", "区文保中心", AU, "CULTURE", "culture", "主任", "黔江文保", "institution"),
    ("hrss", "重庆市黔江区人力资源和社会保障局", "区人力社保局", CD, "SOCIAL", None, "局长", "黔江人社", "agency"),
    ("hr_jy", "重庆市黔江区就业和人才中心", "区就业人才中心", AU, "SOCIAL", "hrss", "主任", "黔江就业", "institution"),
    ("hr_sb", "重庆市黔江区社会保险事务中心", "区社保中心", AU, "SOCIAL", "hrss", "主任", "黔江社保", "institution"),
    # Audited units without a competent department in the tree.
    ("fgw", "重庆市黔江区发展和改革委员会", "区发展改革委", AU, "GENERAL", None, "主任", "黔江发改", "agency"),
    ("scj", "重庆市黔江区市场监督管理局", "区市场监管局", AU, "GENERAL", None, "局长", "黔江市监", "agency"),
    ("ybj", "重庆市黔江区医疗保障局", "区医保局", AU, "HEALTH", None, "局长", "黔江医保", "agency"),
    ("lyj", "重庆市黔江区林业局", "区林业局", AU, "NATRES", None, "局长", "黔江林", "agency"),
    ("t_cd", "重庆市黔江区城东街道办事处", "城东街道", AU, "TOWN", None, "党工委书记", "城东街道", "agency"),
    ("t_cn", "重庆市黔江区城南街道办事处", "城南街道", AU, "TOWN", None, "党工委书记", "城南街道", "agency"),
    ("t_cx", "重庆市黔江区城西街道办事处", "城西街道", AU, "TOWN", None, "党工委书记", "城西街道", "agency"),
    ("t_zy", "重庆市黔江区正阳街道办事处", "正阳街道", AU, "TOWN", None, "党工委书记", "正阳街道", "agency"),
    ("t_zs", "重庆市黔江区濯水镇人民政府", "濯水镇", AU, "TOWN", None, "党委书记", "濯水府", "agency"),
    ("t_sh", "重庆市黔江区石会镇人民政府", "石会镇", AU, "TOWN", None, "党委书记", "石会府", "agency"),
]

# The audited unit whose contact is the demo account `unit`: it takes part in many audits.
DEMO_UNIT = "health_rm"

ROADS = ["新华大道", "解放路", "城西大道", "正阳大道", "民主路", "环城路", "文汇路", "南海城大道", "人民路", "舟白大道"]

# Departments inside a unit that a plan can name as responsible (整改责任部门).
INNER_DEPARTMENTS = {
    "agency": ["办公室", "计划财务科", "财务室", "规划建设科", "资产管理科", "综合科", "项目管理科"],
    "institution": ["财务科", "总务科", "资产管理科", "基建办", "办公室", "审计科", "采购中心"],
    "enterprise": ["财务部", "工程管理部", "资产运营部", "综合办公室", "风控法务部", "投资发展部"],
    "town": ["财政所", "农业服务中心", "综合办", "规划建设环保办", "社会事务办"],
}

INNER_POSITIONS = ["科长", "副科长", "主任", "副主任", "负责人", "会计", "出纳", "工作人员"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫向冉"
    "谭秦彭龚向冉黄罗杨田"  # common in 黔江 (土家族、苗族聚居), weighted by repetition
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建国志文斌波辉鹏飞宇浩然晨阳俊峰"
    "海燕春林晓东红霞德明永红光荣家豪思远雪梅丹婷琳莉佳欣雨婷子涵国庆卫东小龙世杰中华成刚万里"
)
