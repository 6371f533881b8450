"""What a resubmission changed against the previous version: indicators added, removed and
changed, findings resolved and new, the score and the grade. Pure functions over stored JSON."""

from __future__ import annotations

from pydantic import ValidationError

from indicators.goals import GoalDocument
from indicators.values import fmt

INDICATOR_FIELDS = ("level1", "level2", "operator", "value", "unit", "basis", "baseline")
PROJECT_FIELDS = ("name", "department", "direction", "budget", "budget_unit", "year", "kind", "function_code")

# a field of a goal document, in the words of the 申报表 (for a filing's problems)
LABELS = {"project": "项目信息", "name": "名称", "department": "预算部门", "direction": "支出方向",
          "budget": "预算金额", "budget_unit": "金额单位", "year": "预算年度", "description": "项目概述",
          "kind": "目标类型", "function_code": "功能分类科目", "goal": "年度绩效目标", "indicators": "绩效指标",
          "level1": "一级指标",
          "level2": "二级指标", "operator": "符号", "value": "指标值", "unit": "计量单位", "basis": "取值依据",
          "baseline": "上年实际值", "code": "指标编码"}
PROBLEMS = {"missing": "必填", "string_type": "应为文字", "float_parsing": "应为数字", "float_type": "应为数字",
            "int_parsing": "应为整数", "list_type": "应为列表", "dict_type": "应为对象", "model_type": "应为对象",
            "string_too_short": "不能为空", "greater_than_equal": "不能为负数",
            "too_long": "最多 {max_length} 项", "string_too_long": "最多 {max_length} 个字",
            "less_than_equal": "不能大于 {le}", "literal_error": "应为 {expected} 之一"}


def _where(loc: tuple) -> str:
    parts = []
    for n, part in enumerate(loc):
        if isinstance(part, int) and n and loc[n - 1] == "indicators":
            parts.append(f"第 {part + 1} 个指标")
        elif part == "project" and len(loc) > n + 1:
            continue
        elif part == "name" and "project" in loc:
            parts.append("项目名称")
        elif part == "name":
            parts.append("三级指标名称")
        else:
            parts.append(LABELS.get(str(part), str(part)))
    return "的".join(parts) or "文档"


def describe_invalid(exc: ValidationError, most: int = 3) -> str:
    """Why a document is not a goal document, in Chinese: the field and what it should be."""
    said = []
    for err in exc.errors()[:most]:
        template = PROBLEMS.get(err.get("type", ""))
        try:
            problem = template.format(**(err.get("ctx") or {})) if template else None
        except (KeyError, IndexError, ValueError):
            problem = None
        said.append(f"{_where(tuple(err.get('loc', ())))}{problem or '：' + str(err.get('msg', '无效'))}"
                    .replace("Value error, ", ""))
    more = len(exc.errors()) - most
    return "；".join(said) + (f"；另有 {more} 处" if more > 0 else "")


def _shown(value: object) -> object:
    if isinstance(value, float | int) and not isinstance(value, bool):
        return fmt(value)
    return value


def _indicators(doc: GoalDocument | None) -> dict[str, list[dict]]:
    """Each indicator name's rows in order, field → shown value."""
    found: dict[str, list[dict]] = {}
    for ind in doc.indicators if doc else []:
        found.setdefault(ind.name, []).append({f: _shown(getattr(ind, f)) for f in INDICATOR_FIELDS})
    return found


def _finding_keys(result: dict | None) -> dict[tuple[str, str], dict]:
    keys: dict[tuple[str, str], dict] = {}
    for f in (result or {}).get("findings") or []:
        keys.setdefault((f["code"], f.get("indicator_name") or ""), {"code": f["code"], "message": f["message"]})
    return keys


def _validated(document: dict) -> GoalDocument | None:
    try:
        return GoalDocument.model_validate(document)
    except ValidationError:
        return None


def compare(old_document: dict, new_document: dict, old_result: dict | None, new_result: dict | None) -> dict:
    """The new version against the old: {"indicators": {"added", "removed", "changed"}, "findings":
    {"resolved", "new"}, "score": [old, new], "grade": [old, new], "project": {field: [old, new]}}.
    A finding is the same finding when its code and its indicator's name are."""
    old, new = _validated(old_document), _validated(new_document)
    before, after = _indicators(old), _indicators(new)
    added, removed, changed = [], [], []
    for name in dict.fromkeys([*before, *after]):  # a name's rows are paired in order
        rows_before, rows_after = before.get(name, []), after.get(name, [])
        added += [name] * max(0, len(rows_after) - len(rows_before))
        removed += [name] * max(0, len(rows_before) - len(rows_after))
        for a, b in zip(rows_before, rows_after, strict=False):
            if a != b:
                changed.append({"name": name, "fields": {f: [a[f], b[f]] for f in INDICATOR_FIELDS if a[f] != b[f]}})
    project = {}
    if old and new:
        for f in PROJECT_FIELDS:
            a, b = _shown(getattr(old.project, f)), _shown(getattr(new.project, f))
            if a != b:
                project[f] = [a, b]
        if old.goal != new.goal:
            project["goal"] = [old.goal, new.goal]
    found_before, found_after = _finding_keys(old_result), _finding_keys(new_result)
    return {"indicators": {"added": added, "removed": removed, "changed": changed},
            "findings": {"resolved": [v for k, v in found_before.items() if k not in found_after],
                         "new": [v for k, v in found_after.items() if k not in found_before]},
            "score": [(old_result or {}).get("score"), (new_result or {}).get("score")],
            "grade": [(old_result or {}).get("grade"), (new_result or {}).get("grade")],
            "project": project}
