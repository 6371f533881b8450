"""Approved goal documents, shaped like published tables, for the monitoring and evaluation tests."""

import copy

# The pre-2021 layout: scores in the level names, 成本指标 as a level 2 under 产出, a value with
# no operator in 百分比, a deadline, a qualitative indicator; no satisfaction indicator.
GREENING = {
    "project": {"name": "城区道路绿化提升工程", "department": "市城市管理局", "budget": 400, "budget_unit": "万元",
                "year": 2025},
    "goal": "2025年10月底前新种植行道树2000株，苗木成活率不低于95%，道路绿化覆盖率达到100%。",
    "indicators": [
        {"level1": "产出指标(50分)", "level2": "数量指标", "name": "新种植行道树数量", "value": "≥2000", "unit": "株"},
        {"level1": "产出指标(50分)", "level2": "质量指标", "name": "苗木成活率", "value": "≥95%", "unit": ""},
        {"level1": "产出指标(50分)", "level2": "时效指标", "name": "种植完成时间", "value": "2025年10月底前",
         "unit": ""},
        {"level1": "产出指标(50分)", "level2": "成本指标", "name": "单株种植成本", "value": "≤1500", "unit": "元/株"},
        {"level1": "效益指标(30分)", "level2": "生态效益指标", "name": "道路绿化覆盖率", "value": "100",
         "unit": "百分比"},
        {"level1": "效益指标(30分)", "level2": "社会效益指标", "name": "市容环境改善情况", "operator": "定性",
         "value": "达成/部分达成/未达成"},
    ],
}

# The 2015 template: satisfaction as a level 2 under 效益; = targets.
MEALS = {
    "project": {"name": "农村义务教育学生营养改善计划", "department": "县教育局", "budget": 480, "budget_unit": "万元",
                "year": 2025},
    "goal": "为全县4000名农村义务教育学生提供营养膳食补助。",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "受益学生人数", "operator": "≥", "value": "4000",
         "unit": "人"},
        {"level1": "产出指标", "level2": "质量指标", "name": "食品安全检查合格率", "operator": "=", "value": "100",
         "unit": "%"},
        {"level1": "成本指标", "level2": "经济成本指标", "name": "生均膳食补助标准", "operator": "=", "value": "5",
         "unit": "元/人·天"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "学生营养不良检出率下降幅度", "operator": "≥",
         "value": "1", "unit": "%"},
        {"level1": "效益指标", "level2": "社会公众或服务对象满意度指标", "name": "受益学生及家长满意度",
         "value": "≥90%", "unit": ""},
    ],
}


def greening() -> dict:
    return copy.deepcopy(GREENING)


def meals() -> dict:
    return copy.deepcopy(MEALS)
