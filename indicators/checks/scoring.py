"""Score and grade of a goal document, in the spirit of 财预〔2020〕10号.

Weights follow the self-evaluation convention: 产出 50 (数量 20, 质量 15, 时效 15), 效益 30,
满意度 10; the 10 points 10号 gives to 预算执行率 go to what a goal can show of it: a cost
indicator and money that matches the targets. A missing satisfaction dimension moves its weight
to 产出 and 效益 (as 10号 does) with a small deduction. Within a dimension, each row counts
fully when it has no problem, half with a warning, not at all with an error; a present
dimension keeps 40% of its weight for being there. Goal-text and document-wide problems are
deducted afterwards, and a document with any error-level finding is not submittable and graded
中 at best (CONTRACT.md, "Finding").
A department's overall goal (kind "department") is scored on its own framework instead: 运行成本 20,
管理效率 30, 履职效能 40, 满意度 10. 10号 sets no department weights; these keep the project
convention's shape (what the money delivers weighs most, satisfaction 10) with 管理效率 standing
for the 预算执行 and money-management points. Every step is written to the rationale.
"""

from __future__ import annotations

from indicators.checks.context import BENEFIT, COST, QUALITY, QUANTITY, SATISFACTION, TIMELINESS, Context
from indicators.checks.department import MANAGEMENT, PERFORMANCE, RUNNING_COST, dept_dimension
from indicators.checks.department import SATISFACTION as DEPT_SATISFACTION
from indicators.findings import REGISTRY
from indicators.goals import Grade, grade_for
from indicators.values import fmt

PARTS = ((QUANTITY, "产出·数量", 20.0), (QUALITY, "产出·质量", 15.0), (TIMELINESS, "产出·时效", 15.0),
         (BENEFIT, "效益", 30.0), (SATISFACTION, "满意度", 10.0))
DEPARTMENT_PARTS = ((RUNNING_COST, "运行成本", 20.0), (MANAGEMENT, "管理效率", 30.0), (PERFORMANCE, "履职效能", 40.0),
                    (DEPT_SATISFACTION, "满意度", 10.0))
# codes deducted after the dimension scores, from the registry: (points per finding, most points in all)
DEDUCTIONS = {code: entry.deduction for code, entry in REGISTRY.items() if entry.deduction}


def _row_credit(ctx: Context, index: int) -> float:
    severities = {f.severity for f in ctx.row_findings(index)}
    return 0.0 if "error" in severities else 0.5 if "warning" in severities else 1.0


def _dimension_of(ctx: Context, index: int) -> str | None:
    row = ctx.rows[index]
    if row.output_kind:
        return row.output_kind
    return row.level1 if row.level1 in (BENEFIT, SATISFACTION, COST) else None


def score(ctx: Context) -> tuple[int, Grade, list[str]]:
    rationale: list[str] = []
    members: dict[str, list[int]] = {}
    department = ctx.doc.project.kind == "department"
    parts, satisfaction = (DEPARTMENT_PARTS, DEPT_SATISFACTION) if department else (PARTS, SATISFACTION)
    for row in ctx.filled:
        dim = dept_dimension(row) if department else _dimension_of(ctx, row.index)
        if dim:
            members.setdefault(dim, []).append(row.index)
    weights = {key: w for key, _, w in parts}
    if satisfaction not in members:
        moved = weights.pop(satisfaction)
        share = sum(weights.values())
        weights = {k: w + moved * w / share for k, w in weights.items()}
        rationale.append(f"满意度指标缺失，按财预〔2020〕10号将其 {fmt(moved)} 分按比例并入"
                         + ("其他维度" if department else "产出和效益"))
    if department:
        rationale.insert(0, "部门整体绩效目标：按运行成本 20、管理效率 30、履职效能 40、满意度 10 分计")
    total = 0.0
    for key, label, _ in parts:
        if key not in weights:
            continue
        w = weights[key]
        rows = members.get(key, [])
        if not rows:
            rationale.append(f"{label}（{w:.4g} 分）：没有指标，得 0 分")
            continue
        quality = sum(_row_credit(ctx, i) for i in rows) / len(rows)
        got = w * (0.4 + 0.6 * quality)
        total += got
        rationale.append(f"{label}（{w:.4g} 分）：{len(rows)} 个指标，{quality:.0%} 无问题，得 {got:.1f} 分")
    if not department:
        total += _money(ctx, members, rationale)
    for code, (each, most) in DEDUCTIONS.items():
        n = sum(f.code == code for f in ctx.findings)
        if n:
            cut = min(most, each * n)
            total -= cut
            rationale.append(f"扣 {fmt(cut)} 分：{REGISTRY[code].label}" + (f"（{n} 处）" if n > 1 else ""))
    final = max(0, min(100, round(total)))
    grade = grade_for(final)
    rationale.append(f"合计 {final} 分（优 ≥ 90，良 ≥ 80，中 ≥ 60，差 < 60）")
    if ctx.errors and grade in ("优", "良"):
        grade = "中"
        rationale.append(f"有 {ctx.errors} 个错误级问题，需修改后提交，等级最高为『中』")
    rationale.append(f"等级『{grade}』")
    return final, grade, rationale


def _money(ctx: Context, members: dict[str, list[int]], rationale: list[str]) -> float:
    """10 points: a cost indicator (5, scaled by its rows' quality) and money consistent with targets (5)."""
    cost_rows = members.get(COST, [])
    got = 0.0
    if cost_rows:
        got += 5 * (0.4 + 0.6 * sum(_row_credit(ctx, i) for i in cost_rows) / len(cost_rows))
    problems = [f for f in ctx.findings if f.severity != "info" and f.code in (
        "BUDGET_MISSING", "BUDGET_COST_EXCEEDS", "BUDGET_SCALE_MISMATCH", "BUDGET_UNIT_COST_ATYPICAL")]
    cuts = {"BUDGET_MISSING": 5, "BUDGET_COST_EXCEEDS": 5, "BUDGET_SCALE_MISMATCH": 3, "BUDGET_UNIT_COST_ATYPICAL": 1}
    if problems:
        fit = max(0.0, 5.0 - sum(cuts[f.code] for f in problems))
        what = "；".join(dict.fromkeys(REGISTRY[f.code].label for f in problems))
    elif ctx.verified:
        fit, what = 5.0, "；".join(ctx.verified)
    else:
        fit, what = 3.0, "未能核对数量 × 单位成本与预算（缺少单位成本或与之对应的数量指标）"
    rationale.append(f"成本与预算匹配（10 分）：{'有' if cost_rows else '无'}成本指标，{what}，得 {got + fit:.1f} 分")
    return got + fit
