"""A department's overall goal (部门整体绩效目标) is measured on its own framework: 运行成本 (running cost:
人员/公用经费, 三公经费), 管理效率 (预算执行, 预决算公开, 资产管理, 采购合规), 履职效能 (the department's
core outputs and effects) and 满意度, not on the project dimensions (DOMAIN.md, "Department overall")."""

from __future__ import annotations

import re

from indicators.checks.context import COST, Context, Row, clean_level
from indicators.framework import DEPARTMENT

RUNNING_COST, MANAGEMENT, PERFORMANCE, SATISFACTION = "运行成本", "管理效率", "履职效能", "满意度"
_LEVEL_WORDS = (
    (RUNNING_COST, re.compile(r"运行成本|成本")),
    (MANAGEMENT, re.compile(r"管理效率|管理")),
    (SATISFACTION, re.compile(r"满意")),
    (PERFORMANCE, re.compile(r"履职|效能|产出|效益|效果|效应|重点工作|职责|可持续")),
)
_RUNNING_NAME = re.compile(r"人员经费|公用经费|三公经费|运行成本|运行经费|公务接待|公务用车|因公出国|会议费|培训费|"
                           r"办公经费|行政成本|单位成本|人均")
_MANAGEMENT_NAME = re.compile(r"预算执行|执行率|预决算|公开|资产|采购|财务|内控|内部控制|结转|结余|绩效管理|"
                              r"制度|审计|整改|(?<!健康)档案|信息化管理|调整率|编制")   # a clinic's 健康档案 is a duty
# code, what is missing, what to add
DIMENSIONS = (
    ("DEPT_MISSING_RUNNING_COST", RUNNING_COST, "如 人员经费控制率、公用经费控制率、“三公”经费变动率"),
    ("DEPT_MISSING_MANAGEMENT", MANAGEMENT, "如 预算执行率、预决算信息公开率、政府采购执行率、固定资产利用率"),
    ("DEPT_MISSING_PERFORMANCE", PERFORMANCE, "写明部门核心职责的产出和效果，如 年度重点工作完成率、案件办结数"),
)


_DIMENSION_OF_LEVEL1 = {RUNNING_COST: RUNNING_COST, MANAGEMENT: MANAGEMENT, PERFORMANCE: PERFORMANCE,
                        "满意度指标": SATISFACTION}
DEPARTMENT_LEVEL1 = {dimension: level1 for level1, dimension in _DIMENSION_OF_LEVEL1.items()}


def framework_dimension(row: Row) -> str | None:
    """The dimension a row's level names give in the 部门整体 framework's own terms (运行成本/公用经费,
    管理效率/预算执行指标, 职责履行…), None when they are not its names."""
    for text in (clean_level(row.level2_text), clean_level(row.level1_text)):
        level2 = DEPARTMENT.canonical_level2(text)
        level1 = DEPARTMENT.level1_of.get(level2 or "") or DEPARTMENT.canonical_level1(text)
        if level1:
            return _DIMENSION_OF_LEVEL1[level1]
    return None


def dept_dimension(row: Row) -> str | None:
    """Which part of the department framework a row measures: the framework's own level names, then
    level names in other words (产出 and 效益 are what the department delivers), then its name."""
    if row.satisfaction:
        return SATISFACTION
    own = framework_dimension(row)
    if own:
        return own
    for text in (clean_level(row.level1_text), clean_level(row.level2_text)):
        for dimension, words in _LEVEL_WORDS:
            if text and words.search(text):
                if dimension == PERFORMANCE and _MANAGEMENT_NAME.search(row.name):
                    return MANAGEMENT  # 预算执行率 filed under 产出 is still management
                return dimension
    if _RUNNING_NAME.search(row.name) or row.level1 == COST:
        return RUNNING_COST
    if _MANAGEMENT_NAME.search(row.name):
        return MANAGEMENT
    return PERFORMANCE if row.name else None


def check_department(ctx: Context) -> None:
    have = {dept_dimension(row) for row in ctx.filled}
    for code, what, example in DIMENSIONS:
        if what not in have:
            ctx.add(code, f"部门整体绩效目标缺少{what}指标", suggestion=f"补充{what}指标，{example}")
    if SATISFACTION not in have:
        ctx.add("DIM_MISSING_SATISFACTION", "部门整体绩效目标缺少满意度指标",
                suggestion="补充服务对象满意度或社会公众满意度（如 ≥ 90%）")
