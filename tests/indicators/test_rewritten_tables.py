"""A table means the same however it is typed: tables shaped like published ones (older layouts,
`>=`, 百分比, 【待填】, slogans for goals) rewritten as departments do (Traditional characters,
full-width digits, the operator folded into the value, numbers for text) keep their findings,
score and grade, with the library and without it."""

from __future__ import annotations

import copy

import pytest
from opencc import OpenCC

from indicators.checker import check_goal
from indicators.goals import GoalDocument
from tests.indicators.test_real_tables import SICHUAN_2020, TEMPLATE_2015

COLUMNS = ("level1", "level2", "name", "operator", "value", "unit")
TABLES = {
    "sichuan-2020": (SICHUAN_2020, "完成路灯维修3200盏，亮灯率不低于98%。"),
    "template-2015": (TEMPLATE_2015, "全年维修路灯3200盏，维修合格率达到95%以上。"),
    "notations": ([("产出指标", "数量指标", "维修路灯数量", ">=", "3200", "盏"),
                   ("产出指标", "质量指标", "维修合格率", "", "95", "百分比"),
                   ("产出指标", "时效指标", "维修及时率", "≥", "0.95", "比例"),
                   ("成本指标", "经济成本指标", "单灯维修成本", "≤", "312", "元/盏"),
                   ("效益指标", "社会效益指标", "亮灯率", "≥", "98", "%"),
                   ("满意度指标", "服务对象满意度指标", "市民满意度", "≥", "90", "%")],
                  "进一步提升城市照明水平，显著改善市民夜间出行条件。"),
    "residue": ([("产出指标", "数量指标", "维修路灯数量", "≥", "【待填】", "盏"),
                 ("产出指标", "质量指标", "维修合格率", "≥", "95", "%"),
                 ("效益指标", "社会效益指标", "亮灯率", "≥", "98", "%")],
                "完成XX盏路灯维修。"),
}
TO_TRADITIONAL = OpenCC("s2t")
FULL_WIDTH = str.maketrans("0123456789%.", "０１２３４５６７８９％．")


def document(rows, goal) -> dict:
    return {"project": {"name": "城区路灯维护", "budget": 100, "department": "市城市管理局"}, "goal": goal,
            "indicators": [dict(zip(COLUMNS, row, strict=True)) for row in rows]}


def each_text(value, change):
    if isinstance(value, dict):
        return {k: each_text(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [each_text(v, change) for v in value]
    return change(value) if isinstance(value, str) else value


def folded(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    for row in raw["indicators"]:
        if row["operator"] and row["value"]:
            row["value"], row["operator"] = row["operator"] + row["value"], ""
    return raw


def as_numbers(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    for row in raw["indicators"]:
        try:
            row["value"] = float(row["value"]) if "." in row["value"] else int(row["value"])
        except ValueError:
            pass
    return raw


REWRITES = {
    "traditional": lambda raw: each_text(raw, TO_TRADITIONAL.convert),
    "full-width": lambda raw: each_text(raw, lambda s: s.translate(FULL_WIDTH)),
    "folded": folded,
    "numbers": as_numbers,
}


def outcome(raw: dict, lookup) -> tuple:
    result = check_goal(GoalDocument.model_validate(raw), lookup)
    return sorted((f.code, -1 if f.indicator is None else f.indicator) for f in result.findings), result.score, result.grade


@pytest.mark.parametrize("rewrite", REWRITES)
@pytest.mark.parametrize("table", TABLES)
def test_a_rewritten_table_keeps_its_findings_score_and_grade(lookup, table, rewrite):
    raw = document(*TABLES[table])
    changed = REWRITES[rewrite](raw)
    assert changed != raw  # the rewrite did change how the table is typed
    for library in (None, lookup):
        assert outcome(changed, library) == outcome(raw, library)
