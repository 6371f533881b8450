"""Self-evaluation after the year (绩效自评), scored per 财预〔2020〕10号 as DOMAIN.md sets it out.

Weights: 产出 50 (成本 indicators share it with the 产出 ones), 效益 30, 满意度 10, 预算执行率 10.
A dimension with no indicator passes its weight to the others of 产出/效益/满意度 in proportion;
the indicators of a dimension share its weight equally. An indicator scores its share of the
points as `indicators.actuals.read_actual` reads it (≥ met → full, else actual ÷ target; ≤ met →
full, else target ÷ actual; = within 1% → full, else the smaller ÷ the larger; qualitative 达成
100%, 部分达成 70%, 未达成 30%). 预算执行率 scores min(spent ÷ budget, 1) × 10. Grades 优 ≥ 90,
良 ≥ 80, 中 ≥ 60, else 差. A target missed without a reason is EVAL_REASON_MISSING. Every number
is a default that `EvaluationRules` can change.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from indicators.actuals import Actual, index_actuals, read_actual, shown, target_text
from indicators.checks.context import BENEFIT, COST, OUTPUT, SEVERITY_RANK, Row, prepare
from indicators.findings import finding
from indicators.goals import Finding, GoalDocument, Grade
from indicators.values import fmt

DIMENSIONS = ("output", "benefit", "satisfaction")
DIMENSION_LABELS = {"output": "产出", "benefit": "效益", "satisfaction": "满意度"}
DEFAULT_BANDS: dict[str, float] = {"优": 90.0, "良": 80.0, "中": 60.0}
DEFAULT_SHARES: dict[str, float] = {"达成": 1.0, "部分达成": 0.7, "未达成": 0.3}
BandGrade = Literal["优", "良", "中"]
Verdict = Literal["达成", "部分达成", "未达成"]
MIN_BUDGET = 1e-6   # a budget below this is no budget: a rate against it would be meaningless


class Rules(BaseModel):
    """Base of the configurable rules: an unknown key is refused, naming the ones there are (a typo
    is not ignored)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _known(cls, data: object) -> object:
        if isinstance(data, dict):
            unknown = [str(k) for k in data if k not in cls.model_fields]
            if unknown:
                raise ValueError(f"不认识的规则项 {'、'.join(unknown)}；可用的有 {'、'.join(cls.model_fields)}")
        return data


def merge_bands(value: object) -> object:
    """Grade bands given in part keep the defaults for the rest; they must fall 优 > 良 > 中."""
    return {**DEFAULT_BANDS, **value} if isinstance(value, dict) else value


def check_bands(bands: dict[str, float]) -> dict[str, float]:
    if not bands["优"] >= bands["良"] >= bands["中"]:
        raise ValueError(f"等级分数线应为 优 ≥ 良 ≥ 中，现为 优 {fmt(bands['优'])}、良 {fmt(bands['良'])}、"
                         f"中 {fmt(bands['中'])}")
    return bands


def grade_by_bands(score: float, bands: dict[str, float] | None = None) -> Grade:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差 (or the bands given)."""
    b = bands or DEFAULT_BANDS
    return "优" if score >= b["优"] else "良" if score >= b["良"] else "中" if score >= b["中"] else "差"


class Weights(Rules):
    """Points of each dimension and of 预算执行率; they add up to 100."""

    output: float = Field(default=50, ge=0, le=100, description="产出（含成本）指标的分值")
    benefit: float = Field(default=30, ge=0, le=100, description="效益指标的分值")
    satisfaction: float = Field(default=10, ge=0, le=100, description="满意度指标的分值")
    budget_execution: float = Field(default=10, ge=0, le=100, description="预算执行率的分值")

    @model_validator(mode="after")
    def _total(self) -> Weights:
        total = self.output + self.benefit + self.satisfaction + self.budget_execution
        if abs(total - 100) > 1e-6:
            raise ValueError(f"各项分值之和应为 100，现为 {fmt(round(total, 4))}（产出 {fmt(self.output)}、效益 "
                             f"{fmt(self.benefit)}、满意度 {fmt(self.satisfaction)}、预算执行率 "
                             f"{fmt(self.budget_execution)}）")
        return self


class EvaluationRules(Rules):
    """The scoring rules of self-evaluation; each defaults to 财预〔2020〕10号 as DOMAIN.md reads it."""

    weights: Weights = Field(default_factory=Weights)
    equal_tolerance: float = Field(default=0.01, ge=0, le=0.5,
                                   description="= 类指标在指标值的该比例内视为达成（0.01 即 1%）")
    qualitative: dict[Verdict, float] = Field(default_factory=lambda: dict(DEFAULT_SHARES),
                                              description="定性指标 达成/部分达成/未达成 的得分比例")
    grade_bands: dict[BandGrade, float] = Field(default_factory=lambda: dict(DEFAULT_BANDS),
                                                description="等级分数线：优、良、中（低于中为差）")

    @field_validator("qualitative", mode="before")
    @classmethod
    def _merge_shares(cls, value: object) -> object:
        return {**DEFAULT_SHARES, **value} if isinstance(value, dict) else value

    @field_validator("qualitative")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        for key, share in value.items():
            if not 0 <= share <= 1:
                raise ValueError(f"{key} 的得分比例 {fmt(share)} 应在 0 到 1 之间（如 0.7 即 70%）")
        return value

    _merge_bands = field_validator("grade_bands", mode="before")(merge_bands)
    _check_bands = field_validator("grade_bands")(check_bands)


class EvaluationItem(BaseModel):
    indicator: int = Field(description="指标序号（从 0 开始）")
    name: str = Field(description="三级指标名称")
    dimension: str = Field(description="计分维度：产出（含成本）、效益、满意度")
    points: float = Field(description="得分")
    max: float = Field(description="分值")
    achieved: bool = Field(description="是否达到指标值")
    ratio: float | None = Field(default=None, description="得分比例（0-1）；实际值缺失或无法比较时为 null")


class BudgetExecution(BaseModel):
    rate: float | None = Field(description="预算执行率 %（已支出 ÷ 预算）；没有预算金额时为 null")
    points: float = Field(description="得分：min(执行率, 100%) × 分值")
    max: float = Field(default=10, description="分值")


class EvaluationResult(BaseModel):
    score: float = Field(ge=0, le=100)
    grade: Grade
    items: list[EvaluationItem] = Field(default_factory=list)
    budget_execution: BudgetExecution
    weights: dict[str, float] = Field(default_factory=dict,
                                      description="实际采用的分值（缺少的维度已按比例分给其他维度）")
    findings: list[Finding] = Field(default_factory=list)


def dimension_of(row: Row) -> str | None:
    """output (产出 and 成本), benefit or satisfaction (wherever the table put it); None when unknown."""
    if row.satisfaction:
        return "satisfaction"
    if row.level1 in (OUTPUT, COST):
        return "output"
    return "benefit" if row.level1 == BENEFIT else None


def dimension_weights(present: set[str], weights: Weights) -> dict[str, float]:
    """Each present dimension's weight, the absent ones' weight shared among them in proportion."""
    given = {d: getattr(weights, d) for d in DIMENSIONS}
    kept = {d: w for d, w in given.items() if d in present}
    if not kept:
        return {}
    moved = sum(w for d, w in given.items() if d not in present)
    total = sum(kept.values())
    if total <= 0:   # every present dimension weighs 0: share what there is equally
        return {d: (total + moved) / len(kept) for d in kept}
    return {d: w + moved * w / total for d, w in kept.items()}


def evaluate(doc: GoalDocument, spent: float, actuals: list[Actual],
             rules: EvaluationRules | None = None) -> EvaluationResult:
    """Year-end actuals and the money spent → points per indicator, 预算执行率, score and grade."""
    rules = rules or EvaluationRules()
    ctx = prepare(doc, None)
    by_index = index_actuals(actuals, len(ctx.rows))
    year = doc.project.year or date.today().year
    findings: list[Finding] = []

    def add(code: str, message: str, indicator: int | None = None, suggestion: str | None = None) -> None:
        findings.append(finding(code, message, indicator=indicator, suggestion=suggestion))

    members: dict[str, list[Row]] = {}
    for row in ctx.rows:
        dim = dimension_of(row)
        if dim is None:
            add("EVAL_LEVEL_UNKNOWN", f"{row.label}的一级指标『{row.raw.level1 or '未填写'}』无法识别，未计入评分",
                row.index, "把一级指标改为 产出指标、成本指标、效益指标 或 满意度指标")
        else:
            members.setdefault(dim, []).append(row)
    weights = dimension_weights(set(members), rules.weights)
    if not weights:
        add("EVAL_NO_INDICATORS", "没有可评分的产出、效益或满意度指标，只能按预算执行率计分",
            suggestion="按批复的绩效目标填报指标及其实际完成值")

    items: list[EvaluationItem] = []
    for dim, rows in members.items():
        share = weights[dim] / len(rows)
        for row in rows:
            items.append(_item(row, by_index.get(row.index), dim, share, year, rules, add))
    items.sort(key=lambda i: i.indicator)

    execution = _execution(doc, spent, rules.weights.budget_execution, add)
    total = sum(i.points for i in items) + execution.points
    score = round(min(max(total, 0.0), 100.0), 2)
    for i in items:
        i.points, i.max = round(i.points, 2), round(i.max, 2)
    execution.points = round(execution.points, 2)
    applied = {d: round(weights.get(d, 0.0), 4) for d in DIMENSIONS}
    applied["budget_execution"] = rules.weights.budget_execution
    ordered = sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], -1 if f.indicator is None else f.indicator))
    return EvaluationResult(score=score, grade=grade_by_bands(score, rules.grade_bands), items=items,
                            budget_execution=execution, weights=applied, findings=ordered)


def _item(row: Row, actual: Actual | None, dim: str, share: float, year: int, rules: EvaluationRules,
          add) -> EvaluationItem:
    name = row.raw.name.strip() or f"第{row.index + 1}个指标"
    target = target_text(row)

    def item(points: float, achieved: bool, ratio: float | None) -> EvaluationItem:
        return EvaluationItem(indicator=row.index, name=name, dimension=DIMENSION_LABELS[dim], points=points,
                              max=share, achieved=achieved, ratio=None if ratio is None else round(ratio, 4))

    if actual is None or not actual.text:
        add("EVAL_ACTUAL_MISSING", f"{row.label}没有填写实际完成值，按 0 分计（分值 {fmt(round(share, 2))} 分）",
            row.index, f"在 actuals 中填写序号 {row.index} 的实际完成值")
        return item(0.0, False, None)
    reading = read_actual(row, actual, year, tolerance=rules.equal_tolerance, shares=rules.qualitative)
    if reading.ratio is None:
        add("ACTUAL_UNREADABLE", f"{row.label}的实际值『{actual.text}』无法与指标值 {target} 比较：{reading.problem}；"
            "按 0 分计", row.index, "按指标值的单位和写法重新填报实际值")
        return item(0.0, False, None)
    points = share * reading.ratio
    if not reading.met and not actual.reason:
        how = f"（{reading.verdict}）" if reading.verdict else ""
        add("EVAL_REASON_MISSING",
            f"{row.label}未达到指标值 {target}：实际 {shown(row, actual)}{how}，得 {fmt(round(points, 2))}/"
            f"{fmt(round(share, 2))} 分，没有说明原因",
            row.index, "在 reason 中说明偏差原因（客观条件变化、预算调整、目标设定不当等）和改进措施")
    return item(points, reading.met, reading.ratio)


def _execution(doc: GoalDocument, spent: float, weight: float, add) -> BudgetExecution:
    p = doc.project
    if not p.budget or p.budget < MIN_BUDGET:
        add("BUDGET_MISSING", "没有填写项目预算金额，无法计算预算执行率，该项按 0 分计",
            suggestion=f"在 project.budget 填写预算金额（单位 {p.budget_unit}）")
        return BudgetExecution(rate=None, points=0.0, max=weight)
    rate = spent / p.budget
    if rate > 1 + 1e-9:
        add("SPEND_OVER_BUDGET",
            f"已支出 {fmt(round(spent, 4))}{p.budget_unit}，超过预算 {fmt(p.budget)}{p.budget_unit}"
            f"（执行率 {fmt(round(rate * 100, 2))}%）；预算执行率按 100% 计分",
            suggestion="核对支出数据；确属超支的，说明原因")
    return BudgetExecution(rate=round(rate * 100, 2), points=min(rate, 1.0) * weight, max=weight)
