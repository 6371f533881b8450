"""A goal document prepared for checking: normalised rows with parsed levels, targets and units.

Every check reads this one view, so text is normalised and values are parsed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indicators.directions import project_words
from indicators.findings import finding
from indicators.framework import LEVEL1_OF, LEVELS, canonical_level1, canonical_level2
from indicators.goals import BUDGET_SCALE, Finding, GoalDocument, GoalIndicator
from indicators.lookup import LibraryHit, Lookup
from indicators.values import (
    NUMBER_SCALES,
    PER_YEAR,
    Target,
    Unit,
    base_amount,
    fmt,
    in_base,
    parse_target,
    parse_unit,
    unit_in_name,
)
from kb.text import match_key, normalize_text

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
OUTPUT, COST, BENEFIT, SATISFACTION = "产出指标", "成本指标", "效益指标", "满意度指标"
QUANTITY, QUALITY, TIMELINESS = LEVELS[OUTPUT]


_TRAILING_ETC = re.compile(r"(?:等|…+|\.{2,})$")
_VALUE_FOR_INDICATOR = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:值|目标)$")
_MARKS = re.compile(r"[(（][^()（）]*[)）]|[(（\[【]?\d+(?:\.\d+)?(?:[-~至]\d+)?[)）\]】]?分$|分$|[*★※]")
# Layouts of earlier templates and provinces, mapped onto the current framework (CONTRACT.md,
# "Real tables come in more than one layout").
_LEVEL1_LEGACY = {"项目完成指标": OUTPUT, "预期产出指标": OUTPUT, "预期产出": OUTPUT, "产出目标": OUTPUT,
                  "项目效益指标": BENEFIT, "效果指标": BENEFIT, "预期效果指标": BENEFIT, "预期效果": BENEFIT,
                  "效果": BENEFIT, "效益目标": BENEFIT, "成效指标": BENEFIT, "成效": BENEFIT,
                  "社会效益指标": BENEFIT, "满意度目标": SATISFACTION,
                  "服务对象满意度指标": SATISFACTION, "社会公众或服务对象满意度指标": SATISFACTION,
                  "成本目标": COST, "项目产出指标": OUTPUT, "项目产出": OUTPUT, "项目成本指标": COST,
                  "项目成本": COST, "项目满意度指标": SATISFACTION, "满意度": SATISFACTION,
                  "社会效益": BENEFIT, "经济效益": BENEFIT, "生态效益": BENEFIT, "效益": BENEFIT,
                  # 项目产出 / 项目效果 (central departments' tables), 产出目标 / 结果目标, 实施效果指标
                  "项目效果": BENEFIT, "项目效果指标": BENEFIT, "实施效果": BENEFIT, "实施效果指标": BENEFIT,
                  "结果": BENEFIT}   # 结果目标, once its 目标 is read as 指标
_LEVEL2_LEGACY = {"成本指标": "经济成本指标", "成本": "经济成本指标", "产出成本": "经济成本指标",
                  "产出成本指标": "经济成本指标", "预算控制指标": "经济成本指标", "投资规模控制指标": "经济成本指标",
                  "预算控制": "经济成本指标", "满意度指标": "服务对象满意度指标",
                  "社会公众或服务对象满意度指标": "服务对象满意度指标", "社会公众满意度指标": "服务对象满意度指标",
                  "社会公众或服务对象满意度": "服务对象满意度指标", "服务对象满意度": "服务对象满意度指标",
                  "群众满意度指标": "服务对象满意度指标", "社会、经济、生态效益指标": "社会效益指标",
                  "经济、社会、生态效益指标": "社会效益指标", "效益指标": "社会效益指标",
                  "项目成本": "经济成本指标", "项目成本指标": "经济成本指标", "成本控制": "经济成本指标",
                  "成本控制指标": "经济成本指标", "群众满意度": "服务对象满意度指标",
                  "社会满意度指标": "服务对象满意度指标",
                  "公众满意度指标": "服务对象满意度指标", "规模指标": "数量指标", "建设规模指标": "数量指标",
                  "进度指标": "时效指标", "工期指标": "时效指标", "形象进度指标": "时效指标",
                  # 可持续性, 可持续性发展影响指标, 服务对象或受益者满意度指标: provinces' own wordings
                  "可持续性": "可持续影响指标", "可持续性指标": "可持续影响指标", "可持续性影响指标": "可持续影响指标",
                  "可持续性发展影响指标": "可持续影响指标", "可持续发展影响指标": "可持续影响指标",
                  "服务对象或受益者满意度指标": "服务对象满意度指标", "受益者满意度指标": "服务对象满意度指标"}


def clean_level(text: str) -> str:
    """A level name without scores, notes and marks: 产出指标(50分) → 产出指标, 数量指标(或建筑规模指标) → 数量指标,
    服务对象满意度指标等 → 服务对象满意度指标 (the self-evaluation template's own wording), and without the 值
    or 目标 some forms put where 指标 goes (产出值 / 数量值 / 经济效益值, 数量目标 / 质量目标)."""
    t = normalize_text(text).replace(" ", "")
    for _ in range(2):
        t = _MARKS.sub("", t)
    t = _VALUE_FOR_INDICATOR.sub("", t)
    return _TRAILING_ETC.sub("", t) if len(t) > 3 else t


def level1_of(text: str) -> str | None:
    t = clean_level(text)
    return canonical_level1(t) or canonical_level1(t.removesuffix("指标")) or _LEVEL1_LEGACY.get(t)


def level2_of(text: str) -> str | None:
    t = clean_level(text)
    for candidate in (t, t.removeprefix("产出") if len(t) > 3 else t):
        found = canonical_level2(candidate) or canonical_level2(candidate.removesuffix("指标")) \
            or canonical_level2(candidate + "指标")
        if found:
            return found
    return None


def legacy_level2(text: str) -> str | None:
    """The current level 2 an older layout's level 2 stands for (成本指标 under 产出 → 经济成本指标)."""
    t = clean_level(text)
    return _LEVEL2_LEGACY.get(t) or _LEVEL2_LEGACY.get(t.removeprefix("产出"))


_EXECUTION = re.compile(r"执行率|支出率|到位率|拨付率|支付率|下达率|结转|结余")
_BUDGET_BOUND = re.compile(r"(?:预算|概算|批复|计划|标准)[^，,。；;]{0,6}(?:以内|之内|内|范围)"
                           r"|不超(?:过)?(?:预算|概算|批复)|"
                           r"控制在(?:预算|概算|批复)")
_COST_WORD = re.compile(r"成本|造价")


def budget_bound(text: str) -> bool:
    """The text bounds a cost by the budget instead of stating one: 控制在预算内, 不超概算, 在预算范围内."""
    return bool(_BUDGET_BOUND.search(text))


def cost_statement(row: Row) -> str | None:
    """What a 成本 row states: 'amount' (money), 'no_amount' (成本控制率 100%, 控制在预算内, 是), or None when
    it is no cost measure at all (预算执行率, a description of the subsidy)."""
    if row.level1 != COST:
        return None
    if row.unit.is_money:
        return "amount"
    if _EXECUTION.search(row.name):
        return None
    t = row.target
    if t.kind == "vague" and not any(p.search(x) for p in (_BUDGET_BOUND, _COST_WORD) for x in (t.text, row.name)):
        return None
    return "no_amount"


_BARE_SCALE = re.compile(r"\d\s*(?:千万|百万|十万|万|亿)$")


def cost_money(target: Target, amount: float | None, unit: Unit) -> tuple[float | None, Unit]:
    """A cost written without its currency is money: 『250万』, or 250 with 万 in the unit cell, is 250万元."""
    if target.value is None or unit.is_money:
        return amount, unit
    if not unit and _BARE_SCALE.search(target.text):
        return target.value, parse_unit("元")   # parse_target has already scaled 250万 to 2,500,000
    if unit.kind == "quantity" and unit.base in NUMBER_SCALES and not unit.per:
        money = parse_unit(f"{unit.base}元")
        return in_base(target.value, money), money
    if unit.kind == "rate" and unit.base in NUMBER_SCALES and unit.per in PER_YEAR:  # 620万/月
        money = parse_unit(f"{unit.base}元/{unit.per}")
        return in_base(target.value, money), money
    return amount, unit


_TIMELY_NAME = re.compile(r"及时|时限|时间|按期|按时|按月|按季|期限|进度|周期|工期|时效|日前|月底|年底|完成时")
_COUNT_TAIL = re.compile(r"(?:数|数量|人次|面积|长度|里程|规模|台套|批次)$")
_HOW_WELL = re.compile(r"质量|合格|达标|规范|标准|安全|准确|完好|完整|合规")


def infer_output_kind(name: str, target: Target, unit: Unit) -> str:
    """数量/质量/时效 for a 产出 row whose level 2 was left blank, from its name and value."""
    if target.deadline or _TIMELY_NAME.search(name) or unit.kind == "duration":
        return TIMELINESS
    bare = re.sub(r"[(（][^()（）]*[)）]$", "", name)   # 建设项目个数(含续建)
    if unit.kind in ("quantity", "money") or _COUNT_TAIL.search(bare):
        return QUANTITY
    if target.kind == "vague" and not _HOW_WELL.search(name):
        return QUANTITY   # 开展档案征集工作: 征集有关…资料 describes the work done, says nothing of how well
    return QUALITY


# a count of a satisfaction survey's answers or rounds, or what it costs: an output or a cost, not a
# satisfaction measure (满意度调查单份有效问卷费用)
_SURVEY_COUNT = re.compile(r"满意(?:度|率)(?:调查|测评|问卷)\S*"
                           r"(?:样本数|样本量|份数|次数|人次|户数|人数|费用|成本|经费)$")


@dataclass
class Row:
    """One indicator row, normalised and parsed."""

    index: int
    raw: GoalIndicator
    name: str
    key: str
    level1_text: str
    level2_text: str
    level1: str | None      # canonical level 1 (given, or implied by a valid level 2)
    level2: str | None      # canonical level 2 when it is a real level-2 name
    levels_valid: bool      # level 2 belongs to level 1
    target: Target
    amount: float | None    # target in the unit's base (6 万人 → 60000)
    unit: Unit
    baseline: Target
    legacy: bool = False            # an older layout's levels, mapped onto the current framework
    level1_unknown: bool = False    # level 1 written but not in the framework (its level 2 still counts)
    level2_inferred: bool = False   # level 2 left blank; the 产出 kind inferred from name and value
    level1_inferred: bool = False   # both levels left blank; a cost by its name and money (项目成本概算 ≤3584万元)
    named_target: str = ""          # the target written at the end of the name, the value cell left empty

    @property
    def satisfaction(self) -> bool:
        """A satisfaction measure, wherever the table put it."""
        if "能力验证" in self.name:   # 能力验证结果满意率: a laboratory's proficiency-test results rated 满意
            return False
        if _SURVEY_COUNT.search(self.name):   # 满意度调查有效样本数: how many answered, an output
            return False
        return self.level1 == SATISFACTION or bool(re.search(r"满意(?:度|率)", self.name))

    @property
    def blank(self) -> bool:
        """A row left unfilled (empty, or the template's 指标1: with no value): no indicator at all."""
        return not self.name and not normalize_text(self.raw.value_text).strip()

    @property
    def label(self) -> str:
        """How messages name the row: 『name』 as the user wrote it, or its position."""
        return f"『{self.raw.name.strip()}』" if self.raw.name.strip() else f"第{self.index + 1}个指标"

    @property
    def output_kind(self) -> str | None:
        """数量指标/质量指标/时效指标 for a valid 产出 row."""
        return self.level2 if self.levels_valid and self.level1 == OUTPUT else None

    @property
    def value_text(self) -> str:
        op = self.target.operator if self.target.operator not in (None, "定性") else ""
        number = "" if self.target.value is None else fmt(self.target.value)
        if self.target.high is not None:
            number += f"-{fmt(self.target.high)}"
        return f"{op}{number}{self.unit.text}" if number else self.target.text


# A target written into the name instead of the value cell (年度资金支付完成率100%, 优秀比例不超过20%): an
# operator and a number, or a number and its unit, after the name's last character.
_TARGET_OP = r"(?:[≥≤>＞<＜=＝]|不低于|不少于|不高于|不超过|达到|达)"
_TARGET_UNIT = r"(?:%|％|个|人次|人|户|家|所|座|项|次|天|万元|元|公里|米|亩|平方米|吨|台|套|件|场|处|条|株)"
_NAMED_TARGET = re.compile(rf"(?<=[\u4e00-\u9fff）)])\s*(?P<target>{_TARGET_OP}\s*\d+(?:\.\d+)?\s*{_TARGET_UNIT}?"
                           rf"|\d+(?:\.\d+)?\s*{_TARGET_UNIT})\s*$")


def target_in_name(name: str) -> tuple[str, str] | None:
    """(the name without it, the target) for a name that ends in its own target; None otherwise."""
    m = _NAMED_TARGET.search(name)
    if m is None or len(name[:m.start()].strip()) < 2:
        return None
    return name[:m.start()].rstrip(), m.group("target").strip()


_ROW_NUMBER = re.compile(r"^(?:指标\s*\d+\s*[:：.、]?|\d+\s*[.、:：)）]|[(（]\d+[)）])\s*")


def _levels(l1_text: str, l2_text: str) -> tuple[str | None, str | None, bool, bool]:
    """(level 1, level 2, legacy layout, level 1 unknown) for the two level cells as written."""
    t1 = clean_level(l1_text)
    l1 = canonical_level1(t1) or canonical_level1(t1.removesuffix("指标"))
    old_name = next((t for t in (t1, t1 + "指标") if t in _LEVEL1_LEGACY), None)   # 项目完成(指标)
    legacy = l1 is None and old_name is not None
    if legacy:
        l1 = _LEVEL1_LEGACY[old_name]
    l2 = level2_of(l2_text)
    t2 = clean_level(l2_text)
    if l2 is None and t2 and legacy_level2(t2) is None and (canonical_level1(t2) or t2 in _LEVEL1_LEGACY):
        # 实施效果指标 › 产出指标 / 效益指标 (the investment plans' template): level 1 sits in the level-2 cell,
        # and the name says which kind of output it is
        return canonical_level1(t2) or _LEVEL1_LEGACY[t2], None, True, False
    if l2 is None and l2_text:
        old = legacy_level2(l2_text)
        if old is not None and (l1 is None or l1 in (OUTPUT, BENEFIT, LEVEL1_OF[old])):
            l2, legacy = old, legacy or l1 != LEVEL1_OF[old]
    if l2 is not None and l1 in (OUTPUT, BENEFIT) and LEVEL1_OF[l2] in (COST, SATISFACTION) and l1 != LEVEL1_OF[l2]:
        legacy, l1 = True, LEVEL1_OF[l2]   # 成本 under 产出 (before 2021), 满意度 under 效益 (2015 template)
    shifted = l1 is None and l2 is None and not l2_text and level2_of(t1) is not None
    if shifted:  # no level-1 column: 数量指标/质量指标 written where level 1 goes
        l2, legacy = level2_of(t1), True
    # a level-1 cell that holds only its score, (50分), says no more than an empty one: level 2 decides
    unknown = l1 is None and bool(t1) and not shifted
    if l1 is None and l2 is not None:
        l1 = LEVEL1_OF[l2]
    return l1, l2, legacy, unknown


_COST_NAME = re.compile(r"成本|概算|预算|造价|单价|费用")
_NOT_COST_NAME = re.compile(r"节约|节省|降低|下降|减少|带动|撬动|收入|收益|效益|执行率|到位率")


def _unlevelled_cost(name: str, target: Target, amount: float | None, unit: Unit) -> tuple[float | None, Unit] | None:
    """A row of a table with no level columns that is a cost by its name and its money (项目成本概算
    ≤3584万元): its amount and unit as money; None for any other row."""
    if not _COST_NAME.search(name) or _NOT_COST_NAME.search(name):
        return None
    amount, unit = cost_money(target, amount, unit)
    return (amount, unit) if unit.kind in ("money", "unit_cost") else None


def _misplaced_cost(name: str, target: Target, amount: float | None, unit: Unit) -> bool:
    """A row left without level 2 under another level 1 that is plainly a cost: a cost by name with money
    (项目成本概算 ≤3584万元), or a cost by name (成本, 造价) bounded by the budget (项目成本控制 不超预算)."""
    if not _COST_NAME.search(name) or _NOT_COST_NAME.search(name) or _EXECUTION.search(name):
        return False
    if _unlevelled_cost(name, target, amount, unit):
        return True
    return bool(_COST_WORD.search(name)) and budget_bound(f"{target.text} {name}")


# what a row of a table with no level columns says it brings about, not what it produces
_EFFECT_NAME = re.compile(r"促进|带动|节约|节省|增收|收入|提高|提升|改善|稳定|和谐|效益|影响|长效|可持续")
_SATISFACTION_NAME = re.compile(r"满意(?:度|率)$")
_STARTED_OR_DONE = re.compile(_TIMELY_NAME.pattern + r"|开工|完工|竣工")


def _unlevelled_kind(name: str, target: Target, unit: Unit) -> tuple[str, str] | None:
    """(level 1, level 2) a row of a table with no level columns plainly is by its name and value:
    受益对象满意度 a satisfaction, 节约…资金支出 or 促进社会和谐稳定 an effect, 辅警人员 512人 an output;
    None when it is not plain."""
    if _SATISFACTION_NAME.search(name):
        return SATISFACTION, "服务对象满意度指标"
    if re.search(r"受益\S*人口", name):   # 受益建档立卡贫困人口数: whom the work reached, an effect
        return BENEFIT, "社会效益指标"
    if unit.kind == "ratio" and re.search(r"合格|达标|验收|完好|准确|合规", name):
        return OUTPUT, QUALITY   # 项目(工程)验收合格率 ≥100%
    if target.deadline or unit.kind == "duration" or (unit.kind == "ratio" and _STARTED_OR_DONE.search(name)):
        return OUTPUT, TIMELINESS   # 完工日期 2021年4月15日, 项目按计划开工率 100%
    if _EFFECT_NAME.search(name):
        if re.search(r"可持续|长效", name):
            return BENEFIT, "可持续影响指标"
        return BENEFIT, ("经济效益指标" if re.search(r"节约|节省|增收|收入|资金", name) else "社会效益指标")
    if target.value is not None and unit.kind == "quantity":
        return OUTPUT, infer_output_kind(name, target, unit)
    return None


def prepare_row(index: int, ind: GoalIndicator, above: str = "") -> Row:
    """A row as the checker reads it; `above` is the last level-1 cell written above it, which a row with
    both level cells empty sits under (a merged cell, transcribed once)."""
    l1_text, l2_text = normalize_text(ind.level1), normalize_text(ind.level2)
    if not l1_text.strip() and not l2_text.strip():
        l1_text = normalize_text(above)
    l1, l2, legacy, unknown = _levels(l1_text, l2_text)
    name = _ROW_NUMBER.sub("", normalize_text(ind.name).strip())
    unit_cell = ind.unit
    if not normalize_text(ind.unit).strip() and (named := unit_in_name(name)):
        # 受益人数(人): the unit column of a template that has none; 成活率(≥**%): the template's hint,
        # which says what the number means (TEMPLATE_PLACEHOLDER tells the table to clear it)
        name, unit_cell = named
    named_target = ""
    if not normalize_text(ind.value_text).strip() and (found := target_in_name(name)):
        name, named_target = found   # the name alone is matched against the library
    target = parse_target(ind.value, ind.operator, unit_cell)
    amount, unit = base_amount(target, unit_cell)
    if l1 == COST:
        amount, unit = cost_money(target, amount, unit)
    level1_inferred = False
    if l1 is None and not l1_text and not l2_text and (cost := _unlevelled_cost(name, target, amount, unit)):
        (amount, unit), l1, l2, level1_inferred = cost, COST, "经济成本指标", True
    elif l1 not in (None, COST) and not l2_text and _misplaced_cost(name, target, amount, unit):
        # 成效指标 › 项目成本控制 不超预算 (an older layout with no level 2 column): a cost by name and value
        (amount, unit), l1, l2, level1_inferred = cost_money(target, amount, unit), COST, "经济成本指标", True
    elif l1 is None and not l1_text and not l2_text and (kind := _unlevelled_kind(name, target, unit)):
        (l1, l2), level1_inferred = kind, True
    inferred = False
    holds_level1 = _LEVEL1_LEGACY.get(clean_level(l2_text), level1_of(l2_text)) == OUTPUT   # 实施效果指标 › 产出指标
    if l1 == OUTPUT and l2 is None and (not l2_text or holds_level1):
        l2, inferred = infer_output_kind(name, target, unit), True
    valid = l1 is not None and l2 is not None and LEVEL1_OF[l2] == l1
    baseline = parse_target(ind.baseline, "", ind.unit)
    return Row(index=index, raw=ind, name=name, key=match_key(name),
               level1_text=l1_text, level2_text=l2_text, level1=l1, level2=l2, levels_valid=valid,
               target=target, amount=amount, unit=unit, baseline=baseline, legacy=legacy,
               level1_unknown=unknown, level2_inferred=inferred, level1_inferred=level1_inferred,
               named_target=named_target)


@dataclass
class Context:
    """The prepared document, the lookup (or None) and the findings gathered so far."""

    doc: GoalDocument
    lookup: Lookup | None
    rows: list[Row]
    goal: str
    budget_yuan: float | None
    project_text: str
    findings: list[Finding] = field(default_factory=list)
    hits: dict[int, list[LibraryHit]] = field(default_factory=dict)     # lexical library hits per row
    directions: dict[str, float] = field(default_factory=dict)          # direction code → fit to the project
    verified: list[str] = field(default_factory=list)                   # money checks that passed, in words

    def add(self, code: str, message: str, *, severity: str | None = None, indicator: int | None = None,
            suggestion: str | None = None, refs: list[str] | None = None) -> None:
        """Record a finding; its severity is the registry's unless this case calls for another."""
        self.findings.append(finding(code, message, severity=severity, indicator=indicator, suggestion=suggestion,
                                     refs=refs))

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def has(self, code: str, indicator: int | None = None) -> bool:
        return any(f.code == code and (indicator is None or f.indicator == indicator) for f in self.findings)

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    @property
    def filled(self) -> list[Row]:
        """The rows that are indicators: all but those left unfilled (`Row.blank`)."""
        return [r for r in self.rows if not r.blank]

    def row_findings(self, index: int) -> list[Finding]:
        return [f for f in self.findings if f.indicator == index]

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (SEVERITY_RANK[f.severity],
                                                    -1 if f.indicator is None else f.indicator))


def prepare(doc: GoalDocument, lookup: Lookup | None) -> Context:
    p = doc.project
    budget = None if p.budget in (None, 0) else p.budget * BUDGET_SCALE[p.budget_unit]
    rows, above = [], ""
    for i, ind in enumerate(doc.indicators):
        rows.append(prepare_row(i, ind, above))
        above = ind.level1 if normalize_text(ind.level1).strip() else above
    return Context(doc=doc, lookup=lookup, rows=rows, goal=normalize_text(doc.goal), budget_yuan=budget,
                   project_text=project_words(p))


def yuan(amount: float) -> str:
    """A money amount for messages: 4,800,000 元 → '480万元'."""
    if abs(amount) >= 1e8:
        return f"{amount / 1e8:.4g}亿元"
    if abs(amount) >= 1e4:
        return f"{amount / 1e4:.6g}万元"
    return f"{amount:.6g}元"
