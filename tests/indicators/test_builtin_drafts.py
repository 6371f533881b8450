"""Drafting over the built-in library: projects it has a direction for, projects it has none for, and the
部门整体 directions that a project's draft never takes."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from indicators.directions import choose_directions
from indicators.drafter import draft_goal
from indicators.findings import spec
from indicators.framework import DEPARTMENT_CATEGORY, GENERIC_DIRECTION, LEVELS, TECHNICAL_SERVICE_UNIT
from indicators.goals import Project
from indicators.units import department_direction, duty_directions, heads_direction


@pytest.mark.parametrize("name", ["航天器发射测控", "极地考察站补给", "综合业务经费"])
def test_a_project_no_direction_fits_is_drafted_from_the_project_general_indicators(builtin, name):
    draft = draft_goal(Project(name=name, budget=30), builtin)
    assert draft.findings[0].code == "DRAFT_NO_DIRECTION" and "项目通用指标" in draft.findings[0].message
    assert {i.code[:7] for i in draft.indicators if i.code} == {GENERIC_DIRECTION}
    # the rows that count one item of spending are not any project's outputs
    assert not [i.name for i in draft.indicators if "出差" in i.name or "差旅" in i.name]


def test_a_project_that_names_its_travel_may_draft_the_travel_rows(builtin):
    draft = draft_goal(Project(name="项目督导检查差旅经费", direction="项目实施与资金保障", budget=10), builtin)
    assert {"出差人次", "人均单次差旅费"} <= {i.name for i in draft.indicators}


@pytest.mark.parametrize("name", ["垃圾清运费", "垃圾中转站运行维护经费", "乡镇垃圾转运站建设"])
def test_refuse_collection_and_transfer_has_its_own_direction(builtin, name):
    draft = draft_goal(Project(name=name, budget=200), builtin)
    assert draft.project.direction == "生活垃圾收集清运与转运"
    assert not [f for f in draft.findings if f.code.startswith(("DRAFT_NO", "DRAFT_DIRECTION"))], draft.findings


def test_a_project_draft_never_takes_a_department_direction(builtin):
    # 机关 words pull towards 综合管理类机关 (部门整体), whose framework is not a project's
    draft = draft_goal(Project(name="2026年度机关食堂运行经费", budget=60), builtin)
    assert not [i.code for i in draft.indicators if (i.code or "").startswith(DEPARTMENT_CATEGORY)]
    assert all(i.level1 in LEVELS for i in draft.indicators)


@pytest.mark.parametrize(("name", "direction"), [("农村公路养护", "农村公路养护"), ("档案馆库房维修", "档案数字化与馆藏保护"),
                                                 ("机关党校培训经费", "干部教育培训"),
                                                 # county-level titles that once drew a stranger's direction
                                                 ("统战工作经费", "统一战线工作"), ("扫黑除恶专项斗争工作经费", "扫黑除恶常态化斗争"),
                                                 ("2026年度机关食堂运行经费", "机关食堂与后勤服务保障"),
                                                 ("第七次全国人口普查", "人口普查与人口抽样调查"),
                                                 ("县总工会困难职工帮扶资金", "工会职工帮扶与服务"),
                                                 ("巡察工作经费", "纪检监察监督执纪与巡察"),
                                                 # every county's 人大 and 政协 budget these
                                                 ("人大代表履职经费", "人大代表工作与履职服务"),
                                                 ("政协委员视察调研经费", "政协委员履职与参政议政"),
                                                 ("机要保密工作经费", "保密与机要工作"),
                                                 ("网络舆情监测服务费", "网络舆情监测与网络生态治理"),
                                                 ("对外宣传经费", "新闻宣传与对外宣传"), ("侨务工作经费", "侨务工作"),
                                                 ("行政复议与应诉经费", "行政复议应诉与合法性审查"),
                                                 ("物价监测经费", "价格监测与成本调查"), ("双拥工作经费", "双拥工作与拥军优属"),
                                                 ("养老机构运营补贴", "养老机构建设与运营补贴"),
                                                 ("婚姻登记经费", "婚姻登记与婚姻家庭辅导"),
                                                 ("社会组织培育", "社会组织培育与慈善事业发展"),
                                                 ("残疾人辅助器具适配", "残疾人基本康复服务与辅助器具适配"),
                                                 ("卫生监督执法", "卫生健康监督执法"),
                                                 ("建设工程质量安全监督", "建设工程质量安全监督与建筑市场监管"),
                                                 ("农业综合行政执法", "农业综合行政执法"), ("畜牧良种补贴", "畜牧业发展"),
                                                 ("质监站工作经费", "建设工程质量安全监督与建筑市场监管"),
                                                 ("市场主体登记", "市场主体登记与信用监管"),
                                                 ("网络交易监管", "广告监测与网络交易监管"),
                                                 ("公共停车场建设", "城市停车设施建设与管理"),
                                                 ("宅基地改革试点", "农村承包地宅基地管理与产权流转交易"),
                                                 # the education bureau's own work, under 20501 教育管理事务
                                                 ("教育督导评估", "教育督导评估"), ("招生考试经费", "教育招生考试组织"),
                                                 ("语言文字工作", "语言文字工作"),
                                                 ("地方志编纂经费", "地方志和党史编纂"), ("营商环境优化工作经费", "营商环境优化"),
                                                 ("家政服务提质扩容", "家政服务提质扩容"), ("学生体质健康监测", "学校体育与学生体质健康"),
                                                 ("血站运行补助", "采供血服务与无偿献血"),
                                                 ("律师行业管理", "律师公证司法鉴定和基层法律服务行业监管"),
                                                 ("宗教人士生活补贴", "宗教教职人员生活补助与社会保障"),
                                                 ("建筑垃圾资源化利用", "建筑垃圾治理与资源化利用"),
                                                 ("水资源费征收管理", "水资源管理与节约用水"), ("核与辐射安全监管", "核与辐射安全监管"),
                                                 ("国家储备林建设", "国土绿化与造林"), ("粮食风险基金", "地方储备粮油保管与轮换"),
                                                 ("公车平台运行经费", "公务用车管理与公务出行保障"), ("机关食堂运行经费", "机关食堂与后勤服务保障"),
                                                 ("院士专家工作站建设", "科技创新人才和团队引进"),
                                                 ("基层应急能力建设", "应急救援队伍建设"),
                                                 ("乡村文化振兴", "基层综合性文化服务中心建设"),
                                                 ("办公用房维修", "维修改造工程"), ("安保服务费", "物业管理服务"),
                                                 ("跨境电商发展", "跨境电商发展"),
                                                 ("白蚁防治", "房屋白蚁防治"), ("邮政普遍服务", "邮政普遍服务与农村寄递物流"),
                                                 ("成品油市场监管", "成品油流通管理与市场秩序整治"),
                                                 ("住房租赁市场监管", "房地产市场监管与住房租赁管理"),
                                                 ("DRG/DIP支付方式改革专项经费", "医保支付方式改革与集中带量采购"),
                                                 ("人事考试及职称评审经费", "人事考试与职称评审"),
                                                 ("退耕还林政策补助", "退耕还林还草"), ("文艺精品创作扶持资金", "文艺精品创作扶持"),
                                                 ("二次供水设施改造项目", "城市供水安全保障与二次供水改造"),
                                                 ("油茶产业发展补助资金", "油茶等木本油料和林下经济发展"),
                                                 ("评标专家库建设与管理经费", "公共资源交易服务与评标专家管理"),
                                                 ("城市体检工作经费", "城市体检评估"),
                                                 ("地方海事船舶检验经费", "地方海事与水上交通安全监管"),
                                                 ("监狱罪犯改造教育经费", "监狱罪犯教育改造与监管安全"),
                                                 ("2026年大中型水库移民后期扶持资金", "大中型水库移民后期扶持"),
                                                 ("创建全国文明城市工作经费", "文明城市创建"),
                                                 ("未成年人检察工作经费", "检察办案与法律监督"),
                                                 ("外国人管理服务工作经费", "出入境管理与外国人服务管理"),
                                                 ("标准化战略专项资助资金", "标准化战略与质量强市"),
                                                 ("司法所规范化建设", "公共法律服务体系"),
                                                 ("财政预算管理一体化系统运维", "预算管理一体化与财政电子票据"),
                                                 ("无线电监测站运行维护", "无线电频谱管理与电磁环境监测"),
                                                 ("森林督查", "林草湿资源监测与森林督查"),
                                                 ("水文站网运行维护", "水文监测与水文站网运行"),
                                                 ("固定资产投资项目节能审查评审费", "节能审查与能耗双控管理"),
                                                 ("海外华文教育交流经费", "侨务工作"),
                                                 ("工业经济运行监测分析经费", "工业经济运行监测与重点产业链培育"),
                                                 ("排污权有偿使用和交易管理经费", "环评审批、排污许可与损害赔偿管理"),
                                                 ("老年人意外伤害保险补助", "老龄工作与老年人优待"),
                                                 ("驻外办事处运行经费", "驻外办事机构运行与联络服务"),
                                                 ("广播电视户户通", "广播电视公共服务覆盖与户户通运维"),
                                                 ("市直机关幼儿园运行补助", "公办园生均公用经费与保教运行"),
                                                 ("外派国有企业财务总监工作经费", "企业国有资产监管与国企改革"),
                                                 ("市级会议中心运行维护经费", "会议中心和接待中心运行保障"),
                                                 ("督查督办专项工作经费", "政府督查督办"),
                                                 ("干部人事档案专项审核经费", "干部人事档案与机构编制管理"),
                                                 ("港澳交流合作经费", "港澳交流合作"),
                                                 ("水利工程运行维护", "水利工程维修养护与运行管护"),
                                                 ("生态环境监测站运行", "生态环境监测站运行与水环境质量监测"),
                                                 ("社区工作者补贴", "社区工作者队伍建设与薪酬保障"),
                                                 ("残疾大学生助学金", "残疾学生及残疾人家庭子女教育资助"),
                                                 ("公共数据授权运营试点经费", "公共数据资源开发利用与授权运营"),
                                                 ("首台（套）重大技术装备保险补偿资金", "首台（套）首批次首版次推广应用"),
                                                 ("政务公开及政务新媒体运维经费", "政务公开与政府网站、政务新媒体运维"),
                                                 ("省级文化产业发展专项资金", "文化产业发展专项资金扶持"),
                                                 ("乡镇秸秆禁烧与综合利用经费", "秸秆综合利用与禁烧管控"),
                                                 ("农产品产地冷藏保鲜设施补助", "农产品产地冷藏保鲜设施建设"),
                                                 ("乡镇野生动物致害补偿资金", "野生动物保护与致害补偿"),
                                                 ("水生野生动物保护经费", "渔业资源养护与渔业发展"),
                                                 ("街道燃气安全入户排查经费", "城镇燃气安全监管与隐患整治"),
                                                 ("城区集中供热运行补贴", "城镇集中供热保障"),
                                                 ("供销社综合改革专项经费", "供销合作社综合改革与为农服务"),
                                                 ("街道就业和社会保障服务站经费", "就业创业促进"),
                                                 ("乡镇农业综合服务中心运行经费", "科技特派员与农业科技推广"),
                                                 ("公证机构公益性公证补贴", "公共法律服务体系"),
                                                 ("省级养老服务体系建设补助资金", "居家社区养老服务"),
                                                 ("城建档案管理", "档案数字化与馆藏保护"),
                                                 ("产粮大县奖励资金", "产粮（油）大县奖励资金"),
                                                 ("国防动员潜力调查经费", "国防动员潜力调查与经济交通动员"),
                                                 ("既有居住建筑节能改造", "建筑节能与绿色建筑发展"),
                                                 ("县人民医院节能改造", "公共机构节能改造"),
                                                 ("法律文书集约送达服务费", "诉讼服务与多元解纷"),
                                                 ("春风行动等招聘活动经费", "就业创业促进"),
                                                 ("基层科普行动计划奖补", "科普活动"),
                                                 ("户政管理及居民身份证制证经费", "户政管理与居民身份证办理"),
                                                 ("刑事技术勘验检验经费", "刑事科学技术与警犬技术"),
                                                 ("反不正当竞争执法工作经费", "市场监管综合执法办案"),
                                                 ("残疾人托养服务补助", "残疾人托养服务"),
                                                 ("机动车排气检测监管经费", "机动车和非道路移动机械排放监管"),
                                                 ("产品质量监督抽查经费", "产品质量监督抽查与工业产品质量安全"),
                                                 ("县报印刷费", "党报党刊征订发行与地方报纸出版"),
                                                 ("公务用车北斗定位终端运维费", "公务用车管理与公务出行保障"),
                                                 ("中小学图书室图书补充经费", "中小学图书馆（室）建设与书香校园"),
                                                 ("厂办大集体改革补助资金", "国有企业历史遗留问题处理"),
                                                 ("山水林田湖草沙一体化保护和修复工程", "山水林田湖草沙一体化保护和修复"),
                                                 ("消防灭火药剂储备经费", "消防救援执勤战备与训练保障"),
                                                 ("美沙酮维持治疗门诊运行经费", "重大传染病防控"),
                                                 ("餐饮“互联网+明厨亮灶”建设", "食品安全日常监管"),
                                                 # 保费补贴 is every premium subsidy's word; 农房保险 names one
                                                 ("政策性农房保险保费补贴", "政策性农房保险"),
                                                 ("巨灾保险保费补贴", "巨灾保险与自然灾害民生综合保险"),
                                                 # a unit's own pay and running costs, budgeted as projects
                                                 ("单位职工社会保险缴费", "人员类项目"), ("工资性支出", "人员类项目"),
                                                 ("机关日常运转经费", "运转类项目"),
                                                 ("留置场所运行保障经费", "纪检监察监督执纪与巡察"),
                                                 ("2026年县乡两级人大换届选举经费", "县乡人大换届选举"),
                                                 ("社区居委会换届选举经费", "村（居）民委员会换届选举"),
                                                 ("包虫病综合防治项目", "布病包虫病等人畜共患病防治"),
                                                 ("基本建设考古调查勘探经费", "考古调查勘探与考古发掘"),
                                                 ("区域全民健康信息平台运维经费", "全民健康信息化与区域卫生信息平台"),
                                                 ("小额贷款公司及融资担保公司监管经费", "地方金融组织监管与金融风险监测"),
                                                 # a word only one direction uses names it, whatever else the title says
                                                 ("少先队工作经费", "青少年关爱与青年发展"),
                                                 ("统计基层基础规范化建设经费", "统计调查"),
                                                 # 共性 projects written the way real tables title them
                                                 ("办公局域网维护费", "信息系统运行维护"),
                                                 # a close second the title names by a keyword (宣传报道)
                                                 # before a first it does not name at all
                                                 ("重大主题宣传报道专项", "新闻宣传与对外宣传"),
                                                 # a usual title of the work is one of its keywords
                                                 ("会议经费", "会议类项目"), ("社区居委会办公经费", "社区党群服务中心运行"),
                                                 ("乡镇农村互助幸福院运行补助", "居家社区养老服务"),
                                                 ("2023年全县安可替代补助资金项目", "货物采购与设备购置"),
                                                 # a short aside in brackets does not hide the keyword around it
                                                 ("村（社区）干部养老保险补贴", "村级组织运转经费保障"),
                                                 # a school's own cameras, not the police's 雪亮工程
                                                 ("2025年中小学校园安全视频监控建设", "校园安全防范"),
                                                 # a finance bureau's reviews, its project library and standards
                                                 ("财政投资评审经费", "财政投资评审"),
                                                 ("2024年财政评审中心委托评审费", "财政投资评审"),
                                                 ("预算项目库管理及支出标准建设经费", "预算项目库与支出标准管理")])
def test_a_project_the_library_knows_keeps_its_direction(builtin, name, direction):
    draft = draft_goal(Project(name=name, budget=100), builtin)
    assert draft.project.direction == direction
    assert not [f for f in draft.findings if f.code == "DRAFT_NO_DIRECTION"]


def test_the_titles_own_words_choose_before_the_descriptions(builtin):
    # both name a direction by a word only it uses: 养老服务体系建设 in the title, 养老护理员培训 in the description
    project = Project(name="省级养老服务体系建设补助资金", description="支持区域养老服务中心建设和养老护理员培训", budget=500)
    assert draft_goal(project, builtin).project.direction == "居家社区养老服务"


def test_a_keyword_in_the_title_chooses_between_near_ties_the_description_names_otherwise(builtin):
    # 人居环境整治 (a keyword 农村人居环境整治 shares) in the title, 垃圾清运费 in the description
    project = Project(name="乡镇人居环境整治保洁经费", description="支付农村公共区域保洁员工资及垃圾清运费用")
    assert draft_goal(project, builtin).project.direction == "农村人居环境整治"


# a direction's words inside another kind of title (标准化建设 of a facility, 看守所 run by the police,
# 因公护照 of the 外事 office) do not draw its indicators
@pytest.mark.parametrize(("name", "foreign"), [("救助管理站标准化建设", "2010510"), ("医疗质量提升", "2010510"),
                                               ("看守所运行经费", "2040205"), ("因公护照管理经费", "2040108"),
                                               # 网格员 are paid from 平安建设's money, not as 社区工作者
                                               ("2026年镇（街道）网格员工作补贴", "2080207"),
                                               # gas pipes renewed under the pipe works are that direction's
                                               ("城镇燃气管道老化更新改造", "2120309"),
                                               # a title that names its own direction by a word only it uses
                                               # does not take a neighbour for the words the two share
                                               ("省级生猪调出大县奖励资金", "2130145"),
                                               ("海峡两岸交流活动经费", "2012502"),
                                               ("政务数据共享交换平台运维", "2010315"),
                                               # recycling markets are commerce's, not farm-film recovery
                                               ("再生资源回收市场管理经费", "2130147"),
                                               # pay subsidised to others is no unit's own 人员类项目
                                               ("烈士遗属生活补助", "9010701"), ("基层医疗卫生机构绩效工资补助", "9010701")])
def test_a_new_direction_does_not_take_titles_of_another_kind(builtin, name, foreign):
    draft = draft_goal(Project(name=name, budget=50), builtin)
    assert not [i.code for i in draft.indicators if (i.code or "").startswith(foreign)]


@pytest.mark.parametrize("name", ["航天器发射测控", "卫星遥感载荷定标", "极地考察站补给"])
def test_the_budget_bounds_the_whole_cost_and_no_part_of_it(builtin, name):
    """The budget is what the whole project may cost: a draft writes it as the total (项目总成本 ≤ 30万元),
    never as one item's or the labour cost's ceiling."""
    draft = draft_goal(Project(name=name, budget=30), builtin)
    costs = {i.name: i for i in draft.indicators if i.level2 == "经济成本指标"}
    assert "项目总成本" in costs and (costs["项目总成本"].operator, costs["项目总成本"].value) == ("≤", "30")
    for name, row in costs.items():
        if name != "项目总成本" and row.unit in ("万元", "元"):
            assert not row.value, (name, row.value)


@pytest.mark.parametrize("name", ["大型普查经费(经普和人普)", "县医院设备购置", "中小学教师培训",
                                  "市场监管综合检验检测中心能力建设"])
def test_a_draft_raises_no_warning_of_the_checker_about_its_own_rows(builtin, name):
    """What the drafter writes the checker accepts: no name twice (two directions sharing one), no cost as a
    share with no money, no proficiency-test rate taken for satisfaction."""
    draft = draft_goal(Project(name=name, budget=300), builtin)
    names = [i.name for i in draft.indicators]
    assert len(names) == len(set(names)), names
    assert not {f.code for f in draft.findings} & {"IND_DUPLICATE", "COST_NOT_AMOUNT", "IND_LEVEL_MISPLACED"}


# the last two pair a cost per person (元/人) with attendances (人次), and a 补助标准 with its count, as the
# checker pairs them
@pytest.mark.parametrize("name", ["妇联妇女儿童维权与家庭建设经费", "人民调解以奖代补", "街道妇女儿童之家活动经费",
                                  "民族团结进步创建"])
@pytest.mark.parametrize("budget", [300, 2000])
def test_a_reference_quantity_that_does_not_add_up_to_the_budget_is_left_to_fill(builtin, name, budget):
    """The library's typical quantity (≥100场) times the drafted unit cost (1800元/场) is 18万: beside a
    300万 budget the draft leaves the quantity to the department instead of proposing numbers that do not
    add up."""
    draft = draft_goal(Project(name=name, budget=budget), builtin)
    assert "BUDGET_SCALE_MISMATCH" not in {f.code for f in draft.findings}
    assert [i for i in draft.indicators if i.level2 == "数量指标" and i.value is None]


@pytest.mark.parametrize(("name", "foreign"), [("罗湖区全面实施“瓶改管”工程", "供水|排水|污水|供热|漏损水|DMA"),
                                               ("2025年城区供水管网改造工程", "燃气|瓶改管|排水|污水|供热"),
                                               ("城市燃气管道老化更新改造", "供水|排水|污水|供热|漏损水|DMA")])
def test_a_project_on_one_network_drafts_none_of_the_others_rows(builtin, name, foreign):
    # 地下管网更新改造 renews gas, water, drainage and heating together; a project names the one it renews
    draft = draft_goal(Project(name=name, budget=800), builtin)
    assert draft.project.direction == "地下管网更新改造"
    assert not [i.name for i in draft.indicators if re.search(foreign, i.name)]
    assert not [f for f in draft.findings if f.code.startswith("DIM_")], draft.findings


@pytest.mark.parametrize(("name", "direction"), [("某县财政局", "综合管理类机关"), ("县委组织部", "综合管理类机关"),
                                                 ("县市场监督管理局", "执法监管类部门"), ("县商务局", "经济发展服务类部门"),
                                                 ("县民政局", "社会事业管理类部门"), ("县交通运输局", "社会事业管理类部门"),
                                                 ("县图书馆", "公共服务类事业单位"), ("县人民医院", "医疗卫生类单位"),
                                                 ("县第一中学", "教育类单位"), ("县机关事务服务中心", "国有资产与机关事务管理部门"),
                                                 ("某镇人民政府", "乡镇人民政府（街道办事处）"),
                                                 ("某县卫生健康委员会", "社会事业管理类部门"),
                                                 ("某县发展和改革委员会", "经济发展服务类部门")])
def test_a_department_s_own_name_chooses_its_framework(builtin, name, direction):
    # a county bureau is no 乡镇人民政府 for the 县 in its name
    draft = draft_goal(Project(name=name, kind="department", budget=2000), builtin)
    assert draft.project.direction == direction


@pytest.mark.parametrize(("name", "direction"), [
    ("中共某市委党史和地方志研究室", "综合管理类机关"), ("县信访局", "综合管理类机关"), ("县总工会", "综合管理类机关"),
    ("县妇女联合会", "综合管理类机关"), ("县人民检察院", "执法监管类部门"), ("县消防救援大队", "执法监管类部门"),
    ("县残疾人联合会", "社会事业管理类部门"), ("县供销合作社联合社", "经济发展服务类部门"),
    ("县档案馆", "公共服务类事业单位"), ("县不动产登记中心", "公共服务类事业单位"), ("县气象局", "技术支撑类事业单位")])
def test_county_units_beyond_the_bureaus_choose_their_framework(builtin, name, direction):
    """Party offices, people's organisations, courts and procuratorates, archives and weather offices file a
    部门整体 goal too; none of them is a 乡镇人民政府."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    assert draft.project.direction == direction


@pytest.mark.parametrize(("name", "direction"), [
    ("某县殡仪馆", "公共服务类事业单位"), ("某县文物管理所", "公共服务类事业单位"), ("某县畜牧兽医局", "综合管理类机关"),
    ("某县血站", "医疗卫生类单位"), ("某县水土保持站", "水利工程管理类事业单位"), ("某县教师发展中心", "教育类单位"),
    ("某县敬老院", "公共服务类事业单位"), ("某县环卫所", "公共服务类事业单位"), ("某县园林绿化管理所", "公共服务类事业单位"),
    ("某县医疗保障事务中心", "公共服务类事业单位")])
def test_a_guessed_variant_for_one_kind_of_unit_yields_to_the_units_own_duties(builtin, name, direction):
    """A unit whose name names no variant is guessed one by its words, and a 殡仪馆 read as a hospital, a 畜牧兽医局 as
    one too: where the unit's first duty direction (惠民殡葬, 动物疫病防控), or with none near enough the project
    direction its name finds first (敬老院 → 特困供养, 环卫所 → 道路清扫保洁), lies outside the headings that variant's
    kind of unit works in, the general variant of its kind is taken (a 局's 综合管理类机关); a 血站 stays a health
    unit."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    assert draft.project.direction == direction


@pytest.mark.parametrize("name", ["某县烟草专卖局", "某县委网信办", "某县纪委监委", "某县粮食和物资储备局"])
def test_an_administration_is_not_guessed_a_service_units_variant(builtin, name):
    """A 局, 委 or 办 whose words share something with a service unit's variant (烟草 with a hospital's 控烟, 储备 with
    a testing lab's) takes an administration's: it runs 机关运行经费, not 门诊次均费用 or 检测报告."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    variant = builtin.resolve_direction(draft.project.direction)
    assert variant is not None and not variant.code.startswith("90202"), variant


@pytest.mark.parametrize(("name", "kind"), [
    ("某县农业科学研究所2023年部门整体支出绩效目标表", "90202"), ("某县住房保障中心", "90202"),
    ("某县劳动人事争议仲裁院", "90202"), ("某县市场监督管理所", "90201"), ("某县人民法院", "90201")])
def test_a_service_unit_is_not_guessed_an_administrations_variant(builtin, name, kind):
    """A 研究所, 中心 or 院 whose words find an administration's variant first takes a service unit's (事业单位);
    a 局's own 市场监督管理所, and a 法院, are administrations."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    variant = builtin.resolve_direction(draft.project.direction)
    assert variant is not None and variant.code.startswith(kind), variant


@pytest.mark.parametrize(("name", "technical"), [("某县污水处理厂", False), ("某县电视台", False),
                                                 ("某县救灾物资储备中心", False), ("某县计量检定所", True),
                                                 ("某县水产技术推广站", True)])
def test_only_a_unit_named_for_technical_work_is_guessed_a_technical_support_unit(builtin, name, technical):
    """技术支撑类事业单位 measures a testing lab's or a monitoring station's work (检测报告差错率, 持证检测人员): a guess of
    it for a unit whose name names no such work (污水处理厂, 电视台) yields to 公共服务类事业单位."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    variant = builtin.resolve_direction(draft.project.direction)
    assert variant is not None and variant.code.startswith("90202"), variant
    assert (variant.code == TECHNICAL_SERVICE_UNIT) is technical, variant


@pytest.mark.parametrize(("name", "department", "variant"), [
    ("部门整体支出", "某县人民医院", "医疗卫生类单位"), ("2026年部门整体绩效目标", "某县财政局", "综合管理类机关"),
    ("某县民政局2026年部门整体支出", "", "社会事业管理类部门"),
    ("（某县人民医院）部门整体支出", "某县卫生健康局", "医疗卫生类单位")])
def test_a_unit_named_only_as_the_budget_department_takes_its_variant(builtin, name, department, variant):
    """A table whose title is only the form (部门整体支出) names its unit in the 预算部门 column; a title that names
    one, in brackets too, names it there, whatever unit above it the 预算部门 names."""
    chosen, sure = department_direction(Project(name=name, department=department, kind="department"), builtin)
    assert sure and chosen[0].name == variant, chosen


@pytest.mark.parametrize(("name", "department"), [("某县民政局殡葬管理所", ""), ("某县殡葬管理所2026年部门整体支出", "某县民政局")])
def test_the_unit_above_a_unit_does_not_name_its_variant(builtin, name, department):
    """A 殡葬管理所 under a 民政局 is a service unit, not the bureau: neither the bureau's name before its own in
    the title nor the bureau as its budget department names its variant."""
    chosen, _ = department_direction(Project(name=name, department=department, kind="department"), builtin)
    assert chosen[0].code.startswith("90202"), chosen


@pytest.mark.parametrize(("name", "sure"), [("某县茶叶研究所2023年度整体绩效目标（部门整体支出）", False),
                                            ("某县经济研究中心2023年度整体绩效目标（部门整体支出）", False),
                                            ("某县财政局2023年度整体绩效目标（部门整体支出）", True)])
def test_the_forms_words_do_not_make_a_variant_fit(builtin, name, sure):
    """Every department's table says 部门整体支出 or 部门整体绩效, and those are 综合管理类机关's keywords too: a unit's
    variant fits by the unit's own name, and a guess says so on the draft, in a unit's terms (its 部门整体类型, not a
    project's 支出方向), as a warning the registry lists."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    uncertain = [f for f in draft.findings if f.code == "DRAFT_DIRECTION_UNCERTAIN"]
    assert bool(uncertain) is not sure, draft.findings
    for finding in uncertain:
        assert "部门整体类型" in finding.message and "支出方向" not in finding.message, finding
        assert finding.severity == spec("DRAFT_DIRECTION_UNCERTAIN").severity == "warning", finding


@pytest.mark.parametrize(("name", "field"), [("某县殡葬管理所", "208"), ("某县环卫所", "212"),
                                             ("某县市政设施管理所", "212")])
def test_a_service_unit_no_direction_fits_leads_with_the_work_its_name_finds_far_ahead(builtin, name, field):
    """A service unit's name may be close in meaning to no direction's summary (环卫所 to 道路清扫保洁) and name no
    budget heading, yet find one kind of work far ahead of any other: that work's rows lead its 履职效能 rows, not
    the general 年度业务办件量 alone."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    own = [row for row in draft.indicators if row.level1 == "履职效能" and not row.code.startswith(DEPARTMENT_CATEGORY)]
    assert [row.level2 for row in own] == ["职责履行", "职责履行", "履职效益"], own
    assert all(row.code.startswith(field) for row in own), own


@pytest.mark.parametrize(("name", "core"), [("某县人防办", "人防"), ("某县保密局", "保密"), ("某县就业服务中心", "就业"),
                                            ("某县城市管理局", "城市管理"), ("某县数据资源管理局", "数据资源")])
def test_a_units_name_whose_core_few_directions_hold_leads_with_them(builtin, name, core):
    """A unit's name less its place and ending (人防, 保密, 数据资源管理 then 数据资源) that the names of a few
    directions hold gives its duties when none is close enough to fit (人防办 to 人防工程建设与维护管理)."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    own = [row for row in draft.indicators if row.level1 == "履职效能" and not row.code.startswith(DEPARTMENT_CATEGORY)]
    assert own and all(core in builtin.directions[row.code.rsplit("-", 1)[0]].name for row in own), own


def test_a_core_many_directions_hold_names_none(builtin):
    """某县信息中心's core 信息 is in the names of 智慧校园与教育信息化, 医院信息化…: it names no field."""
    draft = draft_goal(Project(name="某县信息中心", kind="department", budget=800), builtin)
    assert not [row for row in draft.indicators
                if "信息化" in builtin.directions[row.code.rsplit("-", 1)[0]].name], draft.indicators


@pytest.mark.parametrize(("name", "foreign"), [("某县土地储备中心", "222"), ("某县老区建设促进会", "210"),
                                               ("某县委政法委员会", "20802")])
def test_a_word_the_name_shares_with_other_work_brings_none_of_its_rows(builtin, name, foreign):
    """储备 finds three 重要商品储备 directions for a 土地储备中心, 促进 健康促进与控烟 for a 老区建设促进会: a field taken
    from the directions nearest a name needs one of them nearly close enough to fit alone, and an association's
    name is no field of work."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    assert not [row for row in draft.indicators if row.code.startswith(foreign)], draft.indicators


def test_an_administrations_name_is_not_trusted_for_work_found_by_a_shared_word(builtin):
    """县委政法委员会 finds 村（居）民委员会换届选举 far ahead of anything else, by 委员会 alone: an administration's
    duties come from what fits or what its budget heading names, never from such a lead."""
    draft = draft_goal(Project(name="某县委政法委员会", kind="department", budget=800), builtin)
    assert not [row for row in draft.indicators if "换届" in row.name or "选举" in row.name], draft.indicators


@pytest.mark.parametrize(("name", "direction", "foreign"), [
    ("某县国有林场", "国有林场和自然保护地管理类事业单位", "工程"), ("县自然保护区管理站", "国有林场和自然保护地管理类事业单位", "工程"),
    ("某县东风水库管理所", "水利工程管理类事业单位", "林"), ("某某灌区管理处", "水利工程管理类事业单位", "林")])
def test_forest_farms_and_water_works_units_draft_their_own_work(builtin, name, direction, foreign):
    """A 国有林场 or a 水库管理所 is neither a hospital nor a law enforcer: each drafts its own duties (管护, 防火;
    汛前检查, 调度), and a reservoir's draft holds no forest rows, a forest farm's no works rows."""
    draft = draft_goal(Project(name=name, kind="department", budget=600), builtin)
    assert draft.project.direction == direction
    duties = [row.name for row in draft.indicators if row.level1 == "履职效能"]
    assert duties and not [n for n in duties if foreign in n]


@pytest.mark.parametrize(("name", "field"), [("某县水利局", "213"), ("某县市场监督管理局", "201"),
                                             ("某县退役军人事务局", "208"), ("县总工会", "201"),
                                             ("某县商务局", "216"), ("某县人民武装部", "203")])
def test_an_administrations_overall_draft_leads_its_duties_with_their_own_rows(builtin, name, field):
    """An administration's 部门整体 variant measures any bureau's work (牵头民生实事项目数); its 履职效能 rows lead
    with the outputs and the effect of the directions its name fits, filed under 职责履行 and 履职效益; where none
    fits alone, of those nearest its name that mostly sit under one budget heading (商务局 → 商业流通事务)."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    own = [row for row in draft.indicators if row.level1 == "履职效能" and not row.code.startswith(DEPARTMENT_CATEGORY)]
    assert [row.level2 for row in own] == ["职责履行", "职责履行", "履职效益"], own
    assert all(row.code.startswith(field) for row in own), own
    assert any(row.code.startswith(DEPARTMENT_CATEGORY) for row in draft.indicators if row.level1 == "履职效能")
    assert not [f for f in draft.findings if f.code.startswith("IND_LEVEL")], draft.findings


@pytest.mark.parametrize(("name", "heading"), [("某县审计局", "审计事务"), ("某县科学技术局", "科学技术"),
                                               ("某县人民政府办公室", "政府办公厅（室）及相关机构事务"),
                                               ("某县住房和城乡建设局", "城乡社区")])
def test_an_administration_no_summary_fits_takes_the_duties_its_budget_heading_names(builtin, name, heading):
    """A unit's name seldom reads close to a direction's summary (审计局 to 审计项目实施: 0.90), but the budget
    classification files spending by the duty a unit exists for: the directions nearest its name that sit under
    the heading it names lead its 履职效能 rows instead of the variant's (牵头起草政策文件数, 招商 rows)."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    own = [row.code.rsplit("-", 1)[0] for row in draft.indicators
           if row.level1 == "履职效能" and not row.code.startswith(DEPARTMENT_CATEGORY)]
    assert len(own) == 3, draft.indicators
    headings = {builtin.directions[code].subcategory for code in own} | {builtin.directions[code].category
                                                                         for code in own}
    assert heading in headings, headings


@pytest.mark.parametrize(("name", "headings"), [("某市民政局", ("20819", "20821")), ("某县乡村振兴局", ("21305",)),
                                                ("某县光荣院", ("20808",)), ("某县农村经营管理站", ("21307",))])
def test_a_unit_whose_name_names_no_heading_of_its_spending_leads_with_its_headings_duties(builtin, name, headings):
    """A 民政局's name names 民政管理事务 only, where 换届选举 sits, while its budget goes to 低保 and 特困; a 乡村振兴局's
    and a 光荣院's name no heading at all: their duties are the directions under the headings of their spending."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    own = [row.code.rsplit("-", 1)[0] for row in draft.indicators
           if row.level1 == "履职效能" and not row.code.startswith(DEPARTMENT_CATEGORY)]
    under = [{head for head in headings if any(c.startswith(head) for c in builtin.directions[code].function_codes)}
             for code in own]
    assert own and all(under), draft.indicators
    assert set().union(*under) == set(headings), under   # each heading leads some rows


@pytest.mark.parametrize(("unit", "subcategory", "category", "named"), [
    ("某县统计局", "统计信息事务", "一般公共服务", True),          # the heading's first word, as the unit writes it
    ("某县人力资源和社会保障局", "人力资源和社会保障管理事务", "社会保障和就业", True),
    ("某县卫生健康委员会", "公立医院", "卫生健康", True),          # a whole category
    ("某县文化和旅游局", "文物", "文化旅游体育与传媒", False),     # a category is not named by its first word
    ("某县人民政府办公室", "民政管理事务", "社会保障和就业", False),  # 人民政府 holds 民政 by accident
    ("某县城市管理局", "城乡社区规划与管理", "城乡社区", False),    # 管理 says how, not what
])
def test_a_units_name_names_the_budget_heading_of_its_duties(unit, subcategory, category, named):
    direction = SimpleNamespace(subcategory=subcategory, category=category)
    assert heads_direction(unit, direction) is named


@pytest.mark.parametrize(("name", "variant", "field"), [("某县图书馆", "公共服务类事业单位", "207"),
                                                      ("某县档案馆", "公共服务类事业单位", "201"),
                                                      ("某县水文站", "技术支撑类事业单位", "213")])
def test_a_general_service_units_overall_draft_leads_its_duties_with_their_own_rows(builtin, name, variant, field):
    """公共服务类 and 技术支撑类事业单位's variants measure any service unit (年度业务办件量, 技术报告被监管部门采用份数);
    a 图书馆's 履职效能 rows lead with its own (读者到馆人次), as an administration's do."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    assert draft.project.direction == variant
    own = [row for row in draft.indicators if row.level1 == "履职效能" and not row.code.startswith(DEPARTMENT_CATEGORY)]
    assert [row.level2 for row in own] == ["职责履行", "职责履行", "履职效益"], own
    assert all(row.code.startswith(field) for row in own), own


@pytest.mark.parametrize(("name", "direction"), [("某县中心卫生院", None), ("某县水利局", "社会事业管理类部门")])
def test_a_service_unit_or_a_named_framework_is_drafted_from_its_variant_alone(builtin, name, direction):
    """A service unit's variant measures its own work (a 卫生院's 出院人次); a unit that names its framework chose it."""
    draft = draft_goal(Project(name=name, kind="department", budget=800, direction=direction), builtin)
    assert all(row.code.startswith(DEPARTMENT_CATEGORY) for row in draft.indicators), draft.indicators


@pytest.mark.parametrize("name", ["县农村经营管理站", "县老干部局", "县人民政府驻京联络处", "某县城乡规划服务中心"])
def test_only_a_town_takes_the_township_framework(builtin, name):
    """A unit's name that matches no framework's unit words is searched for, but a title naming no town
    (城乡 and 乡村 are no town) never takes the 乡镇人民政府 framework."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    assert draft.project.direction and "乡镇" not in draft.project.direction


def test_a_unit_whose_words_find_only_the_township_framework_takes_the_general_one(builtin):
    """县人民政府驻京联络处 shares only 人民政府 and 联络 with the township framework, which it cannot take; what else
    its words find is noise (a forest farm's framework, once), so it takes 综合管理类机关."""
    draft = draft_goal(Project(name="县人民政府驻京联络处", kind="department", budget=300), builtin)
    assert draft.project.direction == "综合管理类机关"


@pytest.mark.parametrize(("name", "own", "other"), [
    ("2026年体彩公益金项目", "体育彩票公益金项目", "福利彩票公益金项目"),
    ("义务教育阶段作业本免费发放", "免费教科书", "中小学课后服务"),
])
def test_a_title_naming_its_direction_alone_takes_no_neighbour_for_shared_words(builtin, name, own, other):
    """体彩公益金 is the sports lottery fund's alone, 作业本 the free textbooks' (exercise books): the welfare
    lottery fund and after-school care share words with them, but the title does not name them."""
    draft = draft_goal(Project(name=name, budget=50), builtin)
    assert draft.project.direction == own
    others = {i.code for i in builtin.direction_indicators(builtin.resolve_direction(other).code)}
    assert not [i.name for i in draft.indicators if i.code in others]


@pytest.mark.parametrize("name", ["某县地质环境监测站", "某市地质环境监测站"])
def test_a_word_inside_a_longer_word_of_another_field_does_not_name_a_units_duty(builtin, name):
    """A unit's name that holds a direction's word only inside a longer word of another field's direction works in
    that other field: a 地质环境监测站 (环境监测站, 环境监测 inside 地质环境监测) monitors geology, not the air or water."""
    duties = duty_directions(Project(name=name, kind="department", budget=800), builtin)
    assert duties and all(d.category == "自然资源海洋气象" for d in duties), [d.name for d in duties]


def test_a_word_inside_a_longer_word_of_its_own_field_still_names_a_units_duty(builtin):
    """环境监测 inside 生态环境监测站 is the same field: such a station monitors the air as well as the water."""
    duties = duty_directions(Project(name="某市生态环境监测站", kind="department", budget=800), builtin)
    assert len(duties) == 2 and all(d.category == "节能环保" for d in duties), [d.name for d in duties]


@pytest.mark.parametrize("name", ["某区某街道办事处2026年部门整体支出", "某市某区某某街道2026年部门整体绩效目标",
                                  "某区城乡街道办事处2026年部门整体支出"])   # 城乡 names no township
def test_a_street_offices_overall_draft_names_no_villages(builtin, name):
    """A street office serves communities: its draft is the township variant's, without the rows of villages alone
    (村集体经营性收入…村占比), and the rows it shares with townships name both (乡镇（街道）…)."""
    draft = draft_goal(Project(name=name, kind="department", budget=800), builtin)
    names = [row.name for row in draft.indicators]
    assert draft.project.direction == "乡镇人民政府（街道办事处）", draft.project.direction
    assert not [n for n in names if "村" in n and "社区" not in n], names
    assert not [n for n in names if "乡镇" in n and "街道" not in n], names


def test_a_townships_overall_draft_keeps_its_village_rows(builtin):
    draft = draft_goal(Project(name="某县某镇人民政府2026年部门整体支出", kind="department", budget=800), builtin)
    assert any("村" in row.name and "社区" not in row.name for row in draft.indicators), draft.indicators


@pytest.mark.parametrize("name", ["县实验中学消防设施改造及维保", "县第三小学消防设施改造及维保项目"])
def test_a_schools_project_guessed_outside_education_is_drafted_within_it(builtin, name):
    """A school's fire-safety works were guessed a 宗教活动场所 or 市政消火栓 project: when the best guess lies outside the
    field of the unit the title names, the best direction of that field is taken, still as a guess."""
    draft = draft_goal(Project(name=name, budget=100), builtin)
    direction = builtin.resolve_direction(draft.project.direction)
    assert direction is not None and any(code.startswith("205") for code in direction.function_codes), direction
    assert any(f.code == "DRAFT_DIRECTION_UNCERTAIN" for f in draft.findings), draft.findings


@pytest.mark.parametrize(("name", "field"), [("提高中小企业融资能力补助", "215"), ("提高中药材种植技术培训", None)])
def test_a_title_that_only_spells_a_school_is_no_schools_project(builtin, name, field):
    """提高中… holds 高中 by accident: the project is not taken into education."""
    directions, _ = choose_directions(Project(name=name), builtin)
    codes = [c for d in directions for c in d.function_codes]
    assert not any(c.startswith("205") for c in codes), [d.name for d in directions]
    assert field is None or any(c.startswith(field) for c in codes), [d.name for d in directions]
