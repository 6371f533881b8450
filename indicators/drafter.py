"""Drafting a goal document from a project: `draft_goal(project, lookup)`.

The spending direction is the one named (resolved in the library) or the best fit for the
project's name and description. From its library indicators a compact set (≤ 15) is chosen that
covers 产出(数量/质量/时效), 成本, 效益 and 满意度, most relevant to the project first within each
dimension. Values come from the library's typical values, from the budget divided by the usual
unit cost where a quantity pairs with a unit cost, or stay empty for the user to fill in (the
draft's findings say which). The goal text is composed from the chosen rows.
"""

from __future__ import annotations

import math
import re
from itertools import zip_longest

from indicators.checker import check_goal
from indicators.checks.budget import TOO_HIGH, TOO_LOW, per_compatible
from indicators.checks.goal_text import compose_goal, is_target, name_overlap
from indicators.checks.library_match import function_code_conflict
from indicators.directions import WORKS, choose_directions, project_text
from indicators.findings import finding
from indicators.framework import ADMINISTRATIONS, GENERAL_SERVICE_UNIT, GENERIC_DIRECTION, TECHNICAL_SERVICE_UNIT
from indicators.goals import BUDGET_SCALE, Draft, Finding, GoalIndicator, Project
from indicators.lookup import Direction, LibraryIndicator, Lookup, approved_spread
from indicators.units import department_direction, duty_directions, street_office
from indicators.values import (
    PER_YEAR,
    Unit,
    extract_quantities,
    fmt,
    in_base,
    parse_target,
    parse_unit,
    per_item,
    same_base,
    when_for_how_much,
)
from kb.text import match_key, normalize_text

# level 2 (or a group of them) → how many rows at most, in the order of the 申报表
SLOTS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("数量指标",), 3),
    (("质量指标",), 2),
    (("时效指标",), 1),
    (("经济成本指标",), 2),
    (("社会成本指标", "生态环境成本指标"), 1),
    (("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"), 3),
    (("服务对象满意度指标",), 1),
)
# A department's (unit's) overall goal (project.kind == "department") is drafted from the 部门整体 category on
# its own framework (indicators.framework.DEPARTMENT_LEVELS): running cost, management, duties, satisfaction.
DEPARTMENT_SLOTS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("三公经费", "公用经费", "人员经费", "业务成本"), 3),
    (("预算执行",), 2),
    (("预算管理", "资产管理", "采购管理", "绩效管理"), 2),
    (("职责履行",), 4),
    (("履职效益", "可持续发展"), 3),
    (("服务对象满意度指标",), 1),
)
# …whose 履职效能 rows, when its variant measures any unit of its kind (an administration's: any bureau's
# 牵头民生实事项目数; a general service unit's: 年度业务办件量), lead with its duties' own (a 水利局's
# 新增水土流失治理面积, a 图书馆's 公共图书馆免费开放 rows): of the project directions its name fits
# (`duty_directions`), the first outputs lead 职责履行 and the first effects 履职效益, these many of each. A variant
# of one kind of service unit measures its own work (a 卫生院's 出院人次), and a unit that names its 部门整体
# direction chose it.
DUTY_ROWS = {"职责履行": ("产出指标", 2), "履职效益": ("效益指标", 1)}
ANY_UNIT = (ADMINISTRATIONS, GENERAL_SERVICE_UNIT, TECHNICAL_SERVICE_UNIT)
MAX_ROWS = 15
REFERENCE = "指标库常见值"   # how a draft's note names a value taken from the library's typical one


def _relevance(project: Project, lookup: Lookup, directions: list[Direction]) -> dict[str, float]:
    """Indicator code → how well it answers the project's text (hybrid search within each direction;
    a second direction counts a little less than the first)."""
    text = project_text(project)
    scores: dict[str, float] = {}
    for weight, direction in zip((1.0, 0.8), directions, strict=False):
        for rank, hit in enumerate(lookup.search(text, k=50, direction=direction.code)):
            scores[hit.code] = weight * (hit.score + 1.0 / (rank + 2))
    return scores


_COST_PART = re.compile(r"分项|人工|单项|单个|单位|其中|每")
# Rows of the project-wide measures that count one item of spending (出差人次, 人均单次差旅费): drafted only for a
# project that names it, not as the first output of any project the library has no direction for.
_ITEM_ONLY = re.compile(r"出差|差旅")
# The parallel networks one direction may renew together (城市燃气管道等老化更新改造: gas, water, drainage, heating).
# A project that names some of them is drafted without the rows that name only others: a 瓶改管 project
# measures no water leakage, a water-main project no gas leaks.
NETWORKS = (re.compile(r"燃气|液化石油气|瓶改管|天然气"), re.compile(r"供水|自来水|漏损水|DMA|末梢水"),
            re.compile(r"排水|污水|雨污"), re.compile(r"供热|热网|采暖"))


# A street office (`street_office`) serves communities, not villages: the township variant's rows that name villages
# alone (村集体经营性收入10万元以上村占比, 村庄保洁覆盖率) are not drafted for one; those naming both
# (联系服务村（社区）数量) are.
_VILLAGES_ONLY = re.compile(r"村(?![（(]社区)")


def _other_network(name: str, named: set[int]) -> bool:
    """The row names only networks other than those the project names (and the project names one)."""
    own = {i for i, net in enumerate(NETWORKS) if net.search(name)}
    return bool(named and own and not own & named)


def _total_cost(ind: LibraryIndicator) -> bool:
    """A cost indicator in money that is the whole cost (项目总成本, 医院建设年度完成投资额), not a part of it."""
    return parse_unit(ind.unit).kind == "money" and not _COST_PART.search(ind.name)


def _pick(candidates: list[LibraryIndicator], relevance: dict[str, float], level2s: tuple[str, ...], n: int,
          taken: set[str]) -> list[LibraryIndicator]:
    pool = [c for c in candidates if c.level2 in level2s and match_key(c.name) not in taken]
    order = {c.code: i for i, c in enumerate(candidates)}
    pool.sort(key=lambda c: (-relevance.get(c.code, 0.0), order[c.code]))
    by_name: dict[str, LibraryIndicator] = {}
    for c in pool:   # of a name two directions share, the better-placed one
        by_name.setdefault(match_key(c.name), c)
    pool = list(by_name.values())
    if level2s == ("经济成本指标",):
        pool.sort(key=lambda c: not _total_cost(c))   # the whole cost, which the budget bounds, first
        # amounts say best what the money buys; a share (维保费用占设备原值比例 ≤8%) only where there is none
        pool = [c for c in pool if parse_unit(c.unit).kind != "ratio"] or pool
        # two unit costs of the same thing (元/台 twice) cannot both hold
        pers: set[str] = set()
        distinct = []
        for c in pool:
            per = parse_unit(c.unit).per or c.unit
            if per not in pers:
                distinct.append(c)
                pers.add(per)
        pool = distinct
    if len(level2s) > 1:  # 效益: one of each kind first, then the next best
        firsts, rest, seen = [], [], set()
        for c in pool:
            (rest if c.level2 in seen else firsts).append(c)
            seen.add(c.level2)
        pool = firsts + rest
    return pool[:n]


def _fallback(project: Project, lookup: Lookup, level2s: tuple[str, ...], n: int,
              taken: set[str]) -> list[LibraryIndicator]:
    """Library indicators of the wanted kind from any direction, when the direction has none."""
    out: list[LibraryIndicator] = []
    for level2 in level2s:
        for hit in lookup.search(project_text(project), k=10, level2=level2):
            if match_key(hit.name) not in taken and len(out) < n:
                out.append(hit)
                taken.add(match_key(hit.name))
    return out


def _duty_rows(project: Project, lookup: Lookup) -> dict[str, list[LibraryIndicator]]:
    """Per 履职效能 level 2, the rows of the unit's duties drafted there (`DUTY_ROWS`): each direction's first of
    the kind (its library order puts the main measures first), the directions taken in turn."""
    ranked = [lookup.direction_indicators(d.code) for d in duty_directions(project, lookup)]
    out: dict[str, list[LibraryIndicator]] = {}
    for level2, (level1, n) in DUTY_ROWS.items():
        kinds = [[h for h in hits if h.level1 == level1] for hits in ranked]
        turns = [hit for row in zip_longest(*kinds) for hit in row if hit is not None]
        out[level2] = turns[:n]
    return out


def _nice(x: float) -> float:
    """Two significant figures: 7333 → 7300, 0.256 → 0.26."""
    if x <= 0:
        return 0.0
    digits = 1 - int(math.floor(math.log10(x)))
    return round(x, digits)


def draft_row(ind: LibraryIndicator, level1: str | None = None,
              level2: str | None = None) -> tuple[GoalIndicator, str | None]:
    """A draft row from a library indicator (filed under the levels given, else its own), and where its value
    came from when the draft filled one in."""
    t = parse_target(ind.typical, "", ind.unit)
    unit = parse_unit(ind.unit)
    op = ind.operator if ind.operator in ("≥", "≤", "=", "定性") else (t.operator or "≥")
    value: str | None = None
    source = None
    if t.deadline and (ind.level2 == "数量指标" or when_for_how_much(t, ind.level2, unit)):
        # left for the department to fill: the library's 『按年度计划』 is no number of 套 or 户, nor the
        # 分钟 of a 数量 row (节目译制时长 按年度译制计划), which are an amount, not a time limit
        pass
    elif per_item(ind.typical) and unit.kind == "quantity" and ind.level2 != "时效指标":
        source = f"{REFERENCE} {ind.typical}，按本项目的对象数折算"  # 每处每季度≥1次: a rate, not the count
    elif t.deadline:
        value, op = re.sub(r"^[≥≤<>=\s]+", "", t.text), "≤"
        if ind.unit and value.endswith(ind.unit) and value != ind.unit:  # '≤3月' in a 月 row is 3, not 3月月
            value = value.removesuffix(ind.unit)
        source = f"{REFERENCE} {ind.typical}"
    elif t.value is not None and not t.relative and (not t.unit or same_base(parse_unit(t.unit), unit)):
        # a typical value written in another scale of the unit ('2万元/人·年' for 元/人·年) is converted
        factor = in_base(1.0, parse_unit(t.unit)) / in_base(1.0, unit) if t.unit else 1.0
        value = fmt(_nice(t.value * factor)) + (f"-{fmt(_nice(t.high * factor))}" if t.high is not None else "")
        if t.operator in ("≥", "≤", "=") and ind.operator != "定性":
            op = t.operator
        source = f"{REFERENCE} {ind.typical}"
    row = GoalIndicator(level1=level1 or ind.level1, level2=level2 or ind.level2, name=ind.name, operator=op,
                        value=value, unit=ind.unit, basis=ind.basis or "计划标准", code=ind.code)
    return row, source


def _stated(project: Project, rows: list[GoalIndicator], notes: dict[int, str]) -> None:
    """Quantities the project's name or description states fill the output rows that count the same thing:
    『对城区3200盏路灯进行日常巡查维修』 puts 3200 in the 盏 row. They are the department's own figures."""
    text = " ".join(normalize_text(x) for x in (project.name, project.description or "") if x)
    used: set[int] = set()
    for q in extract_quantities(text):
        if not q.unit or q.unit.kind not in ("quantity", "money") or not is_target(q, text):
            continue
        fits = [(i, r) for i, r in enumerate(rows) if i not in used and r.level2 in ("数量指标", "职责履行")
                and same_base(parse_unit(r.unit), q.unit)]
        if not fits:
            continue
        i, row = max(fits, key=lambda ir: name_overlap(ir[1].name, q.context))
        amount = in_base(q.value, q.unit) / (in_base(1.0, parse_unit(row.unit)) or 1.0)
        row.value, row.operator, row.basis = fmt(amount), "≥", "计划标准"
        notes.pop(i, None)
        used.add(i)


def _from_budget(project: Project, rows: list[GoalIndicator], chosen: list[LibraryIndicator],
                 notes: dict[int, str], lookup: Lookup | None = None) -> None:
    """Unit costs = middle of the library's usual range (where it gives none, of the targets approved
    goals set, when the lookup keeps history); a total cost = the budget; and, when a single
    unit cost carries the budget and no quantity is stated, its quantity = budget ÷ unit cost. Everything
    derived here is an estimate, and `notes` says how it was reached."""
    if not project.budget:
        return
    budget = project.budget * BUDGET_SCALE[project.budget_unit]
    shown = f"{fmt(project.budget)}{project.budget_unit}"
    unit_costs = []
    for i, (row, ind) in enumerate(zip(rows, chosen, strict=True)):
        unit = parse_unit(ind.unit)
        if _total_cost(ind) and row.level1 == "成本指标" and row.operator in ("≤", "=") and not row.value:
            row.value, row.operator = fmt(_nice(budget / unit.scale)), "≤"
            notes[i] = f"不超过本年度预算{shown}"
        if unit.kind != "unit_cost":
            continue
        known = ((ind.cost_low, ind.cost_high, 0) if ind.cost_low is not None and ind.cost_high is not None
                 else approved_spread(lookup, ind.code, ind.name, ind.unit) if not row.value else None)
        if not row.value and known:
            low, high, approved = known
            row.value, row.basis = fmt(_nice((low + high) / 2)), "历史标准" if approved else "其他标准"
            usual = f"{fmt(low)}-{fmt(high)}{ind.unit}"
            notes[i] = (f"估算：{approved} 个已通过审核项目的目标范围 {usual} 的中值，请按本地标准调整" if approved
                        else f"估算：指标库常见范围 {usual} 的中值，请按本地补助标准调整")
        unit_costs.append((row, unit))
    _withdraw_references(rows, unit_costs, notes, budget)
    if len(unit_costs) != 1:  # several unit costs share the budget in proportions the draft cannot know
        return
    row, unit = unit_costs[0]
    t = parse_target(row.value, row.operator, row.unit)
    per_year = PER_YEAR.get(unit.per_time)
    if t.value is None or per_year is None:
        return
    cost = in_base(t.value if t.high is None else (t.value + t.high) / 2, unit)
    pairs = [q for q in rows if q.level2 == "数量指标" and parse_unit(q.unit).kind == "quantity"
             and parse_unit(q.unit).base == unit.per]
    if cost <= 0 or not pairs or any(q.value for q in pairs):
        return  # a quantity the department stated is never replaced by an estimate
    qrow = max(pairs, key=lambda q: name_overlap(q.name, row.name))
    guess = fmt(_nice(budget / (cost * per_year) / parse_unit(qrow.unit).scale))
    # left for the department to fill: an estimate is advice, never the department's figure
    basis = f"预算{shown} ÷ {row.name}{row.value}{row.unit}"
    notes[rows.index(qrow)] = f"估算：{basis} ≈ {guess}{qrow.unit}，请按实际名单填写"


def _withdraw_references(rows: list[GoalIndicator], unit_costs: list[tuple[GoalIndicator, Unit]],
                         notes: dict[int, str], budget: float) -> None:
    """The library's reference quantities (≥100场) that, times the drafted unit costs, do not add up to the
    budget are withdrawn for the department to fill: they are no figure of its own, and the checker would
    question them. Nothing is withdrawn beside a quantity the department stated."""
    products = []
    for cost_row, unit in unit_costs:
        t, per_year = parse_target(cost_row.value, cost_row.operator, cost_row.unit), PER_YEAR.get(unit.per_time)
        if t.value is None or per_year is None:
            continue
        for i, q in enumerate(rows):
            q_unit = parse_unit(q.unit)
            if q.level2 != "数量指标" or q_unit.kind != "quantity" or q_unit.base != unit.per or not q.value:
                continue
            amount = parse_target(q.value, q.operator, q.unit).value
            if not notes.get(i, "").startswith(REFERENCE) or amount is None:
                return
            products.append((i, in_base(amount, q_unit) * in_base(t.value, unit) * per_year))
    total = sum(p for _, p in products)
    if products and not TOO_LOW * budget <= total <= TOO_HIGH * budget:
        for i, _ in products:
            rows[i].value = None
            notes.pop(i, None)


def _withdraw_mismatched(rows: list[GoalIndicator], notes: dict[int, str], findings: list[Finding]) -> bool:
    """The library's reference quantities that the checker itself finds out of scale with the budget
    (BUDGET_SCALE_MISMATCH on a unit cost the draft put beside them) are withdrawn for the department to fill,
    whatever pairing `_withdraw_references` missed (培训人均成本 元/人 × 培训人次). True when any was."""
    withdrawn = False
    for f in findings:
        if f.code != "BUDGET_SCALE_MISMATCH" or f.indicator is None or f.indicator >= len(rows):
            continue
        cost = parse_unit(rows[f.indicator].unit)
        per = cost.per if cost.kind == "unit_cost" else None
        for i, q in enumerate(rows):
            counted = i == f.indicator or (per is not None and per_compatible(per, parse_unit(q.unit).base))
            if q.level2 == "数量指标" and q.value and notes.get(i, "").startswith(REFERENCE) and counted:
                q.value = None
                notes.pop(i, None)
                withdrawn = True
    return withdrawn


def _estimate(index: int, row: GoalIndicator, note: str) -> Finding:
    """DRAFT_ESTIMATE: a reference value the draft filled in (info), or an estimate it only suggests (warning)."""
    if row.value is None:
        return finding("DRAFT_ESTIMATE", indicator=index,
                       message=f"『{row.name}』需由部门填写；起草时的{note.split('，')[0]}，仅供参考",
                       suggestion="按实施方案、任务下达文件或实际名单填写", refs=[row.code] if row.code else [])
    return finding("DRAFT_ESTIMATE", severity="info", indicator=index,
                   message=f"『{row.name}』的指标值『{row.operator}{row.value}{row.unit}』是起草时的参考值，"
                           f"不是部门填报的数字（{note}）",
                   suggestion="按实施方案、任务下达文件或近三年实际核定后填写", refs=[row.code] if row.code else [])


def draft_goal(project: Project, lookup: Lookup) -> Draft:
    """A draft goal document for a project: library indicators for every dimension, a goal text, findings."""
    department = project.kind == "department"
    directions, confident = department_direction(project, lookup) if department else choose_directions(project, lookup)
    direction = directions[0] if directions else None
    text = project_text(project)
    networks = {i for i, net in enumerate(NETWORKS) if net.search(text)}
    street = department and street_office(project)
    candidates = [ind for d in directions for ind in lookup.direction_indicators(d.code)
                  if (not _ITEM_ONLY.search(ind.name) or _ITEM_ONLY.search(text))
                  and not _other_network(ind.name, networks)
                  and not (street and _VILLAGES_ONLY.search(ind.name) and "社区" not in ind.name)]
    relevance = _relevance(project, lookup, directions)
    works = bool(WORKS.search(text)) and not department
    any_unit = department and direction is not None and direction.code.startswith(ANY_UNIT)
    duties = _duty_rows(project, lookup) if any_unit and not project.direction else {}
    relevelled = {ind.code: ("履职效能", level2) for level2, inds in duties.items() for ind in inds}
    taken: set[str] = set()
    chosen: list[LibraryIndicator] = []
    for level2s, n in DEPARTMENT_SLOTS if department else SLOTS:
        if level2s[0] == "社会成本指标" and not works:
            continue
        own = [ind for ind in duties.get(level2s[0], []) if match_key(ind.name) not in taken]
        taken.update(match_key(ind.name) for ind in own)
        picked = own + _pick(candidates, relevance, level2s, n - len(own), taken)
        taken.update(match_key(p.name) for p in picked)
        if not picked and level2s[0] != "社会成本指标":
            picked = _fallback(project, lookup, level2s, 1, taken)
        chosen.extend(picked)
    chosen = chosen[:MAX_ROWS]
    made = [draft_row(ind, *relevelled.get(ind.code, ())) for ind in chosen]
    rows = [row for row, _ in made]
    notes = {i: source for i, (_, source) in enumerate(made) if source}
    _stated(project, rows, notes)
    _from_budget(project, rows, chosen, notes, lookup)
    project = project.model_copy(update={"direction": project.direction or (direction.name if direction else None)})
    doc = Draft(project=project, goal="", indicators=rows)
    while True:  # each pass that withdraws a quantity empties at least one row: it ends
        doc.goal = compose_goal(project, rows)
        checked = check_goal(doc, None).findings
        if not _withdraw_mismatched(rows, notes, checked):
            break
    doc.findings = [f for f in checked if f.severity != "info"]
    doc.findings += [_estimate(i, rows[i], note) for i, note in sorted(notes.items())]
    if direction is None:
        doc.findings.insert(0, finding("DRAFT_NO_DIRECTION",
                                       message="指标库中没有找到与本项目相符的支出方向，草稿中的指标取自全库检索",
                                       suggestion="填写支出方向（direction），或补充项目概述后重新起草"))
    elif conflict := function_code_conflict(project.filed_code, direction):
        doc.findings.insert(0, finding("FUNCTION_CODE_MISMATCH",
                                       message=conflict[0], suggestion=conflict[1]))
    elif direction.code == GENERIC_DIRECTION and not confident:
        doc.findings.insert(0, finding(
            "DRAFT_NO_DIRECTION",
            message=f"指标库中没有与『{project.name}』对应的支出方向，草稿先取项目通用指标（{direction.name}）",
            suggestion="补充反映本项目具体产出和效果的个性指标；也可填写支出方向（direction）后重新起草"))
    elif not confident and department:
        doc.findings.insert(0, finding(
            "DRAFT_DIRECTION_UNCERTAIN",
            message=f"没能从单位名称确定『{project.name}』的部门整体类型，草稿按最接近的『{direction.name}』起草",
            suggestion="逐条核对指标是否反映本单位的职责、运行成本和管理，不相关的请替换；类型不对时，在项目名称中写明"
                       "单位全称，或指定部门整体类型（direction，如 技术支撑类事业单位）后重新起草"))
    elif not confident:
        doc.findings.insert(0, finding(
            "DRAFT_DIRECTION_UNCERTAIN",
            message=f"指标库中没有与『{project.name}』明显对应的支出方向，草稿指标取自最接近的『{direction.name}』方向",
            suggestion="逐条核对指标是否反映本项目的产出和效果，不相关的请替换；也可指定支出方向后重新起草"))
    return doc
