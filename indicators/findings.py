"""Every finding code the checker, the drafter and the monitoring rules report, in one registry.

A code carries its default severity, the Chinese category a reviewer reads in reports (审核意见书,
问题案例汇编), the points it deducts from the score (per finding, most in all; dimension and row
problems are scored through the rows instead) and a one-line explanation. Adding a code is a
change here; the README's table of codes is checked against this registry by a test.

A few codes are lighter or heavier in some cases (a level the checker could guess is a warning, a
monitoring gap of 10-20 points is 关注, info); the registry lists those severities and says when in
the explanation, and `finding` refuses a severity the registry does not list.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.goals import Finding, Severity


@dataclass(frozen=True)
class FindingCode:
    code: str
    severity: Severity
    category: str                       # 完整性 / 细化量化 / 相关性 / 适当性 / 规范性
    label: str                          # short Chinese label, used in rationale and reports
    doc: str                            # what it means, in Chinese
    deduction: tuple[int, int] | None = None   # (points per finding, most points in all)
    also: tuple[Severity, ...] = ()     # the severities some cases take instead; `doc` says when

    @property
    def severities(self) -> tuple[Severity, ...]:
        return (self.severity, *self.also)


_CODES = (
    # goal text
    FindingCode("GOAL_MISSING", "error", "完整性", "未填写年度绩效目标", "没有年度绩效目标文字", (15, 15)),
    FindingCode("GOAL_NOT_QUANTIFIED", "warning", "细化量化", "年度目标未量化",
                "年度绩效目标没有可衡量的数量目标", (8, 8)),
    FindingCode("GOAL_VAGUE_WORDING", "warning", "细化量化", "年度目标有模糊表述",
                "年度绩效目标用了没有目标值的口号式表述（明显提高、进一步加强、高质量发展…）；"
                "目标中另有数量目标的，为提示",
                (2, 2), also=("info",)),
    FindingCode("GOAL_INDICATOR_INCONSISTENT", "error", "相关性", "年度目标与指标值不一致",
                "年度绩效目标中的数字与衡量同一内容的指标值不一致", (4, 8)),
    FindingCode("GOAL_MULTI_YEAR", "info", "相关性", "年度目标混入多年期表述",
                "年度绩效目标写了多年期或中长期目标", (2, 2)),
    # rows
    FindingCode("IND_NAME_MISSING", "error", "完整性", "指标无名称", "指标行没有三级指标名称"),
    FindingCode("IND_VALUE_MISSING", "error", "完整性", "缺少指标值", "定量指标没有填写指标值"),
    FindingCode("IND_VALUE_VAGUE", "error", "细化量化", "指标值不可衡量",
                "指标值是文字描述（明显提高、较好…），不是可衡量的目标；只以上年或历史为参照、没有数值的，为警告；"
                "写明本项目不适用的，为提示", also=("warning", "info")),
    FindingCode("IND_VALUE_IMPLAUSIBLE", "error", "细化量化", "指标值不可能达到",
                "完成率、覆盖率、合格率、达标率等比率超过 100%"),
    FindingCode("TEMPLATE_PLACEHOLDER", "error", "完整性", "模板占位符未替换",
                "年度目标或指标值中留有模板占位符（【待填】、XX、**、（≥**人））；"
                "指标值已填、只有名称里留着填写提示的，或留下未填的模板行（指标1:）的，为警告",
                also=("warning",)),
    FindingCode("IND_UNIT_MISSING", "warning", "细化量化", "缺少计量单位", "数值型指标值没有计量单位"),
    FindingCode("IND_UNIT_MISMATCH", "error", "细化量化", "计量单位与指标不符",
                "单位与指标含义不符（率用了 人，数量用了 %，金额用了 %）"),
    FindingCode("IND_OPERATOR_MISSING", "warning", "细化量化", "缺少指标值符号",
                "数值型指标值没有 ≥ / ≤ / = 等符号"),
    FindingCode("IND_LEVEL_INVALID", "error", "规范性", "指标层级不规范",
                "一级/二级指标不在指标框架内，或二级指标放错了一级指标；"
                "没填二级指标、或一级指标栏写了别的字而层级能按名称和指标值推断的，为警告",
                also=("warning",)),
    FindingCode("IND_LEVEL_MISPLACED", "warning", "规范性", "指标放错维度",
                "满意度指标放在产出或效益下，不能代替产出和效益"),
    FindingCode("IND_LEVEL_LEGACY", "info", "规范性", "使用旧版模板层级",
                "旧版模板的层级写法（成本指标在产出下、满意度在效益下、项目完成指标…），已按现行框架识别"),
    FindingCode("IND_DUPLICATE", "warning", "规范性", "指标重复", "同一指标出现两次", (2, 4)),
    FindingCode("IND_TARGET_BELOW_BASELINE", "warning", "适当性", "目标值偏保守",
                "目标值不优于上年实际值"),
    FindingCode("IND_TARGET_CEILING", "info", "适当性", "比率指标一律 100%", "全部比率指标的目标值都是 100%"),
    FindingCode("IND_BASIS_MISSING", "info", "规范性", "缺少取值依据", "指标没有填写取值依据", (2, 2)),
    FindingCode("IND_NONSTANDARD", "info", "规范性", "非指标库标准指标",
                ("指标不是指标库中的标准指标；建议改用名称相近的规范指标（本项目方向或项目通用指标中别名相近的也列出；"
                 "名称以项目名称或资金名称开头的，只列计量内容相同的：…工作经费发放及时率 不指向 …参保人数；"
                 "合格率、合规率等以百分比计的 不指向 只计数量的），"
                 "没有相近名称时列出本项目方向的同类指标（同一级、二级；部门整体目标按其运行成本、管理效率、履职效能层级"
                 "列出部门整体指标；部门整体目标的其他行，以单位为背景检索，列出本单位职责相关方向中意思最接近、计量单位"
                 "同类的指标；表中没有写明单位名称时，提示写明单位，不列其他单位的履职指标。没有计量单位的行，按名称结尾"
                 "判断计量的是什么：门诊人次 不指向 门诊次均费用（元/人次））")),
    # dimensions
    FindingCode("DIM_MISSING_QUANTITY", "error", "完整性", "缺少数量指标", "产出指标中没有数量指标"),
    FindingCode("DIM_MISSING_QUALITY", "error", "完整性", "缺少质量指标", "产出指标中没有质量指标"),
    FindingCode("DIM_MISSING_TIMELINESS", "error", "完整性", "缺少时效指标", "产出指标中没有时效指标"),
    FindingCode("DIM_MISSING_COST", "warning", "完整性", "缺少成本指标", "没有成本指标"),
    FindingCode("DIM_MISSING_BENEFIT", "error", "完整性", "缺少效益指标", "没有效益指标"),
    FindingCode("DIM_MISSING_SATISFACTION", "warning", "完整性", "缺少满意度指标",
                "有服务对象的项目没有满意度指标", (3, 3)),
    FindingCode("DIM_MISSING_SIDE_COST", "info", "完整性", "缺少社会或生态成本",
                "工程建设类项目没有社会成本或生态环境成本指标"),
    FindingCode("COST_NOT_AMOUNT", "warning", "细化量化", "成本指标未写金额",
                "成本指标没有金额（成本控制率 100%、控制在预算内），应写总成本、单位成本或分项成本；"
                "分项费用占总额的比例（管理费占比、设计费率）说明了钱的构成，不在此列"),
    FindingCode("DEPT_MISSING_RUNNING_COST", "warning", "完整性", "缺少运行成本指标",
                "部门整体绩效目标没有运行成本指标（人员经费、公用经费、“三公”经费）"),
    FindingCode("DEPT_MISSING_MANAGEMENT", "warning", "完整性", "缺少管理效率指标",
                "部门整体绩效目标没有管理效率指标（预算执行、预决算公开、资产管理、采购合规）"),
    FindingCode("DEPT_MISSING_PERFORMANCE", "error", "完整性", "缺少履职效能指标",
                "部门整体绩效目标没有反映核心职责产出和效果的履职效能指标"),
    # money
    FindingCode("BUDGET_MISSING", "warning", "适当性", "缺少预算金额",
                "没有填写项目预算金额（空着，或仍是【待填】、待定、XX 等模板占位符）"),
    FindingCode("BUDGET_COST_EXCEEDS", "error", "适当性", "成本超过预算", "成本指标的金额超过项目预算"),
    FindingCode("BUDGET_SCALE_MISMATCH", "warning", "适当性", "数量×单位成本与预算不符",
                "数量 × 单位成本与预算相差 25% 以上"),
    FindingCode("BUDGET_UNIT_COST_ATYPICAL", "info", "适当性", "单位成本偏离常见范围",
                "单位成本超出指标库同类指标的常见范围；相差 10 倍以上（多为元、万元写混）的，为警告",
                also=("warning",)),
    # relevance
    FindingCode("DIRECTION_MISMATCH", "warning", "相关性", "指标与支出方向无关",
                "指标与项目的支出方向无关，像是从别的项目抄来的", (4, 8)),
    FindingCode("FUNCTION_CODE_MISMATCH", "warning", "相关性", "支出方向与功能分类科目不符",
                "所填支出方向的项目通常不列在所填的支出功能分类科目下（类不同），科目或方向有一个填错了",
                (2, 2)),
    # drafting
    FindingCode("DRAFT_NO_DIRECTION", "warning", "相关性", "未找到支出方向", "起草时没有找到合适的支出方向"),
    FindingCode("DRAFT_DIRECTION_UNCERTAIN", "warning", "相关性", "支出方向待确认",
                "起草时推断的支出方向（部门整体目标：按单位名称推断的部门整体类型）把握不大"),
    FindingCode("DRAFT_ESTIMATE", "warning", "细化量化", "指标值为参考值",
                "起草时取自指标库常见值或由预算和单位成本推算的数值，不是部门填报的数字，需核定；已填入草稿的参考值为提示，"
                "只给出建议、需部门填写的为警告", also=("info",)),
    # monitoring during the year (关注 is reported as info, 预警 as warning)
    FindingCode("MON_SPEND_LAG", "warning", "运行监控", "支出进度落后",
                "支出进度落后时间进度 20 个百分点以上为预警（警告），10-20 个百分点为关注（提示）", also=("info",)),
    FindingCode("MON_OUTPUT_LAG", "warning", "运行监控", "指标完成进度落后",
                "指标完成进度（实际值 ÷ 指标值）落后时间进度 20 个百分点以上为预警（警告），"
                "10-20 个百分点为关注（提示）",
                also=("info",)),
    FindingCode("MON_LIMIT_EXCEEDED", "warning", "运行监控", "已超过指标上限",
                "≤ 类指标（成本、时长、事故数）的实际值已超过指标值，或已过完成时限仍未完成"),
    FindingCode("MON_DATE_OUTSIDE_YEAR", "info", "运行监控", "监控日期不在预算年度内",
                "监控日期不在项目的预算年度内，时间进度按 0 或 100% 计"),
    FindingCode("SPEND_OVER_BUDGET", "warning", "运行监控", "支出超过预算",
                "已支出金额超过项目预算（监控和自评都报告）"),
    FindingCode("ACTUAL_UNREADABLE", "warning", "运行监控", "实际值无法比较",
                "实际值不是数值、日期或 达成/部分达成/未达成，或单位与指标值不一致，无法与指标值比较"),
    # self-evaluation after the year (财预〔2020〕10号)
    FindingCode("EVAL_REASON_MISSING", "warning", "绩效自评", "未完成目标未说明原因",
                "指标未达到目标值，但没有说明偏差原因"),
    FindingCode("EVAL_ACTUAL_MISSING", "warning", "绩效自评", "缺少实际完成值", "指标没有填写实际完成值，按 0 分计"),
    FindingCode("EVAL_LEVEL_UNKNOWN", "warning", "绩效自评", "指标维度无法识别",
                "指标的一级指标不是产出、成本、效益或满意度，未计入评分"),
    FindingCode("EVAL_NO_INDICATORS", "warning", "绩效自评", "没有可评分的指标",
                "文档没有产出、效益或满意度指标，只能按预算执行率计分"),
)

REGISTRY: dict[str, FindingCode] = {c.code: c for c in _CODES}


def spec(code: str) -> FindingCode:
    """The registry entry for a code; KeyError names the code, so a typo fails loudly in tests."""
    try:
        return REGISTRY[code]
    except KeyError:
        raise KeyError(f"finding code {code!r} is not in indicators.findings.REGISTRY") from None


def finding(code: str, message: str, *, severity: Severity | None = None, indicator: int | None = None,
            suggestion: str | None = None, refs: list[str] | None = None) -> Finding:
    """A finding of a registered code, at the registry's severity unless the case calls for one the
    registry lists for it."""
    entry = spec(code)
    severity = severity or entry.severity
    if severity not in entry.severities:
        raise ValueError(f"finding code {code} is not reported as {severity}; the registry lists {entry.severities}")
    return Finding(code=code, severity=severity, message=message, indicator=indicator, suggestion=suggestion,
                   refs=list(refs or []))
