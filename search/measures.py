"""What kind of measure an indicator name asks for, read from how it ends: 满意度 asks for a
satisfaction indicator, 成本/单价/费用 for a cost, 及时率/时限 for timeliness, 人数/面积/次数 for
an output quantity (数量指标); and whether it asks for a share (…率) or an amount (…人数).
Hybrid search lifts indicators of that kind a little, so 人工成本 prefers a cost indicator to
人工湿地面积 and 项目区群众满意度 a survey to a count of 群众."""

from __future__ import annotations

import re

# (pattern, indicator field, value), first match wins
KINDS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"满意(?:度|率|程度)?$|满意度"), "level1", "满意度指标"),
    (re.compile(r"(?:成本|费用|单价|造价|经费|投资|费)$|^成本|成本(?:控制|节约|核算)"), "level1", "成本指标"),
    (re.compile(r"及时率|及时性|时限|时间$|周期$|天数$|按时|按期"), "level2", "时效指标"),
    (re.compile(r"(?:人数|人次|户数|个数|数量|面积|长度|里程|次数|场次|件数|份数|台数)$"), "level2", "数量指标"),
)
# What a matching kind adds, as a share of the best fused score.
KIND_BOOST = 0.2
# A name that says nothing but its kind (成本控制, 项目成本, 受益群众满意度): with a project in mind, the money
# cost or the survey of that project's own directions is meant, so the project's lift on indicators of that
# kind counts this many times over.
_BARE: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^(?:项目|业务|单项|单个|工作|实施)*(?:成本|费用|经费)(?:控制|节约|核算|预算)*(?:率|情况)?$"),
     "level2", "经济成本指标"),
    (re.compile(r"^(?:受益(?:群众|人群|人员|对象)?|服务对象|项目)?满意(?:度|率|程度)$"), "level1", "满意度指标"),
)
BARE_LIFT = 2.0


def bare_kind(name: str) -> tuple[str, str] | None:
    """(field, value) of the kind `name` asks for when it is that kind and nothing more (成本控制,
    项目成本, 受益群众满意度), else None."""
    name = name.strip().rstrip("%％")
    return next(((field_name, value) for pattern, field_name, value in _BARE if pattern.search(name)), None)


def measure_kind(name: str) -> tuple[str, str] | None:
    """(field, value) of the kind of indicator `name` asks for, or None when its ending says nothing."""
    name = name.strip().rstrip("%％")
    for pattern, field_name, value in KINDS:
        if pattern.search(name):
            return field_name, value
    return None


_RATE = re.compile(r"(?:率|比例|比重|占比|比率|覆盖面|达标度|满意度|知晓度)$")
_COUNT = re.compile(r"(?:数|数量|人次|面积|长度|里程|总量|规模|金额|次数|场次|个数|户数|人数|天数)$")
RATE_UNITS = frozenset({"%", "‰", "‱"})
# What a matching form (a rate for a name ending in 率, an amount for one ending in 数) adds.
FORM_BOOST = 0.1


# 是否存在违规行为, 有无安全事故: whether any occurred is answered by how many did (起数, 金额, target 0)
_ANY = re.compile(r"^(?:是否(?:存在|发生|出现|有(?!效))|有无)")


def asks_whether_any(name: str) -> bool:
    """Whether a name asks if anything of a kind occurred (是否存在违规行为, 有无安全事故)."""
    return bool(_ANY.search(name.strip()))


def measure_form(name: str) -> str | None:
    """'rate' when the name asks for a share (…率, …比例, …满意度), 'amount' when it asks for a
    count or quantity (…人数, …数量, …面积), else None."""
    name = name.strip().rstrip("%％")
    if _RATE.search(name):
        return "rate"
    if _COUNT.search(name):
        return "amount"
    return None


def query_form(key: str, text: str) -> str | None:
    """The form a search asks for: from its name key (`measure_form`), else 'amount' when the whole
    text asks whether anything occurred — a key drops that question (是否存在违规行为 → 违规行为)."""
    return measure_form(key) or ("amount" if asks_whether_any(text) else None)
