"""Small goal tables about street-light upkeep, row by row as published tables lay them out: the shape
the checker's real-table tests share."""

from __future__ import annotations

from indicators.goals import GoalDocument

ROW_FIELDS = ("level1", "level2", "name", "operator", "value", "unit")


def table(rows, *, goal="完成路灯维修3200盏，亮灯率不低于98%。", budget=100, name="城区路灯维护", **project):
    """A goal document from (level1, level2, name, operator, value, unit) rows."""
    return GoalDocument.model_validate({
        "project": {"name": name, "budget": budget, **project}, "goal": goal,
        "indicators": [dict(zip(ROW_FIELDS, r, strict=True)) for r in rows]})


def codes(result, indicator=None) -> set[str]:
    """The finding codes of a check, of one row when `indicator` is given."""
    return {f.code for f in result.findings if indicator is None or f.indicator == indicator}


def messages(result, code) -> list[str]:
    return [f.message for f in result.findings if f.code == code]
