"""After approval: monitoring records (绩效运行监控) and self-evaluations (绩效自评) of a season's projects.

Each entry is kept (a project is monitored several times a year; an evaluation may be corrected);
the latest one of a project is its current state. The actuals are stored as entered, with the
result the rules gave; a few columns repeat the result's summary (status, score, grade) so a
season's list filters and sorts in the database. An evaluation also carries the project's name,
department and budget year and its actuals keyed by indicator name, so next year's check finds
last year's actuals in one query (`last_actuals`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import JSON
from sqlmodel import Field, Session, SQLModel, col, select

from kb.text import match_key


def _now() -> datetime:
    return datetime.now(UTC)


class MonitoringRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="reviewproject.id", index=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    as_of: date
    spent: float = 0.0
    actuals: list[dict] = Field(default_factory=list, sa_type=JSON, description="the actuals as entered")
    result: dict = Field(default_factory=dict, sa_type=JSON, description="the monitor result: progress, findings")
    status: str = Field(default="正常", max_length=4, description="正常 | 关注 | 预警")
    spend_progress: float | None = None
    time_progress: float = 0.0
    warnings: int = Field(default=0, description="indicators and spending at 预警")
    entered_by: str = Field(default="", max_length=64)
    entered_at: datetime = Field(default_factory=_now)


class Evaluation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="reviewproject.id", index=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    spent: float = 0.0
    actuals: list[dict] = Field(default_factory=list, sa_type=JSON, description="year-end actuals with reasons")
    result: dict = Field(default_factory=dict, sa_type=JSON, description="points per indicator, score, grade")
    score: float = 0.0
    grade: str = Field(default="差", max_length=4)
    execution_rate: float | None = None
    # what next year's check looks up: the project as filed and its actuals by indicator name
    name: str = Field(default="", max_length=300, index=True)
    department: str = Field(default="", max_length=200)
    year: int | None = Field(default=None, index=True)
    by_name: dict = Field(default_factory=dict, sa_type=JSON, description="match_key(indicator name) → actual")
    evaluated_by: str = Field(default="", max_length=64)
    evaluated_at: datetime = Field(default_factory=_now)


def last_actuals(session: Session, *, name: str, department: str, year: int | None) -> dict[str, object]:
    """The latest evaluated actuals, by `match_key` of the indicator name, of the same project (same
    name and department) in a budget year before `year`; {} when it was never evaluated, or when the
    document states no budget year (then no evaluation is known to come before it)."""
    if year is None:
        return {}
    query = select(Evaluation.by_name).where(col(Evaluation.name) == name, col(Evaluation.department) == department,
                                             col(Evaluation.year) < year)
    query = query.order_by(col(Evaluation.year).desc(), col(Evaluation.id).desc()).limit(1)
    found = session.exec(query).first()
    return dict(found or {})


def project_baselines(session: Session, *, name: str, department: str, year: int | None,
                      indicators: list[str]) -> dict[int, object]:
    """Last year's evaluated actual of each of a project's indicators (given by name) that was evaluated
    under the same name, by position; {} when the project has no earlier evaluation."""
    by_name = last_actuals(session, name=name, department=department, year=year)
    if not by_name:
        return {}
    keys = [match_key(n) for n in indicators]
    return {n: by_name[key] for n, key in enumerate(keys) if key in by_name}


def actuals_by_name(names: list[str], actuals: list[dict]) -> dict[str, object]:
    """Numeric-looking actuals keyed by the `match_key` of their indicator's name (a name given twice
    keeps its first actual); empty values are left out."""
    out: dict[str, object] = {}
    for actual in actuals:
        n, value = actual.get("indicator"), actual.get("value")
        if not isinstance(n, int) or not 0 <= n < len(names) or value in (None, ""):
            continue
        out.setdefault(match_key(names[n]), value)
    out.pop("", None)
    return out
