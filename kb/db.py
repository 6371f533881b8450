"""Database engine and sessions: SQLite in the data directory, or any URL from settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

from kb import accounts, cycle, drafts, models, reviews, vector_store  # noqa: F401  (registers the tables)
from kb.settings import Settings

_engines: dict[str, Engine] = {}


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def get_engine(settings: Settings) -> Engine:
    url = settings.db_url
    if url not in _engines:
        if url.startswith("sqlite"):
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        _engines[url] = engine
    return _engines[url]


# Columns added to existing tables after their first release: (table, column). `create_all`
# creates missing tables but never alters existing ones, so a database made by an earlier
# version gets these added (nullable, with the model's empty default) when it is opened.
ADDED_COLUMNS = (("direction", "function_codes", "[]"), ("indicator", "source_doc", ""),
                 ("indicator", "effective_from", ""), ("libraryversion", "imported_by", ""))


def _add_missing_columns(engine: Engine) -> list[str]:
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    added = []
    for table, column, empty in ADDED_COLUMNS:
        if table not in tables or column in {c["name"] for c in inspector.get_columns(table)}:
            continue
        col = SQLModel.metadata.tables[table].columns[column]
        ddl = col.type.compile(dialect=engine.dialect)
        with engine.begin() as conn:
            conn.execute(text(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {ddl}'))
            conn.execute(text(f'UPDATE "{table}" SET "{column}" = :empty'), {"empty": empty})
        added.append(f"{table}.{column}")
    return added


def create_schema(engine: Engine) -> list[str]:
    """Create missing tables and add missing columns; returns the columns added ("table.column")."""
    SQLModel.metadata.create_all(engine)
    return _add_missing_columns(engine)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
