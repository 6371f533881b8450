"""Checks of the annual goal text (年度绩效目标), and composing a goal text from indicator rows."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from indicators.checks.context import BENEFIT, COST, OUTPUT, SATISFACTION, Context, Row
from indicators.framework import FITTING_UNIT_KINDS, stated_kind
from indicators.goals import GoalIndicator, Project
from indicators.units import unit_name
from indicators.values import (
    AGE_OR_ANNIVERSARY,
    Quantity,
    extract_quantities,
    find_placeholder,
    find_vague,
    fmt,
    in_base,
    parse_target,
    parse_unit,
)
from kb.text import normalize_text

_RANK = re.compile(r"(?:第|前)[一二三四五六七八九十\d]{1,3}(?:名|位)")
_GENERIC_TAIL = re.compile(r"(?:人数|个数|户数|数量|次数|场次|总额|金额|标准|面积|长度|比例|占比|人次|数|率)$")
_SUBSET = re.compile(r"其中|包括|包含|含|累计|合计|以往|上年|去年|近三年")
_MULTI_YEAR = re.compile(r"(?:19|20)\d{2}\s*[-~至到—]\s*(?:19|20)\d{2}\s*年|十[三四五六]五(?:期间|时期|末)|"
                         r"[两二三四五]年(?:内|来|期间|行动)|(?:到|至)\s*(?:19|20)\d{2}\s*年(?:底|末)?")


@lru_cache(maxsize=16384)
def bigrams(text: str) -> frozenset[str]:
    chars = re.sub(r"[^\w\u4e00-\u9fff]|\d", "", text)
    return frozenset(chars[i:i + 2] for i in range(len(chars) - 1))


@lru_cache(maxsize=16384)
def name_overlap(name: str, context: str) -> float:
    """Share of an indicator name's distinctive bigrams found in a stretch of text."""
    core = _GENERIC_TAIL.sub("", name) if len(name) > 3 else name
    grams = bigrams(core) or bigrams(name)
    return len(grams & bigrams(context)) / len(grams) if grams else 0.0


def _comparable(q: Quantity, row: Row) -> bool:
    qu, ru = q.unit, row.unit
    if qu.kind == "ratio":
        return ru.kind == "ratio"
    if qu.kind == "money":
        return ru.kind in ("money", "unit_cost")
    if qu.kind == "unit_cost":
        return ru.kind == "unit_cost" and qu.per == ru.per
    return bool(qu.base) and qu.base == ru.base and qu.per == ru.per


def _states(q: Quantity, row: Row) -> bool:
    """Whether the row's target is the goal's number (same amount once units are scaled)."""
    amount = in_base(q.value, q.unit)
    t = row.target
    if t.value is None:
        return False
    lo = in_base(t.value, row.unit)
    hi = lo if t.high is None else in_base(t.high, row.unit)
    return lo - 1e-6 * max(1.0, abs(lo)) <= amount <= hi + 1e-6 * max(1.0, abs(hi))


_FLOOR_WORDS = re.compile(r"(?:不低于|不少于|达到|[≥])[^，,；;。]{0,8}$")
_CEILING_WORDS = re.compile(r"(?:不高于|不超过|[≤])[^，,；;。]{0,8}$")


def _bound(q: Quantity, goal: str) -> str | None:
    """'≥' or '≤' when the goal sets the number as a floor or a ceiling (不低于中央投资30%)."""
    if q.operator in ("≥", ">", "≤", "<"):
        return "≥" if q.operator in ("≥", ">") else "≤"
    before = goal[max(0, q.start - 12):q.start]
    return "≥" if _FLOOR_WORDS.search(before) else "≤" if _CEILING_WORDS.search(before) else None


_BY_RULE = re.compile(r"(?:按照|依照|按|根据)[^，,；;。]{0,4}(?:不低于|不少于|不高于|不超过)[^，,；;。]{0,8}$")


def _within(q: Quantity, row: Row, goal: str) -> bool:
    """A row whose own floor (ceiling) is no looser than the rule's floor (ceiling) the goal cites: 按照不低于
    中央投资30%的比例 in the goal and ≥32.68% in the table agree. A floor the goal sets itself (不少于3人) is
    the target, and the table should say the same."""
    bound, t = _bound(q, goal), row.target
    if not _BY_RULE.search(goal[max(0, q.start - 20):q.start]):
        return False
    if bound is None or t.value is None or t.operator != bound:
        return False
    amount, value = in_base(q.value, q.unit), in_base(t.value, row.unit)
    return value >= amount if bound == "≥" else value <= amount


def check_goal_text(ctx: Context) -> None:
    goal = ctx.goal
    if not goal.strip():
        ctx.add("GOAL_MISSING", "没有填写年度绩效目标",
                suggestion="用一两句话写明本年度的主要产出和效果，并给出数字，例如：" + compose_goal(
                    ctx.doc.project, [r.raw for r in ctx.rows])[:300])
        return
    residue = find_placeholder(goal)
    if residue:
        ctx.add("TEMPLATE_PLACEHOLDER", f"年度绩效目标中还留有模板占位符『{residue}』",
                suggestion="把占位符换成本项目的实际内容和数字")
    quantities = [q for q in extract_quantities(goal) if is_target(q, goal)]
    ranked = bool(_RANK.search(goal))   # 考核第一名, 进入全省前三名: a place to reach, checked at the year's end
    if not ranked and (not quantities or all(_is_budget(ctx, q) for q in quantities)):   # 申请372万元: money only
        what = "只写了资金数额，没有产出或效果的数量目标" if quantities else "没有可衡量的数量目标"
        ctx.add("GOAL_NOT_QUANTIFIED", f"年度绩效目标『{_clip(goal)}』{what}",
                suggestion="写明主要产出和效果的数量，并与指标表一致，例如：" + compose_goal(
                    ctx.doc.project, [r.raw for r in ctx.rows], with_project=False)[:300])
    vague = []
    # beside numbers, a plain verb names the work (APP优化升级改版); only slogan words are vague there
    slogan = _SLOGAN_WORDS if quantities else _SLOGAN
    cited = re.sub(r"《[^》]*》", "", goal)   # 《关于印发大力发展…的通知》: a title, not the department's words
    for clause in _CLAUSES.split(cited):
        clause = _ENUMERATION.sub("", clause)   # 目标1: / (2) numbers a clause, sets no target
        if clause and not re.search(r"\d", clause):
            aim = _ABSTRACT_AIM.search(clause)
            vague += find_vague(clause) or slogan.findall(clause) or ([aim.group(0)] if aim else [])
    if vague:
        phrases = "、".join(f"『{v}』" for v in dict.fromkeys(vague))
        ctx.add("GOAL_VAGUE_WORDING", f"年度绩效目标中的{phrases}没有对应的目标值",
                severity="warning" if not quantities else "info",
                suggestion="把这些表述改成带数字的目标，如『覆盖率由80%提高到85%』")
    if _MULTI_YEAR.search(goal):
        ctx.add("GOAL_MULTI_YEAR", f"年度绩效目标提到多年期表述『{_MULTI_YEAR.search(goal).group(0)}』",
                suggestion="年度绩效目标只写本年度可完成的内容；中长期目标写在项目总体目标中")
    check_consistency(ctx, quantities)


# where a goal's clauses part: punctuation, a list number (1、), or a numbered aim run on after the last
# (目标1:完成抽检工作 目标2:加强监管力度)
_CLAUSES = re.compile(r"[，,；;。！!？?、]|\s\d[、.]|(?:目标|任务)\s*\d{1,2}\s*[:：]")
_ENUMERATION = re.compile(r"^\s*(?:目标|任务)?\s*[(（]?\d{1,2}\s*[:：.、)）]")
# Words of a slogan: an aim with no measure (保障…顺利开展, 加大…力度, 推进…高质量发展)
_SLOGAN_ONLY = r"夯实|激发|助力|打造|营造|科学合理|高质量|有序|顺利|极大|全力以赴|焕然一新"
_SLOGAN = re.compile(r"改善|提高|提升|增强|加强|加大|推进|推动|促进|发挥|扶持|减轻|优化|完善|稳定|做好|确保|"
                     r"保证|保障|改进|巩固|" + _SLOGAN_ONLY)
_SLOGAN_WORDS = re.compile(_SLOGAN_ONLY)   # slogan words that name no work, even beside numbers
# An aim at an abstract good (提高教学质量, 美化教学环境, 加强巡查力度): no work named and nothing to count,
# so vague even beside numbers, unlike 优化升级APP, which names the work
_ABSTRACT_AIM = re.compile(r"(?:改善|提高|提升|增强|优化|美化|加强|加大)[^，,；;。、\d]{0,8}?"
                           r"(?:质量|水平|素质|能力|环境|意识|效率|效能|形象|获得感|幸福感|安全感|面貌|力度)$")


def is_target(q: Quantity, text: str) -> bool:
    """A number the goal sets as a target: it has a unit and qualifies nothing ('超出3个月的部分' does not,
    nor '每10万人口', what a rate is per)."""
    if not q.unit or _in_title(q, text) or text[max(0, q.start - 1):q.start] == "每":
        return False
    if AGE_OR_ANNIVERSARY.match(text, q.end - 1) and q.unit.base == "周":   # 年满18周岁, 建党100周年
        return False
    if _bound(q, text):
        return True   # 按照不低于中央投资30%的比例发放: a floor the goal sets, whatever follows
    return not re.match(r"\s*(?:以上|以下|及以上|及以下)?的", text[q.end:q.end + 4])


def _in_title(q: Quantity, text: str) -> bool:
    """A number inside a cited document's title (《…2020年度…实施方案》) belongs to the title."""
    return text.rfind("《", 0, q.start) > text.rfind("》", 0, q.start)


def check_consistency(ctx: Context, quantities: list[Quantity]) -> None:
    """A number in the goal text that contradicts the value of the indicator measuring the same thing."""
    rows = [r for r in ctx.rows if r.target.value is not None and r.unit]
    reported: set[int] = set()
    for q in quantities:
        if not q.unit or _SUBSET.search(q.context) or _is_budget(ctx, q):
            continue
        _unit_against_goal(ctx, q, rows)
        candidates = [r for r in rows if _comparable(q, r)]
        if not candidates:
            continue
        scored = sorted(((name_overlap(r.name, q.context), r) for r in candidates), key=lambda x: -x[0])
        best, row = scored[0]
        second = scored[1][0] if len(scored) > 1 else 0.0
        need = 0.5 if q.unit.kind in ("ratio", "money") else 0.4
        if best < need or best - second < 0.2 or row.index in reported or _states(q, row) or _within(q, row, ctx.goal):
            continue  # no indicator is clearly about this number, or the one that is agrees
        if any(_states(q, r) and overlap >= 0.3 for overlap, r in scored[1:]):
            continue  # the number belongs to another indicator the words also fit
        reported.add(row.index)
        ctx.add("GOAL_INDICATOR_INCONSISTENT",
                f"年度绩效目标写的是『{_clip(q.clause, 40)}』，而指标{row.label}的指标值是『{row.value_text}』",
                indicator=row.index, suggestion="核实后统一年度绩效目标和指标表中的数字")


def _is_budget(ctx: Context, q: Quantity) -> bool:
    """The goal restating the project's own money (实施…项目（预算300万元）, 投入资金300万元): no target."""
    if q.unit.kind != "money":
        return False
    if ctx.budget_yuan is not None and abs(in_base(q.value, q.unit) - ctx.budget_yuan) <= 0.005 * ctx.budget_yuan:
        return True
    return bool(re.search(r"预算|投入|投资|安排", ctx.goal[max(0, q.start - 6):q.start]))


def _unit_against_goal(ctx: Context, q: Quantity, rows: list[Row]) -> None:
    """The goal says '运营线路210条' and the indicator of that name says 210 %: the unit is wrong — unless
    another indicator in the goal's unit states that number (代偿率 3% beside 放大倍数 3倍)."""
    if any(_comparable(q, r) and _states(q, r) and name_overlap(r.name, q.context) >= 0.5 for r in rows):
        return
    ratio = q.unit.kind == "ratio"
    for row in rows:
        if (row.unit.kind == "ratio") == ratio or _comparable(q, row) or ctx.has("IND_UNIT_MISMATCH", row.index):
            continue
        if (kind := stated_kind(row.name)) and row.unit.kind in FITTING_UNIT_KINDS[kind]:
            continue  # 结算误差率 in %: the name says what it counts, whatever number the goal shares with it
        same_number = row.target.value in (q.value, q.value / q.unit.scale)
        if same_number and name_overlap(row.name, q.context) >= 0.5:
            ctx.add("IND_UNIT_MISMATCH",
                    f"{row.label}的单位是『{row.unit.text}』，而年度绩效目标写的是『{_clip(q.clause, 40)}』",
                    indicator=row.index, suggestion=f"按指标含义更正计量单位，如『{q.unit.text}』")


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n] + "…"


_OP_WORDS = {"≥": "不少于", ">": "超过", "≤": "不超过", "<": "低于", "=": "为", "≈": "约"}


def phrase(ind: GoalIndicator) -> str:
    """One indicator as words: 受益学生人数不少于8600人; 出水水质达标率不低于95%."""
    t = parse_target(ind.value, ind.operator, ind.unit)
    name = ind.name.strip()
    op = _OP_WORDS.get(t.operator or "=", "为")
    if t.value is None:
        if t.text and t.kind in ("deadline", "qualitative"):
            return f"{name}{t.text}"
        return f"{name}{op if op != '为' else '达到'}【待填】{ind.unit}"
    unit = t.unit or ind.unit
    if op == "不少于" and parse_unit(unit).kind == "ratio":
        op = "不低于"
    if op == "不超过" and t.value == 0 and t.high is None:
        op = "为"  # 燃气泄漏事故起数为0起, not 不超过0起
    number = fmt(t.value) + (f"-{fmt(t.high)}" if t.high is not None else "")
    return f"{name}{op}{number}{unit}"


# the money word a title closes with (…查处经费, …补助资金, 垃圾清运费, 设备运行维护费): a goal carries out the
# work, not the money; a 费 after a thing, not a kind of work (路灯电费, 物业费), stays
_MONEY_WORD = re.compile(r"(?:专项|工作|业务|项目)?(?:经费|资金)$"
                         r"|(?<=清运|维护|运行|运维|养护|管护|保洁|维修|修缮|服务|培训|宣传|检测|监测|安保)费$")


# a title that already says it is carried out (全面实施“瓶改管”工程, 开展…行动): the goal does not say 实施 again
_DOES_ITSELF = re.compile(r"(?:全面|深入|组织|继续|持续|全力)实施|^(?:实施|开展|举办|组织|推进|落实)")


def the_work(name: str) -> str:
    """A project's name as the work a goal carries out: 林业行政案件查处经费 → 林业行政案件查处."""
    work = _MONEY_WORD.sub("", name.strip())
    return work if len(work) >= 4 else name.strip()


def compose_goal(project: Project, indicators: Iterable[GoalIndicator], *, with_project: bool = True) -> str:
    """A goal text that states the main outputs, cost and effects with the indicators' own numbers; for a
    department's (unit's) overall goal, its duties, management, running cost and satisfaction."""
    if project.kind == "department":
        return _department_goal(project, indicators, with_project=with_project)
    groups: dict[str, list[str]] = {OUTPUT: [], COST: [], BENEFIT: [], SATISFACTION: []}
    for ind in indicators:
        if ind.value is None or ind.value_text == "":
            continue  # the goal states what the table states; a row still to be filled adds nothing yet
        level1 = ind.level1.strip()
        for key in groups:
            if level1.startswith(key[:2]):
                groups[key].append(phrase(ind))
                break
    parts = []
    if with_project:
        budget = f"（预算{fmt(project.budget)}{project.budget_unit}）" if project.budget else ""
        year = f"{project.year}年，" if project.year and str(project.year) not in project.name else ""
        work = the_work(project.name)
        parts.append(f"{year}{'' if _DOES_ITSELF.search(work) else '实施'}{work}{budget}")
    if groups[OUTPUT]:
        outputs = "，".join(groups[OUTPUT][:5])
        parts.append(outputs if outputs.startswith("完成") else "完成" + outputs)
    if groups[COST]:
        parts.append("，".join(groups[COST][:2]))
    if groups[BENEFIT]:
        parts.append("实现" + "，".join(groups[BENEFIT][:3]))
    if groups[SATISFACTION]:
        parts.append(groups[SATISFACTION][0])
    return "，".join(parts) + "。" if parts else ""


# a 部门整体 goal's parts, by the first characters of their level 1: what the unit delivers (履职效能), how it manages
# (管理效率), what it runs on (运行成本) and who is satisfied; with a lead and at most so many rows each
_DEPARTMENT_PARTS = (("履职", "", 4), ("管理", "", 2), ("运行", "运行成本上", 2), ("满意", "", 1))
# …and a unit's table filed on the project framework, as many are (产出指标, 效益指标, 成本指标)
_DEPARTMENT_PART_OF = {"产出": "履职", "效益": "履职", "效果": "履职", "项目": "履职", "成本": "运行",
                       **{key: key for key, _, _ in _DEPARTMENT_PARTS}}
_YEAR_IN_TITLE = re.compile(r"(\d{4})年")


def _department_goal(project: Project, indicators: Iterable[GoalIndicator], *, with_project: bool) -> str:
    """某县民政局（部门预算1860万元）全面履行部门职责，城市低保对象人数为…，部门整体预算执行率不低于95%…"""
    groups: dict[str, list[str]] = {key: [] for key, _, _ in _DEPARTMENT_PARTS}
    for ind in indicators:
        key = _DEPARTMENT_PART_OF.get(ind.level1.strip()[:2])
        if ind.value is not None and ind.value_text != "" and key in groups:
            groups[key].append(phrase(ind))
    parts = []
    if with_project:
        written = _YEAR_IN_TITLE.search(normalize_text(project.name))   # ２０２６年 too
        year = project.year or (written.group(1) if written else None)
        budget = f"（部门预算{fmt(project.budget)}{project.budget_unit}）" if project.budget else ""
        parts.append(f"{f'{year}年，' if year else ''}{unit_name(project) or '本单位'}{budget}全面履行部门职责")
    parts += [lead + "，".join(groups[key][:most]) for key, lead, most in _DEPARTMENT_PARTS if groups[key]]
    return "，".join(parts) + "。" if parts else ""
