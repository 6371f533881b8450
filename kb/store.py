"""Data functions over the knowledge base: library versions, listing, lookup, taxonomy.

Each takes an explicit session and keyword-only arguments; the CLI and the web layer
call these and nothing else touches the tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from kb.errors import NotFound
from kb.models import (
    Category,
    Direction,
    Indicator,
    IndicatorBase,
    IndicatorPublic,
    LibraryVersion,
    Subcategory,
)

COMPARED = tuple(f for f in IndicatorBase.model_fields if f != "code")


@dataclass
class LibraryRows:
    """A whole library as rows, ready to store: what a data-file load or an import produces."""

    categories: list[Category] = field(default_factory=list)
    subcategories: list[Subcategory] = field(default_factory=list)
    directions: list[Direction] = field(default_factory=list)
    indicators: list[IndicatorBase] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    category: str | None = None
    subcategory: str | None = None
    direction: str | None = None
    level1: str | None = None
    level2: str | None = None
    function_code: str | None = None  # a 类, 款 or 项 code: matches directions with a code under it

    def active(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def current_version(session: Session) -> LibraryVersion | None:
    return session.exec(select(LibraryVersion).order_by(col(LibraryVersion.number).desc())).first()


def last_version_from(session: Session, *, source_prefix: str) -> LibraryVersion | None:
    stmt = (select(LibraryVersion).where(col(LibraryVersion.source).startswith(source_prefix))
            .order_by(col(LibraryVersion.number).desc()))
    return session.exec(stmt).first()


def list_versions(session: Session) -> list[LibraryVersion]:
    return list(session.exec(select(LibraryVersion).order_by(col(LibraryVersion.number).desc())))


def _upsert(session: Session, model, rows: list, key: str = "code", keep_if_empty: tuple[str, ...] = ()) -> None:
    existing = {getattr(r, key): r for r in session.exec(select(model))}
    for row in rows:
        old = existing.get(getattr(row, key))
        if old is None:
            session.add(model.model_validate(row.model_dump()))
        else:
            for name, value in row.model_dump().items():
                if name in keep_if_empty and not value:
                    continue
                if getattr(old, name) != value:
                    setattr(old, name, value)


def apply_library(session: Session, rows: LibraryRows, *, source: str, fingerprint: str,
                  replace: bool) -> LibraryVersion | None:
    """Store a library as a new version: add new codes, update changed ones, and (with
    `replace`) retire codes of the categories it covers that it no longer has. Codes are never deleted, so
    they stay stable across versions. Returns None when nothing changed."""
    version = current_version(session)
    number = (version.number if version else 0) + 1
    _upsert(session, Category, rows.categories)
    _upsert(session, Subcategory, rows.subcategories)
    # a spreadsheet import does not carry function codes: it keeps those the directions have
    _upsert(session, Direction, rows.directions, keep_if_empty=("function_codes",))
    session.flush()
    existing = {i.code: i for i in session.exec(select(Indicator))}
    added, changed, retired = [], [], []
    seen = set()
    for row in rows.indicators:
        seen.add(row.code)
        old = existing.get(row.code)
        if old is None:
            session.add(Indicator(**row.model_dump(), version_added=number, version_changed=number))
            added.append(row.code)
            continue
        diffs = {f: getattr(row, f) for f in COMPARED if getattr(old, f) != getattr(row, f)}
        if diffs:
            for name, value in diffs.items():
                setattr(old, name, value)
            old.version_changed = number
            changed.append(row.code)
    if replace:
        scope = {c.code for c in rows.categories}
        category_of = {d.code: d.category_code for d in session.exec(select(Direction))}
        for code, old in existing.items():
            if code not in seen and old.status == "active" and category_of.get(old.direction_code) in scope:
                old.status = "retired"
                old.version_changed = number
                retired.append(code)
    if version and not (added or changed or retired) and version.fingerprint == fingerprint:
        return None
    session.flush()
    count = session.exec(select(func.count()).select_from(Indicator).where(Indicator.status == "active")).one()
    record = LibraryVersion(number=number, source=source, fingerprint=fingerprint, indicator_count=count,
                            added=len(added), changed=len(changed), retired=len(retired),
                            changes={"added": added[:500], "changed": changed[:500], "retired": retired[:500]})
    session.add(record)
    session.flush()
    return record


def _public_select():
    return (select(Indicator, Direction, Subcategory, Category)
            .join(Direction, Indicator.direction_code == Direction.code)
            .join(Subcategory, Direction.subcategory_code == Subcategory.code)
            .join(Category, Direction.category_code == Category.code))


def _to_public(ind: Indicator, d: Direction, s: Subcategory, c: Category) -> IndicatorPublic:
    return IndicatorPublic(**ind.model_dump(), category=c.name, category_code=c.code, subcategory=s.name,
                           subcategory_code=s.code, direction=d.name)


def directions_under(session: Session, function_code: str) -> list[str]:
    """Codes of the directions with a function code under `function_code` (a 类, 款 or 项 code)."""
    return sorted(d.code for d in session.exec(select(Direction))
                  if any(str(c).startswith(function_code) for c in d.function_codes or ()))


def _apply_filters(stmt, filters: Filters, session: Session):
    if filters.function_code:
        stmt = stmt.where(col(Indicator.direction_code).in_(directions_under(session, filters.function_code)))
    pairs = (("category", Category), ("subcategory", Subcategory), ("direction", Direction))
    for name, model in pairs:
        value = getattr(filters, name)
        if value:
            stmt = stmt.where((model.code == value) | (model.name == value))
    if filters.level1:
        stmt = stmt.where(Indicator.level1 == filters.level1)
    if filters.level2:
        stmt = stmt.where(Indicator.level2 == filters.level2)
    return stmt


def query_indicators(session: Session, *, filters: Filters = Filters(), offset: int = 0, limit: int = 100,
                     include_retired: bool = False) -> tuple[int, list[IndicatorPublic]]:
    """A page of indicators in code order (stable, so a client can page through the library)."""
    stmt = _apply_filters(_public_select(), filters, session)
    if not include_retired:
        stmt = stmt.where(Indicator.status == "active")
    total = session.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = session.exec(stmt.order_by(Indicator.code).offset(offset).limit(limit)).all()
    return total, [_to_public(*r) for r in rows]


def get_indicator(session: Session, *, code: str) -> IndicatorPublic:
    row = session.exec(_public_select().where(Indicator.code == code)).first()
    if row is None:
        raise NotFound(f"没有编码为 {code!r} 的指标；可用 /api/v1/search?q=… 按名称检索")
    return _to_public(*row)


def all_indicators(session: Session, *, include_retired: bool = False) -> list[IndicatorPublic]:
    return query_indicators(session, offset=0, limit=10**9, include_retired=include_retired)[1]


def all_directions(session: Session) -> list[tuple[Direction, Subcategory, Category]]:
    stmt = (select(Direction, Subcategory, Category)
            .join(Subcategory, Direction.subcategory_code == Subcategory.code)
            .join(Category, Direction.category_code == Category.code).order_by(Direction.code))
    return list(session.exec(stmt).all())


def indicator_names(session: Session, codes: list[str]) -> dict[str, str]:
    """code → name for the given codes (retired ones too), reading only those two columns."""
    names: dict[str, str] = {}
    unique = list(dict.fromkeys(codes))
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        names.update(session.exec(select(Indicator.code, Indicator.name).where(col(Indicator.code).in_(chunk))).all())
    return names


def taxonomy(session: Session) -> list[dict]:
    """The category → subcategory → direction tree, each node with its active indicator count."""
    counts = dict(session.exec(select(Indicator.direction_code, func.count())
                               .where(Indicator.status == "active").group_by(Indicator.direction_code)).all())
    tree: dict[str, dict] = {}
    for d, s, c in all_directions(session):
        cat = tree.setdefault(c.code, {"code": c.code, "name": c.name, "common": c.common, "count": 0,
                                       "subcategories": {}})
        sub = cat["subcategories"].setdefault(s.code, {"code": s.code, "name": s.name, "count": 0,
                                                       "directions": []})
        n = counts.get(d.code, 0)
        sub["directions"].append({"code": d.code, "name": d.name, "summary": d.summary,
                                  "function_codes": list(d.function_codes or ()), "count": n})
        sub["count"] += n
        cat["count"] += n
    return [{**c, "subcategories": list(c["subcategories"].values())} for c in tree.values()]


def taxonomy_counts(tree: list[dict]) -> dict[str, int]:
    """How many categories, subcategories, directions and active indicators a taxonomy tree holds."""
    return {"categories": len(tree), "subcategories": sum(len(c["subcategories"]) for c in tree),
            "directions": sum(len(s["directions"]) for c in tree for s in c["subcategories"]),
            "indicators": sum(c["count"] for c in tree)}
