"""A goal document prepared for checking: normalised rows with parsed levels, targets and units.

Every check reads this one view, so text is normalised and values are parsed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indicators.framework import LEVEL1_OF, LEVELS, canonical_level1, canonical_level2
from indicators.goals import BUDGET_SCALE, Finding, GoalDocument, GoalIndicator
from indicators.lookup import LibraryHit, Lookup
from indicators.values import Target, Unit, base_amount, fmt, parse_target
from kb.text import match_key, normalize_text

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
OUTPUT, COST, BENEFIT, SATISFACTION = "产出指标", "成本指标", "效益指标", "满意度指标"
QUANTITY, QUALITY, TIMELINESS = LEVELS[OUTPUT]


def level1_of(text: str) -> str | None:
    t = normalize_text(text).replace(" ", "")
    return canonical_level1(t) or canonical_level1(t.removesuffix("指标"))


def level2_of(text: str) -> str | None:
    t = normalize_text(text).replace(" ", "")
    return canonical_level2(t) or canonical_level2(t.removesuffix("指标")) or canonical_level2(t + "指标")


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


def prepare_row(index: int, ind: GoalIndicator) -> Row:
    l1_text, l2_text = normalize_text(ind.level1), normalize_text(ind.level2)
    l1, l2 = level1_of(l1_text), level2_of(l2_text)
    if l1 is None and not l1_text and l2:
        l1 = LEVEL1_OF[l2]
    valid = l1 is not None and l2 is not None and LEVEL1_OF[l2] == l1
    target = parse_target(ind.value, ind.operator, ind.unit)
    amount, unit = base_amount(target, ind.unit)
    baseline = parse_target(ind.baseline, "", ind.unit)
    return Row(index=index, raw=ind, name=normalize_text(ind.name), key=match_key(ind.name),
               level1_text=l1_text, level2_text=l2_text, level1=l1, level2=l2, levels_valid=valid,
               target=target, amount=amount, unit=unit, baseline=baseline)


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

    def add(self, code: str, severity: str, message: str, *, indicator: int | None = None,
            suggestion: str | None = None) -> None:
        self.findings.append(Finding(code=code, severity=severity, message=message, indicator=indicator,
                                     suggestion=suggestion))

    def has(self, code: str, indicator: int | None = None) -> bool:
        return any(f.code == code and (indicator is None or f.indicator == indicator) for f in self.findings)

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def row_findings(self, index: int) -> list[Finding]:
        return [f for f in self.findings if f.indicator == index]

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=lambda f: (SEVERITY_RANK[f.severity],
                                                    -1 if f.indicator is None else f.indicator))


def prepare(doc: GoalDocument, lookup: Lookup | None) -> Context:
    p = doc.project
    budget = None if p.budget in (None, 0) else p.budget * BUDGET_SCALE[p.budget_unit]
    text = " ".join(normalize_text(x) for x in (p.name, p.direction or "", p.description or "") if x)
    return Context(doc=doc, lookup=lookup, rows=[prepare_row(i, ind) for i, ind in enumerate(doc.indicators)],
                   goal=normalize_text(doc.goal), budget_yuan=budget, project_text=re.sub(r"\s+", " ", text))


def yuan(amount: float) -> str:
    """A money amount for messages: 4,800,000 元 → '480万元'."""
    if abs(amount) >= 1e8:
        return f"{amount / 1e8:.4g}亿元"
    if abs(amount) >= 1e4:
        return f"{amount / 1e4:.6g}万元"
    return f"{amount:.6g}元"
