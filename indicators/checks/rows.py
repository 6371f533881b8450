"""Checks of each indicator row: levels, target value, unit, operator, baseline, basis, duplicates."""

from __future__ import annotations

import re

from indicators.checks.context import OUTPUT, SATISFACTION, Context, Row
from indicators.framework import LEVEL1_OF, LEVELS, expected_unit_kind
from indicators.values import Unit, fmt, in_base, resolve_unit
from kb.text import normalize_text

PEOPLE_BASES = frozenset({"人", "人次", "户", "户次"})
_COUNT_NAME = re.compile(r"(?<![指系倍分])(?:数|数量|个数|户数|家数|台数|次数|场次|件数|项数|处数|座数|所数|人次)$"
                         r"|(?<![含质能流])量$")
_MONEY_NAME = re.compile(r"(?:金额|总额|费用|经费|成本|投资额|总投资|投入|补助标准|补贴标准|单价|资金)$")
_DURATION_NAME = re.compile(r"(?:时间|时限|周期|天数|时长|用时|工期)$")
_BOUNDED_RATIO = re.compile(r"(?:合格|达标|覆盖|完成|及时|准确|知晓|普及|签约|满意|到位|执行|拨付|兑付|验收|完好|"
                            r"完整|建档|参保|入学|巩固|落实|使用|受理|办结|响应|出勤|在线)率$|满意度$|比例$|占比$")
_LOWER_BETTER = re.compile(r"投诉|事故|死亡|发病|发生|浓度|排放|能耗|成本|费用|单价|时间|时限|天数|用时|时长|差错|"
                           r"错误|不合格|超标|逾期|案件|起数|损失|空置|流失|辍学|返贫|故障|拥堵|延误|积压|纠纷|"
                           r"上访|信访|违规|违法|隐患|次品|退票|误报")
_HIGHER_BETTER_SUFFIX = re.compile(r"(?:下降|减少|降低|削减|节约|节电|节水|节能|压减)(?:率|幅度|量)$")


def unit_problem(name: str, unit: Unit) -> str | None:
    """Why a unit does not fit an indicator name (a 率 in 人, a count in %), None when it fits."""
    kind = expected_unit_kind(name)
    if kind == "ratio" and unit.kind != "ratio":
        if "满意" in name and unit.base == "分":
            return None
        return "是比率，单位应为 % 或 ‰"
    if kind == "people" and unit.base not in PEOPLE_BASES:
        return "是人数，单位应为 人、人次 或 户"
    if _COUNT_NAME.search(name) and unit.kind == "ratio":
        return "是数量，单位应为 个、家、人 等计数单位，而不是 %"
    if _MONEY_NAME.search(name) and not name.endswith(("率", "比例")) and unit.kind in ("quantity", "duration"):
        return "是金额，单位应为 元、万元 或 元/人 等"
    if _DURATION_NAME.search(name) and unit.kind in ("ratio", "money", "unit_cost"):
        return "是时间，单位应为 天、个工作日、个月 等"
    return None


def lower_is_better(row: Row) -> bool:
    if row.target.operator in ("≤", "<"):
        return True
    if row.target.operator in ("≥", ">"):
        return False
    return bool(_LOWER_BETTER.search(row.name)) and not _HIGHER_BETTER_SUFFIX.search(row.name)


def check_levels(ctx: Context, row: Row) -> None:
    valid1 = "/".join(LEVELS)
    if row.level1 is None:
        if row.level1_text:
            ctx.add("IND_LEVEL_INVALID", "error", f"{row.label}的一级指标『{row.raw.level1}』不在指标框架内",
                    indicator=row.index, suggestion=f"一级指标应为 {valid1} 之一")
        else:
            ctx.add("IND_LEVEL_INVALID", "error", f"{row.label}没有填写一级指标", indicator=row.index,
                    suggestion=f"填写一级指标（{valid1}）和对应的二级指标")
        return
    options = "/".join(LEVELS[row.level1])
    if row.level2 is None:
        what = f"二级指标『{row.raw.level2}』不在指标框架内" if row.level2_text else "没有填写二级指标"
        ctx.add("IND_LEVEL_INVALID", "error" if row.level2_text else "warning", f"{row.label}{what}",
                indicator=row.index, suggestion=f"{row.level1}下的二级指标应为 {options} 之一")
    elif not row.levels_valid:
        ctx.add("IND_LEVEL_INVALID", "error",
                f"{row.label}的二级指标『{row.level2}』属于{LEVEL1_OF[row.level2]}，不能放在{row.level1}下",
                indicator=row.index,
                suggestion=f"改为{row.level1}下的 {options}，或把该指标移到{LEVEL1_OF[row.level2]}")
    if row.level1 != SATISFACTION and re.search(r"满意(?:度|率)", row.name):
        ctx.add("IND_LEVEL_MISPLACED", "warning",
                f"{row.label}是满意度指标，却放在{row.level1}下；满意度不能代替产出或效益",
                indicator=row.index, suggestion="移到 满意度指标/服务对象满意度指标，并另设反映实际效果的效益指标")


def check_value(ctx: Context, row: Row, typical: str | None) -> None:
    t = row.target
    example = typical or _example(row)
    if t.kind == "empty":
        ctx.add("IND_VALUE_MISSING", "error", f"{row.label}没有填写指标值", indicator=row.index,
                suggestion=f"填写可衡量的目标值，如『{example}』，并注明取值依据")
        return
    if t.kind == "vague":
        ctx.add("IND_VALUE_VAGUE", "error", f"{row.label}的指标值『{t.text}』不可衡量", indicator=row.index,
                suggestion=f"建议写成『{example}』并注明取值依据；"
                           "确实无法量化的，改为定性指标并写明分级标准（如 优/良/中/差）")
        return
    if t.kind == "relative":
        ctx.add("IND_VALUE_VAGUE", "warning",
                f"{row.label}的指标值『{t.text}』只以上年或历史为参照，没有给出具体数值", indicator=row.index,
                suggestion="写出具体数值（如上年实际值或近三年平均值），并在取值依据中注明『历史标准』")
        return
    if t.kind != "numeric":
        return
    if not row.unit:
        ctx.add("IND_UNIT_MISSING", "warning", f"{row.label}的指标值『{t.text}』没有计量单位", indicator=row.index,
                suggestion=f"补充计量单位，如『{example}』")
    else:
        problem = unit_problem(row.name, row.unit)
        if problem:
            ctx.add("IND_UNIT_MISMATCH", "error", f"{row.label}{problem}，但填写的单位是『{row.unit.text}』",
                    indicator=row.index, suggestion=f"改为『{example}』" if example else "按指标含义更正计量单位")
    if not t.has_operator:
        op = "≤" if lower_is_better(row) else "≥"
        ctx.add("IND_OPERATOR_MISSING", "warning", f"{row.label}的指标值『{t.text}』没有 ≥ / ≤ / = 符号",
                indicator=row.index, suggestion=f"补充符号，如『{op}{fmt(t.value)}{row.unit.text}』")
    if (row.unit.kind == "ratio" and row.amount is not None and row.amount > 100
            and _BOUNDED_RATIO.search(row.name) and not re.search(r"增长|增幅|提高|比上年|同比", row.name)):
        ctx.add("IND_VALUE_IMPLAUSIBLE", "error", f"{row.label}的指标值『{t.text}』超过 100%，该比率不可能达到",
                indicator=row.index, suggestion="核对指标值，比率类指标取值在 0-100% 之间")


def _example(row: Row) -> str:
    kind = "ratio" if expected_unit_kind(row.name) == "ratio" or row.unit.kind == "ratio" else None
    if kind == "ratio":
        return "≤ 5%" if lower_is_better(row) and row.target.operator else "≥ 90%"
    unit = row.unit.text or ("人" if expected_unit_kind(row.name) == "people" else "个")
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
    ctx.add("IND_TARGET_BELOW_BASELINE", "warning",
            f"{row.label}的目标值『{row.value_text}』{relation}上年实际值『{shown}』，目标偏保守",
            indicator=row.index,
            suggestion=f"目标一般应{better}上年实际值；确需调整的，在取值依据中说明原因")


def check_rows(ctx: Context, typical: dict[int, str] | None = None) -> None:
    """Level, value, unit, operator and baseline checks for every row; then duplicates and bases."""
    typical = typical or {}
    for row in ctx.rows:
        if not row.name:
            ctx.add("IND_NAME_MISSING", "error", f"第{row.index + 1}个指标没有名称", indicator=row.index,
                    suggestion="填写三级指标名称，如 受益学生人数")
        check_levels(ctx, row)
        check_value(ctx, row, typical.get(row.index))
        check_baseline(ctx, row)
    check_duplicates(ctx)
    check_basis(ctx)
    check_ceiling(ctx)


def check_duplicates(ctx: Context) -> None:
    first: dict[str, int] = {}
    for row in ctx.rows:
        if not row.key:
            continue
        if row.key in first:
            ctx.add("IND_DUPLICATE", "warning",
                    f"{row.label}与第{first[row.key] + 1}个指标重复", indicator=row.index,
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
        ctx.add("IND_BASIS_MISSING", "info", f"{len(missing)}个指标没有填写取值依据：{names}", suggestion=hint)
    else:
        for r in missing:
            ctx.add("IND_BASIS_MISSING", "info", f"{r.label}没有填写取值依据", indicator=r.index, suggestion=hint)


def check_ceiling(ctx: Context) -> None:
    """'100%' on everything is a target nobody thought about."""
    ratios = [r for r in ctx.rows if r.unit.kind == "ratio" and r.amount is not None and r.level1 != SATISFACTION]
    full = [r for r in ratios if r.amount >= 100 and r.target.operator in ("=", "≥", None)]
    if len(ratios) >= 4 and len(full) == len(ratios) and any(r.level1 != OUTPUT for r in full):
        ctx.add("IND_TARGET_CEILING", "info", f"全部{len(ratios)}个比率指标的目标值都是 100%",
                suggestion="按历史数据和行业标准分别测算各比率的目标值，避免一律写 100%")
