"""Review seasons: a filing of many goal documents, each project's versions, checks and decisions.

Times are stored in UTC and shown in Beijing time. A project keeps every version it was filed
with (stored exactly as sent) and every decision taken on it; its row also carries the
latest check's summary, so a season's list filters and sorts in the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

DECISIONS = ("待审", "退回修改", "通过")


def _now() -> datetime:
    return datetime.now(UTC)


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    status: str = Field(default="running", max_length=16, description="running | done | failed")
    total: int = 0
    done: int = 0
    problems: list[str] = Field(default_factory=list, sa_type=JSON, description="files or items that could not be read")
    created_by: str = Field(default="", max_length=64)
    created_at: datetime = Field(default_factory=_now)
    finished_at: datetime | None = None
    # the background check: which server process claimed it and when it last reported progress
    worker: str | None = Field(default=None, max_length=64)
    heartbeat: datetime | None = None


class ReviewProject(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    seq: int = 0
    source: str = Field(default="", max_length=300)
    name: str = Field(default="", max_length=300)
    department: str = Field(default="", max_length=200, index=True)
    direction: str = Field(default="", max_length=200)
    function_code: str = Field(default="", max_length=7, index=True, description="支出功能分类 code it is filed under")
    budget_yuan: float | None = None
    version: int = 1
    checked: bool = Field(default=False, index=True, description="the current version has been checked")
    score: int | None = None
    grade: str | None = Field(default=None, max_length=4)
    submittable: bool | None = None
    errors: int = 0
    warnings: int = 0
    codes: list[str] = Field(default_factory=list, sa_type=JSON)
    fingerprint: str = Field(default="", max_length=64, index=True)
    duplicate_of: int | None = None
    status: str = Field(default="待审", max_length=8)
    note: str = ""
    decided_by: str = Field(default="", max_length=64)
    decided_at: datetime | None = None


class ProjectVersion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="reviewproject.id", index=True)
    number: int = 1
    document: dict = Field(default_factory=dict, sa_type=JSON)
    result: dict | None = Field(default=None, sa_type=JSON, description="the check: findings, score, grade")
    submitted_by: str = Field(default="", max_length=64)
    submitted_at: datetime = Field(default_factory=_now)


class Decision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="reviewproject.id", index=True)
    version: int = 1
    status: str = Field(max_length=8)
    note: str = ""
    decided_by: str = Field(default="", max_length=64)
    decided_at: datetime = Field(default_factory=_now)
