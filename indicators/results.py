"""Applying evaluation results (结果应用): a grade per project and next year's suggested budget.

Grades come from score bands (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差: the default) or from rank with
quotas (Tibet's 考核: 优 30%, 良 30%, 中 30%, 差 10%). In rank mode projects are ranked by score,
equal scores sharing the better rank (1, 2, 3, 3, 5…); a project of rank r gets the first grade
whose cumulative quota × the number of projects, rounded half up, reaches r, so a tie on a
boundary goes to the better grade for every tied project. Next year's budget follows Shenzhen's
practice by default: 中 loses 10%, 差 gets none, 优 and 良 unchanged.
"""

from __future__ import annotations

import bisect
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from indicators.evaluation import BandGrade, Rules, check_bands, grade_by_bands, merge_bands
from indicators.goals import Grade
from indicators.values import fmt

GRADES: tuple[Grade, ...] = ("优", "良", "中", "差")
DEFAULT_QUOTAS: dict[str, float] = {"优": 0.3, "良": 0.3, "中": 0.3, "差": 0.1}
DEFAULT_ADJUSTMENTS: dict[str, float] = {"优": 0.0, "良": 0.0, "中": -0.1, "差": -1.0}


class ResultRules(Rules):
    """How grades are given and what each grade does to next year's budget."""

    mode: Literal["bands", "rank"] = Field(default="bands",
                                           description="bands：按分数线定等级；rank：按排名和比例定等级")
    grade_bands: dict[BandGrade, float] = Field(default_factory=lambda: {"优": 90.0, "良": 80.0, "中": 60.0},
                                                description="bands 模式的分数线：优、良、中（低于中为差）")
    quotas: dict[Grade, float] = Field(default_factory=lambda: dict(DEFAULT_QUOTAS),
                                       description="rank 模式各等级所占比例，合计为 1；未列出的等级为 0")
    adjustments: dict[Grade, float] = Field(default_factory=lambda: dict(DEFAULT_ADJUSTMENTS),
                                            description="各等级下年度预算的调整比例：-0.1 即压减 10%，-1 即不再安排")

    _merge_bands = field_validator("grade_bands", mode="before")(merge_bands)
    _check_bands = field_validator("grade_bands")(check_bands)

    @field_validator("quotas", mode="before")
    @classmethod
    def _quota_defaults(cls, value: object) -> object:
        return dict.fromkeys(GRADES, 0.0) | value if isinstance(value, dict) else value

    @field_validator("quotas")
    @classmethod
    def _quotas(cls, value: dict[str, float]) -> dict[str, float]:
        for grade, share in value.items():
            if not 0 <= share <= 1:
                raise ValueError(f"{grade} 的比例 {fmt(share)} 应在 0 到 1 之间（如 0.3 即 30%）")
        total = sum(value.values())
        if abs(total - 1) > 1e-6:
            raise ValueError(f"各等级比例之和应为 1，现为 {fmt(round(total, 6))}")
        return value

    @field_validator("adjustments", mode="before")
    @classmethod
    def _adjustment_defaults(cls, value: object) -> object:
        return {**DEFAULT_ADJUSTMENTS, **value} if isinstance(value, dict) else value

    @field_validator("adjustments")
    @classmethod
    def _adjustments(cls, value: dict[str, float]) -> dict[str, float]:
        for grade, change in value.items():
            if not -1 <= change <= 10 or not math.isfinite(change):
                raise ValueError(f"{grade} 的预算调整比例 {fmt(change)} 应在 -1（不再安排）到 10 之间")
        return value


class ProjectScore(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, description="项目名称")
    budget: float | None = Field(default=None, ge=0, le=1e15, allow_inf_nan=False, description="本年度预算金额")
    score: float = Field(ge=0, le=100, allow_inf_nan=False, description="评价得分 0-100")


class ProjectResult(BaseModel):
    name: str
    score: float
    grade: Grade
    suggested_budget: float | None = Field(description="下年度建议预算（与 budget 同一单位）；没有预算金额时为 null")
    budget: float | None = None
    rank: int = Field(description="按得分的名次，同分同名次")


class ResultsSummary(BaseModel):
    grades: dict[str, int]
    budget: float = Field(description="本年度预算合计")
    suggested_budget: float = Field(description="下年度建议预算合计")


def ranks(scores: list[float]) -> list[int]:
    """Competition ranks by score, highest first; equal scores share the better rank (1, 2, 2, 4)."""
    ordered = sorted(scores)
    return [1 + len(ordered) - bisect.bisect_right(ordered, s) for s in scores]


def rank_grade(rank: int, count: int, quotas: dict[str, float]) -> Grade:
    """The grade of a rank: the first whose cumulative quota × count, rounded half up, reaches it."""
    cumulative = 0.0
    for grade in GRADES:
        cumulative += quotas.get(grade, 0.0)
        if rank <= math.floor(cumulative * count + 0.5 + 1e-9):
            return grade
    return GRADES[-1]


def apply_results(projects: list[ProjectScore], rules: ResultRules | None = None) -> list[ProjectResult]:
    """A grade, rank and next year's suggested budget for each project, in the order given."""
    rules = rules or ResultRules()
    scores = [p.score for p in projects]
    places = ranks(scores)
    out = []
    for project, rank in zip(projects, places, strict=True):
        if rules.mode == "rank":
            grade = rank_grade(rank, len(projects), rules.quotas)
        else:
            grade = grade_by_bands(project.score, rules.grade_bands)
        suggested = None
        if project.budget is not None:
            suggested = round(max(project.budget * (1 + rules.adjustments[grade]), 0.0), 4)
        out.append(ProjectResult(name=project.name, score=project.score, grade=grade, suggested_budget=suggested,
                                 budget=project.budget, rank=rank))
    return out


def summarize(results: list[ProjectResult]) -> ResultsSummary:
    """How many projects got each grade, and this year's and next year's budgets in all."""
    return ResultsSummary(grades={g: sum(r.grade == g for r in results) for g in GRADES},
                          budget=round(sum(r.budget or 0.0 for r in results), 4),
                          suggested_budget=round(sum(r.suggested_budget or 0.0 for r in results), 4))
