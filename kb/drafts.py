"""Drafts: goal documents a user is writing, kept on the server so they can be reopened."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel


def _now() -> datetime:
    return datetime.now(UTC)


class Draft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(default="", max_length=300)
    document: dict = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
