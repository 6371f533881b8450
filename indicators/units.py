"""A department's (unit's) overall goal, 部门整体: which 部门整体 variant its name chooses (综合管理类机关, 公共服务类
事业单位, 医疗卫生类单位…) and which project directions are its duties, whose rows lead its 履职效能. The drafter
drafts a unit's goal from them; the checker points a unit's rows at them.
"""

from __future__ import annotations

import re
from collections import Counter

from indicators.directions import (
    DIRECTION_FIT_FLOOR,
    closeness,
    project_directions,
    project_text,
    project_title,
    words_named,
)
from indicators.framework import (
    DEPARTMENT_CATEGORY,
    GENERAL_DEPARTMENT,
    GENERAL_SERVICE_UNIT,
    SERVICE_UNITS,
    TECHNICAL_SERVICE_UNIT,
)
from indicators.goals import Project
from indicators.lookup import Direction, Lookup
from kb.text import keyword_text, normalize_text

# the form around a unit's name (2021年林业局部门整体支出绩效自评表), which finds 预算绩效管理 instead of its duties
_FORM = re.compile(r"(?:部门(?:[（(]单位[）)])?)?整体(?:支出)?|绩效(?:目标|自评|评价)?(?:表|报告)?|自评表|目标表"
                   r"|非单个项目|\d{4}年度?|年度")


def unit_words(project: Project) -> str:
    """A department's name, and its goal's title without the form (2021年林业局部门整体支出绩效自评表 → 林业局)."""
    return " ".join(part for part in (project.department, _unit_title(project)) if part).strip()


def _unit_title(project: Project) -> str:
    return _FORM.sub(" ", project_title(project))


def unit_name(project: Project) -> str:
    """The unit a department's goal is for, as its goal text names it: the one its title names (`_title_unit`),
    else its department."""
    return _title_unit(project) or (project.department or "").strip()


def _title_unit(project: Project) -> str:
    """The first word of the title, less the form, that ends as a unit's name does (某县民政局2026年部门整体绩效目标 →
    某县民政局); empty when the title is only the form (部门整体支出)."""
    words = re.findall(r"[^\s（）()，,、：:；;]+", _unit_title(project))
    return next((w for w in words if _UNIT.search(w)), "")


def _name_parts(project: Project) -> list[str]:
    """The words of the unit's name: the title's (less its form) first, then its department's."""
    return [*_unit_title(project).split(), *(project.department or "").split()]


def duty_directions(project: Project, lookup: Lookup, n: int = 2, near: int = 8) -> list[Direction]:
    """The project directions of a unit's duties: of those nearest its name, the first n it names or whose
    summary it is close to in meaning (县林业局 → 林业行政执法与案件查处, 国有林场建设与森林经营), then those filed
    under the budget heading its name names (县审计局 → 审计项目实施). With none of these, the few whose names hold
    the core of its name (县人防办 → 人防工程建设与维护管理); else, but for an association, a service unit's one kind
    of work its name finds far ahead of any other (县环卫所 → 道路清扫保洁), else the nearest that mostly share one
    heading (县人民武装部 → 国防动员)."""
    unit = unit_words(project)
    if not unit:
        return []
    candidates = [d for d in map(lookup.directions.get, lookup.near_directions(unit, near))
                  if d is not None and not d.common]
    fitting: list[Direction] = []
    text = keyword_text(project_text(project))
    named = _named_words(text, lookup)
    for direction in candidates:
        if _fits(project, direction, lookup, text, named):
            fitting.append(direction)
            if len(fitting) == n:
                return fitting
    found = fitting + [d for d in _headed_duties(project, lookup) if d not in fitting][:n - len(fitting)]
    found += [d for d in candidates if d not in found and heads_direction(unit, d)][:n - len(found)]
    found = found or _core_named(project, lookup)[:n]
    if found or any(_ASSOCIATION_END.search(part) for part in unit.split()):  # 县老区建设促进会 is no field of work
        return found
    if _unit_kind(project) != "administration":
        found = _sole_work(lookup, unit)
    return found or _one_heading(project, candidates, lookup)[:n]


def _named_words(text: str, lookup: Lookup) -> dict[str, set[str]]:
    """The directions' names and keywords that the unit's text (a `keyword_text`) holds (某县农业综合行政执法大队 holds
    农业综合行政执法 and 综合行政执法), each with the categories of the directions it names."""
    named: dict[str, set[str]] = {}
    for d in lookup.directions.values():
        if not d.common:
            for word in words_named(d, text):
                named.setdefault(normalize_text(word), set()).add(d.category)
    return named


def _fits(project: Project, direction: Direction, lookup: Lookup, text: str, named: dict[str, set[str]]) -> bool:
    """`direction_fits`, but a word of the direction that the unit's text holds only inside a longer word naming
    directions of other categories alone (环境监测 inside 地质环境监测, a 自然资源 direction's; 综合行政执法 inside
    农业综合行政执法) does not name it: the unit works in that other field. Inside a longer word of its own field
    (环境监测 inside 生态环境监测站) it does. Nor is a direction so named taken for a close meaning: the closeness comes
    from that word."""
    def elsewhere(word: str) -> bool:
        return any(word != other and word in other and direction.category not in fields
                   for other, fields in named.items())

    own = {normalize_text(w) for w in words_named(direction, text)}
    if own:
        return any(not elsewhere(w) for w in own)
    return closeness(project, direction, lookup) >= DIRECTION_FIT_FLOOR


# Units whose own budget lies mostly under headings their names do not name, or name only as the department's
# administration (民政管理事务 holds 换届选举, while a 民政局 spends on 低保, 特困 and 临时救助): the 支出功能分类
# 款 or 项 of their duties, in the order they lead a draft
_UNIT_HEADINGS = (
    (re.compile(r"民政局$"), ("2081901", "2082101", "2082001")),
    (re.compile(r"乡村振兴局$|扶贫开发(?:服务)?(?:中心|办公室)$|扶贫办$"), ("2130505", "21305")),
    (re.compile(r"政法委(?:员会)?$"), ("20499",)),
    (re.compile(r"光荣院$"), ("20808",)),
    (re.compile(r"老年公寓$|养老院$"), ("2081006",)),
    (re.compile(r"农村经营管理(?:站|服务站|中心)$|农经站$"), ("21307",)),
)


def _headed_duties(project: Project, lookup: Lookup) -> list[Direction]:
    """The project directions under the headings `_UNIT_HEADINGS` gives the unit's name: for each heading in turn,
    those filed under it, nearest the unit first."""
    heads = next((heads for part in _name_parts(project) for pattern, heads in _UNIT_HEADINGS
                  if pattern.search(part)), ())
    found: list[Direction] = []
    for head in heads:
        under = [d for d in lookup.directions.values() if d not in found and not d.common
                 and any(code.startswith(head) for code in d.function_codes)]
        found += sorted(under, key=lambda d: -closeness(project, d, lookup))
    return found


# A unit's name less its place and its ending (某县人防办 → 人防, 某县数据资源管理局 → 数据资源管理, then 数据资源) that
# the names of a few directions hold is their field (人防工程建设与维护管理, 公共数据资源开发利用与授权运营); a core
# that many hold (某县城市管理局 → 城市, 某县信息中心 → 信息) names none
_PLACE = re.compile(r"^.+?[县市区旗州](?=.)")
_NAME_END = re.compile(r"(?:局|委员会|联合会|办公室|中心|站|所|馆|院|会|办|处)$")
_HOW_END = re.compile(r"(?:管理|服务|事务|工作)$")
CORE_NAMES_MOST = 3


def _core_named(project: Project, lookup: Lookup) -> list[Direction]:
    """The project directions whose names hold the core of the unit's name, nearest in meaning first, when at
    most `CORE_NAMES_MOST` do."""
    part = next((p for p in _name_parts(project) if _NAME_END.search(p)), "")
    core = _NAME_END.sub("", _PLACE.sub("", part, count=1))
    for words in dict.fromkeys((core, _HOW_END.sub("", core))):
        if len(words) < 2:
            return []
        named = [d for d in lookup.directions.values()
                 if words in d.name and not d.common and not d.code.startswith(DEPARTMENT_CATEGORY)]
        if named:
            if len(named) > CORE_NAMES_MOST:
                return []
            return sorted(named, key=lambda d: -closeness(project, d, lookup))
    return []


# a unit's nearest directions that mostly sit under one budget heading (款) show its field even when none fits
# alone and its name names no heading (县商务局 → 商业流通事务, 县人民武装部 → 国防动员): at least this many of them,
# one of them nearly close enough to fit alone (县土地储备中心 finds three 重要商品储备 directions by 储备 alone,
# none nearer than 0.885)
SHARED_HEADING = 3
SHARED_HEADING_NEAR = 0.89


def _one_heading(project: Project, candidates: list[Direction], lookup: Lookup) -> list[Direction]:
    """The candidates filed under the one subcategory at least `SHARED_HEADING` of them share, in their order."""
    counts = Counter(d.subcategory for d in candidates if d.subcategory)
    if not counts or (top := counts.most_common(1)[0])[1] < SHARED_HEADING:
        return []
    shared = [d for d in candidates if d.subcategory == top[0]]
    return shared if max(closeness(project, d, lookup) for d in shared) >= SHARED_HEADING_NEAR else []


# a service unit's name that none of its near directions fits may still find one kind of work far ahead of any
# other (县殡葬管理所 → 惠民殡葬, 县环卫所 → 道路清扫保洁): this many times the next one's score
SOLE_WORK_LEAD = 3.0


def _sole_work(lookup: Lookup, unit: str) -> list[Direction]:
    """The project direction a service unit's (or a 执法大队's) name finds far ahead of any other, as its one duty
    direction; an administration's or an association's name is not trusted so (县委政法委员会 finds 村（居）民委员会
    换届选举 by 委员会, 县老区建设促进会 健康促进与控烟 by 促进)."""
    found = [(d, score) for d, score in project_directions(lookup, unit) if not d.common]
    if found and (len(found) == 1 or found[0][1] >= SOLE_WORK_LEAD * found[1][1]):
        return [found[0][0]]
    return []


# A budget heading's name less its bookkeeping (其他科学技术支出 → 科学技术, 人力资源和社会保障管理事务 → 人力资源和社会
# 保障), cut into the duties it joins (文化和旅游 → 文化, 旅游)
_HEAD_BOOKKEEPING = re.compile(r"^其他|厅（室）|厅\(室\)|及相关机构|(?:管理)?(?:事务|事业)$|支出$")
_HEAD_JOINS = re.compile(r"[和与及]")
# …whose first word a unit's name may hold alone (统计局 → 统计信息, 住房和城乡建设局 → 城乡社区)
_UNIT_WORD_END = r"(?:局|和|与|委员会|建设)"
# parts of a heading that say how, not what (城乡社区规划与管理, 技术研究与开发, 科技条件与服务)
_HOW_PARTS = frozenset({"管理", "服务", "开发", "发展", "建设"})


def heads_direction(unit: str, direction: Direction) -> bool:
    """A unit's name names the budget heading a direction is filed under: the budget classification files
    spending by the duty a unit exists for (财政局 → 财政事务, 统计局 → 统计信息事务). The 款 (subcategory) may be
    named by its first word; the 类 (category) only whole (科学技术局, 卫生健康委员会), as it spans other units' duties
    (文化旅游体育与传媒 holds a 文物局's and a 体育局's)."""
    unit = unit.replace("人民政府", "政府")  # 人民政府 holds 民政 by accident (县人民政府办公室 → 政府办公厅（室）)
    core = _HEAD_BOOKKEEPING.sub("", direction.category or "")
    if len(core) >= 2 and core in unit:
        return True
    core = _HEAD_BOOKKEEPING.sub("", direction.subcategory or "")
    for part in {core, *_HEAD_JOINS.split(core)} - _HOW_PARTS:
        if len(part) >= 2 and (part in unit or (len(part) >= 4 and re.search(part[:2] + _UNIT_WORD_END, unit))):
            return True
    return False


def department_direction(project: Project, lookup: Lookup) -> tuple[list[Direction], bool]:
    """The 部门整体 direction for a department's overall goal, and whether it is sure: the one named when it is a
    部门整体 direction, or the one the unit's name names by a keyword; else the one whose indicators best answer
    the unit's name and duties, skipping those of the other kind of unit its name does not fit (a 局 takes no
    service unit's variant, a 中心 no administration's), a guess for one kind of service unit yielding to the
    general variant when the unit's work lies elsewhere (`_kind_for_duties`)."""
    if project.direction:
        found = lookup.resolve_direction(project.direction)
        if found is not None and found.code.startswith(DEPARTMENT_CATEGORY):
            return [found], True
    own = _own_name(project)
    if (named := _department_named(own, lookup)) is not None:
        return [named], True
    totals: dict[str, float] = {}
    for rank, hit in enumerate(lookup.search(project_text(project), k=50, category=DEPARTMENT_CATEGORY)):
        totals[hit.direction_code] = totals.get(hit.direction_code, 0.0) + hit.score / (1 + rank * 0.1)
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    kind = _unit_kind(project)
    for code, total in ranked:
        found = lookup.resolve_direction(code)
        if found is None or for_towns_only(found, project):
            continue
        if total < TOWNSHIP_ONLY_SHARE * ranked[0][1]:  # only the township's words were found (县人民政府驻京联络处)
            break
        fits = _variant_fits(project, own, found, lookup)
        if not fits and _wrong_kind(kind, found):
            continue  # a 局 is no hospital whatever its words share with one (县烟草专卖局 → 医疗卫生类单位)
        if not fits and (general := _kind_for_duties(project, kind, found, lookup)) is not None:
            return [general], False
        return [found], fits
    if not ranked:
        return [], False
    # what was found was the other kind of unit's, or a township's: the general variant of the unit's kind
    general = lookup.resolve_direction(GENERAL_SERVICE_UNIT if kind == "service" else GENERAL_DEPARTMENT)
    return ([general] if general is not None else []), False


# The project headings (支出功能分类 类 or 款) whose work a variant for one kind of service unit measures; a guess
# of that variant for a unit whose own duties lie elsewhere (县殡仪馆 → 医疗卫生类单位, its duties 惠民殡葬's) is noise.
# A health unit's are the hospitals', clinics' and public health's, not 医疗保障's (a 医保中心 treats no patient).
# A 技术支撑类 unit tests, monitors, surveys or studies for the administrations, and its name says so (检测中心,
# 监测站, 测绘院, 农业技术推广中心, 投资评审中心); a guess of that variant for a 污水处理厂, 电视台 or 救灾物资储备中心
# is noise.
_TECHNICAL = re.compile(r"检验|检测|监测|检定|计量|测绘|勘[察测查]|技术|信息|数据|评审|鉴定|研究|气象|地震|水文"
                        r"|实验|化验|试验|测试|认证")
_VARIANT_HEADINGS = {"9020202": ("205",), "9020203": ("21002", "21003", "21004"), "9020205": ("21302", "21104"),
                     "9020206": ("21303",)}
# how an administration's name ends (畜牧兽医局, 纪委监委, 网信办, 宣传部; a 局's own 市场监督管理所, 司法所 and
# 自然资源所)
_ADMINISTRATION_END = re.compile(r"(?:局|委员会|委|办公室|办|部|监督管理所|司法所|派出所|自然资源所|国土资源所)$")
# …and a service unit's (研究所, 鉴定中心, 敬老院, 文化宫; not a 法院's or a 检察院's, nor a 执法大队's)
_SERVICE_END = re.compile(r"(?:中心|站|所|馆|宫|(?<![法察])院|台|场|厂|学校|党校|中学|小学|幼儿园|公司)$")
# …and an association's (总工会, 老区建设促进会, 慈善总会)
_ASSOCIATION_END = re.compile(r"会$")


def _unit_kind(project: Project) -> str | None:
    """"administration" or "service" by how the unit's name ends: the unit the title names first (县民政局's
    县敬老院 is a service unit), else its department."""
    for part in _name_parts(project):
        if _ADMINISTRATION_END.search(part):
            return "administration"
        if _SERVICE_END.search(part):
            return "service"
    return None


def _wrong_kind(kind: str | None, variant: Direction) -> bool:
    """A variant for service units and a unit named as an administration, or another variant and a unit named
    as a service unit (县住房保障中心 is neither a 社会事业管理类部门 nor a 机关事务管理部门)."""
    return ((kind == "administration" and variant.code.startswith(SERVICE_UNITS))
            or (kind == "service" and not variant.code.startswith(SERVICE_UNITS)))


def _variant_fits(project: Project, own: str, variant: Direction, lookup: Lookup) -> bool:
    """The unit's own name (`_own_name`) names the variant or one of its keywords, or its text is close in meaning to
    the variant's summary; the form's words (部门整体支出), which every department's table carries, name none, nor
    does the name of the unit above it (某县民政局殡葬管理所 is no 民政局), whether in the title or as its budget
    department."""
    return (any(not _UNIT.search(w) or _names_the_unit(w, own) for w in words_named(variant, own))
            or closeness(project, variant, lookup) >= DIRECTION_FIT_FLOOR)


def _kind_for_duties(project: Project, kind: str | None, guess: Direction, lookup: Lookup) -> Direction | None:
    """The general variant of the unit's kind (综合管理类机关, 公共服务类事业单位) instead of a guessed variant for one
    kind of service unit, when the unit's work is filed under none of that variant's headings: the work of its
    first duty direction, or, when it has none, of the project direction its name finds first
    (县敬老院 → 农村特困供养服务机构, not 医疗卫生; 县环卫所 → 道路清扫保洁, not 林场); and instead of a guessed
    技术支撑类 variant for a unit whose name names no technical work (`_TECHNICAL`)."""
    general = GENERAL_DEPARTMENT if kind == "administration" else GENERAL_SERVICE_UNIT
    if guess.code == TECHNICAL_SERVICE_UNIT:
        return None if _TECHNICAL.search(unit_words(project)) else lookup.resolve_direction(general)
    headings = _VARIANT_HEADINGS.get(guess.code)
    if not headings:
        return None
    work = duty_directions(project, lookup, n=1) or [d for d, _ in project_directions(lookup, unit_words(project))[:1]]
    if not work or any(code.startswith(headings) for code in work[0].function_codes):
        return None
    return lookup.resolve_direction(general)


# a unit whose words find only the township variant it cannot take finds the rest by noise: the general one of its kind
TOWNSHIP_ONLY_SHARE = 0.2


# a title that names a township or street office (某镇, 某乡人民政府, 某街道); not 城乡 or 乡村
_RURAL_TOWN = r"苏木|乡镇|(?<!城)乡(?!村)|镇"
_TOWNSHIP = re.compile(rf"街道|{_RURAL_TOWN}")
_STREET, _RURAL = re.compile(r"街道"), re.compile(_RURAL_TOWN)


def street_office(project: Project) -> bool:
    """Whether the unit is a street office (某街道办事处), which serves communities, and no township (某镇)."""
    unit = unit_words(project)
    return bool(_STREET.search(unit)) and not _RURAL.search(unit)


def for_towns_only(direction: Direction, project: Project) -> bool:
    """A direction for townships (乡镇人民政府, 乡镇财政所) and a department that is none: only a unit whose title names
    a town takes it, whatever words its search shares with it (县档案馆, 县信访局, 县财政局 are no towns)."""
    return "乡镇" in direction.name and not _TOWNSHIP.search(project_title(project))


# how the name of a unit ends (财政局, 县委办公室, 组织部, 人民医院, 第一中学, 街道办事处): a 部门整体
# keyword that names a unit, not the form (部门整体支出) or the work (履职效能)
_UNIT = re.compile(r"(?:局|办公室|研究室|部|委员会|联合会|联合社|工会|红十字会|中心|医院|学校|中学|小学|幼儿园|中专"
                   r"|馆|站|台|院|所|处|林场|大队|支队|人民政府|办事处)$")


def _department_named(title: str, lookup: Lookup) -> Direction | None:
    """The 部门整体 direction the unit's own name (`_own_name`) names (某县财政局 → 综合管理类机关, 县人民医院 →
    医疗卫生类单位): the one whose longest name or keyword that name holds, when no other holds one as long."""
    longest: dict[str, int] = {}
    for code, direction in lookup.directions.items():
        if code.startswith(DEPARTMENT_CATEGORY):
            found = [len(w) for w in words_named(direction, title) if _UNIT.search(w) and _names_the_unit(w, title)]
            if found:
                longest[code] = max(found)
    ranked = sorted(longest.items(), key=lambda kv: -kv[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return lookup.directions[ranked[0][0]]


def _own_name(project: Project) -> str:
    """The text that names the unit itself (`keyword_text`): its title less the form when that names a unit, else
    its budget department too (部门整体支出, 预算部门 某县卫生健康局)."""
    return keyword_text(_unit_title(project) if _title_unit(project) else unit_words(project))


def _names_the_unit(word: str, title: str) -> bool:
    """The word names the unit the title is for, not the one above it: no other unit's name follows it in the
    same run of the title (某县民政局殡葬管理所 is the 殡葬管理所, not the 民政局; 某县民政局2026年部门整体 is the
    民政局)."""
    for m in re.finditer(re.escape(normalize_text(word)), title):
        rest = _RUN.match(title, m.end()).group(0)
        if not _UNIT.search(rest) or _BRANCH.search(rest):
            return True
    return False


# the rest of a run of the title, up to a space, a bracket or a comma; a branch of the unit is the same kind of
# unit (某市生态环境局某县分局)
_RUN = re.compile(r"[^\s（）()，,、]*")
_BRANCH = re.compile(r"分(?:局|中心|院|所|队)$")
