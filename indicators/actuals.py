"""Actual values against targets: what monitoring and self-evaluation both read.

An actual arrives as the user typed it (1500, "96%", "0.95", "2026年9月20日", "部分达成"); it is
read in the unit of its indicator's row (`indicators.checks.context.prepare_row`), so "6万" people
compare with a target of 60,000 人 and "96%" with "100" + "百分比". A target's direction is its
operator; a numeric target written without one is read as a limit (≤) when the checker would read
it so (cost, time, incidents), otherwise as a floor (≥). A deadline is a limit on a date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from indicators.checks.context import COST, Row
from indicators.checks.rows import lower_is_better
from indicators.goals import OptionalText, TargetValue
from indicators.values import Target, base_amount, fmt, parse_target, same_base
from kb.errors import InvalidInput
from kb.text import normalize_text

FLOOR, LIMIT, EQUAL, RANGE, DEADLINE, QUALITATIVE = "≥", "≤", "=", "range", "deadline", "定性"
VERDICTS = ("达成", "部分达成", "未达成")
_VERDICT_WORDS: dict[str, str] = {
    **dict.fromkeys(("达成", "已达成", "全部达成", "完成", "已完成", "全部完成", "按时完成", "按期完成", "如期完成",
                     "是", "达标", "已达标", "合格", "通过", "已通过", "通过验收", "符合", "符合要求", "实现", "已实现",
                     "有", "满足", "优", "优秀", "好", "达到", "已达到", "达到预期", "达到预期目标", "达到目标",
                     "达到要求", "完成目标", "完成任务", "已完成任务", "按计划完成", "全面完成", "圆满完成", "超额完成",
                     "到位", "已到位", "落实", "已落实", "验收合格", "已验收", "已验收合格", "验收通过", "正常运行",
                     "运行正常"), "达成"),
    **dict.fromkeys(("部分达成", "基本达成", "部分完成", "基本完成", "基本达标", "基本合格", "基本实现", "部分实现",
                     "基本符合", "基本满足", "良", "良好", "较好", "中", "一般", "基本达到", "基本达到预期",
                     "部分达到"), "部分达成"),
    **dict.fromkeys(("未达成", "没有达成", "未完成", "没有完成", "否", "未达标", "不达标", "不合格", "未通过",
                     "不符合", "未实现", "无", "未满足", "差", "较差", "进行中", "未开始", "未达到", "没有达到",
                     "未达到预期", "未到位", "未落实"), "未达成"),
}
# Kept as floors although their names look like limits: days and hours of a service delivered.
_SERVICE_TIME = re.compile(r"(?:供餐|培训|服务|开放|运行|授课|演出|活动|教学|供水|供电|供暖|在线)"
                           r"(?:天数|时间|时长|时数|小时数)")
_ZERO = re.compile(r"无|零|没有|未发生|不发生|杜绝")
# 无安全事故, 未发生火灾, 零投诉: none of what a limit counts (only for ≤ targets: for a share to reach,
# 无火灾 says nothing about the share)
_NONE_OF = re.compile(r"(?:无(?!法|需|从)|零|没有|未发生|未出现|不发生|杜绝)[^，,。；;\d]{0,8}"
                      r"(?:事故|火灾|案件|投诉|事件|伤亡|违规|违纪|问题|现象|纠纷|上访|损失|超支)(?:发生)?")
# 未超预算, 不超支, 控制在预算内: a cost kept within its budget meets its ceiling
_WITHIN_BUDGET = re.compile(r"(?:未|没有|不|无)超(?:过|出)?(?:预算|概算|批复|计划|标准|支)"
                            r"|(?:控制在|在)(?:预算|概算|批复)[^，,。；;]{0,4}(?:以内|之内|内|范围)")
_TIER_SPLIT = re.compile(r"[；;|/、，,\s]+")
_TIER_LABEL = re.compile(r"^(优秀?|良好?|中等?|合格|一般|较差|差|[A-Da-d]|[一二三四]档)")


class Actual(BaseModel):
    """An actual value reported for one indicator (0-based index into the document's indicators)."""

    model_config = ConfigDict(extra="ignore")

    indicator: int = Field(ge=0, description="指标序号（从 0 开始，对应 indicators 中的位置）")
    value: TargetValue = Field(default=None, description="实际完成值：数字、带单位的文字、日期或 达成/部分达成/未达成")
    reason: OptionalText = Field(default=None, max_length=2000, description="未完成目标的原因说明")

    @field_validator("value")
    @classmethod
    def _limit(cls, value: object) -> object:
        if isinstance(value, str) and len(value) > 200:
            raise ValueError("实际值最多 200 个字符；请写数值、日期或 达成/部分达成/未达成")
        return value

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        return fmt(self.value) if isinstance(self.value, int | float) else str(self.value).strip()


def index_actuals(actuals: list[Actual], count: int) -> dict[int, Actual]:
    """Actuals by indicator index; an index past the document's indicators or given twice is refused."""
    by_index: dict[int, Actual] = {}
    for n, actual in enumerate(actuals):
        if actual.indicator >= count:
            raise InvalidInput(f"actuals[{n}].indicator 为 {actual.indicator}，但文档只有 {count} 个指标"
                               f"（序号 0-{max(count - 1, 0)}）；请按 indicators 中的位置填写序号",
                               details=[{"field": f"actuals.{n}.indicator", "problem": f"应小于 {count}",
                                         "input": actual.indicator}])
        if actual.indicator in by_index:
            raise InvalidInput(f"第 {actual.indicator} 号指标的实际值填了两次（actuals[{n}]）；每个指标只填一个实际值",
                               details=[{"field": f"actuals.{n}.indicator", "problem": "重复",
                                         "input": actual.indicator}])
        by_index[actual.indicator] = actual
    return by_index


def direction(row: Row) -> str:
    """How a target is met: ≥ (floor), ≤ (limit), = (within a tolerance), range, deadline or 定性."""
    t = row.target
    if t.deadline:
        return DEADLINE
    if t.value is None or t.operator == QUALITATIVE:
        return QUALITATIVE
    if t.high is not None:
        return RANGE
    if t.operator in ("=", "≈"):
        return EQUAL
    if t.operator in ("≥", ">"):
        return FLOOR
    if t.operator in ("≤", "<"):
        return LIMIT
    if row.level1 == COST and row.unit.is_money:
        return LIMIT
    if _SERVICE_TIME.search(row.name):
        return FLOOR
    return LIMIT if lower_is_better(row) else FLOOR


def verdict(text: str) -> str | None:
    """达成 / 部分达成 / 未达成 for a qualitative actual (完成, 基本完成, 否…), None when it is none of them."""
    t = re.sub(r"[\s。.!！]+", "", normalize_text(text))
    return _VERDICT_WORDS.get(t)


def tier_verdict(target: Target, text: str) -> str | None:
    """For graded tiers (优：≥95%；良：≥90%…, 优/良/中/差) an actual naming a tier: the first is 达成,
    the second 部分达成, any later one 未达成. For a one-word target (合格, 是), the same word is 达成."""
    actual = re.sub(r"[\s。.!！]+", "", normalize_text(text)).lower()
    if not actual:
        return None
    target_text = re.sub(r"[\s。.!！]+", "", normalize_text(target.text)).lower()
    if actual == target_text:
        return "达成"
    labels = []
    for part in _TIER_SPLIT.split(target_text):
        m = _TIER_LABEL.match(part)
        if m and m.group(1) not in labels:
            labels.append(m.group(1))
    if len(labels) >= 2 and actual in labels:
        return VERDICTS[min(labels.index(actual), 2)]
    return None


# ---------------------------------------------------------------------------- dates

_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[./-])\s*(1[0-2]|0?[1-9])\s*(?:月|[./-])\s*"
                  r"([12]\d|3[01]|0?[1-9])(?!\d)\s*日?")
_YM = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[./-])\s*(1[0-2]|0?[1-9])(?!\d)\s*月?\s*(上旬|中旬|下旬|底|末|份)?")
_MD = re.compile(r"(?<![\d年./-])(1[0-2]|0?[1-9])\s*月\s*([12]\d|3[01]|0?[1-9])\s*日")
_M = re.compile(r"(?<![\d年./-])(1[0-2]|0?[1-9])\s*月\s*(上旬|中旬|下旬|底|末|份)?")
_Y = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_QUARTER = re.compile(r"第?([一二三四1-4])季度")
_HALF = re.compile(r"上半年")
_YEAR_END = re.compile(r"下半年|年底|年末|年内|当年|本年度|年度内|全年|年度")
_QUARTER_MONTH = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def _month_day(year: int, month: int, part: str | None) -> date:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, {"上旬": 10, "中旬": 20}.get(part or "", last))


def parse_date(text: str, year: int) -> date | None:
    """The latest date a deadline or completion text states, a period read as its end:
    '2026年10月底前' → 2026-10-31, '2026.1-2026.11' → 2026-11-30, '12月中旬' → 12-20 of `year`,
    '年底前' → 12-31, '第三季度' → 09-30, '2026-09-20' → itself. None when it states no date."""
    t = normalize_text(text)
    found: list[date] = []

    def take(pattern: re.Pattern, make) -> None:
        nonlocal t
        for m in list(pattern.finditer(t)):
            try:
                found.append(make(m))
            except ValueError:  # 2月30日: no such day
                continue
        t = pattern.sub(" ", t)

    take(_YMD, lambda m: date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    take(_YM, lambda m: _month_day(int(m.group(1)), int(m.group(2)), m.group(3)))
    take(_MD, lambda m: date(year, int(m.group(1)), int(m.group(2))))
    take(_M, lambda m: _month_day(year, int(m.group(1)), m.group(2)))
    take(_QUARTER, lambda m: _month_day(year, _QUARTER_MONTH[m.group(1)], None))
    take(_HALF, lambda m: date(year, 6, 30))
    take(_Y, lambda m: date(int(m.group(1)), 12, 31))
    take(_YEAR_END, lambda m: date(year, 12, 31))
    return max(found) if found else None


# ---------------------------------------------------------------------------- achievement

@dataclass(frozen=True)
class Reading:
    """An actual read against its target.

    `ratio` is the share of the target achieved as the scoring rules count it (1.0 when met;
    None when the actual cannot be compared); `amount` the actual in the target's base unit
    (numeric targets), `when` its date (deadlines), `verdict` 达成/部分达成/未达成 (qualitative)."""

    direction: str
    ratio: float | None
    met: bool
    amount: float | None = None
    when: date | None = None
    verdict: str | None = None
    problem: str | None = None   # why the actual could not be compared, in Chinese


def read_actual(row: Row, actual: Actual, year: int, *, tolerance: float = 0.01,
                shares: dict[str, float] | None = None) -> Reading:
    """The actual of one row against its target, under the rules of DOMAIN.md:
    ≥ met → 1, else actual ÷ target; ≤ met → 1, else target ÷ actual; = within `tolerance` → 1, else
    the smaller ÷ the larger; a range met → 1, else the nearer end as ≥ or ≤; a deadline → as ≤ on
    the days since the year began; qualitative → `shares` of 达成 / 部分达成 / 未达成."""
    shares = shares or {"达成": 1.0, "部分达成": 0.7, "未达成": 0.3}
    how = direction(row)
    text = actual.text
    if not text:
        return Reading(how, None, False, problem="没有填写实际值")
    said = verdict(text)
    if how == QUALITATIVE:
        said = tier_verdict(row.target, text) or said
        if said is None:
            return Reading(how, None, False, problem="定性指标的实际值应写 达成、部分达成 或 未达成"
                                                     "（或指标值中的等级）")
        return Reading(how, shares[said], said == "达成", verdict=said)
    if how == DEADLINE:
        deadline = parse_date(row.target.text, year)
        when = parse_date(text, year)
        if when is None or deadline is None:
            if said is not None:
                return Reading(how, shares[said], said == "达成", verdict=said)
            return Reading(how, None, False, problem="时效指标的实际值应写完成日期（如 2026年9月20日）"
                                                     "或 达成/部分达成/未达成")
        if when <= deadline:
            return Reading(how, 1.0, True, when=when)
        start = date(year, 1, 1)
        allowed, taken = (deadline - start).days + 1, (when - start).days + 1
        return Reading(how, max(0.0, min(1.0, allowed / taken)) if taken > 0 else 0.0, False, when=when)
    # a bare number is in the target's unit, whether the table put it in the unit cell or in the value
    parsed = parse_target(actual.value, "", row.unit.text)
    amount, unit = base_amount(parsed, row.unit.text)
    plain = normalize_text(text).strip()
    if amount is None and (_ZERO.fullmatch(plain) or (how == LIMIT and _NONE_OF.fullmatch(plain))):
        amount, unit = 0.0, row.unit   # 无, 零, 未发生: none of what is counted
    if amount is None and how == LIMIT and row.level1 == COST and _WITHIN_BUDGET.fullmatch(plain):
        return Reading(how, 1.0, True, verdict="达成")
    if amount is None:
        if said is not None:
            return Reading(how, shares[said], said == "达成", verdict=said)
        return Reading(how, None, False,
                       problem=f"实际值『{text}』不是数值；请按指标值的单位（{row.unit.text or '无'}）填写数字")
    if row.unit and unit and not same_base(unit, row.unit):
        return Reading(how, None, False, amount=amount,
                       problem=f"实际值的单位 {unit.text} 与指标值的单位 {row.unit.text} 不一致")
    return Reading(how, *_numeric_ratio(how, row, amount, tolerance), amount=amount)


def _numeric_ratio(how: str, row: Row, actual: float, tolerance: float) -> tuple[float, bool]:
    target = row.amount or 0.0
    if how == RANGE:
        high = base_amount(Target(value=row.target.high, unit=row.target.unit), row.raw.unit)[0]
        if actual < target:
            how = FLOOR
        elif high is not None and actual > high:
            how, target = LIMIT, high
        else:
            return 1.0, True
    if how == FLOOR:
        if actual >= target:
            return 1.0, True
        return (max(0.0, actual / target) if target > 0 else 0.0), False
    if how == LIMIT:
        if actual <= target:
            return 1.0, True
        return (target / actual if actual > 0 and target > 0 else 0.0), False
    # EQUAL: within the tolerance of the target counts as met
    if abs(actual - target) <= tolerance * abs(target) + 1e-9:
        return 1.0, True
    low, high = sorted((abs(actual), abs(target)))
    return (low / high if high > 0 else 0.0), False


def shown(row: Row, actual: Actual) -> str:
    """An actual as messages show it: with the row's unit when the user wrote a bare number."""
    text = actual.text
    if re.fullmatch(r"[-+]?\d+(?:\.\d+)?", text) and row.unit.text:
        return f"{text}{unit_label(row.unit.text)}"
    return text


def unit_label(unit: str) -> str:
    """A unit as messages show it: 百分比 and 百分率 as %."""
    return "%" if unit.strip() in ("百分比", "百分率") else unit.strip()


def target_text(row: Row) -> str:
    """A target as messages show it: ≥95%, ≤28.4元/株, 2026年10月底前."""
    t = row.target
    if t.value is None:
        return t.text
    op = t.operator if t.operator not in (None, QUALITATIVE) else ""
    number = fmt(t.value) + (f"-{fmt(t.high)}" if t.high is not None else "")
    return f"{op}{number}{unit_label(t.unit or row.raw.unit)}"
