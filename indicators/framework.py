"""The indicator frameworks (project and 部门整体): level 1 → level 2, operators, units.

Pure data and pure functions; every other module asks here what a valid level
pair, operator or unit is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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

# The 部门整体 framework: a department's (unit's) overall goal is measured by its running cost, the
# efficiency of its management and how well it performs its duties (中发〔2018〕34号: 运行成本、管理效率、
# 履职效能、社会效应、可持续发展能力和服务对象满意度), not by a project's output/effect levels. Level 2
# follows 财预〔2013〕53号 附件3 (部门整体支出绩效评价共性指标体系框架: 预算执行、预算管理、资产管理、
# 职责履行、履职效益), with 运行成本 split as 部门决算 reports it (人员经费, 公用经费, “三公”经费) and
# 采购管理 / 绩效管理 as local frameworks add them. 满意度 is the one dimension both frameworks share.
# The built-in library files its 部门整体 category (DEPARTMENT_CATEGORY) on this framework only.
DEPARTMENT_LEVELS: dict[str, tuple[str, ...]] = {
    "运行成本": ("人员经费", "公用经费", "三公经费", "业务成本"),
    "管理效率": ("预算执行", "预算管理", "资产管理", "采购管理", "绩效管理"),
    "履职效能": ("职责履行", "履职效益", "可持续发展"),
    "满意度指标": ("服务对象满意度指标",),
}
DEPARTMENT_CATEGORY = "902"
# 项目实施与资金保障: indicators any project can carry (完成及时率, 资金到位率…), for a project no direction fits
GENERIC_DIRECTION = "9010601"
# 综合管理类机关: the 部门整体 direction when a department's words find none
GENERAL_DEPARTMENT = "9020101"
# 公共服务类事业单位: the service units' one, when a guessed narrower variant does not fit the unit's duties
GENERAL_SERVICE_UNIT = "9020201"
# the 部门整体 variants for administrations (行政机关) and for service units (事业单位); 技术支撑类事业单位
ADMINISTRATIONS, SERVICE_UNITS, TECHNICAL_SERVICE_UNIT = "90201", "90202", "9020204"
DEPARTMENT_LEVEL1_OF: dict[str, str] = {l2: l1 for l1, l2s in DEPARTMENT_LEVELS.items() for l2 in l2s}
DEPARTMENT_LEVEL2_ALIASES: dict[str, str] = {
    **{f"{l2}指标": l2 for l2 in DEPARTMENT_LEVEL1_OF if not l2.endswith("指标")},
    "“三公”经费": "三公经费", "“三公”经费指标": "三公经费", "人员成本": "人员经费", "公用成本": "公用经费",
    "履职产出": "职责履行", "重点工作履职": "职责履行", "履职效果": "履职效益", "社会效应": "履职效益",
    "可持续发展能力": "可持续发展", "满意度": "服务对象满意度指标", "服务对象满意度": "服务对象满意度指标",
}
DEPARTMENT_LEVEL1_ALIASES: dict[str, str] = {
    **{f"{l1}指标": l1 for l1 in DEPARTMENT_LEVELS if not l1.endswith("指标")}, "满意度": "满意度指标",
}


@dataclass(frozen=True)
class Framework:
    """One indicator framework: its level 1 → level 2 names and the short forms it accepts."""

    kind: str                                  # "project" | "department"
    levels: dict[str, tuple[str, ...]]
    level2_aliases: dict[str, str]
    level1_aliases: dict[str, str]

    @property
    def level1_of(self) -> dict[str, str]:
        return {l2: l1 for l1, l2s in self.levels.items() for l2 in l2s}

    def canonical_level2(self, value: str) -> str | None:
        """Full level-2 name for a full or short form, None when not in this framework."""
        value = (value or "").strip()
        return value if value in self.level1_of else self.level2_aliases.get(value)

    def canonical_level1(self, value: str) -> str | None:
        value = (value or "").strip()
        return value if value in self.levels else self.level1_aliases.get(value)

    def written_level2(self, value: str) -> str | None:
        """`canonical_level2` of a level 2 as tables write it, also with a 指标 its short form lacks (产出数量指标)."""
        return self.canonical_level2(value) or self.canonical_level2((value or "").strip().removesuffix("指标"))


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


PROJECT = Framework("project", LEVELS, LEVEL2_ALIASES, LEVEL1_ALIASES)
DEPARTMENT = Framework("department", DEPARTMENT_LEVELS, DEPARTMENT_LEVEL2_ALIASES, DEPARTMENT_LEVEL1_ALIASES)
FRAMEWORKS = (PROJECT, DEPARTMENT)


def framework_for(category_code: str) -> Framework:
    """The framework a library category's indicators are filed on: 部门整体 its own, every other the project one."""
    return DEPARTMENT if (category_code or "").strip() == DEPARTMENT_CATEGORY else PROJECT


def any_level1(value: str) -> str | None:
    """A level-1 name of either framework (for filters over the whole library), the project one first."""
    return PROJECT.canonical_level1(value) or DEPARTMENT.canonical_level1(value)


def any_level2(value: str) -> str | None:
    return PROJECT.canonical_level2(value) or DEPARTMENT.canonical_level2(value)


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


# what a name's ending says it counts (数, 金额, 时限…), for the unit rules and for telling an alias that names
# the same measure from one that names a measure the indicator feeds (婚检人数 under 婚前医学检查率)
COUNT_NAME = re.compile(r"(?<![指系倍分])(?:数|数量|个数|户数|家数|台数|次数|场次|件数|项数|处数|座数|所数|人次)$"
                        r"|(?<![含质能流])量$")
# …费 is money (培训费, 差旅费, 物业费), unless the name is about paying or waiving it (减税降费, 免费, 按时缴纳税费)
MONEY_NAME = re.compile(r"(?:金额|总额|费用|经费|成本|投资额|总投资|投入|补助标准|补贴标准|单价|资金"
                        r"|(?<![免收缴交降减消浪付税])费)$")
DURATION_NAME = re.compile(r"(?:时间|时限|周期|天数|时长|用时|工期)$")


def stated_kind(name: str) -> str | None:
    """What an indicator name's own ending says it measures: 'ratio', 'people', 'count', 'money',
    'duration', or None when the ending says nothing (电子通关, 成本控制)."""
    kind = expected_unit_kind(name)
    if kind:
        return kind
    if COUNT_NAME.search(name):
        return "count"
    if MONEY_NAME.search(name) and not name.endswith(("率", "比例")):
        return "money"
    if DURATION_NAME.search(name):
        return "duration"
    return None


# the unit kinds (indicators.values.Unit.kind) that fit each stated kind
FITTING_UNIT_KINDS = {"ratio": ("ratio", "rate"), "people": ("quantity",), "count": ("quantity",),
                      "money": ("money", "unit_cost"), "duration": ("duration",)}


def alias_names_the_same_measure(alias: str, unit_kind: str) -> bool:
    """Whether an alias says nothing of its kind or the kind an indicator in a unit of `unit_kind` counts in:
    婚前医学检查率 (%) is also 婚检率, but 婚检人数 is the count the rate is made from."""
    kind = stated_kind(alias)
    return kind is None or not unit_kind or unit_kind in FITTING_UNIT_KINDS[kind]
