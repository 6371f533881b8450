"""Checks that need the indicator library (through `Lookup`): which library directions fit the
project, the library indicators close to each row (the advice on rows that are none of them is
`indicators.checks.nonstandard`), unit costs against the library's usual ranges, and rows unrelated
to the project (DIRECTION_MISMATCH).

Lexical search (≈1-3 ms) is used for everything; the dense encoder (≈13-40 ms per new text) only
confirms rows that lexical evidence already marks as suspects.
"""

from __future__ import annotations

import re
from functools import lru_cache

from indicators.checks.context import COST, SATISFACTION, TIMELINESS, Context, Row
from indicators.checks.goal_text import bigrams, name_overlap
from indicators.checks.rows import name_fits_unit
from indicators.framework import DEPARTMENT_CATEGORY, GENERIC_DIRECTION, stated_kind
from indicators.lookup import Direction, LibraryHit, approved_spread
from indicators.values import PER_YEAR, fmt, in_base, parse_target, parse_unit
from kb.subject import TOTAL_COST, measured_part
from kb.text import match_key, name_query

PROJECT_HITS = 20
ROW_HITS = 8
MEASURE_HITS = 2                   # the project-general rows found for what a row measures of the project's subject
GENERIC_SPREAD = 3                 # close library matches in this many categories: a generic indicator
LOW_SLACK, HIGH_SLACK = 0.5, 1.5   # unit cost outside [low × 0.5, high × 1.5] is atypical (info)
FAR = 10.0                         # … and a warning beyond [low ÷ 10, high × 10]: a unit mix-up (元/万元)
# DIRECTION_MISMATCH: a row is related when (sim(row, project) − sim(project, generic indicators))
# − (sim(row, its library direction) − sim(row, project)) reaches this floor (e5 cosines, calibrated on
# dev-like documents: no alarm on a project's own or generic rows, most pasted-in foreign rows caught).
RELEVANCE_FLOOR = 0.03
# The encoder's cost grows with text length: the project's name, direction and the start of its
# description say what it is about; at most this many suspect rows are confirmed per document.
RELEVANCE_CHARS, MAX_SUSPECTS = 60, 4
# …and the direction a suspect row belongs to is no kin of the project: not among the directions that best
# answer the project's text (this share of the library: 20 of 390), nor in the category (类) of its
# closest few (5 of 390). Real tables keep rows of a sibling direction (道路清扫保洁 in 病媒防治, 化妆品抽检
# in 药品监管, 免疫规划 in 基本公卫); a pasted-in row comes from another area altogether.
NEAR_SHARE, KIN_SHARE = 0.05, 0.0125
# …nor close to an indicator of the two directions that best answer the project's whole text (不合格产品处置率
# in a 药品监管 transfer: 药品医疗器械化妆品抽检 has 抽检不合格产品核查处置率, though the project's words,
# searched lexically, do not find that direction)
NEAREST_OWN = 2
GENERIC_REFERENCES = ("年度工作任务完成率", "资金使用合规率", "项目验收合格率")
# Words every kind of project uses; sharing only these with the project text says nothing about relevance.
GENERIC_BIGRAMS = frozenset(bigrams("资金补贴补助服务项目建设管理工作发放完成人数数量比例覆盖合格及时满意年度"
                                    "实施保障质量标准对象人员活动设施达标验收改造维护运行开展提升增长户数次数"
                                    "个数总额金额经费成本费用单位平均人均户均年均按时按期拨付到位执行情况率数量开展组织"
                                    "工程施工"))


def _short(text: str, n: int = 200) -> str:
    return text[:n]


def match_library(ctx: Context) -> None:
    """Lexical library hits for every row and the directions that fit the project."""
    lookup = ctx.lookup
    if lookup is None:
        return
    totals: dict[str, float] = {}
    if ctx.project_text:
        text, code = _short(ctx.project_text), ctx.doc.project.filed_code
        # the budget's own filing narrows the directions that fit; none under it: the text alone
        hits = lookup.search(text, k=PROJECT_HITS, mode="lexical", function_code=code) if code else []
        hits = hits or lookup.search(text, k=PROJECT_HITS, mode="lexical")
        for rank, hit in enumerate(hits):
            totals[hit.direction_code] = totals.get(hit.direction_code, 0.0) + hit.score / (1 + rank * 0.1)
    best = max(totals.values(), default=0.0)
    ctx.directions = {code: s for code, s in sorted(totals.items(), key=lambda kv: -kv[1])[:3] if s >= 0.4 * best}
    named = ctx.doc.project.direction
    resolved = lookup.resolve_direction(named) if named else None
    if resolved is not None:
        ctx.directions[resolved.code] = best or 1.0
        check_function_code(ctx, resolved)
    for row in ctx.rows:
        if row.name:
            hits = lookup.search(_short(row.name, 100), k=ROW_HITS, mode="lexical")
            # a row written with the project's subject (…工作经费发放及时率): the project-general rows of its measure
            if measure := row_measure(ctx, row):
                seen = {h.code for h in hits}
                hits += [h for h in lookup.search(measure, k=MEASURE_HITS, mode="lexical", direction=GENERIC_DIRECTION)
                         if h.code not in seen]
            ctx.hits[row.index] = hits


def row_measure(ctx: Context, row: Row) -> str | None:
    """What a row measures of the project's subject or a fund it names first (`kb.subject.measured_part`):
    城乡居民医保参保工作经费发放及时率 in that project measures 发放及时率."""
    return measured_part(name_query(row.name), ctx.project_text) if row.name else None


def _measure_agrees(row: Row, hit: LibraryHit, measure: str | None, grading: str | None) -> bool:
    """A library name close to a row only through the project's subject they share (城乡居民医保参保人数 for
    城乡居民医保参保工作经费发放及时率) is no match: it must share a word with what the row measures (`measure`, from
    `row_measure`), or be counted in the row's kind of unit; nor is a count close to a share that grades the work
    (`grading`: the row's 合格, 合规… of `_QUALITY_RATE`)."""
    written = bool(row.unit and row.unit.text)
    if grading and written and row.unit.kind == "ratio" and not unit_fits(row, hit) and grading not in hit.name:
        return False
    if not measure or measure == TOTAL_COST:
        return True
    return bool(bigrams(hit.name) & bigrams(measure)) or (written and unit_fits(row, hit))


# A share that grades the work (校舍维修改造质量合格率, 补贴发放合规率) is no count of it (维修改造学校数, 补贴发放批次)
# unless that count grades it too (合格…数)
_QUALITY_RATE = re.compile(r"(合格|合规|达标|准确|完好|正确|优良|规范)率$")


def function_code_conflict(code: str | None, direction: Direction) -> tuple[str, str] | None:
    """(message, suggestion) when a direction's projects are budgeted under another 类 than the
    function code a project gives (城市道路照明, 21203, filed under 2050202 小学教育); None when they
    agree. Another 款 of the same 类 agrees: budgets often mix those. A direction without codes
    (共性, 部门整体) says nothing."""
    codes = tuple(direction.function_codes or ())
    if not code or not codes or any(c[:3] == code[:3] for c in codes):
        return None
    return (f"支出方向『{direction.name}』的项目通常列在支出功能分类 {'、'.join(codes)} 下，"
            f"与所填功能分类科目 {code} 不在同一类",
            "核对功能分类科目和支出方向：科目填错的改科目，方向选错的改支出方向")


def check_function_code(ctx: Context, direction: Direction) -> None:
    """FUNCTION_CODE_MISMATCH for the direction the project names (see `function_code_conflict`)."""
    conflict = function_code_conflict(ctx.doc.project.filed_code, direction)
    if conflict:
        ctx.add("FUNCTION_CODE_MISMATCH", conflict[0], suggestion=conflict[1])


def _named_by(row: Row, hit: LibraryHit) -> bool:
    """Whether the row is written with the library indicator's name or one of its aliases (its unit in
    brackets, 租车次数(次), or a template's marks, left aside)."""
    names = {match_key(n) for n in (hit.name, *getattr(hit, "aliases", ()))}
    return row.key in names or _search_key(row.name) in names


@lru_cache(maxsize=4096)
def _search_key(name: str) -> str:
    return match_key(name_query(name))


def standard_hit(ctx: Context, row: Row) -> LibraryHit | None:
    """The library indicator this row is, by name or alias."""
    return next((hit for hit in ctx.hits.get(row.index, []) if _named_by(row, hit)), None)


def close_hits(ctx: Context, row: Row, minimum: float = 0.3, *, by_alias: bool = False) -> list[LibraryHit]:
    """The library indicators whose name is close to the row's (`by_alias`: those close only by one of
    their aliases: 结算款支付及时性 → 资金拨付及时率 through 款项支付及时率)."""
    def by_name(h: LibraryHit) -> float:
        return max(name_overlap(h.name, row.name), name_overlap(row.name, h.name))

    def close(h: LibraryHit) -> bool:
        floor = minimum if h.direction_code in ctx.directions else max(minimum, 0.5)
        if by_alias:  # …in the row's kind of unit (补助标准 in 元/亩 is no 人均补贴发放额 in 元/人·年)
            return (h.direction_code in (*ctx.directions, GENERIC_DIRECTION) and unit_fits(row, h)
                    and by_name(h) < floor <= max((name_overlap(a, row.name) for a in getattr(h, "aliases", ())),
                                                  default=0) and _measure_agrees(row, h, measure, grading))
        if own_money and h.name == TOTAL_COST:
            return unit_fits(row, h)
        return by_name(h) >= floor and named_kind_fits(row, h) and _measure_agrees(row, h, measure, grading)

    measure = row_measure(ctx, row)
    quality = _QUALITY_RATE.search(name_query(row.name))
    grading = quality.group(1) if quality else None
    # a row that is only the project's own money (市民中心运行维护费 in that project): its total cost, first
    own_money = measure == TOTAL_COST
    department = ctx.doc.project.kind == "department"
    hits = [h for h in ctx.hits.get(row.index, []) if close(h) and row.level1 in (None, h.level1)
            and (in_field(ctx, h) or (department and not h.common and not by_alias and _both_ways(h, row)))]
    return sorted(hits, key=lambda h: (own_money and h.name != TOTAL_COST, h.direction_code not in ctx.directions,
                                       row.level1 not in (None, h.level1)))


# What a row with no unit says it counts, by its name's ending, and the kinds of library unit that count something
# else: 门诊人次 is no 门诊次均费用 (元/人次), 补助资金 no 补助人数. A rate and an amount, a time limit and its 及时率,
# a cost and its 控制率 are one measure written two ways, and stay close.
_OTHER_KINDS = {"people": ("money", "unit_cost"), "count": ("money", "unit_cost"), "money": ("quantity",)}


def named_kind_fits(row: Row, hit: LibraryHit) -> bool:
    """Whether a row with no unit may be the library indicator, as far as its name's ending says what it counts."""
    if (row.unit and row.unit.text) or not hit.unit:
        return True
    other = _OTHER_KINDS.get(stated_kind(row.name) or "")
    return not other or parse_unit(hit.unit).kind not in other


# A department's duties span many directions, which its own words do not find: a row of its overall goal
# this close to one of their indicators by name, either way round (新认定高新技术企业数量 at a 科学技术局), is
# pointed at it; a few shared words are not enough (木材销售收入 is no 文创产品销售收入).
DUTY_CLOSENESS = 0.6


def _both_ways(hit: LibraryHit, row: Row) -> bool:
    return min(name_overlap(hit.name, row.name), name_overlap(row.name, hit.name)) >= DUTY_CLOSENESS


def unit_fits(row: Row, hit: LibraryHit) -> bool:
    """Whether a row's unit is of the kind the library indicator is counted in (and per the same); with no unit,
    whether its name's ending allows it (`named_kind_fits`)."""
    if not row.unit or not row.unit.text:
        return named_kind_fits(row, hit)
    if not hit.unit:
        return True
    lib = parse_unit(hit.unit)
    return lib.kind == row.unit.kind and lib.per == row.unit.per


def in_field(ctx: Context, hit: LibraryHit) -> bool:
    """Advice comes from the project's own field: its directions, their sibling directions and the common
    categories. With no direction known, only common indicators qualify."""
    if hit.common:  # 部门整体 indicators serve a department's overall goal, 共性 ones any project
        return hit.direction_code.startswith(DEPARTMENT_CATEGORY) == (ctx.doc.project.kind == "department")
    if hit.direction_code in ctx.directions:
        return True
    return any(code[:5] == hit.direction_code[:5] for code in ctx.directions)


def typical_values(ctx: Context) -> dict[int, str]:
    """A typical target from the closest library indicator (by name, else by alias), for suggestions ('≥95%')."""
    out = {}
    for row in ctx.rows:
        for hit in close_hits(ctx, row, 0.5) + close_hits(ctx, row, 0.5, by_alias=True):
            t = parse_target(hit.typical, hit.operator, hit.unit)
            if t.value is not None and (not row.unit or parse_unit(hit.unit).kind == row.unit.kind):
                op = t.operator or hit.operator
                out[row.index] = f"{op if op in ('≥', '≤', '=') else '≥'} {fmt(t.value)}{t.unit or hit.unit}"
                break
    return out


def _same_measure(a: str, b: str) -> bool:
    """Two names for the same measure: most of their bigrams shared and the same kind of ending (率, 数, 量…)."""
    ga, gb = bigrams(a), bigrams(b)
    return bool(ga and gb) and a[-1] == b[-1] and len(ga & gb) / len(ga | gb) >= 0.6


def check_library_units(ctx: Context) -> None:
    """IND_UNIT_MISMATCH the name rules cannot see: the same library indicator counts in % and the row
    in 条, or the other way round. A row whose name's own ending says what it counts, in a unit that
    fits (婚检人数 in 人), is left alone: the library may file that name under the rate it feeds
    (婚前医学检查率), but the row measures what its name says. Nor is a row written with an alias whose
    ending says nothing of its form (风险分级 may be counted in 家 or as a share)."""
    for row in ctx.rows:
        if row.target.kind != "numeric" or not row.unit or ctx.has("IND_UNIT_MISMATCH", row.index):
            continue
        if name_fits_unit(row.name, row.unit):
            continue
        same = (h for h in ctx.hits.get(row.index, []) if _same_measure(h.name, row.name))
        hit = standard_hit(ctx, row) or next(same, None)
        if hit is None or not hit.unit:
            continue
        if stated_kind(row.name) is None and match_key(row.name) != match_key(hit.name):
            continue  # an alias that names the work, not its form (食品经营环节风险分级: 家 or %)
        lib = parse_unit(hit.unit)
        kinds = {lib.kind, row.unit.kind}
        if "ratio" in kinds and kinds & {"quantity", "money", "unit_cost", "duration"}:
            ctx.add("IND_UNIT_MISMATCH",
                    f"{row.label}的单位『{row.unit.text}』与指标库中的『{hit.name}』（单位 {hit.unit}）不一致",
                    indicator=row.index, suggestion=f"按指标含义更正计量单位，如『{hit.unit}』", refs=[hit.code])


_COST_WORDS = re.compile(r"建设|成本|费用|费|单价|造价|价格|平均|单位|单个|每|补助|补贴|标准|经费|投资|支出|金额"
                         r"|年均|人均|户均")


def _cost_range(lookup, hit) -> tuple[float, float, int] | None:
    """The library's usual unit-cost range (…, 0), or where it gives none the range of the targets
    approved goals set for it (…, how many goals), or None."""
    if hit.cost_low is not None and hit.cost_high is not None:
        return hit.cost_low, hit.cost_high, 0
    return approved_spread(lookup, hit.code, hit.name, hit.unit)


def check_unit_costs(ctx: Context) -> None:
    """Unit costs against the usual range of the closest library cost indicator."""
    lookup = ctx.lookup
    for row in ctx.rows:
        if row.unit.kind != "unit_cost" or row.amount is None or row.level1 not in (COST, None):
            continue
        found = None
        for hit in lookup.search(_short(row.name, 100), k=10, mode="lexical", level1=COST):
            hu = parse_unit(hit.unit)
            if hu.per != row.unit.per or hu.kind != "unit_cost":
                continue
            low_high = _cost_range(lookup, hit)
            if low_high is None:
                continue
            if hu.per_time != row.unit.per_time and (hu.per_time not in PER_YEAR
                                                     or row.unit.per_time not in PER_YEAR):
                continue
            overlap = max(name_overlap(hit.name, row.name), name_overlap(row.name, hit.name))
            if not bigrams(_COST_WORDS.sub("", row.name)) & bigrams(_COST_WORDS.sub("", hit.name)):
                continue  # 景观建设成本 and 单机柜建设成本 share only the words every cost name has
            if not in_field(ctx, hit):
                continue  # a road's maintenance cost is not benchmarked against forest firebreaks
            if overlap >= 0.6 or (overlap >= 0.4 and hit.direction_code in ctx.directions):
                found, unit, (cost_low, cost_high, approved) = hit, hu, low_high
                break
        if found is None:
            continue
        # both per year when their time bases differ (元/户·年 against 元/户·月)
        per_year = PER_YEAR.get(unit.per_time, 1.0) / PER_YEAR.get(row.unit.per_time, 1.0)
        low, high = in_base(cost_low, unit) * per_year, in_base(cost_high, unit) * per_year
        if low * LOW_SLACK <= row.amount <= high * HIGH_SLACK:
            continue
        where = "低于" if row.amount < low * LOW_SLACK else "高于"
        far = row.amount < low / FAR or row.amount > high * FAR
        usual = (f"的常见范围 {fmt(cost_low)}-{fmt(cost_high)}{found.unit}" if not approved else
                 f"在 {approved} 个已通过审核的项目中的目标范围 {fmt(cost_low)}-{fmt(cost_high)}{found.unit}"
                 "（指标库未给出范围）")
        ctx.add("BUDGET_UNIT_COST_ATYPICAL",
                f"{row.label}『{row.value_text}』{where}指标库同类指标『{found.name}』（{found.direction}）{usual}",
                severity="warning" if far else "info", indicator=row.index, refs=[found.code],
                suggestion="核对单位成本和计量单位（元/万元）；确属特殊情况的，在取值依据中说明测算过程")


def _close(a: str, b: str, minimum: float) -> bool:
    return max(name_overlap(a, b), name_overlap(b, a)) >= minimum


def _shared_words(a: str, b: str) -> int:
    """How many distinctive bigrams two names share: one (保育 of a pig farm's 保育栏 and of 托育) is a
    homonym's chance."""
    return len((bigrams(a) & bigrams(b)) - GENERIC_BIGRAMS)


def _is_common(row: Row, hits: list[LibraryHit]) -> bool:
    """Indicators any project may carry: satisfaction, the timeliness of payment or completion (及时, 完成周期),
    and rows whose close library matches (or the indicator whose alias they are: 建设占地面积) are 共性
    indicators or spread over several categories (验收合格率, 资金使用合规率…)."""
    if row.level1 == SATISFACTION or "满意" in row.name:
        return True
    if row.output_kind == TIMELINESS and re.search(r"及时|按时|按期|时限|拨付|兑付|发放|完成|周期", row.name):
        return True
    close = [h for h in hits
             if _named_by(row, h) or max(name_overlap(h.name, row.name), name_overlap(row.name, h.name)) >= 0.4]
    # a 共性 indicator whose alias holds the row's words (宣传教育 in 宣传活动场次's 宣传教育活动次数)
    common = any(h.common and any(name_overlap(row.name, alias) >= 0.8 for alias in getattr(h, "aliases", ()))
                 for h in hits)
    return common or any(h.common for h in close) or len({h.category for h in close}) >= GENERIC_SPREAD


def _fits_project_direction(ctx: Context, row: Row, codes: list[str] | None = None) -> bool:
    """Whether one of the project's own directions (or of `codes`) has an indicator close to this row
    (建后管护机制 in 高标准农田建设 has 建后管护主体落实率), or one the row names by an alias (精准率 for
    低保对象认定准确率)."""
    for code in list(ctx.directions)[:3] if codes is None else codes:
        for hit in ctx.lookup.search(_short(row.name, 100), k=3, mode="lexical", direction=code):
            if _named_by(row, hit) or max(name_overlap(hit.name, row.name), name_overlap(row.name, hit.name)) >= 0.4:
                return True
    return False


def _near_directions(ctx: Context) -> list[str]:
    """The directions that best answer the project's text, best first (among those budgeted under its
    function code, when any is)."""
    lookup, text, code = ctx.lookup, _short(ctx.project_text), ctx.doc.project.filed_code
    k = max(1, round(len(lookup.directions) * NEAR_SHARE))
    found = lookup.suggest_directions(text, k=k, function_code=code) if code else []
    return [d.code for d, _ in found or lookup.suggest_directions(text, k=k)]


def check_relevance(ctx: Context) -> None:
    """DIRECTION_MISMATCH: a row whose library neighbours and meaning lie outside the project's area.

    Suspects are rows that share no distinctive words with the project and whose best library
    match lies outside the project's directions. The encoder confirms them: a row is unrelated
    when it is no closer to the project text than generic indicators are, once the pull of the
    direction it does match is taken off."""
    lookup = ctx.lookup
    if not ctx.project_text or ctx.doc.project.kind == "department":
        return  # a department's overall goal spans all its duties, not one spending direction
    project_grams = bigrams(ctx.project_text)
    suspects = []
    for row in ctx.rows:
        hits = ctx.hits.get(row.index, [])
        if not hits or _is_common(row, hits) or (bigrams(row.name) - GENERIC_BIGRAMS) & project_grams:
            continue
        if any(h.direction_code in ctx.directions for h in hits[:3]):
            continue
        # positive evidence only: the row is (nearly) a specific indicator of another direction
        foreign = next((h for h in hits[:3] if not h.common and _close(h.name, row.name, 0.5)
                        and _shared_words(h.name, row.name) >= 2), None)
        if foreign is None or len(bigrams(row.name) - GENERIC_BIGRAMS) < 2 or _fits_project_direction(ctx, row):
            continue
        suspects.append((row, foreign))
    if suspects:  # a direction the project's text names by one of its own words is the project's too
        named = {d.code for d in lookup.named_directions(ctx.project_text)}
        suspects = [(row, hit) for row, hit in suspects if hit.direction_code not in named]
    if suspects:
        near = _near_directions(ctx)
        kin = {code[:3] for code in near[:max(1, round(len(lookup.directions) * KIN_SHARE))]}
        suspects = [(row, hit) for row, hit in suspects
                    if hit.direction_code not in near and hit.direction_code[:3] not in kin
                    and not _fits_project_direction(ctx, row, near[:NEAREST_OWN])]
    if not suspects:
        return
    project = _short(ctx.project_text, RELEVANCE_CHARS)
    references = lookup.similarity(project, list(GENERIC_REFERENCES))
    generic = sum(references) / len(references)
    for row, hit in suspects[:MAX_SUSPECTS]:
        other = lookup.resolve_direction(hit.direction_code)
        other_text = f"{hit.direction}：{other.summary}" if other is not None else hit.direction
        to_project, to_other = lookup.similarity(_short(row.name, RELEVANCE_CHARS),
                                                 [project, _short(other_text, RELEVANCE_CHARS)])
        if (to_project - generic) - (to_other - to_project) >= RELEVANCE_FLOOR:
            continue
        ctx.add("DIRECTION_MISMATCH",
                f"{row.label}与本项目（{ctx.doc.project.name}）的支出方向无关，更像是『{hit.direction}』方向的指标",
                indicator=row.index, refs=[hit.code],
                suggestion="删除该指标，或换成反映本项目产出和效果的指标；可用指标检索查找本方向的规范指标")
