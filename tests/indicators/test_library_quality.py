"""Quality rules the built-in library follows, on merit rather than by count (DOMAIN.md; issue of the
library in the budget system's terms): each rule names the indicators that break it."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from indicators.checker import check_goal
from indicators.library import load_library
from indicators.values import parse_unit
from kb.text import match_key
from tests.street_tables import codes, table

# the audited, inspected and regulated are not a programme's service recipients (screened patients are)
REGULATED = re.compile(r"被审计|被检查|被监管|被执法|被处罚|被督查|被巡查|监管对象|执法对象|检查对象|受审"
                       r"|受检(?:企业|单位|机构|对象|商户|经营|场所|生产|主体)|违法"
                       # a business or body asked about the supervision it is under (…企业对监管服务满意度)
                       r"|(?:企业|主体|经营者|排放单位|使用单位)对(?:监管|核查|检查|执法|审计|稽查)")
POSITIVE_RATE = re.compile(r"(?:达标|合格|合规|执行|覆盖|完成|利用|处理|处置|落实|规范|到位|及时|知晓|使用|回收)率$")
BUDGET_ONLY = re.compile(r"^[≤<]?\s*(?:年度|本年度|项目)?(?:预算|预算批复|批复预算|预算安排|下达资金(?:额度)?)数?$")


@lru_cache(maxsize=1)
def active():
    return [i for i in load_library().indicators if i.status == "active"]


def offenders(rule) -> list[str]:
    return [f"{i.code} {i.name}" for i in active() if rule(i)]


def test_satisfaction_is_never_asked_of_regulated_or_audited_parties():
    assert offenders(lambda i: i.level2 == "服务对象满意度指标" and REGULATED.search(i.name)) == []


# who a satisfaction survey asks, as its definition says (对被审计单位开展廉政回访, 被检查定点医药机构对…);
# a definition that names them only to leave them out (不调查被监管单位, 被审计人员除外, 被检查单位不参与发放) passes
SURVEYED_PARTY = re.compile(r"被审计|被检查|被监管|被执法|被处罚|被督查|被巡查|监管对象|执法对象|检查对象")
LEFT_OUT = re.compile(r"不(?:调查|作为?调查对象|含|包括|回访|纳入|列入)|不作为|不参与|除外")


def test_a_satisfaction_survey_does_not_ask_the_regulated_in_its_definition():
    def asks_them(i) -> bool:
        clauses = re.split(r"[，。；]", i.explanation or "")
        return any(SURVEYED_PARTY.search(c) and not LEFT_OUT.search(c) for c in clauses)
    assert offenders(lambda i: i.level2 == "服务对象满意度指标" and asks_them(i)) == []


def test_social_and_ecological_costs_are_side_effects_not_compliance_rates():
    assert offenders(lambda i: i.level2 in ("社会成本指标", "生态环境成本指标") and POSITIVE_RATE.search(i.name)) == []


def test_money_is_not_an_output_quantity():
    assert offenders(lambda i: i.level2 == "数量指标" and parse_unit(i.unit).kind == "money") == []


def test_a_cost_indicator_is_a_cost_not_the_budget_restated():
    assert offenders(lambda i: i.level2 == "经济成本指标" and BUDGET_ONLY.match(i.typical.replace(" ", ""))
                     and not parse_unit(i.unit).per) == []


# how money was managed (saved, cut, carried over, paid out on time), not what the work cost
MONEY_MANAGED = re.compile(r"节约率|压减率|结转|结余|执行率|执行偏差|支出进度|拨付率|到位率")


def test_a_cost_indicator_is_not_a_rate_of_money_management():
    assert offenders(lambda i: i.level2 == "经济成本指标" and MONEY_MANAGED.search(i.name)) == []


# cases found, offences punished (查处, 立案, 破获…, not 检查处次): a "≥" target is a quota that rewards padding
ENFORCEMENT_COUNT = re.compile(r"(?<!检)查处|立案|破获|查获|抓获|移送")
NO_GROWTH = re.compile(r"不设(?:增长|数量)目标")


def test_an_enforcement_count_has_no_quota():
    assert offenders(lambda i: i.operator == "≥" and ENFORCEMENT_COUNT.search(i.name)
                     and parse_unit(i.unit).kind not in ("money", "ratio")
                     and not re.search(r"率|占比|面积|货值", i.name)) == []


def test_a_target_that_sets_no_growth_is_not_a_floor_or_a_ceiling():
    assert offenders(lambda i: i.operator in ("≥", "≤") and NO_GROWTH.search(i.typical)) == []


def test_a_value_that_is_whatever_happens_is_not_a_floor():
    # 按实际受理 under "≥": demand, detection or disasters set the number, and a floor makes it a quota
    assert offenders(lambda i: i.operator == "≥" and re.match(r"[≥≤=]?\s*按实际", i.typical.strip())
                     and parse_unit(i.unit).kind != "ratio") == []


def test_a_written_usual_target_says_which_way_it_points():
    # 『按年度培训计划』 under "≥" leaves a reader to guess whether the plan is a floor, a ceiling or the figure
    # itself; a figure (95%, 0起) carries the row's operator, and a written target begins with it
    assert offenders(lambda i: i.operator in ("≥", "≤", "=") and i.typical.strip()
                     and not re.match(r"[≥≤=\d]", i.typical.strip())) == []


def test_the_operator_agrees_with_the_usual_target():
    # "≥" with "=实施学校在校生数" or "=100%": the row says one thing and its target another, and a drafted goal
    # takes the operator; "≤" with "=0起" (none at most) is the one way the two may differ
    def disagree(i) -> bool:
        target = i.typical.strip()
        return (target[:1] in ("≥", "≤", "=") and target[:1] != i.operator
                and not (i.operator == "≤" and re.match(r"=\s*0(?![.\d])", target)))
    assert offenders(lambda i: i.operator in ("≥", "≤", "=") and disagree(i)) == []


# a share of a whole (及时率, 覆盖率, 合格率) cannot pass 100%: "≥ 100%" means "= 100%"; a completion or balance
# rate (计划投资完成率, 资金平衡率), a capacity against need (处置能力满足率) or a fund against its input
# (本金保全率) can, and keeps its floor
CAN_PASS_100 = re.compile(r"完成|保值|平衡|实现|增长|达成|约定量|纳入预算|能力满足|保全")


def test_a_share_that_cannot_pass_100_percent_has_no_floor_at_100():
    assert offenders(lambda i: i.operator == "≥" and i.unit == "%" and not CAN_PASS_100.search(i.name)
                     and re.fullmatch(r"[≥=]?\s*100(?:\.0+)?\s*%", i.typical.strip())) == []


# who qualifies sets an aid roll (按审核认定, 按名册, 应保尽保, 按申请): a "≥" floor on it pushes padding the roll
ROLL_SET_BY_ELIGIBILITY = re.compile(r"按.{0,8}(?:审核|认定|审批|核定|核准)|按.{0,10}(?:名册|名单)|应(.)尽\1|按.{0,4}(?:申请|申报)")


def test_an_aid_roll_set_by_who_qualifies_is_not_a_floor():
    assert offenders(lambda i: i.level2 == "数量指标" and i.operator == "≥"
                     and i.unit in ("人", "名", "户", "人次", "户次")
                     and ROLL_SET_BY_ELIGIBILITY.search(i.typical)) == []


# misuse and fraud are compliance that outside bodies find (质量), not a side effect of the work
MISUSE = re.compile(r"挤占|挪用|截留|套取|冒领|骗取|骗补|虚报")


def test_misuse_of_funds_is_not_filed_as_a_side_effect():
    assert offenders(lambda i: i.level2 in ("社会成本指标", "生态成本指标") and MISUSE.search(i.name)) == []


def test_the_checker_takes_the_librarys_own_cost_indicators_as_costs():
    # a cost the library drafts must not draw COST_NOT_AMOUNT from the checker beside it
    def warned(i) -> bool:
        row = ("成本指标", "经济成本指标", i.name, "", (i.typical or "").split("（")[0], i.unit)
        if not re.search(r"\d", row[4]):
            row = (*row[:4], "1" if parse_unit(i.unit).kind != "ratio" else "5", i.unit)
        doc = table([row], name=f"{i.name}相关项目")
        return "COST_NOT_AMOUNT" in codes(check_goal(doc, None), 0)
    assert offenders(lambda i: i.level2 == "经济成本指标" and warned(i)) == []


def test_a_cost_indicator_is_what_was_paid_not_the_policy_cap():
    # 补助上限, 抵扣限额: the rule's ceiling; the cost is the average actually paid, with the cap as its target
    assert offenders(lambda i: i.level2 == "经济成本指标" and re.search(r"上限|封顶|限额|最高", i.name)) == []


def test_lasting_effects_are_not_satisfaction():
    assert offenders(lambda i: i.level2 == "可持续影响指标" and "满意" in i.name) == []


def test_a_name_tables_write_belongs_to_one_indicator_of_a_direction():
    # 婚检人数 is 婚前医学检查人数's, not also 婚前医学检查率's: one name, one row to find and check against
    owners: dict[tuple[str, str], set[str]] = {}
    for i in active():
        for name in {match_key(n) for n in (i.name, *i.aliases)}:
            owners.setdefault((i.direction_code, name), set()).add(i.code)
    assert {key: codes for key, codes in owners.items() if len(codes) > 1} == {}


def test_directions_carry_between_10_and_30_indicators():
    counts = Counter(i.direction_code for i in active())
    assert {code: n for code, n in counts.items() if not 10 <= n <= 30} == {}


# ---- 部门整体 (category 902) on its own framework ----------------------------------------------
BUDGET_MANAGEMENT = re.compile(r"预算执行|预算调整|结转结余|预决算|政府采购|内控|绩效自评|绩效目标")


def department_directions() -> dict[str, list]:
    out: dict[str, list] = {}
    for i in active():
        if i.category_code == "902":
            out.setdefault(i.direction_code, []).append(i)
    return out


def test_every_department_direction_sets_budget_execution_and_a_spending_control():
    """预算执行率 is scored in every 部门整体 self-evaluation; 三公经费 or 公用经费 is what 运行成本 controls."""
    directions = department_directions()
    assert len(directions) >= 10
    missing = {code: sorted({"预算执行", "三公经费/公用经费"} - {
        *({"预算执行"} if any(i.level2 == "预算执行" for i in items) else ()),
        *({"三公经费/公用经费"} if any(i.level2 in ("三公经费", "公用经费") for i in items) else ())})
        for code, items in directions.items()}
    assert {code: m for code, m in missing.items() if m} == {}


def test_budget_management_is_not_filed_as_performing_duties():
    assert offenders(lambda i: i.level1 == "履职效能" and BUDGET_MANAGEMENT.search(i.name)) == []


def test_running_cost_indicators_are_money_or_control_rates():
    """A 运行成本 row states money (总额, 人均, 单位成本) or a rate of control or change, never a count."""
    assert offenders(lambda i: i.level1 == "运行成本" and parse_unit(i.unit).kind in ("quantity", "duration")
                     and not parse_unit(i.unit).per) == []


def test_an_explanation_names_the_rows_it_refers_to_not_their_numbers():
    # users never see a row's id: "与#14相乘" tells them nothing, "与“生均公用经费标准”相乘" does
    assert offenders(lambda i: re.search(r"#\d", " ".join([i.explanation or "", i.formula or ""]))) == []


# words every kind of project's title holds: as a direction's keyword one would make any title that
# contains it (县级基本财力保障机制奖补资金) a confident match for that direction
TITLE_WORDS = {"奖补资金", "补助资金", "专项资金", "工作经费", "专项经费", "补助经费", "运行经费", "资金", "经费",
               "项目", "建设", "管理", "服务", "补贴", "补助", "奖补", "运行维护", "运维"}


def test_a_project_directions_keywords_are_not_words_every_title_holds():
    offenders = [f"{d.code} {d.name}: {k}" for d in load_library().directions if not d.common
                 for k in d.keywords if k in TITLE_WORDS]
    assert offenders == []
