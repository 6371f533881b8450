"""Checks of each indicator row: levels, target value, unit, operator, baseline, basis, duplicates."""

from __future__ import annotations

import re

from indicators.checks.context import COST, OUTPUT, SATISFACTION, Context, Row, budget_bound, cost_statement
from indicators.checks.department import dept_dimension
from indicators.framework import (
    COUNT_NAME,
    DEPARTMENT_LEVELS,
    DURATION_NAME,
    FITTING_UNIT_KINDS,
    LEVEL1_OF,
    LEVELS,
    MONEY_NAME,
    PER_POPULATION_UNIT,
    expected_unit_kind,
    stated_kind,
)
from indicators.values import Unit, find_placeholder, fmt, in_base, parse_unit, resolve_unit, when_for_how_much
from kb.text import normalize_text

PEOPLE_BASES = frozenset({"人", "人次", "户", "户次"})
_BOUNDED_RATIO = re.compile(r"(?:合格|达标|覆盖|完成|及时|准确|知晓|普及|签约|满意|到位|执行|拨付|兑付|验收|完好|"
                            r"完整|建档|参保|入学|巩固|落实|使用|受理|办结|响应|出勤|在线)率$|满意度$|比例$|占比$")
_LOWER_BETTER = re.compile(r"投诉|事故|死亡|发病|发生|浓度|排放|能耗|成本|费用|单价|时间|时限|天数|用时|时长|差错|"
                           r"错误|不合格|超标|逾期|案件|起数|损失|空置|流失|辍学|返贫|故障|拥堵|延误|积压|纠纷|"
                           r"上访|信访|违规|违法|隐患|次品|退票|误报")
MEASURE_TAIL = 6   # characters at the end of a name that say what it measures
# A name that ends in the people it counts (资助学生, 村组干部230人): counted in 个 is a slip
_PERSON_NOUN = re.compile(r"(?:干部|教师|学生|儿童|老人|群众|职工|医生|农民|村民|居民|人员|患者|幼儿)(?:\d+人)?$")
_HOUSEHOLDS = re.compile(r"(?<![用客账住商])户数$")
_UNBOUNDED_RATE = re.compile(r"增长|增幅|增速|增加|提高|提升|上升|下降|降低|减少|比上年|同比|环比|变化|变动|超|倍|"
                             r"病床使用|床位使用|周转|回报|收益|投入产出|产投|带动|放大|杠杆|弹性|溢价|负债|"
                             r"利润|产值|贡献|发病|患病|死亡|出生|流动|容积|负荷")
# A sentence stating terms with several numbers (第一年按总投资额返本20%,分红按8%分红): no single target to sign
_NUMBERS = re.compile(r"\d+(?:\.\d+)?")
_WORDED = re.compile(r"[A-Za-z\u3400-\u9fff]")   # a name has letters or characters, not only digits
_HIGHER_BETTER_SUFFIX = re.compile(r"(?:下降|减少|降低|削减|节约|节电|节水|节能|压减)(?:率|幅度|量)$")


# a row kept only to say the template's kind does not apply (该指标不适用本项目 / 不涉及)
_NOT_APPLICABLE = re.compile(r"不适用|不涉及")


def name_fits_unit(name: str, unit: Unit) -> bool:
    """Whether the name's own ending says what it measures and the unit is of that kind (婚检人数 in 人,
    覆盖率 in %): the row then measures what its name says, whatever the library files the name under."""
    kind = stated_kind(name)
    if kind is None:
        return False
    fits = unit.kind in FITTING_UNIT_KINDS[kind] or (kind == "money" and unit.foreign_money)
    return fits and unit_problem(name, unit) is None


def _per_many(unit: Unit) -> bool:
    """A rate per so many of something: 1/10万, 人/万车, 件/万平方米, 秒/百小时 (万车死亡率, 停播率)."""
    return bool(PER_POPULATION_UNIT.match(unit.text)) or (
        unit.kind == "rate" and (unit.per_scale >= 100 or bool(re.match(r"\d|[十百千万亿]", unit.per))))


def unit_problem(name: str, unit: Unit) -> str | None:
    """Why a unit does not fit an indicator name (a 率 in 人, a count in %), None when it fits."""
    kind = expected_unit_kind(name)
    if kind == "ratio" and unit.kind != "ratio" and not _per_many(unit):
        if "满意" in name and unit.base == "分":
            return None
        return "是比率，单位应为 % 或 ‰"
    if kind == "people" and unit.base not in PEOPLE_BASES:
        return "是人数，单位应为 人、人次 或 户"
    if _PERSON_NOUN.search(name) and unit.base == "个":
        return "数的是人，单位应为 人（或 人次、户）"
    if _HOUSEHOLDS.search(name) and unit.base in PEOPLE_BASES - {"户", "户次"}:
        return "是户数，单位应为 户"
    if COUNT_NAME.search(name) and unit.kind == "ratio":
        return "是数量，单位应为 个、家、人 等计数单位，而不是 %"
    counted = unit.kind in ("quantity", "duration") or (unit.kind == "rate" and bool(unit.base))  # 人/天, not /株
    if MONEY_NAME.search(name) and not name.endswith(("率", "比例")) and counted and not unit.foreign_money:
        return "是金额，单位应为 元、万元 或 元/人 等"
    if DURATION_NAME.search(name) and unit.kind in ("ratio", "money", "unit_cost"):
        return "是时间，单位应为 天、个工作日、个月 等"
    return None


def lower_is_better(row: Row) -> bool:
    if row.target.operator in ("≤", "<"):
        return True
    if row.target.operator in ("≥", ">"):
        return False
    # the measured thing is at the end of a name: 交通事故死亡人数 counts deaths, but 对…伤残、死亡家庭进行扶助
    # counts families helped
    tail = row.name[-MEASURE_TAIL:]
    return bool(_LOWER_BETTER.search(tail)) and not _HIGHER_BETTER_SUFFIX.search(row.name)


def check_levels(ctx: Context, row: Row) -> None:
    department = ctx.doc.project.kind == "department"
    if department and row.level1_text and dept_dimension(row):
        return  # 运行成本 / 管理效率 / 履职效能: the department framework's own levels
    valid1 = "/".join(LEVELS)
    if department:  # a unit's table may use either framework; its own comes first
        valid1 = f"{'/'.join(DEPARTMENT_LEVELS)}（部门整体框架）或 {valid1}"
    if row.level1_inferred:
        written = f"填在『{row.raw.level1}』下、没有填写二级指标" if row.level1_text else "没有填写一级、二级指标"
        taken = (department and dept_dimension(row)) or f"{row.level1}/{row.level2}"
        ctx.add("IND_LEVEL_INVALID", f"{row.label}{written}，按名称和指标值暂按{taken}计",
                severity="warning" if row.level1_text else None, indicator=row.index,
                suggestion=f"一级指标应为 {valid1} 之一，并填写对应的二级指标")
        return
    if row.level1_unknown or row.level1 is None:
        where = f"的一级指标『{row.raw.level1}』不在指标框架内" if row.level1_text else "没有填写一级指标"
        ctx.add("IND_LEVEL_INVALID", f"{row.label}{where}", indicator=row.index,
                suggestion=f"一级指标应为 {valid1} 之一" + ("，并填写对应的二级指标" if not row.level1_text else ""))
        if row.level1 is None:
            return
    options = "/".join(LEVELS[row.level1])
    if row.level2 is None or row.level2_inferred:
        guessed = f"，暂按{row.level2}计" if row.level2_inferred else ""
        if row.level2_text and not row.level2_inferred:
            ctx.add("IND_LEVEL_INVALID", f"{row.label}的二级指标『{row.raw.level2}』不在指标框架内",
                    indicator=row.index, suggestion=f"{row.level1}下的二级指标应为 {options} 之一")
        elif row.level2_text:   # 实施效果指标 › 产出指标: the level-2 cell holds level 1
            ctx.add("IND_LEVEL_INVALID", f"{row.label}的二级指标栏写的是一级指标『{row.raw.level2}』{guessed}",
                    severity="warning", indicator=row.index, suggestion=f"{row.level1}下的二级指标应为 {options} 之一")
        else:
            ctx.add("IND_LEVEL_INVALID", f"{row.label}没有填写二级指标{guessed}", severity="warning",
                    indicator=row.index, suggestion=f"{row.level1}下的二级指标应为 {options} 之一")
    elif not row.levels_valid:
        ctx.add("IND_LEVEL_INVALID",
                f"{row.label}的二级指标『{row.level2}』属于{LEVEL1_OF[row.level2]}，不能放在{row.level1}下",
                indicator=row.index,
                suggestion=f"改为{row.level1}下的 {options}，或把该指标移到{LEVEL1_OF[row.level2]}")
    if row.level1 != SATISFACTION and row.satisfaction:
        ctx.add("IND_LEVEL_MISPLACED", f"{row.label}是满意度指标，却放在{row.level1}下；满意度不能代替产出或效益",
                indicator=row.index, suggestion="移到 满意度指标/服务对象满意度指标，并另设反映实际效果的效益指标")


_COST_RATIO_NAME = re.compile(r"率$|比例$|占比$|比重$")
# 成本控制 100%, 成本节约 5%: a rate with its 率 left off (COST_NOT_AMOUNT says what is missing), not a unit slip
_RATE_LIKE_COST = re.compile(r"控制|节约|节省|降低|下降|合规|执行|完成|达标|合格|偏差|误差|超支|变动|增减"
                             r"|按照|依照|依据|遵照")  # 按照物价部门定价标准采购 100%: compliance, not an amount


# 管理费占比, 勘察设计费占工程费比例, 财政资助占项目总投入比例, 工程设计费率: one item of money against
# the money it is part of. It says how the cost is made up, unlike 成本控制率 100%, which says nothing.
_COST_SHARE = re.compile(r"(?:费|费用|成本|投资|资金|资助|补助|补贴|奖补|出资|保费|造价|价款)[^，,；;]*"
                         r"占(?!年度预算|预算)[^，,；;]*(?:比例|比重|占比)$|(?:费|费用|成本)占比$|(?:费|费用)率$|利率$"
                         r"|(?:补助|补贴|奖励|奖补|资助|分担)比例$|资金用于[^，,；;]+比例$")


def _rate_like(name: str) -> bool:
    """A cost row named as a rate (成本控制率) or as one with its 率 left off (成本控制, 按标准采购)."""
    return bool(_COST_RATIO_NAME.search(name) or _RATE_LIKE_COST.search(name))


def check_cost_amount(ctx: Context, row: Row) -> bool:
    """COST_NOT_AMOUNT for an economic-cost row that states no money; True when reported."""
    if row.level2 not in (None, "经济成本指标") or cost_statement(row) != "no_amount":
        return False
    if row.target.kind == "empty" and not budget_bound(row.name):
        return False  # 项目总成本 with no value: IND_VALUE_MISSING says it; 控制在预算内 stays no amount once filled
    if ctx.doc.project.kind == "department":
        return False  # running cost is stated as control and change rates (三公经费变动率)
    t = row.target
    if t.kind == "numeric" and row.unit.kind in ("ratio", "") and _COST_SHARE.search(row.name):
        return False  # a share of one cost in another: a measure of what the money buys
    if t.kind == "numeric" and row.unit.kind not in ("ratio", "") and not _rate_like(row.name):
        return False  # a quantity under cost (人天, 吨): not this finding
    if t.kind == "numeric" and row.unit.kind == "ratio" and not _rate_like(row.name):
        return False  # a money measure written in %: the unit check reports it
    shown = f"『{row.value_text}』" if t.text else "只说不超预算，"
    ctx.add("COST_NOT_AMOUNT", f"{row.label}是成本指标，但{shown}没有写明金额", indicator=row.index,
            suggestion="成本指标写总成本、单位成本或分项成本的金额，如『≤ 860万元』『≤ 1000元/人·年』"
                       "『设备购置费 ≤ 120万元』；『成本控制率100%』『控制在预算内』不能说明花多少钱办多少事")
    return True


def check_value(ctx: Context, row: Row, typical: str | None) -> None:
    t = row.target
    example = typical or _example(row)
    residue = find_placeholder(row.raw.value_text) or find_placeholder(row.raw.unit)
    if residue:
        ctx.add("TEMPLATE_PLACEHOLDER", f"{row.label}的指标值还是模板占位符『{residue}』", indicator=row.index,
                suggestion=f"填写实际的目标值，如『{example}』")
        return
    if check_cost_amount(ctx, row) and t.kind != "empty":
        return
    if t.kind == "empty" and row.named_target:
        ctx.add("IND_VALUE_MISSING", f"{row.label}的目标『{row.named_target}』写在了指标名称里，指标值栏是空的",
                indicator=row.index,
                suggestion=f"把『{row.named_target}』移到指标值栏（写明 ≥ / ≤ / =），指标名称只写『{row.name}』")
        return
    if t.kind == "empty":  # an unfilled 控制在预算内 row is both: no value, and none that would be an amount
        ctx.add("IND_VALUE_MISSING", f"{row.label}没有填写指标值", indicator=row.index,
                suggestion=f"填写可衡量的目标值，如『{example}』，并注明取值依据")
        return
    if t.kind == "vague" and (_NOT_APPLICABLE.search(row.name) or _NOT_APPLICABLE.search(t.text)):
        ctx.add("IND_VALUE_VAGUE", f"{row.label}的指标值『{_clip(t.text)}』表示本项目不适用，不是目标值",
                severity="info", indicator=row.index, suggestion="删除不适用的指标行：本项目没有的那类效益，不必填写")
        return
    if t.kind == "vague":
        what = "是一段文字描述，不是目标值" if "文字描述" in t.vague or len(t.text) > 20 else "不可衡量"
        ctx.add("IND_VALUE_VAGUE", f"{row.label}的指标值『{_clip(t.text)}』{what}", indicator=row.index,
                suggestion=f"建议写成『{example}』并注明取值依据；"
                           "确实无法量化的，改为定性指标并写明分级标准（如 优/良/中/差）")
        return
    if t.kind == "relative":
        ctx.add("IND_VALUE_VAGUE", f"{row.label}的指标值『{t.text}』只以上年或历史为参照，没有给出具体数值",
                severity="warning", indicator=row.index,
                suggestion="写出具体数值（如上年实际值或近三年平均值），并在取值依据中注明『历史标准』")
        return
    if t.kind == "deadline" and when_for_how_much(t, row.level2, row.unit):
        ctx.add("IND_VALUE_VAGUE", f"{row.label}以『{row.unit.text}』计量，指标值『{_clip(t.text)}』却只是时间或计划，"
                "没有给出数值", indicator=row.index,
                suggestion=f"写出计划完成的具体数值，如『{example}』；完成时间另设时效指标")
        return
    if t.kind != "numeric":
        return
    folded, cell = parse_unit(t.unit), parse_unit(row.raw.unit)
    if not row.unit:   # the template's hint left in the name (成活率(≥**%) 85) does give the unit
        ctx.add("IND_UNIT_MISSING", f"{row.label}的指标值『{t.text}』没有计量单位", indicator=row.index,
                suggestion=f"补充计量单位，如『{example}』")
    elif folded and cell and (folded.kind == "ratio") != (cell.kind == "ratio"):
        ctx.add("IND_UNIT_MISMATCH", f"{row.label}的指标值写的是『{t.text}』，计量单位栏却是『{cell.text}』",
                indicator=row.index, suggestion="统一指标值和计量单位，按指标含义保留一个")
    else:
        problem = unit_problem(row.name, row.unit)
        if problem:
            ctx.add("IND_UNIT_MISMATCH", f"{row.label}{problem}，但填写的单位是『{row.unit.text}』",
                    indicator=row.index, suggestion=f"改为『{example}』" if example else "按指标含义更正计量单位")
    if not t.has_operator and not (len(t.text) >= 12 and len(_NUMBERS.findall(t.text)) >= 2):
        op = "≤" if lower_is_better(row) else "≥"
        ctx.add("IND_OPERATOR_MISSING", f"{row.label}的指标值『{t.text}』没有 ≥ / ≤ / = 符号",
                indicator=row.index, suggestion=f"补充符号，如『{op}{fmt(t.value)}{row.unit.text}』")
    if row.unit.kind == "ratio" and row.amount is not None and row.amount > 100 and bounded_rate(row.name):
        ctx.add("IND_VALUE_IMPLAUSIBLE", f"{row.label}的指标值『{t.text}』超过 100%，该比率不可能达到",
                indicator=row.index, suggestion="核对指标值：完成率、覆盖率、合格率、达标率等取值在 0-100% 之间")


def check_cost_units(ctx: Context) -> None:
    """An economic cost stated in % under a name that is no rate (after the library had its say on units)."""
    for row in ctx.rows:
        if (row.level1 == COST and row.level2 in (None, "经济成本指标") and row.unit.kind == "ratio"
                and row.target.kind == "numeric" and not _rate_like(row.name)
                and ctx.doc.project.kind != "department" and not ctx.has("IND_UNIT_MISMATCH", row.index)):
            ctx.add("IND_UNIT_MISMATCH", f"{row.label}是经济成本指标，应以金额计，但填写的单位是『{row.unit.text}』",
                    indicator=row.index, suggestion="改为 万元、元 或 元/人·年 等金额单位，写明总成本或单位成本")


def bounded_rate(name: str) -> bool:
    """A completion, coverage, pass or attainment rate: it cannot exceed 100 % (growth rates can)."""
    if _UNBOUNDED_RATE.search(name):
        return False
    return bool(_BOUNDED_RATIO.search(name) or re.search(r"(?:率|比例|占比|满意度)$", name))


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _example(row: Row) -> str:
    kind = "ratio" if expected_unit_kind(row.name) == "ratio" or row.unit.kind == "ratio" else None
    if kind == "ratio":
        return "≤ 5%" if lower_is_better(row) and row.target.operator else "≥ 90%"
    cost = row.level1 == COST or row.level2 == "经济成本指标"
    unit = row.unit.text or ("万元" if cost else "人" if expected_unit_kind(row.name) == "people" else "个")
    return f"{'≤' if lower_is_better(row) else '≥'} 具体数值（{unit}）"


def check_baseline(ctx: Context, row: Row) -> None:
    b = row.baseline
    if b.value is None or row.amount is None or row.target.high is not None:
        return
    base = in_base(b.value, resolve_unit(b, row.raw.unit))
    target, lower = row.amount, lower_is_better(row)
    op = row.target.operator
    if row.unit.kind == "ratio" and not lower and target >= 100 and base >= 100:
        return
    if lower and target <= 0 and base <= 0:
        return
    if op in ("≥", ">", "≤", "<"):
        worse = target >= base if lower else target <= base
    else:
        worse = target > base if lower else target < base
    if not worse:
        return
    relation = "高于" if lower and target > base else "低于" if target < base else "等于"
    better = "不高于" if lower else "不低于"
    shown = b.text + ("" if b.unit else row.unit.text)
    ctx.add("IND_TARGET_BELOW_BASELINE",
            f"{row.label}的目标值『{row.value_text}』{relation}上年实际值『{shown}』，目标偏保守",
            indicator=row.index,
            suggestion=f"目标一般应{better}上年实际值；确需调整的，在取值依据中说明原因")


def check_rows(ctx: Context, typical: dict[int, str] | None = None) -> None:
    """Level, value, unit, operator and baseline checks for every row; then duplicates and bases."""
    typical = typical or {}
    blank = [r for r in ctx.rows if r.blank and r.raw.name.strip()]  # wholly empty rows: nothing to say
    if blank:
        shown = "、".join(dict.fromkeys(r.label for r in blank[:4]))
        ctx.add("TEMPLATE_PLACEHOLDER", f"{len(blank)}行是模板留下的空行（{shown}），既没有指标名称也没有指标值，"
                "不计为指标", severity="warning", indicator=blank[0].index if len(blank) == 1 else None,
                suggestion="删去这些空行，或填写指标名称和目标值")
    for row in ctx.filled:
        if not row.name:
            ctx.add("IND_NAME_MISSING", f"第{row.index + 1}个指标没有名称", indicator=row.index,
                    suggestion="填写三级指标名称，如 受益学生人数")
        elif not _WORDED.search(row.name):  # 88, 0, 20: a weight or a value in the name cell
            written = row.raw.name.strip()
            ctx.add("IND_NAME_MISSING", f"第{row.index + 1}个指标的名称『{written}』只是数字，不是指标名称",
                    indicator=row.index, suggestion="填写三级指标名称（如 受益学生人数），数字写在指标值或权重栏")
        check_levels(ctx, row)
        check_value(ctx, row, typical.get(row.index))
        check_baseline(ctx, row)
    legacy = [r for r in ctx.rows if r.legacy]
    if legacy:
        pairs = "、".join(dict.fromkeys(f"{r.raw.level1}/{r.raw.level2}" for r in legacy[:4]))
        ctx.add("IND_LEVEL_LEGACY", f"{len(legacy)}个指标用的是旧版模板的层级写法（{pairs}），已按现行框架识别",
                suggestion="按财预〔2021〕101号的框架填写：成本指标单列为一级指标，满意度指标单列为一级指标")
    check_name_hints(ctx)
    check_duplicates(ctx)
    check_basis(ctx)
    check_ceiling(ctx)


def check_name_hints(ctx: Context) -> None:
    """The template's own hint left in a name (受益人数(≥**人)) when the row's value is filled in: the
    table was not finished, though the target is there. One finding for the table, a warning."""
    hinted = [(r, residue) for r in ctx.rows if (residue := find_placeholder(r.raw.name))
              and not ctx.has("TEMPLATE_PLACEHOLDER", r.index)]
    if not hinted:
        return
    first = hinted[0][1]
    names = "、".join(r.label for r, _ in hinted[:3]) + ("等" if len(hinted) > 3 else "")
    counted = f"{len(hinted)}个指标名称" if len(hinted) > 1 else "指标名称"
    ctx.add("TEMPLATE_PLACEHOLDER", f"{counted}里还留着模板的填写提示『{first}』：{names}", severity="warning",
            indicator=hinted[0][0].index if len(hinted) == 1 else None,
            suggestion="删去名称中的『(≥**人)』这类提示，目标值和单位写在指标值、计量单位栏")


def check_duplicates(ctx: Context) -> None:
    first: dict[str, int] = {}
    for row in ctx.rows:
        if not row.key or not _WORDED.search(row.name):
            continue  # numbers in the name cells are no names to repeat
        if row.key in first:
            ctx.add("IND_DUPLICATE", f"{row.label}与第{first[row.key] + 1}个指标重复", indicator=row.index,
                    suggestion="删除重复的指标，或改为衡量不同内容的指标")
        else:
            first[row.key] = row.index


def check_basis(ctx: Context) -> None:
    missing = [r for r in ctx.rows if r.target.kind in ("numeric", "relative") and not normalize_text(r.raw.basis)]
    if not missing:
        return
    hint = "取值依据可写 计划标准（如实施方案、任务下达文件）、行业标准、历史标准（如近三年平均值）或其他标准"
    if len(missing) >= 3:
        names = "、".join(r.label for r in missing[:6]) + ("等" if len(missing) > 6 else "")
        ctx.add("IND_BASIS_MISSING", f"{len(missing)}个指标没有填写取值依据：{names}", suggestion=hint)
    else:
        for r in missing:
            ctx.add("IND_BASIS_MISSING", f"{r.label}没有填写取值依据", indicator=r.index, suggestion=hint)


def check_ceiling(ctx: Context) -> None:
    """'100%' on everything is a target nobody thought about."""
    ratios = [r for r in ctx.rows if r.unit.kind == "ratio" and r.amount is not None and r.level1 != SATISFACTION]
    full = [r for r in ratios if r.amount >= 100 and r.target.operator in ("=", "≥", None)]
    if len(ratios) >= 4 and len(full) == len(ratios) and any(r.level1 != OUTPUT for r in full):
        ctx.add("IND_TARGET_CEILING", f"全部{len(ratios)}个比率指标的目标值都是 100%",
                suggestion="按历史数据和行业标准分别测算各比率的目标值，避免一律写 100%")
