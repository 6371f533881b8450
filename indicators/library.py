"""The built-in indicator library: reviewable YAML files, one per category.

`load_library()` reads every file under `indicators/library/`, validates it and
returns plain records; problems are collected with the file, the place and the
fix, and raised together so a reviewer sees every one at once.
The file format is documented in `indicators/library/README.md`.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from indicators.framework import DEPARTMENT, LEVELS, PROJECT, Framework, framework_for
from indicators.validation import check_indicator
from kb.errors import InvalidInput
from kb.models import IndicatorPublic

LIBRARY_DIR = Path(__file__).parent / "library"
# The 支出功能分类 款/项 codes directions may cite, with names and sources: a data file beside the
# category files (not a category itself). A library directory without one uses the built-in file.
FUNCTION_CODES_FILE = "function_codes.yaml"
FUNCTION_CODE = re.compile(r"^\d{5}(\d{2})?$")


class LibraryError(InvalidInput):
    """One or more problems in library data; `problems` lists them all (also as `details`)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        more = f"（另有 {len(problems) - 50} 处未列出）" if len(problems) > 50 else ""
        super().__init__(f"指标库数据有 {len(problems)} 处问题，请按下列说明修改{more}", details=problems[:50])

    def __str__(self) -> str:
        return self.message + "\n" + "\n".join(f"  - {p}" for p in self.details)


@dataclass
class DirectionRecord:
    code: str
    name: str
    summary: str
    keywords: tuple[str, ...]
    category: str
    category_code: str
    subcategory: str
    subcategory_code: str
    common: bool = False
    function_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunctionCode:
    """One 款 (5-digit) or 项 (7-digit) code of the 支出功能分类, as the data file records it."""

    code: str
    name: str
    source: str
    edition: str
    used_under: tuple[str, ...] = ()  # library categories outside the code's 类 that file projects under it


@dataclass(frozen=True)
class RetiredSubcategory:
    """A subcategory code the library no longer uses; `superseded_by` is the 款 that holds most of
    what it held. Its code stays readable and filters through it keep working."""

    code: str
    name: str
    category_code: str
    superseded_by: str


@dataclass
class Library:
    indicators: list[IndicatorPublic] = field(default_factory=list)
    directions: list[DirectionRecord] = field(default_factory=list)
    retired_subcategories: list[RetiredSubcategory] = field(default_factory=list)
    fingerprint: str = ""

    @property
    def categories(self) -> list[tuple[str, str]]:
        seen: dict[str, str] = {}
        for d in self.directions:
            seen.setdefault(d.category_code, d.category)
        return list(seen.items())


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _range(value, where: str, problems: list[str]) -> tuple[float | None, float | None]:
    if value is None:
        return None, None
    if isinstance(value, list | tuple) and len(value) == 2:
        try:
            return float(value[0]), float(value[1])
        except (TypeError, ValueError):
            pass
    problems.append(f"{where}：cost_range {value!r} 应写成 [下限, 上限]，如 [800, 1500]")
    return None, None


# what separates aliases in one spreadsheet cell (export joins them with 、)
ALIAS_SEPARATORS = r"[、;；,，/]"
YAML_KEYS = {"id", "name", "l1", "l2", "op", "unit", "def", "formula", "typical", "basis", "source", "aliases",
             "cost_range", "status", "superseded_by", "source_doc", "effective_from"}


def _parse_indicator(raw: dict, d: DirectionRecord, where: str, problems: list[str]) -> IndicatorPublic | None:
    """One indicator of a direction, checked by the rules every indicator follows
    (`indicators.validation`, at the built-in library's bar, on its category's framework) plus the
    YAML format's own."""
    if not isinstance(raw, dict):
        problems.append(f"{where}：指标应写成含 name、l2、unit、op、def 等键的映射")
        return None
    before = len(problems)
    name = _text(raw.get("name"))
    here = f"{where}『{name}』" if name else where
    ident = raw.get("id")
    if not isinstance(ident, int) or ident < 1 or ident > 999:
        problems.append(f"{here}：id {ident!r} 应为 1-999 的整数，在本支出方向内唯一且不重复使用")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str | int) for a in aliases):
        problems.append(f"{here}：aliases 应为词语列表，如 [受助学生数, 补助人数]")
        aliases = []
    if any(re.search(ALIAS_SEPARATORS, str(a)) for a in aliases):
        problems.append(f"{here}：别名不能含 、;；,，/（表格导出再导入时按这些符号拆分别名）；请拆成几个别名")
    low, high = _range(raw.get("cost_range"), here, problems)
    unknown = set(raw) - YAML_KEYS
    if unknown:
        problems.append(f"{here}：不认识的键 {sorted(unknown)}；格式见 indicators/library/README.md")
    fields = check_indicator({"name": name, "level1": _text(raw.get("l1")), "level2": _text(raw.get("l2")),
                              "operator": _text(raw.get("op")), "unit": _text(raw.get("unit")),
                              "explanation": _text(raw.get("def")), "basis": _text(raw.get("basis")),
                              "source": _text(raw.get("source")), "status": _text(raw.get("status")),
                              "cost_low": low, "cost_high": high, "source_doc": _text(raw.get("source_doc")),
                              "effective_from": _text(raw.get("effective_from"))},
                             lambda _field: here, problems, strict=True, framework=framework_for(d.category_code))
    if fields is None or len(problems) > before:
        return None
    return IndicatorPublic(
        code=f"{d.code}-{ident:03d}", name=name, level1=fields["level1"], level2=fields["level2"],
        explanation=fields["explanation"], unit=fields["unit"], operator=fields["operator"], basis=fields["basis"],
        source=_text(raw.get("source")), category=d.category, category_code=d.category_code,
        subcategory=d.subcategory, subcategory_code=d.subcategory_code, direction=d.name, direction_code=d.code,
        formula=_text(raw.get("formula")), typical=_text(raw.get("typical")),
        aliases=[str(a).strip() for a in aliases], common=d.common, cost_low=low, cost_high=high,
        status=fields["status"], superseded_by=_text(raw.get("superseded_by")) or None,
        source_doc=fields["source_doc"], effective_from=fields["effective_from"],
    )


# what every direction covers, by framework: its level-1 dimensions plus these level 2s
COVERAGE: dict[str, tuple[tuple[str, ...], str]] = {
    PROJECT.kind: ((*LEVELS, *LEVELS["产出指标"]), "产出(数量/质量/时效), 成本, 效益 and 满意度"),
    DEPARTMENT.kind: ((*DEPARTMENT.levels, "职责履行", "履职效益"),
                      "运行成本, 管理效率, 履职效能 (职责履行 and 履职效益) and 满意度"),
}


def check_direction_coverage(direction: str, items: list[IndicatorPublic], where: str,
                             framework: Framework = PROJECT) -> list[str]:
    """Every direction covers all level-1 dimensions of its framework: a project direction the three
    产出 kinds too, a 部门整体 direction both what the department delivers and what it achieves."""
    have = {i.level2 for i in items} | {i.level1 for i in items}
    needed, words = COVERAGE[framework.kind]
    return [f"{where} ({direction}): no {m}; every direction covers {words}" for m in needed if m not in have]


def parse_retired_subcategories(path: Path, data: dict, problems: list[str]) -> list[RetiredSubcategory]:
    """The file's `retired_subcategories`: codes it no longer uses, each with the code that supersedes it."""
    out = []
    for raw in data.get("retired_subcategories") or []:
        code, name = _text((raw or {}).get("code")), _text((raw or {}).get("name"))
        successor = _text((raw or {}).get("superseded_by"))
        if not (code and name and successor):
            problems.append(f"{path.name}: retired_subcategories entry {raw!r} needs code:, name: and superseded_by:")
            continue
        out.append(RetiredSubcategory(code, name, _text(data.get("code")), successor))
    return out


def parse_file(path: Path, problems: list[str], retired: list[RetiredSubcategory] | None = None
               ) -> tuple[list[DirectionRecord], list[IndicatorPublic]]:
    """A category file's directions and indicators (its retired subcategory codes go to `retired`)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML: {exc}")
        return [], []
    if not isinstance(data, dict) or not data.get("category") or not data.get("code"):
        problems.append(f"{path.name}: the file must start with category:, code: and subcategories:")
        return [], []
    cat, cat_code, common = _text(data["category"]), _text(data["code"]), bool(data.get("common"))
    if retired is not None:
        retired.extend(parse_retired_subcategories(path, data, problems))
    directions: list[DirectionRecord] = []
    indicators: list[IndicatorPublic] = []
    for si, sub in enumerate(data.get("subcategories") or []):
        swhere = f"{path.name} subcategory #{si + 1}"
        if not isinstance(sub, dict) or not _text(sub.get("name")) or not _text(sub.get("code")):
            problems.append(f"{swhere}: needs name:, code: and directions:")
            continue
        for di, raw_dir in enumerate(sub.get("directions") or []):
            dwhere = f"{swhere} ({sub['name']}) direction #{di + 1}"
            if not isinstance(raw_dir, dict) or not _text(raw_dir.get("name")) or not _text(raw_dir.get("code")):
                problems.append(f"{dwhere}: needs name:, code:, summary: and indicators:")
                continue
            codes = raw_dir.get("function_codes") or []
            if not isinstance(codes, list) or not all(FUNCTION_CODE.match(str(c)) for c in codes):
                problems.append(f"{dwhere} ({raw_dir['name']}): function_codes {codes!r} must be a list of 5-digit 款 "
                                'or 7-digit 项 codes of the 支出功能分类, e.g. ["2050201"]')
                codes = []
            if not codes and not common:
                problems.append(f"{dwhere} ({raw_dir['name']}): no function_codes; give the 支出功能分类 款 or 项 "
                                'codes its projects are budgeted under, e.g. function_codes: ["2050201"]')
            d = DirectionRecord(
                code=_text(raw_dir["code"]), name=_text(raw_dir["name"]), summary=_text(raw_dir.get("summary")),
                keywords=tuple(str(k) for k in raw_dir.get("keywords") or ()), category=cat, category_code=cat_code,
                subcategory=_text(sub["name"]), subcategory_code=_text(sub["code"]), common=common,
                function_codes=tuple(dict.fromkeys(str(c) for c in codes)))
            if not common and codes and not str(codes[0]).startswith(d.subcategory_code):
                problems.append(f"{dwhere} ({d.name}): its first function code {codes[0]} is not under its "
                                f"subcategory {d.subcategory_code}; a direction sits under the 款 of its first "
                                "function code")
            items = []
            for ii, raw in enumerate(raw_dir.get("indicators") or []):
                rec = _parse_indicator(raw, d, f"{dwhere} ({d.name}) indicator #{ii + 1}", problems)
                if rec:
                    items.append(rec)
            for label, values in (("id", [i.code for i in items]), ("name", [i.name for i in items])):
                for value, n in Counter(values).items():
                    if n > 1:
                        problems.append(f"{dwhere} ({d.name}): {label} {value} appears {n} times; each must be unique")
            problems.extend(check_direction_coverage(d.name, items, dwhere, framework_for(cat_code)))
            directions.append(d)
            indicators.extend(items)
    return directions, indicators


def explanation_skeleton(rec: IndicatorPublic) -> str:
    """A def with its own indicator and direction names and numbers taken out: what a copy-paste keeps."""
    text = rec.explanation
    for word in sorted({rec.name, rec.direction, *rec.aliases}, key=len, reverse=True):
        if word:
            text = text.replace(word, "…")
    return re.sub(r"[0-9０-９.]+", "#", text)


def skeleton_repeats(indicators: list[IndicatorPublic], limit: int = 3) -> list[str]:
    """Problems for each explanation skeleton used by more than `limit` indicators."""
    groups: dict[str, list[str]] = {}
    for rec in indicators:
        groups.setdefault(explanation_skeleton(rec), []).append(rec.code)
    return [f"the explanation skeleton {sk[:40]!r}… is reused by {len(codes)} indicators ({', '.join(codes[:5])}…); "
            "write each def for its own indicator"
            for sk, codes in groups.items() if len(codes) > limit]


def name_distinct_ratio(indicators: list[IndicatorPublic]) -> float:
    return len({i.name for i in indicators}) / max(1, len(indicators))


def fingerprint_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for p in paths:
        digest.update(p.name.encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()[:16]


def library_files(directory: Path = LIBRARY_DIR) -> list[Path]:
    """The category files of a library directory (the function-code table is not one)."""
    return sorted(p for p in directory.glob("*.yaml") if p.name != FUNCTION_CODES_FILE)


def function_codes_file(directory: Path = LIBRARY_DIR) -> Path:
    own = directory / FUNCTION_CODES_FILE
    return own if own.exists() else LIBRARY_DIR / FUNCTION_CODES_FILE


def library_fingerprint(directory: Path = LIBRARY_DIR) -> str:
    """What identifies a library version: its category files and the function-code table they cite."""
    return fingerprint_files([*library_files(directory), function_codes_file(directory)])


def load_function_codes(path: Path | None = None) -> dict[str, FunctionCode]:
    """The 款/项 code table: code → FunctionCode. Raises LibraryError when the file is malformed."""
    path = path or function_codes_file()
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    problems: list[str] = []
    sources = (data or {}).get("sources") or {}
    out: dict[str, FunctionCode] = {}
    for code, entry in ((data or {}).get("codes") or {}).items():
        code = str(code)
        entry = entry or {}
        where = f"{path.name} code {code}"
        if not FUNCTION_CODE.match(code):
            problems.append(f"{where}: must be a 5-digit 款 or 7-digit 项 code")
        if not _text(entry.get("name")):
            problems.append(f"{where}: name is empty; give the 科目 name as the classification writes it")
        source = _text(entry.get("source"))
        if source not in sources:
            problems.append(f"{where}: source {source!r} is not one of the sources listed at the top of the file")
        used_under = tuple(str(c) for c in entry.get("used_under") or ())
        if used_under and not _text(entry.get("note")):
            problems.append(f"{where}: used_under needs a note saying why projects of another category file here")
        out[code] = FunctionCode(code=code, name=_text(entry.get("name")), source=source,
                                 edition=_text((sources.get(source) or {}).get("edition")), used_under=used_under)
    if problems:
        raise LibraryError(problems)
    return out


def function_code_problems(directions: list[DirectionRecord], table: dict[str, FunctionCode]) -> list[str]:
    """Every code a direction cites is in the table and belongs to its category's 类, unless the
    table records that this category's projects are filed under another 类 (`used_under`)."""
    problems = []
    for d in directions:
        for code in d.function_codes:
            entry = table.get(code)
            if entry is None:
                problems.append(f"direction {d.code} ({d.name}): function code {code} is not in {FUNCTION_CODES_FILE}; "
                                "add it there with its name and source")
            elif not code.startswith(d.category_code) and d.category_code not in entry.used_under:
                problems.append(f"direction {d.code} ({d.name}): function code {code} ({entry.name}) is outside class "
                                f"{d.category_code}; if the classification files these projects there, list "
                                f"{d.category_code} under used_under for {code} in {FUNCTION_CODES_FILE}")
    return problems


def subcategory_problems(directions: list[DirectionRecord], retired: list[RetiredSubcategory],
                         table: dict[str, FunctionCode]) -> list[str]:
    """Subcategories follow the 支出功能分类: outside the common categories each is a 款 of its own
    category's 类, named as the table names it. A retired code is no longer in use and points at one
    that is."""
    problems, active = [], {}
    for d in directions:
        active.setdefault(d.subcategory_code, d)
    for code, d in active.items():
        if d.common:
            continue
        entry = table.get(code)
        if len(code) != 5 or entry is None or not code.startswith(d.category_code):
            problems.append(f"subcategory {code} ({d.subcategory}) in category {d.category_code}: a subcategory is a "
                            f"款 of its category's 类 listed in {FUNCTION_CODES_FILE} (5 digits starting with "
                            f"{d.category_code})")
        elif entry.name != d.subcategory:
            problems.append(f"subcategory {code} is named {d.subcategory!r}; the 款 is {entry.name!r}: use the "
                            "classification's name")
    for r in retired:
        if r.code in active:
            problems.append(f"retired subcategory {r.code} ({r.name}) is still used by direction {active[r.code].code}")
        if r.superseded_by not in active:
            problems.append(f"retired subcategory {r.code} ({r.name}): superseded_by {r.superseded_by} is not a "
                            "subcategory in use")
    return problems


def successor_problems(indicators: list[IndicatorPublic]) -> list[str]:
    """A retired indicator's `superseded_by` leads, directly or through other retired ones, to an active
    indicator: the code a goal written with the old one can use instead. Only retired indicators have one."""
    by_code = {i.code: i for i in indicators}
    problems = []
    for ind in indicators:
        if not ind.superseded_by:
            continue
        if ind.status != "retired":
            problems.append(f"indicator {ind.code} ({ind.name}) is active but names superseded_by {ind.superseded_by}")
            continue
        seen, current = {ind.code}, by_code.get(ind.superseded_by)
        while current is not None and current.status == "retired" and current.superseded_by \
                and current.code not in seen:
            seen.add(current.code)
            current = by_code.get(current.superseded_by)
        if current is None or current.status == "retired":
            problems.append(f"indicator {ind.code} ({ind.name}): superseded_by {ind.superseded_by} does not lead to an "
                            "active indicator")
    return problems


def load_library(directory: Path = LIBRARY_DIR) -> Library:
    """Read and validate every category file; raise LibraryError listing all problems."""
    paths = library_files(directory)
    problems: list[str] = []
    lib = Library(fingerprint=library_fingerprint(directory))
    for path in paths:
        dirs, inds = parse_file(path, problems, lib.retired_subcategories)
        lib.directions.extend(dirs)
        lib.indicators.extend(inds)
    try:
        table = load_function_codes(function_codes_file(directory))
        problems.extend(function_code_problems(lib.directions, table))
        problems.extend(subcategory_problems(lib.directions, lib.retired_subcategories, table))
    except LibraryError as exc:
        problems.extend(exc.problems)
    problems.extend(successor_problems(lib.indicators))
    for label, values in (("category code", {(d.category_code, d.category) for d in lib.directions}),):
        codes = Counter(code for code, _ in values)
        problems.extend(f"{label} {c} is used by more than one category" for c, n in codes.items() if n > 1)
    for label, values in (("direction code", [d.code for d in lib.directions]),
                          ("indicator code", [i.code for i in lib.indicators])):
        problems.extend(f"{label} {v} appears {n} times across the library"
                        for v, n in Counter(values).items() if n > 1)
    if problems:
        raise LibraryError(problems)
    return lib


def main(argv: list[str] | None = None) -> int:
    """`python -m indicators.library [FILE…]`: validate files and print counts."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or library_files()
    problems: list[str] = []
    total_dirs = total_inds = 0
    all_inds: list[IndicatorPublic] = []
    all_dirs: list[DirectionRecord] = []
    retired: list[RetiredSubcategory] = []
    for path in paths:
        dirs, inds = parse_file(path, problems, retired)
        all_dirs.extend(dirs)
        subs = {d.subcategory_code for d in dirs}
        total_dirs += len(dirs)
        total_inds += len(inds)
        all_inds.extend(inds)
        sys.stdout.write(f"{path.name}: {len(subs)} subcategories, {len(dirs)} directions, {len(inds)} indicators\n")
    problems.extend(skeleton_repeats(all_inds))
    problems.extend(successor_problems(all_inds))
    try:
        table = load_function_codes()
        problems.extend(function_code_problems(all_dirs, table))
        problems.extend(subcategory_problems(all_dirs, retired, table))
    except LibraryError as exc:
        problems.extend(exc.problems)
    sys.stdout.write(f"distinct names: {name_distinct_ratio(all_inds):.1%} (at least 75% across the library)\n")
    sys.stdout.write(f"total: {total_dirs} directions, {total_inds} indicators, {len(problems)} problem(s)\n")
    for p in problems:
        sys.stdout.write(f"  - {p}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
