"""Completeness of the indicator dimensions: 产出(数量/质量/时效), 成本, 效益, 满意度."""

from __future__ import annotations

from indicators.checks.context import (
    BENEFIT,
    COST,
    OUTPUT,
    QUALITY,
    QUANTITY,
    SATISFACTION,
    TIMELINESS,
    Context,
    cost_statement,
)
from indicators.checks.department import check_department
from indicators.directions import WORKS

# code, what is missing, what to add
DIMENSIONS = (
    ("DIM_MISSING_QUANTITY", "产出指标中的数量指标", "如 受益学生人数、改造道路长度（写明 ≥ 数值和单位）"),
    ("DIM_MISSING_QUALITY", "产出指标中的质量指标", "如 验收合格率、资金发放准确率、出水水质达标率"),
    ("DIM_MISSING_TIMELINESS", "产出指标中的时效指标", "如 资金拨付及时率、项目按期完成率、12月底前完成"),
    ("DIM_MISSING_COST", "成本指标", "如 生均补助标准（元/人·年）、单位工程造价（万元/公里），不超过预算"),
    ("DIM_MISSING_BENEFIT", "效益指标", "写明项目带来的经济、社会、生态或可持续影响，如 覆盖率、带动就业人数"),
    ("DIM_MISSING_SATISFACTION", "满意度指标", "有服务对象的项目宜设 服务对象满意度（如 ≥ 90%）"),
)
SIDE_COSTS = ("社会成本指标", "生态环境成本指标")


def present_dimensions(ctx: Context) -> set[str]:
    """Which dimensions the rows cover: level-1 names, plus 数量/质量/时效 of valid 产出 rows."""
    have: set[str] = set()
    for row in ctx.filled:
        if row.satisfaction:  # wherever the table put it, it measures satisfaction, not output or effect
            have.add(SATISFACTION)
            continue
        if row.level1 == COST:
            if cost_statement(row):
                have.add(COST)
        elif row.level1:
            have.add(row.level1)
        if row.output_kind:
            have.add(row.output_kind)
        if row.levels_valid and row.level2 in SIDE_COSTS:
            have.add("side_cost")
    return have


def check_dimensions(ctx: Context) -> None:
    if ctx.doc.project.kind == "department":
        check_department(ctx)
        return
    have = present_dimensions(ctx)
    wanted = {"DIM_MISSING_QUANTITY": QUANTITY, "DIM_MISSING_QUALITY": QUALITY, "DIM_MISSING_TIMELINESS": TIMELINESS,
              "DIM_MISSING_COST": COST, "DIM_MISSING_BENEFIT": BENEFIT, "DIM_MISSING_SATISFACTION": SATISFACTION}
    for code, what, example in DIMENSIONS:
        if wanted[code] not in have:
            if code in ("DIM_MISSING_QUANTITY", "DIM_MISSING_QUALITY", "DIM_MISSING_TIMELINESS") and OUTPUT not in have:
                message = f"缺少{what}（整张表没有产出指标）"
            else:
                message = f"缺少{what}"
            if code == "DIM_MISSING_COST":
                others = [r.label for r in ctx.rows if r.level1 == COST]
                if others:
                    message += f"（{'、'.join(others[:3])}不是成本指标：成本指标写总成本、单位成本或分项成本）"
            ctx.add(code, message, suggestion=f"补充{what.removeprefix('产出指标中的')}，{example}")
    if COST in have and "side_cost" not in have and WORKS.search(ctx.project_text):
        ctx.add("DIM_MISSING_SIDE_COST", "工程建设类项目没有社会成本或生态环境成本指标",
                suggestion="补充施工对群众和环境的影响，如 施工扰民投诉件数（≤ 件）、施工扬尘超标次数、临时占地复垦率")
