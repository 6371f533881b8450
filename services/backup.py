"""Everything a bureau would lose, in one file: `backup` copies the SQLite database while the server
runs (SQLite's online backup: a consistent snapshot even mid-write), `restore` puts one in place on a
data directory that has none. Search indexes are not in it: `kb init` rebuilds them from the library.

PostgreSQL has its own tools for this: pg_dump / pg_restore (see the README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kb.errors import Conflict, InvalidInput
from kb.settings import Settings

SQLITE_FILE = "kb.sqlite3"


def _sqlite_path(settings: Settings, doing: str) -> Path:
    if settings.database_url and not settings.database_url.startswith("sqlite"):
        raise InvalidInput(f"数据库是 PostgreSQL（KB_DATABASE_URL），{doing}请用 pg_dump / pg_restore，"
                           "例如 pg_dump -Fc -f kb.dump 数据库名；恢复：pg_restore -d 数据库名 kb.dump，再运行 kb init")
    return settings.data_dir / SQLITE_FILE


def backup(settings: Settings, target: Path) -> int:
    """Write a consistent copy of the database to `target`; returns its size in bytes."""
    source = _sqlite_path(settings, "备份")
    if not source.exists():
        raise InvalidInput(f"{settings.data_dir} 里没有数据库，没有可备份的内容；请先运行 kb init")
    if target.exists():
        raise Conflict(f"{target} 已存在；请换一个文件名，备份不会覆盖已有文件")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target.stat().st_size


def restore(settings: Settings, source: Path) -> Path:
    """Put a backup in place as the data directory's database; the directory must have none yet."""
    target = _sqlite_path(settings, "恢复")
    if not source.exists():
        raise InvalidInput(f"{source} 不存在；请给出 kb backup 写出的文件")
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as check:
            tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError:
        raise InvalidInput(f"{source} 不是 kb backup 写出的数据库文件") from None
    if not {"indicator", "libraryversion"} <= tables:
        raise InvalidInput(f"{source} 不是本知识库的备份（缺少指标和版本表）")
    if target.exists():
        raise Conflict(f"{target} 已有数据库；恢复只写入新的数据目录（设置 KB_DATA_DIR 指向一个空目录），"
                       "不会覆盖现有数据")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target
