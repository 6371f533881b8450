"""The knowledge base schema: taxonomy, indicators and library versions.

One model family per entity: `…Base` holds the shared fields, the table model adds
keys, `…Public` is what the API returns.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, LargeBinary
from sqlmodel import Field, SQLModel

# The largest record id or version number both databases hold in an INTEGER column (PostgreSQL's is 32-bit;
# SQLite's driver refuses anything past 2**63): a larger number names no record.
MAX_ID = 2**31 - 1


def _now() -> datetime:
    return datetime.now(UTC)


class Category(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(index=True, max_length=64)
    common: bool = False


class Subcategory(SQLModel, table=True):
    """A 款 of the 支出功能分类 (or a group of a common category). A code no longer in use keeps its
    row, with `superseded_by` naming the code that now holds most of what it held."""

    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(index=True, max_length=64)
    category_code: str = Field(foreign_key="category.code", index=True, max_length=16)
    superseded_by: str | None = Field(default=None, max_length=16)


class DirectionBase(SQLModel):
    code: str = Field(primary_key=True, max_length=24)
    name: str = Field(index=True, max_length=64)
    summary: str = ""
    keywords: list[str] = Field(default_factory=list, sa_type=JSON)
    # 支出功能分类 款 (5 digits) or 项 (7 digits) codes its projects are budgeted under
    function_codes: list[str] = Field(default_factory=list, sa_type=JSON)
    subcategory_code: str = Field(foreign_key="subcategory.code", index=True, max_length=16)
    category_code: str = Field(foreign_key="category.code", index=True, max_length=16)


class Direction(DirectionBase, table=True):
    pass


class IndicatorBase(SQLModel):
    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(index=True, max_length=128)
    level1: str = Field(index=True, max_length=16)
    level2: str = Field(index=True, max_length=16)
    explanation: str = ""
    formula: str = ""
    unit: str = Field(default="", max_length=32)
    operator: str = Field(default="≥", max_length=8)
    typical: str = ""
    basis: str = ""
    source: str = ""
    aliases: list[str] = Field(default_factory=list, sa_type=JSON)
    common: bool = False
    cost_low: float | None = None
    cost_high: float | None = None
    status: str = Field(default="active", index=True, max_length=16)
    superseded_by: str | None = Field(default=None, max_length=32)
    source_doc: str = Field(default="", max_length=200, description="文号 of the document a national figure comes from")
    effective_from: str = Field(default="", max_length=10, description="when that figure takes effect (YYYY-MM-DD)")
    direction_code: str = Field(foreign_key="direction.code", index=True, max_length=24)


class Indicator(IndicatorBase, table=True):
    version_added: int = 0
    version_changed: int = 0


class IndicatorPublic(IndicatorBase):
    """An indicator with its taxonomy names: what the API returns, and what the library files are read
    into (`indicators.library`, versions 0 until stored)."""

    category: str
    category_code: str
    subcategory: str
    subcategory_code: str
    direction: str
    version_added: int = 0
    version_changed: int = 0


class LibraryVersion(SQLModel, table=True):
    number: int = Field(primary_key=True)
    source: str = Field(max_length=256)
    fingerprint: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=_now)
    indicator_count: int = 0
    added: int = 0
    changed: int = 0
    retired: int = 0
    changes: dict = Field(default_factory=dict, sa_type=JSON)
    imported_by: str = Field(default="", max_length=64, description="who imported it (empty: the built-in library)")


class LibrarySnapshot(SQLModel, table=True):
    """What one library version holds, so that it can be restored: its taxonomy and every indicator
    (retired ones too, with all their text) as zlib-compressed JSON (`kb.store.snapshot_rows`)."""

    number: int = Field(primary_key=True, foreign_key="libraryversion.number")
    content: bytes = Field(sa_type=LargeBinary)


class LibraryUpload(SQLModel, table=True):
    """A library file uploaded for a preview and kept for its confirmation (an hour at most). It lives
    in the database so that the confirmation may reach any server on it, not only the one that
    previewed it."""

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=256, description="the file's own name, for messages and the version")
    replace: bool = False
    uploaded_by: str = Field(max_length=64, description="who uploaded it; only they may confirm it")
    base_version: int | None = Field(default=None, description="the library version the preview compared with")
    created: float = Field(index=True, description="when it was uploaded, seconds since the epoch")
    content: bytes = Field(sa_type=LargeBinary)
