"""Data functions over the knowledge base: library versions and their snapshots, listing, lookup, taxonomy.

Each takes an explicit session and keyword-only arguments; the CLI and the web layer
call these and nothing else touches the tables.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from kb.errors import InvalidInput, NotFound
from kb.models import (
    MAX_ID,
    Category,
    Direction,
    Indicator,
    IndicatorBase,
    IndicatorPublic,
    LibrarySnapshot,
    LibraryVersion,
    Subcategory,
)
from kb.text import normalize_text

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
    function_code: str | None = None  # a 类, 款 or 项 code: see function_code_scope

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


@dataclass
class IndicatorChange:
    """One indicator a new version adds, changes or retires; `fields` maps each changed field to (old, new)."""

    code: str
    name: str
    fields: dict[str, tuple] = field(default_factory=dict)


@dataclass
class LibraryDiff:
    """What storing a library would do, worked out without writing anything. Counted over the active
    set: `added` codes become active (new codes, or retired ones back in use; a new code stored as
    retired counts here too), `retired` ones stop being active, `changed` ones keep their status and
    change other fields. `taxonomy` lists the categories, subcategories and directions added or renamed."""

    added: list[IndicatorChange] = field(default_factory=list)
    changed: list[IndicatorChange] = field(default_factory=list)
    retired: list[IndicatorChange] = field(default_factory=list)
    taxonomy: list[tuple[str, str]] = field(default_factory=list)  # (kind, code)
    active_after: int = 0
    new_rows: list[IndicatorBase] = field(default_factory=list, repr=False)
    updates: list[tuple[Indicator, dict]] = field(default_factory=list, repr=False)
    new_taxonomy: list = field(default_factory=list, repr=False)
    taxonomy_updates: list[tuple[object, dict]] = field(default_factory=list, repr=False)

    @property
    def indicators_changed(self) -> bool:
        return bool(self.added or self.changed or self.retired)


TAXONOMY = ((Category, "categories"), (Subcategory, "subcategories"), (Direction, "directions"))


def diff_library(session: Session, rows: LibraryRows, *, replace: bool, everywhere: bool = False) -> LibraryDiff:
    """What storing `rows` would change. With `replace`, active codes the rows lack are retired: those
    of the categories the rows cover, or with `everywhere` all of them (restoring a whole version)."""
    diff = LibraryDiff()
    for model, kind in TAXONOMY:
        existing = {r.code: r for r in session.exec(select(model))}
        for row in getattr(rows, kind):
            old, values = existing.get(row.code), row.model_dump()
            if old is None:
                diff.new_taxonomy.append(model.model_validate(values))
                diff.taxonomy.append((kind, row.code))
                continue
            updates = {k: v for k, v in values.items() if getattr(old, k) != v}
            if updates:
                diff.taxonomy_updates.append((old, updates))
                diff.taxonomy.append((kind, row.code))
    existing = {i.code: i for i in session.exec(select(Indicator))}
    diff.active_after = sum(i.status == "active" for i in existing.values())
    seen = set()
    for row in rows.indicators:
        seen.add(row.code)
        old = existing.get(row.code)
        if old is None:
            diff.new_rows.append(row)
            diff.added.append(IndicatorChange(row.code, row.name))
            diff.active_after += row.status == "active"
            continue
        fields = {f: (getattr(old, f), getattr(row, f)) for f in COMPARED if getattr(old, f) != getattr(row, f)}
        if not fields:
            continue
        was, now = old.status == "active", row.status == "active"
        kind = diff.added if now and not was else diff.retired if was and not now else diff.changed
        kind.append(IndicatorChange(row.code, row.name, fields))
        diff.updates.append((old, {f: new for f, (_, new) in fields.items()}))
        diff.active_after += now - was
    if replace:
        scope = {c.code for c in rows.categories}
        category_of = {d.code: d.category_code for d in session.exec(select(Direction))}
        category_of.update({d.code: d.category_code for d in rows.directions})
        for code, old in existing.items():
            if code in seen or old.status != "active":
                continue
            if everywhere or category_of.get(old.direction_code) in scope:
                diff.retired.append(IndicatorChange(code, old.name, {"status": ("active", "retired")}))
                diff.updates.append((old, {"status": "retired"}))
                diff.active_after -= 1
    return diff


def _write_taxonomy(session: Session, diff: LibraryDiff) -> None:
    for model, _ in TAXONOMY:  # parents first: the foreign keys are checked at each flush
        session.add_all([r for r in diff.new_taxonomy if isinstance(r, model)])
        session.flush()
    for old, updates in diff.taxonomy_updates:
        for name, value in updates.items():
            setattr(old, name, value)
    session.flush()


def write_library(session: Session, diff: LibraryDiff, *, number: int, source: str, fingerprint: str,
                  imported_by: str = "") -> LibraryVersion:
    """Store a diff (from `diff_library` in this session) as version `number`, with its snapshot."""
    _write_taxonomy(session, diff)
    for row in diff.new_rows:
        session.add(Indicator(**row.model_dump(), version_added=number, version_changed=number))
    for old, updates in diff.updates:
        for name, value in updates.items():
            setattr(old, name, value)
        old.version_changed = number
    session.flush()
    count = session.exec(select(func.count()).select_from(Indicator).where(Indicator.status == "active")).one()
    record = LibraryVersion(number=number, source=source, fingerprint=fingerprint, indicator_count=count,
                            added=len(diff.added), changed=len(diff.changed), retired=len(diff.retired),
                            imported_by=imported_by,
                            changes={kind: [c.code for c in getattr(diff, kind)][:500]
                                     for kind in ("added", "changed", "retired")})
    session.add(record)
    session.flush()
    session.add(LibrarySnapshot(number=number, content=encode_snapshot(session)))
    session.flush()
    return record


def apply_library(session: Session, rows: LibraryRows, *, source: str, fingerprint: str, replace: bool,
                  everywhere: bool = False, imported_by: str = "", skip_unchanged: bool = False
                  ) -> LibraryVersion | None:
    """Store a library as a new version: add new codes, update changed ones, and (with `replace`) retire
    the active codes it no longer has (see `diff_library`). Codes are never deleted, so they stay
    stable across versions. Returns None when nothing changed: with `skip_unchanged` (an import) when
    neither indicators nor taxonomy changed; otherwise (the built-in library) when no indicator changed
    and the fingerprint is the current version's (taxonomy fields are still brought up to date)."""
    version = current_version(session)
    diff = diff_library(session, rows, replace=replace, everywhere=everywhere)
    if version is not None and not diff.indicators_changed:
        if skip_unchanged and not diff.taxonomy:
            return None
        if not skip_unchanged and version.fingerprint == fingerprint:
            _write_taxonomy(session, diff)  # e.g. a column a schema upgrade has just added
            return None
    if version is not None:
        ensure_snapshot(session, version.number)  # a version stored before snapshots were kept
    return write_library(session, diff, number=(version.number if version else 0) + 1, source=source,
                         fingerprint=fingerprint, imported_by=imported_by)


# ---- snapshots: what each version holds, so that any version can be restored ----------------------
SNAPSHOT_FORMAT = 1


def encode_snapshot(session: Session) -> bytes:
    """The whole library as it stands in this session: zlib-compressed JSON."""
    content = {"format": SNAPSHOT_FORMAT}
    for model, kind in TAXONOMY:
        content[kind] = [r.model_dump() for r in session.exec(select(model).order_by(model.code))]
    base = set(IndicatorBase.model_fields)
    indicators = session.exec(select(Indicator).order_by(Indicator.code))
    content["indicators"] = [i.model_dump(include=base) for i in indicators]
    return zlib.compress(json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def ensure_snapshot(session: Session, number: int) -> None:
    """Keep the library as it stands as version `number`'s snapshot, if that version has none yet."""
    if number not in snapshot_numbers(session):
        session.add(LibrarySnapshot(number=number, content=encode_snapshot(session)))
        session.flush()


def snapshot_numbers(session: Session) -> set[int]:
    return set(session.exec(select(LibrarySnapshot.number)))


def snapshot_rows(session: Session, *, number: int) -> LibraryRows:
    """Version `number`'s library as rows, ready to store again (a restore)."""
    if not 1 <= number <= MAX_ID or session.get(LibraryVersion, number) is None:
        raise NotFound(f"没有第 {number} 版；版本列表见指标库管理页或 /api/v1/library/versions")
    snapshot = session.get(LibrarySnapshot, number)
    if snapshot is None:
        kept = sorted(snapshot_numbers(session))
        raise NotFound(f"第 {number} 版生成于保存版本内容之前，无法恢复；可恢复的版本："
                       + ("、".join(f"第 {n} 版" for n in kept) or "暂无"))
    content = json.loads(zlib.decompress(snapshot.content))
    return LibraryRows(categories=[Category.model_validate(c) for c in content["categories"]],
                       subcategories=[Subcategory.model_validate(s) for s in content["subcategories"]],
                       directions=[Direction.model_validate(d) for d in content["directions"]],
                       indicators=[IndicatorBase.model_validate(i) for i in content["indicators"]])


def _public_select():
    return (select(Indicator, Direction, Subcategory, Category)
            .join(Direction, Indicator.direction_code == Direction.code)
            .join(Subcategory, Direction.subcategory_code == Subcategory.code)
            .join(Category, Direction.category_code == Category.code))


def _to_public(ind: Indicator, d: Direction, s: Subcategory, c: Category) -> IndicatorPublic:
    return IndicatorPublic(**ind.model_dump(), category=c.name, category_code=c.code, subcategory=s.name,
                           subcategory_code=s.code, direction=d.name)


def valid_function_code(value: str | None, *, name: str = "function_code") -> str | None:
    """A 类 (3 digits), 款 (5) or 项 (7) code (full-width digits and spaces around it too), None when
    empty; anything else is refused."""
    value = normalize_text(value).strip() if value else value
    if value and not (value.isascii() and value.isdigit() and len(value) in (3, 5, 7)):
        raise InvalidInput(f"{name}={value!r} 不是支出功能分类科目编码；请填写类（3 位，如 205）、"
                           "款（5 位，如 20502）或项（7 位，如 2050201）")
    return value or None


def function_code_scope(directions: Iterable[tuple[str, Iterable[str]]], value: str) -> tuple[str, list[str]]:
    """(the code matched, the codes of the directions it matched) for a 支出功能分类 code as the
    budget system files a project: a 类 (3 digits), 款 (5) or 项 (7). First the directions with a
    code under the value (205 and 20502 match 2050201); none: those budgeted by a 款 that holds it
    (电子商务进农村 cites 21602, so 2160299 finds it). A catch-all 项 (…99, 其他…支出) takes both at
    once: a direction citing it is one of many things filed there, not its owner. Still none: the
    项's 款 and then its 类, so a project under a 项 no direction cites (2050299 其他普通教育支出)
    still finds its 款's directions; the code matched then says how far it widened. Nothing at the
    类 either: (value, [])."""
    pairs = [(code, [str(c) for c in codes or ()]) for code, codes in directions]
    under = _directions_where(pairs, lambda c: c.startswith(value))
    holding = _directions_where(pairs, lambda c: value.startswith(c) and c != value)
    if len(value) == 7 and value.endswith("99"):
        under = sorted(set(under) | set(holding))
    if under or holding:
        return value, under or holding
    for scope in [value[:n] for n in (5, 3) if n < len(value)]:
        wider = _directions_where(pairs, lambda c, scope=scope: c.startswith(scope))
        if wider:
            return scope, wider
    return value, []


def _directions_where(pairs: list[tuple[str, list[str]]], test) -> list[str]:
    return sorted(code for code, codes in pairs if any(test(c) for c in codes))


def directions_under(session: Session, function_code: str) -> tuple[str, list[str]]:
    """`function_code_scope` over the library's directions."""
    return function_code_scope(((d.code, d.function_codes) for d in session.exec(select(Direction))), function_code)


def retired_subcategories(session: Session) -> list[Subcategory]:
    """The subcategory codes no longer in use, in code order, each with `superseded_by`."""
    return list(session.exec(select(Subcategory).where(col(Subcategory.superseded_by).is_not(None))
                             .order_by(Subcategory.code)))


def subcategory_successors(session: Session) -> dict[str, str]:
    """Retired subcategory code → the code that superseded it."""
    return {s.code: s.superseded_by for s in retired_subcategories(session)}


def current_subcategory(value: str, successors: dict[str, str]) -> str:
    """A subcategory code (or name) as it stands now: a retired code leads to its successor."""
    seen = {value}
    while value in successors and successors[value] not in seen:
        value = successors[value]
        seen.add(value)
    return value


def _apply_filters(stmt, filters: Filters, session: Session):
    if filters.function_code:
        stmt = stmt.where(col(Indicator.direction_code).in_(directions_under(session, filters.function_code)[1]))
    pairs = (("category", Category), ("subcategory", Subcategory), ("direction", Direction))
    for name, model in pairs:
        value = getattr(filters, name)
        if value and name == "subcategory":
            value = current_subcategory(value, subcategory_successors(session))
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
    retired: dict[str, list[dict]] = {}
    for s in retired_subcategories(session):
        retired.setdefault(s.category_code, []).append({"code": s.code, "name": s.name,
                                                        "superseded_by": s.superseded_by})
    for d, s, c in all_directions(session):
        cat = tree.setdefault(c.code, {"code": c.code, "name": c.name, "common": c.common, "count": 0,
                                       "subcategories": {}, "retired_subcategories": retired.get(c.code, [])})
        sub = cat["subcategories"].setdefault(s.code, {"code": s.code, "name": s.name, "count": 0,
                                                       "directions": []})
        n = counts.get(d.code, 0)
        sub["directions"].append({"code": d.code, "name": d.name, "summary": d.summary,
                                  "function_codes": list(d.function_codes or ()), "count": n})
        sub["count"] += n
        cat["count"] += n
    # in code order, as the classification lists its 类 and 款 (directions keep theirs within each)
    return [{**c, "subcategories": [c["subcategories"][code] for code in sorted(c["subcategories"])]}
            for _, c in sorted(tree.items())]


def taxonomy_counts(tree: list[dict]) -> dict[str, int]:
    """How many categories, subcategories, directions and active indicators a taxonomy tree holds."""
    return {"categories": len(tree), "subcategories": sum(len(c["subcategories"]) for c in tree),
            "directions": sum(len(s["directions"]) for c in tree for s in c["subcategories"]),
            "indicators": sum(c["count"] for c in tree)}
