"""Drafts: goal documents a user is writing, kept on the server so they can be reopened.

The document is stored exactly as it was sent (the JSON of a goal document); the row also
carries what the list of a user's drafts shows (department, budget) and a summary of the
last check (score, grade), written when the draft is saved. Times are stored in UTC.
Only the owner reads or changes a draft: for anyone else it does not exist (NotFound).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, func
from sqlalchemy.orm import defer
from sqlmodel import Field, Session, SQLModel, col, select

from kb.errors import InvalidInput, NotFound

MAX_DRAFTS = 1000  # per user: far more than anyone writes, a bound on what one account can store


def _now() -> datetime:
    return datetime.now(UTC)


class Draft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(default="", max_length=300)
    document: dict = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
    # what the list shows, from the document as saved
    department: str = Field(default="", max_length=200)
    budget: float | None = None
    budget_unit: str = Field(default="万元", max_length=8)
    # the last check: written on every save
    score: int | None = None
    grade: str | None = Field(default=None, max_length=4)
    submittable: bool | None = None
    errors: int = 0
    warnings: int = 0
    checked_at: datetime | None = None


def count_drafts(session: Session, *, owner_id: int) -> int:
    return session.exec(select(func.count()).select_from(Draft).where(col(Draft.owner_id) == owner_id)).one()


def ensure_room(session: Session, *, owner_id: int, adding: int = 1) -> None:
    """Refuse a save that would take a user past MAX_DRAFTS, saying how many they have."""
    have = count_drafts(session, owner_id=owner_id)
    if have + adding > MAX_DRAFTS:
        raise InvalidInput(f"已有 {have} 份草稿，再保存 {adding} 份将超过每人 {MAX_DRAFTS} 份的上限；"
                           "请先在“我的草稿”中删除不再需要的草稿")


def add_draft(session: Session, *, owner_id: int, name: str, document: dict, summary: dict) -> Draft:
    """A new draft; `summary` holds the listed and checked columns (department, budget, score…)."""
    draft = Draft(owner_id=owner_id, name=name, document=document, **summary)
    session.add(draft)
    session.flush()
    return draft


def change_draft(session: Session, *, draft: Draft, name: str, document: dict, summary: dict) -> Draft:
    draft.name, draft.document, draft.updated_at = name, document, _now()
    for key, value in summary.items():
        setattr(draft, key, value)
    session.add(draft)
    session.flush()
    return draft


def list_drafts(session: Session, *, owner_id: int) -> list[Draft]:
    """A user's drafts, the most recently saved first; their documents are not loaded (a list shows
    the summary columns; reading `document` on one of them loads it)."""
    query = (select(Draft).where(col(Draft.owner_id) == owner_id).options(defer(Draft.document))
             .order_by(col(Draft.updated_at).desc(), col(Draft.id).desc()))
    return list(session.exec(query))


def get_draft(session: Session, *, draft_id: int, owner_id: int) -> Draft:
    """The owner's draft; NotFound for a draft that does not exist or is someone else's (ids do not leak)."""
    draft = session.get(Draft, draft_id)
    if draft is None or draft.owner_id != owner_id:
        raise NotFound(f"没有编号为 {draft_id} 的草稿（或它不属于当前用户）；请在“我的草稿”中查看已保存的草稿")
    return draft


def delete_draft(session: Session, *, draft: Draft) -> None:
    session.delete(draft)
    session.flush()
