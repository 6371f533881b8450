"""The goal document as the draft page holds it: plain strings in form fields, parsed leniently.

The draft lives in the page, not in a server session: every request carries the whole
document (as form fields, or as the JSON the browser kept), and these helpers turn it into
a `GoalDocument` for checking and export, with Chinese messages for what cannot be read.
"""

from __future__ import annotations

import json
from itertools import zip_longest

from pydantic import ValidationError

from indicators.checks.goal_text import compose_goal
from indicators.framework import DEPARTMENT, PROJECT
from indicators.goals import MAX_INDICATORS, GoalDocument
from kb.errors import InvalidInput
from kb.text import normalize_text

PROJECT_FIELDS = ("name", "department", "direction", "budget", "budget_unit", "year", "description", "kind",
                  "function_code")
ROW_FIELDS = ("level1", "level2", "name", "operator", "value", "unit", "basis", "baseline", "code")
PROJECT_LABELS = {"name": "项目名称", "department": "预算部门", "direction": "支出方向", "budget": "预算金额",
                  "budget_unit": "预算单位", "year": "预算年度", "description": "项目概述",
                  "function_code": "功能分类科目"}
ROW_LABELS = {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "operator": "符号", "value": "指标值",
              "unit": "计量单位", "basis": "取值依据", "baseline": "上年实际值", "code": "指标编码"}
MAX_DOC_CHARS = 500_000
NAME_MISSING = "请填写项目名称（必填），例如：城市道路路灯维护"


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else str(value)
    return str(value).strip()


def _levels(level1: str, level2: str, kind: str = "") -> tuple[str, str]:
    """Canonical level names where they are known, in the project's framework (部门整体 has its own);
    level 1 follows a known level 2."""
    fw = DEPARTMENT if kind == "department" else PROJECT
    plain2 = normalize_text(level2)  # 數量指標 as a Traditional table writes it
    l2 = fw.written_level2(plain2) or level2
    l1 = fw.level1_of.get(l2) or fw.canonical_level1(normalize_text(level1)) or level1
    return l1, l2


def goal_kind(value: object) -> str:
    """"department" for a 部门整体 goal (however it is written), "" for a project."""
    words = {"department", "部门", "部门整体", "单位整体", "整体"}
    return "department" if text(value) in words else ""


def blank_row() -> dict:
    return dict.fromkeys(ROW_FIELDS, "")


def raw_row(values: dict, kind: str = "") -> dict:
    row = {f: text(values.get(f)) for f in ROW_FIELDS}
    row["level1"], row["level2"] = _levels(row["level1"], row["level2"], kind)
    return row


def raw_from_doc(data: object) -> dict:
    """The page's plain form of any goal-document-shaped JSON (missing parts become empty)."""
    if not isinstance(data, dict):
        raise InvalidInput("草稿数据不是一个目标文档（应为含 project、goal、indicators 的对象）")
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    rows = data.get("indicators") if isinstance(data.get("indicators"), list) else []
    kind = goal_kind(project.get("kind"))
    return {"project": {f: text(project.get(f)) for f in PROJECT_FIELDS} | {
                "budget_unit": text(project.get("budget_unit")) or "万元", "kind": kind},
            "goal": text(data.get("goal")), "goal_auto": "",
            "indicators": [raw_row(r, kind) for r in rows[:MAX_INDICATORS] if isinstance(r, dict)]}


def raw_from_json(payload: str) -> dict:
    if len(payload) > MAX_DOC_CHARS:
        raise InvalidInput(f"草稿数据有 {len(payload)} 个字符，超过 {MAX_DOC_CHARS} 的上限；请删减指标后重试")
    try:
        return raw_from_doc(json.loads(payload))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"草稿数据不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）；"
                           "请新建草稿，或导入导出的 JSON 文件") from None


def raw_from_form(form) -> dict:
    """Form fields p_<field>, goal and the repeated row fields, in row order."""
    project = {f: text(form.get(f"p_{f}")) for f in PROJECT_FIELDS}
    project["budget_unit"] = project["budget_unit"] or "万元"
    project["kind"] = goal_kind(project["kind"])
    columns = [form.getlist(f) for f in ROW_FIELDS]
    rows = [raw_row(dict(zip(ROW_FIELDS, values, strict=True)), project["kind"])
            for values in zip_longest(*columns, fillvalue="")][:MAX_INDICATORS]
    return {"project": project, "goal": text(form.get("goal")), "goal_auto": text(form.get("goal_auto")),
            "indicators": rows}


def refresh_goal(raw: dict, *, force: bool = False) -> None:
    """Rebuild the goal text from the table while it is still the composed one (or empty, or when asked),
    so a changed table never leaves a stale goal; a goal the user wrote is kept as written."""
    if not force and raw["goal"].strip() and raw["goal"].strip() != raw.get("goal_auto", "").strip():
        return
    doc, _ = to_document(raw)
    if doc is None:
        return
    raw["goal"] = raw["goal_auto"] = compose_goal(doc.project, doc.indicators)


def has_rows_or_project(form) -> bool:
    return bool(form.get("p_name") or form.getlist("name") or form.get("goal"))


def _payload(raw: dict) -> dict:
    project = {f: v or None for f, v in raw["project"].items() if f != "kind" or v}
    rows = [{f: (v or None) if f in ("value", "baseline", "basis", "code") else v for f, v in r.items()}
            for r in raw["indicators"]]
    return {"project": project, "goal": raw["goal"], "indicators": rows}


def _problem(err: dict, raw: dict) -> str:
    loc = [p for p in err.get("loc", ()) if p != "body"]
    message = err.get("msg", "").removeprefix("Value error, ")
    missing = err.get("type") == "missing"
    if loc == ["project"] and (missing or err.get("type") == "model_type"):
        return "缺少项目信息 project：应为对象，至少写明项目名称 name"
    if loc[:1] == ["goal"]:
        return "年度绩效目标 goal：" + ("缺少该字段（没有目标时写空文本 \"\"）" if missing else message)
    if loc == ["indicators"]:
        return "指标列表 indicators：" + ("缺少该字段（没有指标时写空列表 []）" if missing else message)
    if loc[:1] == ["project"]:
        field = loc[1] if len(loc) > 1 else ("budget" if "budget" in message else "year" if "year" in message
                                             else "budget_unit" if "unit" in message else None)
        value = raw["project"].get(field or "", "")
        if field == "name":
            return NAME_MISSING
        if field == "budget":
            return f"预算金额“{value}”无法识别：请填写不小于 0 的数字，如 860（单位另选）"
        if field == "year":
            return f"预算年度“{value}”无法识别：请填写 1990–2100 之间的年份，如 2025"
        if field == "budget_unit":
            return "预算单位只能是 元、万元 或 亿元"
        label = PROJECT_LABELS.get(field or "", "项目信息")
        return f"{label}：{message}"
    if loc[:1] == ["indicators"] and len(loc) > 1 and isinstance(loc[1], int):
        field = loc[2] if len(loc) > 2 else ""
        return f"第 {loc[1] + 1} 行的{ROW_LABELS.get(field, '指标')}：{message}"
    return message or "内容无法识别"


def describe_errors(exc: ValidationError, raw: dict) -> list[str]:
    """What to fix, in Chinese, for each validation error of a goal document."""
    return list(dict.fromkeys(_problem(e, raw) for e in exc.errors()))


def to_document(raw: dict) -> tuple[GoalDocument | None, list[str]]:
    """The validated document, or None and what to fix (in Chinese)."""
    try:
        return GoalDocument.model_validate(_payload(raw)), []
    except ValidationError as exc:
        problems = describe_errors(exc, raw)
    name = NAME_MISSING if not raw["project"].get("name") else None
    return None, ([name] if name and name not in problems else []) + problems


def library_row(indicator) -> dict:
    """A draft row for a library indicator: its levels, name, operator, unit and basis; the value
    is left for the user (the library's reference value is shown as a hint)."""
    return raw_row({"level1": indicator.level1, "level2": indicator.level2, "name": indicator.name,
                    "operator": indicator.operator, "unit": indicator.unit, "basis": indicator.basis,
                    "code": indicator.code})
