"""A bureau's own library as a spreadsheet: import (validated whole, all-or-nothing) and export.

The columns are the ones a 财政局 keeps its library in; codes are optional on import: a row
without one keeps the code of the same indicator (same direction and name) if the library
has it, or gets the next free code in its direction, so codes stay stable across imports.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from indicators.library import ALIAS_SEPARATORS
from indicators.validation import check_indicator
from kb import store
from kb.db import create_schema, get_engine, session_scope
from kb.errors import InvalidInput
from kb.models import Category, Direction, Indicator, IndicatorBase, Subcategory
from kb.settings import Settings
from kb.tables import read_table, write_table
from kb.text import normalize_text

COLUMNS: list[tuple[str, str]] = [
    ("code", "指标编码"), ("category", "大类"), ("category_code", "大类编码"), ("subcategory", "子类"),
    ("subcategory_code", "子类编码"), ("direction", "支出方向"), ("direction_code", "支出方向编码"),
    ("level1", "一级指标"), ("level2", "二级指标"), ("name", "三级指标"), ("explanation", "指标解释"),
    ("formula", "计算公式"), ("unit", "计量单位"), ("operator", "指标方向"), ("typical", "参考值"),
    ("basis", "取值依据"), ("source", "数据来源"), ("aliases", "别名"), ("common", "共性指标"),
    ("cost_low", "单位成本下限"), ("cost_high", "单位成本上限"), ("status", "状态"), ("superseded_by", "替代指标"),
    ("source_doc", "依据文号"), ("effective_from", "施行日期"),
]
REQUIRED = ("category", "subcategory", "direction", "level2", "name", "explanation")
HEADER_OF = dict(COLUMNS)
FIELD_OF = {header: f for f, header in COLUMNS} | {f: f for f, _ in COLUMNS} | {"三级指标名称": "name",
                                                                                "指标名称": "name"}
TRUE_WORDS = {"是", "true", "1", "y", "yes", "共性"}
CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,31}$")


@dataclass
class _Row:
    number: int
    values: dict[str, str]


def _parse_rows(path: Path) -> list[_Row]:
    header, body = read_table(path)
    fields = [FIELD_OF.get(normalize_text(h)) for h in header]
    missing = [HEADER_OF[f] for f in REQUIRED if f not in fields]
    if missing:
        columns = "、".join(h for _, h in COLUMNS)
        raise InvalidInput(f"{path.name}：表头缺少列 {'、'.join(missing)}；完整的列为 {columns}"
                           "（可先导出现有指标库作为模板）")
    rows = []
    for number, cells in body:
        values = {f: _as_written(f, cells[i]) if i < len(cells) else "" for i, f in enumerate(fields) if f}
        rows.append(_Row(number, values))
    return rows


# Codes, numbers and choices from a fixed list are read in their normalised form; every other
# column is text, stored exactly as written (export → import changes nothing).
NORMALISED = frozenset({"code", "category_code", "subcategory_code", "direction_code", "level1", "level2",
                        "operator", "basis", "common", "cost_low", "cost_high", "status", "superseded_by"})


def _as_written(field: str, cell: str) -> str:
    return normalize_text(cell) if field in NORMALISED else cell.strip()


def _number(value: str, where: str, problems: list[str]) -> float | None:
    if not value:
        return None
    try:
        return float(value.replace(",", ""))
    except ValueError:
        problems.append(f"{where}：『{value}』不是数字，请填写纯数字，如 1200")
        return None


def _validate(row: _Row, problems: list[str]) -> dict | None:
    """A spreadsheet row checked by the rules every indicator follows (`indicators.validation`, at
    a bureau's bar: basis and data source may come later), plus the columns only a sheet has."""
    v, before = row.values, len(problems)

    def where(field: str) -> str:
        return f"第 {row.number} 行「{HEADER_OF[field]}」"

    for field in REQUIRED:
        if not v.get(field):
            problems.append(f"{where(field)}：为空，每个指标都必须填写")
    for field in ("code", "category_code", "subcategory_code", "direction_code"):
        if v.get(field) and not CODE.match(v[field]):
            problems.append(f"{where(field)}：『{v[field]}』不是有效编码，只能用字母、数字和 -")
    low = _number(v.get("cost_low", ""), where("cost_low"), problems)
    high = _number(v.get("cost_high", ""), where("cost_high"), problems)
    fields = check_indicator({**v, "cost_low": low, "cost_high": high}, where, problems, strict=False)
    if fields is None or len(problems) > before:
        return None
    aliases = [a for a in re.split(ALIAS_SEPARATORS, v.get("aliases", "")) if a.strip()]
    return {**v, "level1": fields["level1"], "level2": fields["level2"], "operator": fields["operator"],
            "status": fields["status"], "aliases": aliases, "cost_low": low, "cost_high": high,
            "common": v.get("common", "").lower() in TRUE_WORDS}


class _Codes:
    """Stable codes for rows that bring none: reuse what the library has, else the next free one."""

    def __init__(self, session: Session):
        self.stored = {r.code: r for model in (Category, Subcategory, Direction) for r in session.exec(select(model))}
        self.categories = {c.name: c.code for c in self.stored.values() if isinstance(c, Category)}
        self.subcategories = {(s.category_code, s.name): s.code for s in self.stored.values()
                              if isinstance(s, Subcategory)}
        self.successors = {s.code: s.superseded_by for s in self.stored.values()
                           if isinstance(s, Subcategory) and s.superseded_by}
        self.directions = {(d.subcategory_code, d.name): d.code for d in self.stored.values()
                           if isinstance(d, Direction)}
        pairs = session.exec(select(Indicator.direction_code, Indicator.name, Indicator.code).order_by(Indicator.code))
        self.indicators = {(direction, name): code for direction, name, code in pairs}
        self.used = set(self.stored) | set(self.indicators.values())

    def _next(self, prefix: str, width: int, start: int = 1, sep: str = "") -> str:
        n = start
        while f"{prefix}{sep}{n:0{width}d}" in self.used:
            n += 1
        code = f"{prefix}{sep}{n:0{width}d}"
        self.used.add(code)
        return code

    def category(self, name: str, given: str) -> str:
        code = given or self.categories.get(name) or self._next("8", 2)
        self.categories.setdefault(name, code)
        self.used.add(code)
        return code

    def subcategory(self, cat: str, name: str, given: str) -> str:
        """The code a sheet's subcategory has now: a retired code (an export made before the
        subcategories followed the 款) gives the code that superseded it."""
        given = store.current_subcategory(given, self.successors) if given else given
        code = given or self.subcategories.get((cat, name)) or self._next(cat, 2)
        self.subcategories.setdefault((cat, name), code)
        self.used.add(code)
        return code

    def direction(self, sub: str, name: str, given: str) -> str:
        code = given or self.directions.get((sub, name)) or self._next(sub, 2)
        self.directions.setdefault((sub, name), code)
        self.used.add(code)
        return code

    def indicator(self, direction: str, name: str, given: str) -> str:
        code = given or self.indicators.get((direction, name)) or self._next(direction, 3, sep="-")
        self.indicators.setdefault((direction, name), code)
        self.used.add(code)
        return code


def _taxon(model, stored, **sheet):
    """A category, subcategory or direction as the sheet names it, keeping what the library holds for it
    and a sheet does not carry (a direction's summary, keywords and function codes; whether a category
    is common): a sheet sets those only for a new one."""
    if stored is None:
        return model.model_validate(sheet)
    sheet.pop("common", None)
    return model.model_validate({**stored.model_dump(), **sheet})


def rows_from_file(path: Path, session: Session) -> store.LibraryRows:
    """Validate every row; raise one InvalidInput listing all problems, or return the rows."""
    parsed = _parse_rows(path)
    if not parsed:
        raise InvalidInput(f"{path.name}：只有表头，没有指标行")
    problems: list[str] = []
    valid = [(r, _validate(r, problems)) for r in parsed]
    if problems:
        raise InvalidInput(f"{path.name}：有 {len(problems)} 处问题，未导入任何指标；改正后重新导入",
                           details=problems)
    codes, out = _Codes(session), store.LibraryRows()
    cats, subs, dirs, seen = {}, {}, {}, {}
    for row, v in valid:
        cat = codes.category(v["category"], v.get("category_code", ""))
        sub = codes.subcategory(cat, v["subcategory"], v.get("subcategory_code", ""))
        dcode = codes.direction(sub, v["direction"], v.get("direction_code", ""))
        code = codes.indicator(dcode, v["name"], v.get("code", ""))
        if code in seen:
            problems.append(f"第 {row.number} 行：编码 {code} 已被第 {seen[code]} 行使用，"
                            "每个指标须有自己的编码")
            continue
        seen[code] = row.number
        stored_dir = codes.stored.get(dcode)
        if stored_dir is not None:  # a direction keeps its place in the tree, whatever an older sheet says
            sub, cat = stored_dir.subcategory_code, stored_dir.category_code
        elif sub not in subs:  # a subcategory the library has keeps its name (the 款's): a sheet adds new ones
            stored_sub = codes.stored.get(sub)
            subs[sub] = _taxon(Subcategory, stored_sub, code=sub, category_code=cat,
                               name=stored_sub.name if stored_sub else v["subcategory"])
        if cat not in cats:  # likewise a category the library has (a 类) keeps its name
            stored_cat = codes.stored.get(cat)
            cats[cat] = _taxon(Category, stored_cat, code=cat, common=v["common"],
                               name=stored_cat.name if stored_cat else v["category"])
        if dcode not in dirs:
            dirs[dcode] = _taxon(Direction, stored_dir, code=dcode, name=v["direction"],
                                 subcategory_code=sub, category_code=cat)
        out.indicators.append(IndicatorBase(
            code=code, name=v["name"], level1=v["level1"], level2=v["level2"], explanation=v["explanation"],
            formula=v.get("formula", ""), unit=v.get("unit", ""), operator=v["operator"],
            typical=v.get("typical", ""), basis=v.get("basis", ""), source=v.get("source", ""),
            aliases=v["aliases"], common=v["common"], cost_low=v["cost_low"], cost_high=v["cost_high"],
            status=v["status"], superseded_by=v.get("superseded_by") or None, source_doc=v.get("source_doc", ""),
            effective_from=v.get("effective_from", ""), direction_code=dcode))
    if problems:
        raise InvalidInput(f"{path.name}：有 {len(problems)} 处问题，未导入任何指标", details=problems)
    out.categories, out.subcategories, out.directions = list(cats.values()), list(subs.values()), list(dirs.values())
    return out


def fingerprint_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""


def import_library(settings: Settings, path: Path, *, replace: bool = False,
                   imported_by: str = "") -> store.LibraryVersion | None:
    """Import a spreadsheet as a new library version, in one transaction: all rows or none. None when
    it changes nothing (no version is made; `services.library_versions` also previews and reports)."""
    engine = get_engine(settings)
    create_schema(engine)
    fingerprint = fingerprint_of(path)
    with session_scope(engine) as session:
        rows = rows_from_file(path, session)
        version = store.apply_library(session, rows, source=f"import:{path.name}", fingerprint=fingerprint,
                                      replace=replace, imported_by=imported_by, skip_unchanged=True)
        if version is not None:
            session.expunge(version)
        return version


def export_rows(indicators: list) -> list[list]:
    out = []
    for i in indicators:
        values = i.model_dump()
        values["aliases"] = "、".join(i.aliases)
        values["common"] = "是" if i.common else "否"
        values["status"] = "在用" if i.status == "active" else "停用"
        out.append(["" if values.get(f) is None else values.get(f) for f, _ in COLUMNS])
    return out


def export_library(settings: Settings, path: Path) -> int:
    engine = get_engine(settings)
    create_schema(engine)
    with Session(engine) as session:
        indicators = store.all_indicators(session, include_retired=True)
    write_table(path, [h for _, h in COLUMNS], export_rows(indicators))
    return len(indicators)
