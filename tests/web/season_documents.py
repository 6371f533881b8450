"""A review season's documents for the page and browser tests: many projects of several departments
shaped like published tables (tests/cycle_documents.py), a repeated one, a broken one, and a
project with problems whose resubmission fixes some and brings a new one."""

from __future__ import annotations

import copy

from indicators import goal_template
from indicators.goals import GoalDocument
from tests.cycle_documents import greening, meals

DEPARTMENTS = ("市城市管理局", "县教育局", "市农业农村局", "市卫生健康委员会")

# returned for revision in the tests: no goal text, a target in words, no timeliness indicator
NUTRITION = {
    "project": {"name": "学生营养餐（抽查样本）", "department": "县教育局", "direction": "学生营养改善计划",
                "budget": 500, "budget_unit": "万元", "year": 2027},
    "goal": "",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "受益学生人数", "operator": "≥", "value": "明显提高",
         "unit": "人"},
        {"level1": "产出指标", "level2": "质量指标", "name": "食品安全检查合格率", "operator": "=", "value": "100",
         "unit": "%"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "学生营养状况", "operator": "定性",
         "value": "有所改善"},
    ],
}


def nutrition() -> dict:
    return copy.deepcopy(NUTRITION)


def nutrition_revised() -> dict:
    """The resubmission: a goal and a number (GOAL_MISSING and IND_VALUE_VAGUE resolved), but the
    number of students lost its unit (IND_UNIT_MISSING is new)."""
    doc = nutrition()
    doc["goal"] = "为全县4000名农村义务教育学生提供营养膳食补助，食品安全检查合格率100%。"
    doc["indicators"][0].update(value="4000", unit="")
    doc["indicators"].append({"level1": "产出指标", "level2": "时效指标", "name": "补助资金按时发放率",
                              "operator": "=", "value": "100", "unit": "%"})
    return doc


def many(count: int) -> list[dict]:
    """`count` projects of four departments, alternating two table shapes, each with its own name."""
    docs = []
    for n in range(count):
        doc = greening() if n % 2 else meals()
        doc["project"]["name"] = f"{doc['project']['name']}（第{n + 1}号）"
        doc["project"]["department"] = DEPARTMENTS[n % len(DEPARTMENTS)]
        doc["project"]["budget"] = 50 + 10 * n
        if n % 3 == 0:
            doc["goal"] = ""  # some are 差
        docs.append(doc)
    return docs


def workbook(*docs: dict) -> bytes:
    """Filled 申报表 templates, one project a sheet."""
    return goal_template.goal_workbook([GoalDocument.model_validate(d) for d in docs])


BROKEN = {"project": {"name": ""}, "goal": "缺项目名称", "indicators": []}
