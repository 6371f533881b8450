"""A budget system's list of a season's goals, as tests read it from a spreadsheet or CSV."""

# A budget system's list of a season's indicators: one row per indicator, the project's fields beside it, the
# project's name on its first row only (the cells below merged), amounts in 万元 by the header.
SEASON_LIST = [
    ("项目名称", "预算部门", "项目金额（万元）", "年度绩效目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "计量单位"),
    ("城区路灯维护", "市城管局", 100, "维修路灯3200盏，亮灯率不低于98%。", "产出指标", "数量指标", "维修路灯数量", "≥", 3200, "盏"),
    (None, None, None, None, "效益指标", "社会效益指标", "亮灯率", "≥", 98, "%"),
    ("公厕保洁", "市城管局", "很多", "保洁公厕120座。", "产出指标", "数量指标", "保洁公厕数量", "≥", 120, "座"),
    ("学生资助", "县教育局", 80, "资助学生500人。", "产出指标", "数量指标", "资助学生人数", "≥", 500, "人"),
    ("学生资助", "县教育局", 80, "资助学生500人。", "满意度指标", "服务对象满意度指标", "受助学生满意度", "≥", 90, "%"),
]
