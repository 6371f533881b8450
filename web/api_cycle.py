"""Monitoring, self-evaluation and results over JSON (/api/v1/goals/monitor, /goals/evaluate,
/results/apply). Stateless: each request carries the document, the actuals and the money spent.
Plain `def` endpoints, so the scoring runs in the thread pool."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from indicators.actuals import Actual
from indicators.evaluation import EvaluationResult, EvaluationRules, evaluate
from indicators.goals import MAX_INDICATORS, GoalDocument
from indicators.monitoring import MonitorResult, MonitorRules, monitor
from indicators.results import ProjectResult, ProjectScore, ResultRules, ResultsSummary, apply_results, summarize
from indicators.values import parse_number
from kb.text import normalize_text

router = APIRouter(prefix="/api/v1", tags=["monitoring and evaluation"])
MAX_PROJECTS = 50_000
_DATE = re.compile(r"^\s*((?:19|20|21)\d{2})\s*(?:年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})\s*日?\s*$")


def _as_of(value: object) -> object:
    """A date as 2025-08-07, 2025/8/7, 2025.8.7 or 2025年8月7日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        m = _DATE.match(normalize_text(value))
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise ValueError(f"as_of {value!r} 不是存在的日期；请写成 2025-08-07") from None
    raise ValueError(f"as_of {value!r} 应为日期，写成 2025-08-07（或 2025年8月7日）")


def _amount(value: object) -> object:
    """Money spent: a number, or its text (1,680 / 168.5)."""
    if isinstance(value, bool):
        raise ValueError("spent 应为数字（已支出金额，与预算同一单位），不是 true/false")
    if isinstance(value, str):
        number = parse_number(normalize_text(value).replace(" ", ""))
        if number is None:
            raise ValueError(f"spent {value!r} 不是数字；请写已支出金额，与预算同一单位（如 168）")
        return number
    return value


AsOf = Annotated[date, BeforeValidator(_as_of)]
Spent = Annotated[float, BeforeValidator(_amount), Field(ge=0, le=1e15, allow_inf_nan=False,
                                                         description="已支出金额，与 project.budget 同一单位")]


class MonitorRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    document: GoalDocument
    as_of: AsOf = Field(description="监控截止日期")
    spent: Spent
    actuals: list[Actual] = Field(default_factory=list, max_length=MAX_INDICATORS, description="截至 as_of 的实际值")
    rules: MonitorRules | None = Field(default=None, description="预警和关注的百分点；不填用默认 20 / 10")


class EvaluateRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    document: GoalDocument
    spent: Spent
    actuals: list[Actual] = Field(default_factory=list, max_length=MAX_INDICATORS,
                                  description="年度实际完成值，未完成的写 reason")
    rules: EvaluationRules | None = Field(default=None, description="分值和评分规则；不填按财预〔2020〕10号")


class ResultsRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    projects: list[ProjectScore] = Field(max_length=MAX_PROJECTS, description="项目名称、预算和评价得分")
    rules: ResultRules | None = Field(default=None, description="定等级和调整预算的规则；不填按分数线和深圳做法")


class ResultsResponse(BaseModel):
    projects: list[ProjectResult]
    summary: ResultsSummary


@router.post("/goals/monitor", response_model=MonitorResult)
def goals_monitor(body: MonitorRequest) -> MonitorResult:
    """绩效运行监控: time progress, spending progress and each reported indicator's progress on
    `as_of`, with 正常 / 关注 / 预警 and findings that say the gap and what to do."""
    return monitor(body.document, body.as_of, body.spent, body.actuals, body.rules)


@router.post("/goals/evaluate", response_model=EvaluationResult)
def goals_evaluate(body: EvaluateRequest) -> EvaluationResult:
    """绩效自评 per 财预〔2020〕10号: points per indicator, 预算执行率, score and grade."""
    return evaluate(body.document, body.spent, body.actuals, body.rules)


@router.post("/results/apply", response_model=ResultsResponse)
def results_apply(body: ResultsRequest) -> ResultsResponse:
    """结果应用: a grade per project (score bands or rank with quotas) and next year's suggested
    budget, in the order given, with a summary by grade."""
    results = apply_results(body.projects, body.rules)
    return ResultsResponse(projects=results, summary=summarize(results))
