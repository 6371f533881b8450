"""项目支出绩效自评表 as departments fill them, for the self-evaluation import tests: the national form
(attached to 财预〔2020〕10号) with its money block and indicator table, as rows for `tests.xls_workbooks`
(.xlsx, .xls) and `tests.word_documents` (.docx); and a season's list as a budget system exports it."""

from __future__ import annotations

from tests.xls_workbooks import Typed

# (一级, 二级, 三级, 年度指标值, 实际完成值, 分值, 得分, 偏差原因) as a department writes them for the
# approved 城区道路绿化提升工程 (tests.cycle_documents.GREENING): the levels' scores in their names, a
# target written with its unit, a share typed as 96%, a date, a qualitative verdict.
GREENING_ROWS = [
    ("产出指标", "数量指标", "新种植行道树数量", "≥2000株", 1800, 10, 9, "拆迁延后"),
    (None, "质量指标", "苗木成活率", "≥95%", Typed(0.96, "0%"), 10, 10, None),
    (None, "时效指标", "种植完成时间", "2025年10月底前", "2025年10月31日", 10, 10, None),
    (None, "成本指标", "单株种植成本", "≤1500元/株", 1600, 10, 8, None),
    ("效益指标", "生态效益指标", "道路绿化覆盖率", "100%", "99.5", 15, 14, "施工"),
    (None, "社会效益指标", "市容环境改善情况", "达成", "部分达成", 15, 8, "未完工"),
]


def national_form(name: str, department: str, rows: list[tuple], *, spent: object = 360,
                  money_label: str = "项目资金（万元）", year: int = 2025) -> list[tuple]:
    """The national 项目支出绩效自评表 as ten columns of rows: title, project, money block, aims, indicators."""
    out = [
        ("项目支出绩效自评表",) + (None,) * 9,
        (f"（{year}年度）",) + (None,) * 9,
        ("项目名称", name) + (None,) * 8,
        ("主管部门", department, None, None, None, "实施单位", department) + (None,) * 3,
        (money_label, None, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", None, None),
        (None, "年度资金总额", 400, 400, spent, 10, "90%", 9, None, None),
        (None, "其中：当年财政拨款", 400, 400, spent, "—", None, "—", None, None),
        (None, "上年结转资金", None, None, None, "—", None, "—", None, None),
        (None, "其他资金", None, None, None, "—", None, "—", None, None),
        ("年度总体目标", "预期目标", None, None, None, "实际完成情况", None, None, None, None),
        (None, "新种植行道树2000株，苗木成活率不低于95%。", None, None, None, "种植1800株，成活率96%。", None, None,
         None, None),
        ("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
         "偏差原因分析及改进措施", None),
    ]
    out += [(None, *row, None) for row in rows]
    out.append(("总分", None, None, None, None, None, 100, 91, None, None))
    return out


def plain(rows: list[tuple]) -> list[tuple]:
    """The rows with formatted numbers as Word shows them (96%)."""
    return [tuple(f"{v.value:.0%}" if isinstance(v, Typed) else v for v in row) for row in rows]


LIST_HEADER = ("项目名称", "预算部门", "全年执行数（万元）", "一级指标", "二级指标", "三级指标", "年度指标值",
               "实际完成值", "偏差原因")


def season_list(projects: list[tuple[str, str, object, list[tuple]]]) -> list[tuple]:
    """A budget system's list of self-evaluations: a row per indicator, the project's name, unit and money
    spent on its first row only."""
    out = [LIST_HEADER]
    for name, department, spent, rows in projects:
        for n, (level1, level2, indicator, target, actual, _points, _score, reason) in enumerate(rows):
            first = n == 0
            out.append((name if first else None, department if first else None, spent if first else None,
                        level1, level2, indicator, target, actual, reason))
    return out


# (一级, 二级, 三级, 年度指标值, 截至监控月的执行情况, 全年预计完成情况, 偏差原因, 完成目标可能性) for the approved
# 城区道路绿化提升工程 by the end of July.
GREENING_MID_ROWS = [
    ("产出指标", "数量指标", "新种植行道树数量", "≥2000株", 1500, 2000, None, "确定能"),
    (None, "质量指标", "苗木成活率", "≥95%", "96%", "96%", None, "确定能"),
    (None, "成本指标", "单株种植成本", "≤1500元/株", 1400, 1500, None, "确定能"),
]


def monitoring_form(name: str, department: str, rows: list[tuple], *, spent: object = 180,
                    progress: str = "1-7月执行情况", money: str = "1-7月执行数", year: int | None = 2025) -> list[tuple]:
    """A department's 项目支出绩效目标执行监控表: project, money block with what was spent by the month, and the
    indicator table with what was done by then."""
    out = [
        ("项目支出绩效目标执行监控表",) + (None,) * 9,
        (f"（{year}年度）" if year else "（ 年度）",) + (None,) * 9,
        ("项目名称", name) + (None,) * 8,
        ("主管部门", department, None, None, None, "实施单位", department) + (None,) * 3,
        ("项目资金（万元）", None, "年初预算数", money, "全年预计执行数", "执行率", None, None, None, None),
        (None, "年度资金总额", 400, spent, 400, "45%", None, None, None, None),
        (None, "其中：财政拨款", 400, spent, 400, "45%", None, None, None, None),
        ("年度总体目标", "新种植行道树2000株，苗木成活率不低于95%。") + (None,) * 8,
        ("绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", progress, "全年预计完成情况", "偏差原因分析",
         "完成目标可能性", "备注"),
    ]
    out += [(None, *row, None) for row in rows]
    return out
