"""Advice the checker gives over the built-in library on rows it does not know, and the direction a
project's paperwork must not decide: tables as departments publish them, with a description that is
mostly about the form (申报表, 全年预算数、执行数)."""

from __future__ import annotations

import pytest

from indicators.checker import check_goal
from indicators.directions import choose_directions, description_parts, project_words
from indicators.framework import DEPARTMENT_CATEGORY, GENERIC_DIRECTION
from indicators.goals import Project
from tests.street_tables import table

FORM = "项目支出绩效自评表（2026年度）；全年预算数80、执行数78；金额单位：万元"


def advice(result, index):
    return next(f for f in result.findings if f.code == "IND_NONSTANDARD" and f.indicator == index)


def department_check(builtin, name, rows, budget=900):
    """A unit's overall goal on the project framework, as many tables file it, checked."""
    return check_goal(table(rows, name=name, budget=budget, goal="", kind="department"), builtin)


def test_rows_the_library_does_not_know_are_pointed_at_their_own_kind_in_the_projects_direction(builtin):
    rows = [("产出指标", "数量指标", "扶助对象人数", "≥", "60", "人"),
            ("产出指标", "成本指标", "成本控制", "", "严格按标准兑付", ""),
            ("效益指标", "社会效益指标", "实现社会和谐稳定", "", "长期", ""),
            ("满意度指标", "满意度指标", "社会满意度", "", "100", "%")]
    doc = table(rows, name="2026年农村独生子女伤残家庭特别扶助", budget=6.3, goal="对60名扶助对象按标准发放特别扶助金。",
                description=FORM)
    direction = builtin.resolve_direction("计划生育家庭扶助")
    result = check_goal(doc, builtin)
    kinds = {i.code: i.level1 for i in builtin.direction_indicators(direction.code)}
    # …beside which a measure any project may use, of the same kind, may come first (成本控制 → 项目总成本)
    generic = {i.code: i.level1 for i in builtin.direction_indicators(GENERIC_DIRECTION)}
    for index, level1 in ((1, "成本指标"), (2, "效益指标"), (3, "满意度指标")):
        found = advice(result, index)
        assert found.refs and "计划生育家庭扶助" in found.suggestion, found
        assert any(code in kinds for code in found.refs), (index, found.refs)
        assert all({**generic, **kinds}.get(code) == level1 for code in found.refs), (index, found.refs)


@pytest.mark.parametrize(("name", "category"), [("城区道路清扫保洁服务", "212"), ("市级文物保护专项经费", "207")])
def test_the_forms_words_in_a_description_do_not_choose_the_direction(builtin, name, category):
    description = "部门预算项目支出绩效目标申报表（2026年度）；绩效目标审核通过；年度资金总额10万元（其他资金0）"
    directions, _ = choose_directions(Project(name=name, description=description), builtin)
    assert directions and directions[0].name != "预算绩效管理"
    assert directions[0].code.startswith(category), directions[0]


def test_a_transfer_payments_name_is_read_without_its_allocation_notice(builtin):
    # the notice's number and wording (提前下达…预算指标) say nothing about the work the money pays for
    project = Project(name="某财社〔2026〕12号提前下达2026年中央财政困难群众救助补助预算指标",
                      description="格式：绩效指标分类/绩效指标名称/指标值；优、良、中、差各档以“优：…|良：…”形式转录")
    words = project_words(project)
    assert "困难群众救助补助" in words and not any(w in words for w in ("财社", "下达", "预算", "指标", "格式"))
    directions, _ = choose_directions(project, builtin)
    assert directions and directions[0].name == "城乡最低生活保障", directions


@pytest.mark.parametrize(("name", "direction"), [("某县第一中学普通高中国家助学金项目支出绩效目标申报表", "普通高中学生资助"),
                                               ("城区道路清扫保洁项目绩效评价报告", "道路清扫保洁")])
def test_a_title_that_carries_its_forms_name_is_read_without_it(builtin, name, direction):
    # a title copied from the sheet's header names the form too (…绩效目标申报表, …绩效评价报告)
    words = project_words(Project(name=name))
    assert "绩效" not in words and "申报表" not in words and "报告" not in words, words
    directions, _ = choose_directions(Project(name=name), builtin)
    assert directions and directions[0].name == direction, directions


def test_a_departments_overall_goal_on_the_project_framework_is_pointed_at_its_duties(builtin):
    rows = [("产出指标", "数量指标", "培育指导高新技术企业数量", "", "15家以上", ""),
            ("产出指标", "数量指标", "组建科技特派员团队数量", "", "1个", "")]
    doc = table(rows, name="某县科学技术局2026年度部门整体支出", budget=300, goal="完成年度科技工作任务。")
    assert doc.project.kind == "department"
    found = advice(check_goal(doc, builtin), 0)
    assert found.refs and "本单位职责" in found.suggestion, found
    assert not any(code.startswith("902") for code in found.refs)   # no 部门整体 indicator for a 产出 row


def test_a_departments_running_cost_and_satisfaction_on_the_project_framework_are_its_overall_ones(builtin):
    """A bureau files its running cost under 成本指标 and its users' survey under 满意度指标: they are pointed at
    its 部门整体 framework's running costs and surveys, not at the unit costs of a project it funds."""
    rows = [("成本指标", "经济成本指标", "运行成本", "", "不超预算", ""),
            ("产出指标", "数量指标", "部门预算编制单位数", "≥", "45", "个"),
            ("满意度指标", "服务对象满意度指标", "预算单位满意度", "≥", "90", "%")]
    doc = table(rows, name="某县财政局", kind="department", budget=1200,
                goal="保障机关正常运转，全年完成预算编制和财政资金监管工作，三公经费不超过上年。")
    assert doc.project.kind == "department"
    result = check_goal(doc, builtin)
    overall = {i.code: i.level1 for i in builtin.direction_indicators("9020101")}
    for index, level1 in ((0, "运行成本"), (2, "满意度指标")):
        found = advice(result, index)
        assert found.refs and all(overall.get(code) == level1 for code in found.refs), found
    # 部门预算编制单位数 is in management's words, and no direction of its duties is found from 某县财政局: its
    # variant's management rows, not any project's (项目验收合格率); and a county bureau is no town's
    duties = advice(result, 1)
    management = {i.code for i in builtin.direction_indicators("9020101") if i.level1 == "管理效率"}
    assert duties.refs and set(duties.refs) <= management, duties
    assert "乡镇" not in duties.suggestion, duties
    vague = next(f for f in result.findings if f.code == "IND_VALUE_VAGUE" and f.indicator == 0)
    assert "万元" in vague.suggestion, vague


def test_a_departments_own_framework_rows_are_pointed_at_the_overall_indicators_of_that_kind(builtin):
    rows = [("管理效率", "预算执行", "资金执行进度", "≥", "90", "%"),
            ("履职效能", "职责履行", "完成统计调查项目", "≥", "12", "项")]
    doc = table(rows, name="某县统计局2026年度部门整体支出", budget=500, goal="完成统计调查项目12项。")
    result = check_goal(doc, builtin)
    kinds = {i.code: (i.level1, i.level2) for d in ("9020101",) for i in builtin.direction_indicators(d)}
    for index, level1 in ((0, "管理效率"), (1, "履职效能")):
        found = advice(result, index)
        assert found.refs and all(kinds.get(code, ("",))[0] == level1 for code in found.refs), found
    assert kinds[advice(result, 0).refs[0]] == ("管理效率", "预算执行")   # the same level 2 first


@pytest.mark.parametrize(("name", "rows"), [
    ("疫情期间区域病媒防治环境卫生清洁等费用", [("产出指标", "数量指标", "清扫保洁道路面积", "≥", "120", "万平方米"),
                                   ("效益指标", "社会效益指标", "垃圾无害化处理率", "=", "100", "%")]),
    ("2021年中央对地方专项转移支付(药品监管/两品一械)", [("产出指标", "数量指标", "化妆品抽验批次", "≥", "20", "批次"),
                                          ("产出指标", "数量指标", "医疗器械抽验批次", "≥", "15", "批次")]),
    ("国家基本公共卫生服务", [("产出指标", "质量指标", "适龄儿童疫苗接种率", "≥", "90", "%")]),
    ("主体班", [("产出指标", "质量指标", "理论教育和党性教育课时比例", "≥", "70", "%")]),
])
def test_rows_of_a_sibling_direction_are_not_foreign_to_the_project(builtin, name, rows):
    """Real tables keep rows that the library files under a neighbouring direction of the same work."""
    assert "DIRECTION_MISMATCH" not in {f.code for f in check_goal(table(rows, name=name), builtin).findings}


@pytest.mark.parametrize(("name", "rows"), [
    ("某县某畜牧专业合作社生猪养殖场建设项目", [("产出指标", "数量指标", "保育栏(≥套)", "", "4", ""),
                                   ("产出指标", "数量指标", "冲洗机(≥台)", "", "1", ""),
                                   ("产出指标", "数量指标", "排污沟(≥米)", "", "50", "")]),
    ("2020年非营利性民办园房租补贴", [("产出指标", "时效指标", "补贴期限", "", "12个月", "")]),
])
def test_a_row_sharing_one_word_with_another_areas_indicator_is_not_foreign(builtin, name, rows):
    """保育栏 (a pig pen) shares 保育 with 托育 indicators, 冲洗机 shares 冲洗 with street washing: one shared
    word in a short name is a homonym's chance, not a row pasted in from that area."""
    assert "DIRECTION_MISMATCH" not in {f.code for f in check_goal(table(rows, name=name), builtin).findings}


def test_a_row_close_to_an_indicator_of_the_projects_own_direction_is_not_foreign(builtin):
    """不合格产品处置率 in a 药品监管 transfer: the library's nearest name sits under 农产品质量安全监管, but
    the direction the whole project text points at (药品医疗器械化妆品抽检) holds 抽检不合格产品核查处置率."""
    rows = [("产出指标", "数量指标", "化妆品抽验批次", "≥", "20", "批次"),
            ("产出指标", "质量指标", "不合格产品处置率", "=", "100", "%")]
    result = check_goal(table(rows, name="2022年中央对地方专项转移支付(药品监管/两品一械)"), builtin)
    assert "DIRECTION_MISMATCH" not in {f.code for f in result.findings}


@pytest.mark.parametrize(("name", "description", "direction"), [
    ("2026年科级干部进修班", "项目金额80万元，其中当年县级财政资金60万元；持续性项目", "干部教育培训"),
    ("某县革命旧址陈列布展项目", "全年预算数127，全年执行数28（中央财政资金127）；自评表", "革命文物保护利用"),
])
def test_clauses_that_only_count_money_do_not_choose_the_direction(builtin, name, description, direction):
    """项目金额…, 其中当年市级财政资金…, 持续性项目 say nothing of the work; with them the text fell to the
    general direction."""
    directions, _ = choose_directions(Project(name=name, description=description), builtin)
    assert directions[0].name == direction


@pytest.mark.parametrize(("name", "direction"), [
    ("2020年忠烈祠免费开放经费", "烈士纪念设施保护管理"),        # not a 文化站's 免费开放
    ("河西村特色种养补贴到户项目", "帮扶产业发展"),
    ("2024年旅游发展基金补助地方项目资金", "A级景区提质升级"),     # not 文化产业发展专项资金扶持
    ("2020年市级服务贸易发展资金", "服务贸易和服务外包发展"),       # was 社区发展治理保障资金
    ("边民互市贸易区运行补助", "口岸通关便利化与国际贸易单一窗口"),  # goods at the border, not services
    ("青少年学生校外活动教学相关补助费", "青少年校外活动中心与乡村学校少年宫运行"),   # was the 共青团 direction
    ("土地确权业务系统服务器托管服务", "信息系统运行维护"),                 # hosting, not building a machine room
])
def test_titles_of_published_tables_find_their_direction(builtin, name, direction):
    directions, _ = choose_directions(Project(name=name), builtin)
    assert directions[0].name == direction


def test_a_completion_period_is_any_projects_row(builtin):
    rows = [("产出指标", "数量指标", "布展面积", "", "300㎡", ""),
            ("产出指标", "质量指标", "指标1:工程实施总体质量", "", "一次性通过省文物局验收", ""),
            ("产出指标", "质量指标", "指标2:安全事故发生率", "", "<=0%", ""),
            ("产出指标", "时效指标", "指标1:招投标程序需要的时间", "", "1个月", ""),
            ("产出指标", "时效指标", "指标2:项目完成周期周期", "", "4个月", "")]
    result = check_goal(table(rows, name="休宁县中共皖浙赣省委驻地旧址陈列布展项目", goal="对旧址进行陈列布展，完成布展面积300平方米。",
                              description="自评表；全年预算数127，全年执行数27.9996，预算执行率22%（中央财政资金127）"),
                        builtin)
    assert "DIRECTION_MISMATCH" not in {f.code for f in result.findings}


def test_a_row_pasted_in_from_another_area_is_still_foreign(builtin):
    rows = [("产出指标", "数量指标", "挥发性有机物治理企业数", "≥", "40", "家"),
            ("产出指标", "数量指标", "发放租赁补贴户数", "≥", "1200", "户")]
    found = [f for f in check_goal(table(rows, name="大气污染防治专项"), builtin).findings
             if f.code == "DIRECTION_MISMATCH"]
    assert [f.indicator for f in found] == [1], found


ACCEPTED = ("产出指标", "质量指标", "项目验收合格率", "=", "100", "%")


@pytest.mark.parametrize(("project", "rows"), [
    ("科学技术研究与开发资金", [ACCEPTED, ("效益指标", "可持续影响指标", "长效管理机制健全性", "", "健全", "")]),  # any project's
    ("急救运营专项", [ACCEPTED, ("产出指标", "数量指标", "医疗保障次数", "", "30", "次")]),   # an emergency centre's duty
    # a 共性 indicator's alias, in a self-evaluation report's rows with no level columns
    ("东疆东部沿海岸线基础设施环境提升生态修复及配套设施建设",
     [("", "", "建设占地面积", "", "约12000平方米", ""), ("", "", "建设三座服务中心等配套设施面积", "", "约120平方米", "")]),
    # publicity and education, which any programme runs; a planting's survival rate, a template's hint in the name
    ("麻风病防治", [("产出指标", "数量指标", "宣传教育", "≥", "6", "次")]),
    ("2022年南部水源涵养林建设项目", [("产出指标", "质量指标", "苗木成活率(≥**%)", "", "85", "")]),
    # the quality of the works any restoration carries out, not a building regulator's business
    ("县级文物保护单位维修经费", [("产出指标", "质量指标", "工程质量管理", "", "符合规范", ""),
                            ("产出指标", "质量指标", "施工质量管理", "", "合格", "")]),
    # hiring a car for field work, any unit's running cost, written with its unit in brackets
    ("自然资源局口岸分局自然资源业务支出项目",
     [("", "数量指标", "指标1:租车次数(次)", "大于等于", "1", "次"), ("", "质量指标", "指标1:租车达标率", "等于", "100", "%")]),
])
def test_rows_a_project_of_that_kind_writes_are_not_foreign(builtin, project, rows):
    found = [f for f in check_goal(table(rows, name=project), builtin).findings if f.code == "DIRECTION_MISMATCH"]
    assert not found, found


def test_a_second_purpose_the_project_names_is_the_projects_too(builtin):
    # 病媒防治 leads the title; 环境卫生清洁, a word of 道路清扫保洁's own, names the second purpose
    rows = [("产出指标", "数量指标", "清扫保洁道路面积", "", "1346.0088万平方米", ""),
            ("产出指标", "数量指标", "清扫保洁道路条数", "", "485条", ""),
            ("产出指标", "质量指标", "垃圾无害化处理率", "", "100%", "")]
    doc = table(rows, name="疫情期间区域病媒防治环境卫生清洁等费用", budget=5652,
                goal="为提升我区环境卫生质量、坚决杜绝病媒传播的需要，搞好环境卫生保洁消杀工作。",
                description="抗疫特别国债项目绩效目标表（打捆项目）")
    found = [f for f in check_goal(doc, builtin).findings if f.code == "DIRECTION_MISMATCH"]
    assert not found, found


def test_a_departments_overall_goal_spans_all_its_duties(builtin):
    rows = [("履职效能", "职责履行", "湿地保有量", "≥", "1200", "公顷"),
            ("履职效能", "职责履行", "签订野生动物致害保险", "≥", "300", "单")]
    result = check_goal(table(rows, name="浮梁县林业局部门整体支出", kind="department"), builtin)
    assert "DIRECTION_MISMATCH" not in {f.code for f in result.findings}


def test_a_unit_cost_is_not_benchmarked_against_another_objects_cost_of_the_same_shape(builtin):
    """景观建设成本 ≤2875元/个 was held against 单机柜建设成本 (5-20万元/个): the two share only 建设成本."""
    rows = [("产出指标", "数量指标", "建设景观节点数量", "≥", "8", "个"),
            ("成本指标", "经济成本指标", "景观建设成本", "≤", "2875", "元/个")]
    result = check_goal(table(rows, name="2018年市级专项扶贫资金基础设施(人大代表扶贫基地)"), builtin)
    assert "BUDGET_UNIT_COST_ATYPICAL" not in {f.code for f in result.findings}


@pytest.mark.parametrize(("description", "both"), [
    ("开展高龄津贴发放和老年助餐", ("高龄津贴", "老年助餐服务")),
    ("开展家庭医生签约和免疫规划", ("家庭医生签约服务", "免疫规划")),
])
def test_a_description_naming_two_kinds_of_work_drafts_from_both(builtin, description, both):
    # the second kind answers the whole text less than a quarter as well as the first, but its own
    # clause is answered by it and not by the first direction at all
    directions, _ = choose_directions(Project(name="民生专项", description=description), builtin)
    assert [d.name for d in directions] == list(both)


@pytest.mark.parametrize(("name", "description"), [
    ("第七次全国人口普查", "开展人口普查摸底、普查登记、比对复查和数据汇总"),   # 普查登记 also reads as 人口普查
    ("古树名木保护", "古树名木普查建档、挂牌保护和复壮抢救"),                # 挂牌保护 is no second kind of project
])
def test_a_clause_the_first_direction_also_answers_or_a_stranger_brings_no_second(builtin, name, description):
    directions, _ = choose_directions(Project(name=name, description=description), builtin)
    assert len(directions) == 1, [d.name for d in directions]


def test_the_pool_a_project_selects_people_from_is_no_kind_of_work(builtin):
    # 从脱贫人口和监测对象中选聘: the people the rangers are chosen among, not a second programme (小额信贷)
    description = "从脱贫人口和监测对象中选聘生态护林员，开展森林巡护并发放劳务补助"
    assert description_parts(description) == ["从脱贫人口监测对象中选聘生态护林员", "开展森林巡护并发放劳务补助"]
    assert description_parts("开展挥发性有机物治理和扬尘管控") == ["开展挥发性有机物治理", "扬尘管控"]
    directions, _ = choose_directions(Project(name="2026年生态护林员补助资金", description=description), builtin)
    assert [d.name for d in directions] == ["公益林及天然林保护"], directions


def test_a_parts_money_word_does_not_choose_a_second_direction(builtin):
    # 等级评估支出: 支出 drew the debt-interest direction near the part, which let 长期护理保险 (失能等级评估)
    # pass as a kind of work the first direction does not answer
    description = "社会组织登记、年报检查及等级评估支出"
    assert description_parts(description) == ["社会组织登记", "年报检查", "等级评估"]
    directions, _ = choose_directions(Project(name="社会组织管理经费", description=description), builtin)
    assert [d.name for d in directions] == ["社会组织培育与慈善事业发展"], directions


def test_the_titles_own_word_outranks_a_word_the_description_shares(builtin):
    # 完整社区 is 老旧小区改造's word alone; 社区养老, which the description also says, is a keyword of
    # 居家社区养老服务: the title says what the project is, the description lists what it fills in
    project = Project(name="完整社区建设试点资金", description="补齐社区养老、托育、停车等设施短板，开展完整社区建设")
    directions, _ = choose_directions(project, builtin)
    assert directions[0].name == "老旧小区改造", directions
    # a word of the 共性指标 (转移支付) names no kind of project: the area the project is about still decides
    directions, _ = choose_directions(Project(name="计划生育转移支付资金", description="支持计划生育家庭奖励扶助和特别扶助"),
                                      builtin)
    assert [d.name for d in directions] == ["计划生育家庭扶助"], directions


def _measure_aliases():
    """(alias, unit that fits it, the indicator's own name and unit) for every alias the built-in library
    files under an indicator that counts in another kind of unit (婚检人数 under 婚前医学检查率 in %)."""
    from indicators.checks.rows import stated_kind
    from indicators.library import load_library
    from indicators.values import parse_unit

    fitting = {"ratio": "%", "people": "人", "count": "个", "money": "万元", "duration": "天"}
    out = []
    for ind in load_library().indicators:
        own = parse_unit(ind.unit).kind
        for alias in ind.aliases if ind.status == "active" else ():
            kind = stated_kind(alias)
            if kind and own and parse_unit(fitting[kind]).kind != own:
                out.append((alias, fitting[kind], ind.name, ind.unit))
    return out


def test_a_row_counted_as_its_name_says_is_no_unit_mismatch_of_the_rate_the_library_files_it_under(builtin):
    # old template, '>=' and a department's own short names, as a county's 婚前保健 table writes them
    rows = [("项目完成指标", "数量指标", "婚检人数", ">=", "800", "人"),
            ("项目完成指标", "数量指标", "孕检人数", ">=", "760", "人"),
            ("项目完成指标", "质量指标", "婚前医学检查率", ">=", "85", "人"),
            ("项目完成指标", "成本指标", "婚检人均补助标准", "=", "240", "%")]
    result = check_goal(table(rows, name="2026年免费婚前医学检查和孕前优生健康检查项目", budget=38.4,
                              goal="为800对新婚夫妇免费婚检，婚前医学检查率达到85%。"), builtin)
    wrong = {f.indicator for f in result.findings if f.code == "IND_UNIT_MISMATCH"}
    assert wrong == {2, 3}, [(f.indicator, f.message) for f in result.findings if f.code == "IND_UNIT_MISMATCH"]

    aliases = _measure_aliases()
    assert aliases  # the library does file counts under rates; each written as counted must pass
    for alias, unit, name, lib_unit in aliases:
        doc = table([("产出指标", "数量指标", alias, "≥", "30", unit)], name=f"{name}相关工作", goal=f"全年完成{alias}30。")
        got = [f.message for f in check_goal(doc, builtin).findings if f.code == "IND_UNIT_MISMATCH"]
        assert not got, (alias, unit, name, lib_unit, got)


def test_a_row_named_by_an_alias_of_its_own_directions_indicator_is_related(builtin):
    # 精准率 is how 低保 tables write 低保对象认定准确率; a forest's cover stays foreign to them
    rows = [("产出指标", "数量指标", "保障对象人数", "≥", "1200", "人"),
            ("产出指标", "质量指标", "精准率", "≥", "98", "%"),
            ("产出指标", "时效指标", "低保金按月发放及时率", "=", "100", "%"),
            ("产出指标", "质量指标", "森林覆盖率", "≥", "40", "%")]
    result = check_goal(table(rows, name="2026年城乡最低生活保障资金", goal="保障1200名困难群众基本生活。"), builtin)
    assert {f.indicator for f in result.findings if f.code == "DIRECTION_MISMATCH"} == {3}


def test_an_alias_that_names_the_work_and_not_its_form_takes_either_unit(builtin):
    # a market regulator's table: 风险分级 as a share of food businesses graded, where the library files the
    # words under the count of businesses graded; a name whose ending says it is a count is still held to it
    rows = [("产出指标", "质量指标", "指标3:食品经营环节风险分级", "", "100%", ""),
            ("产出指标", "数量指标", "开展风险等级评定的食品生产经营者数", "≥", "95", "%")]
    result = check_goal(table(rows, name="食品监管补助资金", budget=20,
                              goal="完成食品经营环节风险分级，开展食品安全抽检。"), builtin)
    wrong = {f.indicator for f in result.findings if f.code == "IND_UNIT_MISMATCH"}
    assert wrong == {1}, [(f.indicator, f.message) for f in result.findings if f.code == "IND_UNIT_MISMATCH"]


def test_a_row_close_to_a_library_alias_is_pointed_at_that_indicator_and_its_own_direction_beside_it(builtin):
    # 结算款支付及时性 shares little with 资金拨付及时率 but much with its alias 款项支付及时率; 控制在预算成本内 with 项目成本
    rows = [("产出指标", "数量指标", "裸土覆盖面积", "≥", "12", "万平方米"),
            ("产出指标", "时效指标", "结算款支付及时性", "", "及时", ""),
            ("成本指标", "经济成本指标", "控制在预算成本内", "", "是", ""),
            ("满意度指标", "服务对象满意度指标", "周边居民满意度", "≥", "90", "%")]
    doc = table(rows, name="2026年城区扬尘污染防治项目", budget=80, goal="完成城区裸土覆盖12万平方米，降低扬尘污染。",
                description=FORM)
    result = check_goal(doc, builtin)
    paid, cost = advice(result, 1), advice(result, 2)
    by_code = {d.code: d for d in builtin.docs}
    assert by_code[paid.refs[0]].name == "资金拨付及时率", paid
    assert by_code[cost.refs[0]].name == "项目总成本", cost
    # …and what the project's own direction counts its cost in, after it
    assert any(by_code[c].direction == "扬尘污染防治" and by_code[c].level1 == "成本指标" for c in cost.refs[1:]), cost
    assert "扬尘污染防治" in cost.suggestion and "没有与之相近" not in cost.suggestion
    # 及时 is no target: the suggestion writes the one that indicator usually has
    vague = next(f for f in result.findings if f.code == "IND_VALUE_VAGUE" and f.indicator == 1)
    assert "100%" in vague.suggestion, vague


def test_an_alias_in_another_kind_of_unit_is_not_offered(builtin):
    # 补助标准 is an alias of 人均补贴发放额 (元/人·年); a subsidy per 亩 is not that
    rows = [("产出指标", "数量指标", "流转土地面积", "≥", "500", "亩"),
            ("成本指标", "经济成本指标", "流转土地补助标准", "≤", "475", "元/亩")]
    doc = table(rows, name="2026年村集体土地流转补助", budget=25, goal="流转土地500亩，按标准发放补助。", description=FORM)
    found = advice(check_goal(doc, builtin), 1)
    names = {d.name for d in builtin.docs if d.code in found.refs}
    assert "人均补贴发放额" not in names, found


def test_a_departments_duty_row_close_to_a_library_name_is_pointed_at_it(builtin):
    # a unit's overall goal on the project framework: its duties' rows are found by name in whatever direction
    # holds them, though the unit's own words find only its 部门整体 variant; a few shared words are not enough
    rows = [("产出指标", "数量指标", "新认定高新技术企业数量", "≥", "12", "家"),
            ("产出指标", "数量指标", "农村公路养护里程", "≥", "35", "公里"),
            ("效益指标", "经济效益指标", "木材销售收入", "≥", "80", "万元")]
    result = department_check(builtin, "某县科学技术局2026年部门整体支出", rows, budget=420)
    names = {d.code: d.name for d in builtin.docs}
    assert names[advice(result, 0).refs[0]] == "新认定高新技术企业数", advice(result, 0)
    assert names[advice(result, 1).refs[0]].startswith("农村公路") and "养护" in names[advice(result, 1).refs[0]]
    assert not any("销售收入" in names[code] for code in advice(result, 2).refs), advice(result, 2)


def test_a_departments_rows_of_many_duties_are_each_pointed_at_their_own(builtin):
    # a 林业局's rows belong to several directions (公益林, 有害生物防治, 国有林场…), not to the one its name is
    # closest to: each row no library name is close to gets the indicators nearest it among the unit's duties;
    # a row close by name only to another field's (病虫害防治作业面积 of 城市绿化养护) gets its own field's first
    rows = [("产出指标", "数量指标", "护林员人数", "≥", "200", "人"),
            ("产出指标", "数量指标", "森林经营面积", "≥", "3000", "亩"),
            ("产出指标", "数量指标", "病虫害防治面积", "≥", "1000", "亩")]
    result = department_check(builtin, "某县林业局2026年部门整体支出绩效目标表", rows)
    by_code = {d.code: d for d in builtin.docs}
    assert "聘用专职护林员人数" in {by_code[c].name for c in advice(result, 0).refs}, advice(result, 0)
    forest = advice(result, 1)
    assert forest.refs and all(by_code[c].category_code == "213" and by_code[c].unit.endswith(("亩", "个"))
                               for c in forest.refs), forest
    assert any("森林" in by_code[c].name or "抚育" in by_code[c].name for c in forest.refs), forest
    assert by_code[advice(result, 2).refs[0]].name == "有害生物防治作业面积", advice(result, 2)


def test_a_clinics_rows_find_its_own_measures_and_no_stranger_sharing_only_a_measure_word(builtin):
    # 门诊人次 is its variant's 门急诊人次 (a character put in); 住院人次, an output of the clinic's own, is the
    # effect 乡镇卫生院住院服务人次 of the direction its name names; 诊断准确率 shares only 准确率 with 车牌识别准确率
    rows = [("产出指标", "数量指标", "门诊人次", "≥", "30000", "人次"),
            ("产出指标", "质量指标", "诊断准确率", "≥", "95", "%"),
            ("产出指标", "数量指标", "住院人次", "≥", "800", "人次")]
    result = department_check(builtin, "某镇中心卫生院2026年部门整体支出", rows, budget=600)
    names = {d.code: d.name for d in builtin.docs}
    assert "门急诊人次" in [names[c] for c in advice(result, 0).refs], advice(result, 0)
    assert not any("准确" in names[c] and "诊" not in names[c] for c in advice(result, 1).refs), advice(result, 1)
    assert "乡镇卫生院住院服务人次" in [names[c] for c in advice(result, 2).refs], advice(result, 2)


@pytest.mark.parametrize("levels", [("", ""), ("产出指标", "数量指标")])
def test_a_row_with_no_unit_is_not_pointed_at_a_measure_its_name_does_not_count(builtin, levels):
    # with no unit written, the name's ending says what a row counts: 門診人次 counts visits, not the
    # 门诊次均费用 (元/人次) its name is close to, whether it is matched by name or searched among the unit's duties
    rows = [(*levels, "門診人次", "", "", ""), (*levels, "门诊住院人次", "", "", "")]
    result = department_check(builtin, "某县中心卫生院2026年部门整体支出绩效目标", rows, budget=600)
    by_code = {d.code: d for d in builtin.docs}
    for index in (0, 1):
        found = advice(result, index)
        assert found.refs and not any(by_code[c].unit.startswith("元") for c in found.refs), found
    assert "门急诊人次" in [by_code[c].name for c in advice(result, 0).refs], advice(result, 0)


def test_a_table_that_names_no_unit_is_asked_for_it_not_given_a_guessed_units_duties(builtin):
    # 部门整体支出绩效目标 alone: the variant is guessed from the form's words, and its duties' rows (管理公务用车数量)
    # would be another unit's; running cost rows serve any unit and are still offered
    rows = [("", "", "門診人次", "≥", "30000", "人次"), ("", "", "公用经费节约率", "≥", "5", "%")]
    result = department_check(builtin, "2026年部门整体支出绩效目标", rows, budget=600)
    duties = advice(result, 0)
    assert not duties.refs and "没有写明单位名称" in duties.suggestion, duties
    by_code = {d.code: d for d in builtin.docs}
    running = advice(result, 1)
    assert running.refs and all(by_code[c].level1 == "运行成本" for c in running.refs), running


def test_a_departments_management_row_filed_under_outputs_gets_its_variants_management_rows(builtin):
    # a unit whose title names none of its duties' directions: 预决算公开 and 结转结余 filed under 产出 are its own
    # management, measured by its 部门整体 variant, not by what any project measures (项目档案资料完整率)
    rows = [("产出指标", "数量指标", "部门预决算和三公经费预决算公开", "≥", "100", "%"),
            ("产出指标", "质量指标", "结转结余资金减少率", "≥", "10", "%")]
    doc = table(rows, name="某县交通运输局2026年部门整体支出", budget=900, goal="", kind="department")
    result = check_goal(doc, builtin)
    by_code = {d.code: d for d in builtin.docs}
    for index in (0, 1):
        found = advice(result, index)
        assert found.refs and all(by_code[c].category_code == "902" and by_code[c].level1 == "管理效率"
                                  for c in found.refs), found


def test_a_unit_none_of_whose_duties_is_found_is_not_offered_a_projects_general_rows(builtin):
    """A 研究所 whose breeding work the library does not hold: its rows are not pointed at 实施子项目个数 or 出差人次
    as if it were a project, but told plainly that nothing close was found; its row about money still gets the
    general money rows (资金到位率)."""
    rows = [("产出指标", "数量指标", "选育食用菌新品种数量", "", "2", "个"),
            ("效益指标", "社会效益指标", "党建工作任务完成率", "", "100", "%"),
            ("产出指标", "质量指标", "业务工作经费到位率", "", "100", "%")]
    result = department_check(builtin, "某县食用菌研究所2022年部门整体支出", rows, budget=300)
    for index in (0, 1):
        found = advice(result, index)
        assert not found.refs and "没有找到本单位职责的相近指标" in found.suggestion, found
    money = advice(result, 2)
    assert money.refs and all(code.startswith(GENERIC_DIRECTION) for code in money.refs), money


def test_a_clinics_health_records_row_is_a_duty_not_management(builtin):
    """档案 in a unit's row is most often its own records, managed (档案管理规范率); a clinic's 健康档案 are its public
    health duty: the row is pointed at 基本公共卫生服务's records rows, not at the management rows of its variant."""
    rows = [("产出指标", "数量指标", "门诊人次", "≥", "30000", "人次"),
            ("产出指标", "质量指标", "居民健康档案管理率", "", "100", "%"),
            ("满意度指标", "满意度指标", "就诊群众满意度", "≥", "90", "%")]
    result = department_check(builtin, "某镇卫生院2022年部门整体支出", rows, budget=500)
    found = advice(result, 1)
    assert found.refs and not any(code.startswith(DEPARTMENT_CATEGORY) for code in found.refs), found
    assert all("健康档案" in builtin.directions[code.rsplit("-", 1)[0]].name or "公共卫生" in
               builtin.directions[code.rsplit("-", 1)[0]].name for code in found.refs), found


def test_a_row_named_with_the_projects_subject_is_advised_by_what_it_measures(builtin):
    """Real tables write the project's subject into a row (…工作经费发放及时率 in that project): a library name that
    shares only the subject (…人数 in 万人 for a timeliness rate) is not offered as its replacement, and the measure
    any project uses (长效管理机制健全性) is."""
    rows = [("产出指标", "时效指标", "困难残疾人生活补贴工作经费发放及时率", "=", "100", "%"),
            ("效益指标", "可持续影响指标", "困难残疾人生活补贴机制健全性", "", "健全", "")]
    doc = table(rows, name="困难残疾人生活补贴工作经费", budget=40, goal="按月发放困难残疾人生活补贴。", description=FORM)
    result = check_goal(doc, builtin)
    units = {code: builtin_unit(builtin, code) for f in result.findings if f.code == "IND_NONSTANDARD" for code in f.refs}
    timely = advice(result, 0)
    assert timely.suggestion.startswith("指标库中没有") or all(units[c] == "%" for c in timely.refs), timely
    lasting = advice(result, 1)
    names = [builtin_name(builtin, c) for c in lasting.refs]
    assert names and names[0] == "长效管理机制健全性", lasting
    assert all(not n.endswith(("人数", "率")) or "机制" in n for n in names), names


def builtin_unit(builtin, code):
    return next(i.unit for i in builtin.docs if i.code == code)


def builtin_name(builtin, code):
    return next(i.name for i in builtin.docs if i.code == code)


def test_a_share_that_grades_the_work_is_not_pointed_at_a_count_of_it(builtin):
    """维修改造校舍质量合格率 (%) shares its words with 校舍维修改造面积, which measures the work and does not grade
    it: only shares are offered in its place."""
    rows = [("产出指标", "质量指标", "维修改造校舍质量合格率", "=", "100", "%"),
            ("产出指标", "数量指标", "维修改造乡村学校", "=", "6", "所")]
    doc = table(rows, name="2026年乡村学校校舍维修改造", budget=300, goal="维修改造乡村学校校舍6所。", description=FORM)
    graded = advice(check_goal(doc, builtin), 0)
    units = [builtin_unit(builtin, code) for code in graded.refs]
    assert graded.suggestion.startswith("可改用") and units, graded
    assert all(u == "%" for u in units), graded


def test_a_row_that_is_the_projects_own_money_is_pointed_at_its_total_cost(builtin):
    """A cost row named as the project itself (乡镇综合文化站运行经费 in that project) is its total cost."""
    rows = [("成本指标", "经济成本指标", "乡镇综合文化站运行经费", "≤", "60", "万元"),
            ("产出指标", "数量指标", "免费开放天数", "≥", "250", "天")]
    doc = table(rows, name="2026年乡镇综合文化站运行经费", budget=60, goal="保障文化站免费开放。", description=FORM)
    money = advice(check_goal(doc, builtin), 0)
    assert money.suggestion.startswith("可改用") and builtin_name(builtin, money.refs[0]) == "项目总成本", money
