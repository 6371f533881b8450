"""One set of rules for an indicator, whether it comes from the built-in library's YAML files or from
a bureau's own spreadsheet: levels, operator, unit, explanation, basis, cost range and sourced
figures. Messages are Chinese and say the bad value and the fix; each caller says where.

`strict` is the built-in library's bar (every indicator explained, with a basis and a data source);
a bureau's import may leave those to be filled in later.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from indicators.framework import BASES, FRAMEWORKS, Framework, unit_fits
from kb.text import normalize_text

OPERATORS = ("≥", "≤", "=", "定性")
OPERATOR_WORDS = {"≥": "≥", ">=": "≥", "不低于": "≥", "不少于": "≥", "大于等于": "≥", "≤": "≤", "<=": "≤",
                  "不高于": "≤", "不超过": "≤", "小于等于": "≤", "=": "=", "等于": "=", "定性": "定性"}
STATUS_WORDS = {"": "active", "active": "active", "在用": "active", "启用": "active", "有效": "active",
                "retired": "retired", "停用": "retired", "废止": "retired", "已停用": "retired"}
DATE = re.compile(r"(?:19|20)\d{2}-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?")
MIN_EXPLANATION = 12

Where = Callable[[str], str]  # field → where it is, e.g. 第 3 行「计量单位」 or 205-jiaoyu.yaml … 『受益人数』


def _framework_of(level2: str, framework: Framework | None) -> tuple[Framework | None, str | None]:
    """(framework, canonical level 2): the one given, else the first framework that knows the name."""
    for f in (framework,) if framework else FRAMEWORKS:
        found = f.canonical_level2(level2)
        if found:
            return f, found
    return None, None


def check_indicator(v: dict, where: Where, problems: list[str], *, strict: bool,
                    framework: Framework | None = None) -> dict | None:
    """The indicator's fields in canonical form (level1, level2, operator, basis, status, cost_low/high…),
    or None after adding every problem found to `problems`. `v` holds the fields as written:
    name, level1, level2, operator, unit, explanation, basis, source, status, cost_low, cost_high,
    source_doc, effective_from (cost_low/high as numbers or None). Levels are checked against
    `framework` when given (the built-in library files each category on one), else against whichever
    framework (project or 部门整体) the level 2 belongs to."""
    before = len(problems)
    name = str(v.get("name") or "").strip()
    if not name:
        problems.append(f"{where('name')}：指标名称为空，请按申报表中的写法填写")
    written2 = str(v.get("level2") or "").strip()
    found, level2 = _framework_of(normalize_text(written2), framework)
    if level2 is None and (written2 or strict):
        names = "、".join((framework or FRAMEWORKS[0]).level1_of)
        problems.append(f"{where('level2')}：『{written2}』不是二级指标，请填写 {names} 之一")
    level1 = found.level1_of.get(level2 or "", "") if found else ""
    written1 = str(v.get("level1") or "").strip()
    if written1 and level2 and found:
        given = found.canonical_level1(normalize_text(written1)) \
            or found.canonical_level1(normalize_text(written1) + "指标")
        if given != level1:
            problems.append(f"{where('level1')}：『{written1}』下没有{level2}，{level2}属于{level1}")
    written_op = str(v.get("operator") or "").strip()
    operator = OPERATOR_WORDS.get(normalize_text(written_op) or ("" if strict else "≥"))
    if operator is None:
        problems.append(f"{where('operator')}：『{written_op}』不是指标方向，请填写 {'、'.join(OPERATORS)} 之一")
    unit = str(v.get("unit") or "").strip()
    if operator not in (None, "定性") and not unit:
        problems.append(f"{where('unit')}：计量单位为空，定量指标须有计量单位（%、人、个、万元…）")
    if unit and name and not unit_fits(normalize_text(name), normalize_text(unit)):
        problems.append(f"{where('unit')}：『{unit}』与指标『{name}』不匹配（率用 %，人数用 人）")
    explanation = str(v.get("explanation") or "").strip()
    if strict and len(explanation) < MIN_EXPLANATION:
        problems.append(f"{where('explanation')}：指标解释缺失或过短，请写明衡量什么、怎么统计")
    basis = str(v.get("basis") or "").strip()
    if (basis or strict) and basis not in BASES:
        problems.append(f"{where('basis')}：『{basis}』不是取值依据，请填写 {'、'.join(BASES)} 之一")
    if strict and not str(v.get("source") or "").strip():
        problems.append(f"{where('source')}：数据来源为空，请写明实际值从哪里取得")
    status = STATUS_WORDS.get(str(v.get("status") or "").strip().lower())
    if status is None:
        problems.append(f"{where('status')}：『{v.get('status')}』不是状态，请填写 在用 或 停用")
    low, high = v.get("cost_low"), v.get("cost_high")
    for value in (low, high):
        if value is not None and value < 0:
            problems.append(f"{where('cost_low')}：{value} 是负数，单位成本应不小于 0")
    if low is not None and high is not None and low > high:
        problems.append(f"{where('cost_low')}：下限 {low} 大于上限 {high}，请对调")
    source_doc = str(v.get("source_doc") or "").strip()
    effective_from = str(v.get("effective_from") or "").strip()
    if effective_from and not DATE.fullmatch(effective_from):
        problems.append(f"{where('effective_from')}：施行日期『{effective_from}』应写成日期，如 2025-03-01")
    if bool(source_doc) != bool(effective_from):
        problems.append(f"{where('source_doc')}：依据文号和施行日期须同时填写（或都不填）")
    if len(problems) > before:
        return None
    return {"name": name, "level1": level1, "level2": level2 or "", "operator": operator, "unit": unit,
            "explanation": explanation, "basis": basis, "status": status, "cost_low": low, "cost_high": high,
            "source_doc": source_doc, "effective_from": effective_from}
