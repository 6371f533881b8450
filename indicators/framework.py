"""The national indicator framework: level 1 → level 2, operators, units.

Pure data and pure functions; every other module asks here what a valid level
pair, operator or unit is.
"""

from __future__ import annotations

import re

LEVELS: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标"),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}

LEVEL1_OF: dict[str, str] = {l2: l1 for l1, l2s in LEVELS.items() for l2 in l2s}

# Short forms accepted in data files and spreadsheets.
LEVEL2_ALIASES: dict[str, str] = {
    "数量": "数量指标",
    "质量": "质量指标",
    "时效": "时效指标",
    "经济成本": "经济成本指标",
    "社会成本": "社会成本指标",
    "生态成本": "生态环境成本指标",
    "生态环境成本": "生态环境成本指标",
    "经济效益": "经济效益指标",
    "社会效益": "社会效益指标",
    "生态效益": "生态效益指标",
    "可持续": "可持续影响指标",
    "可持续影响": "可持续影响指标",
    "满意度": "服务对象满意度指标",
    "服务对象满意度": "服务对象满意度指标",
}
LEVEL1_ALIASES: dict[str, str] = {"产出": "产出指标", "成本": "成本指标", "效益": "效益指标", "满意度": "满意度指标"}

OPERATORS = ("≥", "≤", "=", ">", "<", "定性")
BASES = ("计划标准", "行业标准", "历史标准", "其他标准")

RATIO_UNITS = frozenset({"%", "‰"})
PEOPLE_UNITS = frozenset({"人", "人次", "万人", "万人次", "亿人次", "名", "户", "户次"})


def canonical_level2(value: str) -> str | None:
    """Full level-2 name for a full or short form, None when unknown."""
    value = (value or "").strip()
    if value in LEVEL1_OF:
        return value
    return LEVEL2_ALIASES.get(value)


def canonical_level1(value: str) -> str | None:
    value = (value or "").strip()
    if value in LEVELS:
        return value
    return LEVEL1_ALIASES.get(value)


NOT_RATIOS = ("速率", "频率", "功率", "汇率", "利率")
# incidence-style rates may be stated per 10,000 / 100,000 people or per 亿元 of GDP
PER_POPULATION_UNIT = re.compile(r"^(?:1|人|例|起|次|件)?/(?:(?:十|百|千|10|100|1000)?万(?:人|人口|例)?|亿元|百万人)$")


def expected_unit_kind(name: str) -> str | None:
    """What kind of unit an indicator name calls for: 'ratio', 'people' or None (no rule)."""
    if name.endswith(NOT_RATIOS):
        return None
    if name.endswith(("率", "比例", "占比", "比重", "满意度", "覆盖面")):
        return "ratio"
    if name.endswith(("人数", "人次")) or name.endswith("人员数"):
        return "people"
    return None


def unit_fits(name: str, unit: str) -> bool:
    """Whether a unit is consistent with an indicator name (a 率 in %, a 人数 in 人…)."""
    kind = expected_unit_kind(name)
    unit = (unit or "").strip()
    if kind == "ratio":
        return unit in RATIO_UNITS or unit == "‱" or bool(PER_POPULATION_UNIT.match(unit))
    if kind == "people":
        return unit in PEOPLE_UNITS
    return True
