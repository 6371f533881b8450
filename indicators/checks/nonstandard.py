"""Advice on the rows of a goal that are no library indicator (IND_NONSTANDARD): the library names close to
the row's, by name or by alias; else the same kind of rows in the project's direction. For a department's
overall goal: its 部门整体 variant's rows of the row's dimension where the row is its own running cost,
management or survey; else the indicators nearest the row in meaning among its duties'."""

from __future__ import annotations

import re

from indicators.checks.context import Context, Row, clean_level
from indicators.checks.department import DEPARTMENT_LEVEL1, MANAGEMENT, PERFORMANCE, RUNNING_COST, dept_dimension
from indicators.checks.department import SATISFACTION as DEPARTMENT_SATISFACTION  # 满意度, not level 1's 满意度指标
from indicators.checks.goal_text import bigrams
from indicators.checks.library_match import (
    GENERIC_BIGRAMS,
    RELEVANCE_CHARS,
    close_hits,
    in_field,
    standard_hit,
    unit_fits,
)
from indicators.directions import STRANGER_SCORE, names_direction
from indicators.framework import DEPARTMENT, DEPARTMENT_CATEGORY, GENERAL_DEPARTMENT, GENERIC_DIRECTION
from indicators.lookup import LibraryIndicator
from indicators.units import department_direction, for_towns_only, unit_words


def home_direction(ctx: Context) -> tuple[str, bool] | None:
    """The project direction the goal's rows belong to, and whether that is sure: the one it names;
    else one of the directions its words found whose name or keyword it uses (雨露计划, 路灯 → 城市道路照明);
    else the best fit in meaning for the start of its text, the text `check_relevance` encodes too (one
    encoding per document), or the project-general direction when even that fits poorly (a direction for
    townships only for a department that is one). A department's
    overall goal written on the project framework (产出/效益 rows) gets the direction of its duties
    (县科学技术局 → 科技 directions), not a 部门整体 one, whose indicators are of other levels."""
    project, lookup = ctx.doc.project, ctx.lookup
    named = lookup.resolve_direction(project.direction) if project.direction else None
    if named is not None and not named.code.startswith(DEPARTMENT_CATEGORY):
        return named.code, True
    for code in [c for c in ctx.directions if not c.startswith(DEPARTMENT_CATEGORY)][:3]:
        direction = lookup.resolve_direction(code)
        if direction is not None and not direction.common and names_direction(project, direction):
            return code, True
    text = ctx.project_text[:RELEVANCE_CHARS]
    department = project.kind == "department"
    # six project directions beyond the 部门整体 variants, which a department's own words find first
    k = 6 + sum(code.startswith(DEPARTMENT_CATEGORY) for code in lookup.directions)
    found = [(d, score) for d, score in lookup.suggest_directions(text, k=k)
             if not d.code.startswith(DEPARTMENT_CATEGORY) and not (department and for_towns_only(d, project))]
    if not found:
        return None
    best, score = found[0]
    return (best.code, False) if score >= STRANGER_SCORE else (GENERIC_DIRECTION, False)


def same_kind(ctx: Context, home: str, row: Row, n: int = 3, *, level1: str | None = None,
              level2: str | None = None) -> list[LibraryIndicator]:
    """Where no library name is close to a row: the indicators of the same kind (level 1, then
    level 2; the row's own unless given) in the project's own direction, those sharing words with
    the row first. A reviewer points 成本控制 at the direction's unit costs and 社会满意度 at its
    recipients' satisfaction."""
    level1, level2 = level1 or row.level1, level2 or row.level2
    if level1 is None:
        return []
    kind = [i for i in ctx.lookup.direction_indicators(home) if i.level1 == level1]
    if level2:
        kind.sort(key=lambda i: i.level2 != level2)
    worded = {h.code for h in ctx.lookup.search(row.name[:100], k=n, mode="lexical",
                                                 direction=home, level1=level1)}
    kind.sort(key=lambda i: i.code not in worded)
    return kind[:n]


def department_kind(row: Row) -> tuple[str, str | None] | None:
    """(level 1, level 2) in the 部门整体 library's terms for a department goal's row written on that
    framework (运行成本/三公经费, 管理效率/预算执行, 履职效能…), None for a row of no dimension."""
    dimension = dept_dimension(row)
    if dimension is None:
        return None
    return DEPARTMENT_LEVEL1[dimension], DEPARTMENT.canonical_level2(clean_level(row.level2_text))


def check_nonstandard(ctx: Context) -> None:
    unknown = [row for row in ctx.rows if row.name and row.index in ctx.hits and not standard_hit(ctx, row)]
    close: dict[int, list[LibraryIndicator]] = {row.index: close_hits(ctx, row)[:3] for row in unknown}
    # …and, where fewer are close by name, those close by an alias, after them
    aliased = {row.index: close_hits(ctx, row, by_alias=True)[:3 - len(close[row.index])] for row in unknown}
    # the project's direction is looked for only when some row has no close library name
    home = home_direction(ctx) if any(row.level1 and not close[row.index] for row in unknown) else None
    department = ctx.doc.project.kind == "department"
    dimensions = {row.index: department_kind(row) for row in unknown} if department else {}
    # a department's running cost and satisfaction rows are the 部门整体 framework's own, whatever levels the
    # table files them under; what it delivers (部门预算编制单位数 at a 财政局) is measured as its duties are
    kinds = {row.index: kind for row in unknown if (kind := dimensions.get(row.index)) is not None
             and (not row.level1 or kind[0] in _DEPARTMENT_OWN)}
    # What else a department delivers is found among its duties (`duty_hits`): first, for a row close by name
    # only to another field's indicator (病虫害防治作业面积 of 城市绿化养护 at a 林业局); instead of the home
    # direction's kind, for a row no library name is close to, unless the direction the unit's name names (卫生院
    # → 基层医疗卫生机构标准化建设) has rows of what it measures: the unit's duties reach beyond that direction
    stray = {row.index for row in unknown if department and close[row.index]
             and not any(in_field(ctx, h) for h in close[row.index])}
    own_home = {row.index for row in unknown if not (close[row.index] or aliased[row.index])
                and _speaks_to(ctx, home[0], row)} if department and home and home[1] else set()
    overall = _department_overall(ctx) if kinds or stray or (
        department and any(not close[r.index] for r in unknown)) else None
    # a table that names no unit (部门整体支出绩效目标表) has a variant guessed from its form words; its running cost
    # and management rows serve any unit, its duties' rows (管理公务用车数量) only the unit guessed
    named_unit = unit_words(ctx.doc.project) if department else ""
    unit, field = "", set()
    if department and (searched := [row for row in unknown if row.index not in kinds and (row.index in stray or (
            row.index not in own_home and not (close[row.index] or aliased[row.index])))]):
        unit = named_unit or ctx.project_text
        field = {*ctx.lookup.near_directions(unit, UNIT_FIELD), overall}
        ctx.lookup.prepare_queries([_row_query(row) for row in searched])  # embedded in one batch
    # a unit whose words name none of its duties' directions (卫生院, 科学技术局): a management row no library name is
    # close to, filed under 产出 or 效益, is measured as its 部门整体 variant measures management (部门预决算公开 →
    # 部门预决算公开完整率), not as any project is (项目档案资料完整率). What it delivers is not: the administrations'
    # variants measure any bureau's work (森林经营面积 is no 牵头民生实事项目数)
    unplaced = department and (home is None or home[0] == GENERIC_DIRECTION)
    for row in unknown:
        found, kind = close[row.index], kinds.get(row.index)
        if row.index in stray and kind is None:
            duty = duty_hits(ctx, row, unit, field)
            found = [*duty, *(h for h in found if h.code not in {d.code for d in duty})][:3]
        fallback = dimensions.get(row.index) if kind is None and unplaced and not found else None
        if fallback and fallback[0] == _MANAGEMENT:
            kind = fallback
        # …and a project's survey or cost that merely shares its words (预算单位对绩效培训辅导满意度) is not
        # the department's own: its 部门整体 variant's rows come first
        own = []
        if kind and overall and not any(h.code.startswith(DEPARTMENT_CATEGORY) for h in found) and (
                kind[0] != _DUTIES or named_unit):
            own = same_kind(ctx, overall, row, level1=kind[0], level2=kind[1])
        if own:
            found = own
            lead = "" if close[row.index] else _NONE_CLOSE
            suggestion = (f"{lead}部门整体指标『{found[0].direction}』中的{kind[0].removesuffix('指标')}指标有"
                          f"{_listed(found)}{_CHOOSE}")
        elif found:
            found = found + aliased[row.index]
            suggestion = f"可改用指标库中的规范指标：{_listed(found, where=True)}"
        elif aliased[row.index]:  # a measure any project may use (支付及时率); the direction's own kind beside it
            found = aliased[row.index]
            suggestion = f"可改用指标库中的规范指标：{_listed(found, where=True)}"
            kin = []
            if home and row.level1:
                kin = [i for i in same_kind(ctx, home[0], row) if i.code not in {h.code for h in found}][:2]
            if kin:
                suggestion += f"；{_whose(department, home)}『{kin[0].direction}』的同类指标有{_listed(kin)}"
                found = found + kin
        elif department and row.index not in own_home and (found := duty_hits(ctx, row, unit, field)):
            suggestion = (f"{_NONE_CLOSE}按本单位职责，意思最接近的指标库指标有{_listed(found, where=True)}"
                          f"{_CHOOSE}")
        elif department and not named_unit and not (home and home[1]):
            suggestion = (f"{_NONE_CLOSE}表中没有写明单位名称，无法按本单位职责查找相近指标；"
                          "请在项目名称或预算部门中写明单位（如 某县卫生健康局），或在取值依据中说明指标口径和数据来源")
        elif home and row.level1 and (not unplaced or _MONEY_ROW.search(row.name)) and (
                found := same_kind(ctx, home[0], row)):
            suggestion = (f"{_NONE_CLOSE}{_whose(department, home)}『{found[0].direction}』的同类指标有"
                          f"{_listed(found)}{_CHOOSE}")
        else:
            whose = ("指标库中没有找到本单位职责的相近指标" if unplaced else
                     f"{'本单位职责' if department else '本项目'}所属方向的指标库中没有相近指标")
            suggestion = f"{whose}；请核对名称，或在取值依据中说明指标口径和数据来源"
        ctx.add("IND_NONSTANDARD", f"{row.label}不是指标库中的标准指标", indicator=row.index,
                suggestion=suggestion, refs=[h.code for h in found])


# A department's duties span many directions (a 林业局's: 公益林, 有害生物防治, 国有林场…), and the one direction its
# name is closest to measures few of its rows: the indicators nearest a row in meaning, searched with the unit
# in mind, are (护林员人数 → 聘用专职护林员人数, 门诊人次 → 门急诊人次). Of the first DUTY_HITS, those of the
# UNIT_FIELD directions closest to the unit (a project direction's at the row's level, 产出 and 效益 as one; a 部门整体
# variant's at any) or of its own variant; counted in the row's kind of unit and sharing what it measures, not
# only how (诊断准确率 is no 车牌识别准确率, 木材销售收入 no 项目新增销售收入).
DUTY_HITS = 8
# what a unit delivers, which its table files under 产出 or 效益 as the library may file it under the other
# (乡镇卫生院住院服务人次 is an effect of 基层医疗卫生机构标准化建设, a 卫生院's 住院人次 an output of its own)
_DELIVERS = frozenset({"产出指标", "效益指标"})
UNIT_FIELD = 20
_MEASURE = re.compile(r"正常|准确|精准|安排|运转|运行|日常|到位|人次|人群|群众|面积|时间|时限|周期|天数|比率|比例"
                      r"|完好|知晓|规范|有效|销售|收入|产值|增收|增长|[率数量度性]")


def duty_hits(ctx: Context, row: Row, unit: str, field: set[str], n: int = 3) -> list[LibraryIndicator]:
    """For a department's row no library name is close to: the indicators of its duties (`field`: the
    directions closest to the unit, and its own 部门整体 variant) nearest it in meaning."""
    hits = ctx.lookup.search(_row_query(row), k=DUTY_HITS, mode="hybrid", context=unit)
    subject = _subject(row.name)
    return [h for h in hits if h.direction_code in field and unit_fits(row, h) and subject & _loose_bigrams(h.name)
            and (not h.common or h.direction_code.startswith(DEPARTMENT_CATEGORY))
            and (h.common or row.level1 in (None, h.level1) or {row.level1, h.level1} <= _DELIVERS)][:n]


def _speaks_to(ctx: Context, direction: str, row: Row) -> bool:
    """Whether an indicator of the direction at the row's level (those `same_kind` lists) shares what the row
    measures: a 卫生院's 住院人次 under 产出 is not answered by 基层医疗卫生机构标准化建设, whose 住院 row is an
    effect."""
    subject = _subject(row.name)
    return any(subject & _loose_bigrams(i.name) for i in ctx.lookup.direction_indicators(direction)
               if row.level1 in (None, i.level1))


def _subject(name: str) -> frozenset[str]:
    """The bigrams of what a name measures, without how (诊断准确率 → 诊断)."""
    return frozenset().union(*(bigrams(part) for part in _MEASURE.split(name))) - GENERIC_BIGRAMS


def _loose_bigrams(name: str) -> frozenset[str]:
    """A name's bigrams and its pairs of characters one apart: 门急诊人次 holds 门诊."""
    return bigrams(name) | frozenset(name[i] + name[i + 2] for i in range(len(name) - 2))


def _row_query(row: Row) -> str:
    return row.name[:100]


# A unit none of whose duties is found is no project: the project-general direction's rows answer only its rows
# about handling money (业务工作支出到位率 → 资金到位率); 出差人次 is no answer to 推广食用菌品种数量, nor
# 人均单次差旅费 to a subsidy's rate (抚育补助 每亩100)
_MONEY_ROW = re.compile(r"到位|拨付|发放|支付|执行|进度")
_MANAGEMENT = DEPARTMENT_LEVEL1[MANAGEMENT]
_DUTIES = DEPARTMENT_LEVEL1[PERFORMANCE]
_DEPARTMENT_OWN = frozenset({DEPARTMENT_LEVEL1[RUNNING_COST], DEPARTMENT_LEVEL1[DEPARTMENT_SATISFACTION]})
_NONE_CLOSE = "指标库中没有与之相近的名称；"
_CHOOSE = "，可选用，或在取值依据中说明本指标的口径和数据来源"


def _listed(found: list[LibraryIndicator], *, where: bool = False) -> str:
    """『name』（unit） for each, and the direction it sits in when `where`."""
    return "、".join(f"『{h.name}』（{h.unit or '定性'}{'，' + h.direction if where else ''}）" for h in found)


def _whose(department: bool, home: tuple[str, bool]) -> str:
    """Whose direction a suggestion's kindred indicators come from: the one the goal belongs to, or the closest."""
    subject = "本单位职责" if department else "本项目"
    return f"{subject}所属方向" if home[1] else f"与{subject}最接近的方向"


def _department_overall(ctx: Context) -> str:
    """The 部门整体 direction of a department's goal: the one its unit's name or duties choose (某县财政局 →
    综合管理类机关), else the one its words found, else the general one."""
    chosen, _ = department_direction(ctx.doc.project, ctx.lookup)
    if chosen:
        return chosen[0].code
    return next((c for c in ctx.directions if c.startswith(DEPARTMENT_CATEGORY)), GENERAL_DEPARTMENT)
