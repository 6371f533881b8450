"""Monitoring during the year (绩效运行监控, 双监控): spending and outputs against the calendar.

Time progress is the share of the budget year's days gone by on `as_of` (the day itself
counted); spending progress is spent ÷ budget, both in the budget's unit; an indicator with
an actual gets progress = actual ÷ target. Spending or a ≥ target behind time progress by more
than `warn_gap` points is 预警, by `watch_gap` to `warn_gap` points 关注, else 正常. A ≤ target
(cost, days, incidents, a deadline) already passed is 预警 whatever the date. All percentages
are on a 0-100 scale. The defaults are DOMAIN.md's; each can be changed through `MonitorRules`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from indicators.actuals import (
    DEADLINE,
    LIMIT,
    QUALITATIVE,
    Actual,
    index_actuals,
    parse_date,
    read_actual,
    shown,
    target_text,
)
from indicators.checks.context import SEVERITY_RANK, Row, prepare
from indicators.evaluation import Rules
from indicators.findings import finding
from indicators.goals import Finding, GoalDocument
from indicators.values import fmt

Status = Literal["正常", "关注", "预警"]
STATUS_RANK = {"正常": 0, "关注": 1, "预警": 2}
MIN_BUDGET = 1e-6   # a budget below this is no budget: progress against it would be meaningless


class MonitorRules(Rules):
    """How far behind the calendar is 关注 and 预警, in percentage points."""

    warn_gap: float = Field(default=20, ge=0, le=100, description="落后时间进度超过该百分点数为预警")
    watch_gap: float = Field(default=10, ge=0, le=100, description="落后时间进度达到该百分点数为关注")

    @model_validator(mode="after")
    def _ordered(self) -> MonitorRules:
        if self.watch_gap > self.warn_gap:
            raise ValueError(f"watch_gap（关注，{fmt(self.watch_gap)}）不能大于 warn_gap（预警，{fmt(self.warn_gap)}）")
        return self


class IndicatorProgress(BaseModel):
    indicator: int = Field(description="指标序号（从 0 开始）")
    name: str = Field(description="三级指标名称")
    progress: float | None = Field(description="完成进度 %：实际值 ÷ 指标值；定性指标为 null")
    status: Status


class MonitorResult(BaseModel):
    time_progress: float = Field(description="时间进度 %")
    spend_progress: float | None = Field(description="支出进度 %（已支出 ÷ 预算）；没有预算金额时为 null")
    spend_status: Status | None = Field(default=None, description="支出进度的状态")
    status: Status = Field(default="正常", description="项目总体状态：支出与各指标中最严重的一个")
    indicators: list[IndicatorProgress] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)


def pct(x: float) -> str:
    return f"{fmt(round(x, 2))}%"


def time_progress(as_of: date, year: int) -> float:
    """Days of `year` gone by on `as_of` (counted) ÷ days in the year, in % (0 before it, 100 after)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    days = (end - start).days + 1
    elapsed = min(max((as_of - start).days + 1, 0), days)
    return elapsed / days * 100


def lag_status(lag: float, rules: MonitorRules) -> Status:
    """预警 above `warn_gap` points behind, 关注 from `watch_gap` to `warn_gap`, else 正常."""
    lag = round(lag, 6)
    if lag > rules.warn_gap:
        return "预警"
    return "关注" if lag >= rules.watch_gap else "正常"


def report_lag(findings: _Findings, code: str, what: str, elapsed: float, progress: float, rules: MonitorRules, *,
               act: str, catch_up: str, indicator: int | None = None) -> Status:
    """Progress behind the calendar: 预警 (the code's severity, with `act`) or 关注 (info, with
    `catch_up`); returns the status."""
    lag = elapsed - progress
    status = lag_status(lag, rules)
    if status != "正常":
        warn = status == "预警"
        findings.add(code, f"{what}，比时间进度 {pct(elapsed)} 落后 {fmt(round(lag, 2))} 个百分点，"
                           f"{'属预警' if warn else '需关注'}",
                     indicator=indicator, severity=None if warn else "info", suggestion=act if warn else catch_up)
    return status


class _Findings(list):
    def add(self, code: str, message: str, *, severity: str | None = None, indicator: int | None = None,
            suggestion: str | None = None) -> None:
        self.append(finding(code, message, severity=severity, indicator=indicator, suggestion=suggestion))


def monitor(doc: GoalDocument, as_of: date, spent: float, actuals: list[Actual],
            rules: MonitorRules | None = None) -> MonitorResult:
    """Spending and each reported indicator against the calendar on `as_of`, with findings that say
    the gap and what to do. An actual for an indicator the document does not have is refused."""
    rules = rules or MonitorRules()
    ctx = prepare(doc, None)
    by_index = index_actuals(actuals, len(ctx.rows))
    year = doc.project.year or as_of.year
    findings = _Findings()
    elapsed = time_progress(as_of, year)
    if as_of.year != year:
        findings.add("MON_DATE_OUTSIDE_YEAR", f"监控日期 {as_of.isoformat()} 不在预算年度 {year} 年内，"
                     f"时间进度按 {pct(elapsed)} 计",
                     suggestion=f"按 {year} 年内的日期填报监控数据，或核对项目的预算年度")

    spend, spend_status = _spending(doc, as_of, spent, elapsed, rules, findings)
    entries = []
    for row in ctx.rows:
        actual = by_index.get(row.index)
        if actual is not None:
            entries.append(_indicator(row, actual, as_of, year, elapsed, rules, findings))
    statuses = [e.status for e in entries] + ([spend_status] if spend_status else [])
    overall = max(statuses, key=STATUS_RANK.__getitem__, default="正常")
    ordered = sorted(findings, key=lambda f: (SEVERITY_RANK[f.severity], -1 if f.indicator is None else f.indicator))
    return MonitorResult(time_progress=round(elapsed, 2), spend_progress=None if spend is None else round(spend, 2),
                         spend_status=spend_status, status=overall, indicators=entries, findings=ordered)


def _spending(doc: GoalDocument, as_of: date, spent: float, elapsed: float, rules: MonitorRules,
              findings: _Findings) -> tuple[float | None, Status | None]:
    p = doc.project
    if not p.budget or p.budget < MIN_BUDGET:
        findings.add("BUDGET_MISSING", "没有填写项目预算金额，无法计算支出进度",
                     suggestion=f"在 project.budget 填写预算金额（单位 {p.budget_unit}）")
        return None, None
    spend = spent / p.budget * 100
    money = f"已支出 {fmt(round(spent, 4))}{p.budget_unit} / 预算 {fmt(p.budget)}{p.budget_unit}"
    if spend > 100 + 1e-9:
        findings.add("SPEND_OVER_BUDGET", f"支出 {pct(spend)}（{money}）超过预算",
                     suggestion="核对支出数据；确属超支的，说明原因并按程序申请调整预算")
    status = report_lag(findings, "MON_SPEND_LAG", f"截至 {as_of.isoformat()}，支出进度 {pct(spend)}（{money}）",
                        elapsed, spend, rules,
                        act="加快资金支付进度；确因客观原因无法按期支出的，说明原因，必要时申请调整预算或绩效目标",
                        catch_up="加快支付进度，争取在下次监控前赶上时间进度")
    return spend, status


def _indicator(row: Row, actual: Actual, as_of: date, year: int, elapsed: float, rules: MonitorRules,
               findings: _Findings) -> IndicatorProgress:
    name = row.raw.name.strip() or f"第{row.index + 1}个指标"
    reading = read_actual(row, actual, year)
    label, target, value = row.label, target_text(row), shown(row, actual)

    def entry(progress: float | None, status: Status) -> IndicatorProgress:
        return IndicatorProgress(indicator=row.index, name=name, progress=None if progress is None
                                 else round(progress, 2), status=status)

    if reading.problem:
        findings.add("ACTUAL_UNREADABLE",
                     f"{label}的实际值『{actual.text}』无法与指标值 {target} 比较：{reading.problem}",
                     indicator=row.index, suggestion="按指标值的单位和写法重新填报实际值")
        return entry(None, "关注")
    if reading.direction == QUALITATIVE:
        return entry(None, "正常")
    if reading.direction == DEADLINE:
        if reading.met:
            return entry(100.0, "正常")
        deadline = parse_date(row.target.text, year) or date(year, 12, 31)
        if reading.when is not None or as_of > deadline:
            done = (f"实际完成于 {reading.when.isoformat()}" if reading.when
                    else f"截至 {as_of.isoformat()} 实际为『{value}』")
            findings.add("MON_LIMIT_EXCEEDED", f"{label}要求 {target} 完成，{done}，已超过完成时限",
                         indicator=row.index, suggestion="说明延误原因并制定整改措施；确需延期的，申请调整目标")
            return entry(None, "预警")
        return entry(None, "正常")
    if reading.amount is None:   # a word for a number (已完成, 合格, 未超预算, 进行中): no progress to compute
        return entry(None, "正常" if reading.met else "关注")
    target_amount = row.amount or 0.0
    progress = reading.amount / target_amount * 100 if target_amount > 0 else None
    if reading.direction == LIMIT:
        if not reading.met:
            findings.add("MON_LIMIT_EXCEEDED", f"{label}实际 {value} 已超过指标值 {target} 的上限",
                         indicator=row.index,
                         suggestion="说明超出原因并采取纠偏措施（压减支出、调整实施方案）；确需调整的，申请调整目标")
            return entry(progress, "预警")
        return entry(progress, "正常")
    if progress is None:
        return entry(None, "正常")
    status = report_lag(findings, "MON_OUTPUT_LAG", f"{label}完成 {value}，为指标值 {target} 的 {pct(progress)}",
                        elapsed, progress, rules, indicator=row.index,
                        act="加快实施进度；确有困难的，说明原因，必要时申请调整目标",
                        catch_up="加快实施进度，争取在下次监控前赶上时间进度")
    return entry(progress, status)

