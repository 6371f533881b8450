"""Goal documents shaped like published tables, for the draft tests: the notations a draft must keep
exactly through save → reopen → export → import (【待填】 left from the template, `>=` and `<=`
typed as two characters, rates in 百分比, scores in the level names, a qualitative row, the budget
written with its unit)."""

import copy

from tests.cycle_documents import greening, meals

# The 2015 template half filled in: the count still 【待填】 in the goal and the table.
STREETLIGHTS = {
    "project": {"name": "城区路灯维护", "department": "市城市管理局", "direction": "城市道路照明",
                "budget": "336万元", "year": "2026年", "description": "对城区12000盏路灯进行日常维护和故障抢修"},
    "goal": "完成【待填】盏路灯维修，路灯亮灯率不低于98%。",
    "indicators": [
        {"level1": "产出指标(50分)", "level2": "数量指标", "name": "维修路灯数量", "operator": "≥", "value": "【待填】",
         "unit": "盏", "basis": "计划标准"},
        {"level1": "产出指标(50分)", "level2": "质量指标", "name": "路灯亮灯率", "operator": ">=", "value": "98",
         "unit": "百分比", "basis": "行业标准", "baseline": "97"},
        {"level1": "产出指标(50分)", "level2": "时效指标", "name": "维修完成时间", "operator": "", "value": "2026年10月底前",
         "unit": ""},
        {"level1": "产出指标(50分)", "level2": "成本指标", "name": "单灯维修成本", "operator": "<=", "value": "312",
         "unit": "元/盏"},
        {"level1": "效益指标(30分)", "level2": "社会效益指标", "name": "夜间出行安全改善情况", "operator": "定性",
         "value": "优/良/中/差", "unit": ""},
        {"level1": "效益指标(30分)", "level2": "社会公众或服务对象满意度指标", "name": "市民满意度", "operator": "",
         "value": "≥90%", "unit": ""},
        {"level1": "满意度指标", "level2": "满意度指标", "name": "沿线商户满意度", "operator": "≥", "value": "",
         "unit": "%"},
    ],
}


def streetlights() -> dict:
    return copy.deepcopy(STREETLIGHTS)


def real_tables() -> list[dict]:
    """Three documents in three published layouts."""
    return [streetlights(), greening(), meals()]


def comparable(doc) -> dict:
    """What a filled template carries of a GoalDocument (it has no column for the library code or the
    kind of goal), each value as the text a person reads (an empty value and no value are one)."""
    data = doc.model_dump(mode="json", exclude={"project": {"kind"}, "indicators": {"__all__": {"code"}}})
    for row in data["indicators"]:
        for key in ("value", "baseline"):
            row[key] = None if row[key] in (None, "") else str(row[key])  # an empty cell is no value
    return data
