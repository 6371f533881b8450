"""Which library direction a project belongs to: the one it names, else the best fit for its name and
description (among those budgeted under its function code, when it gives one), and how sure that
choice is. The drafter drafts from it; the checker points rows the library does not know at the
indicators of the same kind there.
"""

from __future__ import annotations

import re

from indicators.framework import DEPARTMENT_CATEGORY, GENERIC_DIRECTION
from indicators.goals import Project
from indicators.lookup import Direction, Lookup
from kb.text import direction_statement, keyword_text, normalize_text, without_paperwork

# e5 cosine between the project text and a direction's "name：summary"; below it the direction is only a
# guess (the library has no direction for this kind of project) and the draft says so.
DIRECTION_FIT_FLOOR = 0.91
SECOND_DIRECTION = 0.25   # a second suggested direction scoring this share of the first is drafted from too
# Below both, the closest direction is not a guess but a stranger (扫黑除恶专项经费 → 村级组织运转): the draft
# takes the project-general indicators instead. Summed fused scores of its hits; e5 cosine as above.
STRANGER_SCORE = 3.0
STRANGER_FIT = 0.88
# Farther than this, no count of shared words makes the closest direction a fit: one word in common
# (航天器发射测控 and the 发射台 of broadcasting) is not a kind of project in common.
STRANGER_FLOOR = 0.85
PROJECT_CHARS = 100
# A suggestion the title names by one of its keywords (运维费), scoring this share of a first suggestion the
# title does not name at all, comes first: near-equal scores are noise, a word of the title is not.
NAMED_NEAR = 0.9


# Clauses of a description that speak of the paperwork rather than the project: the form (项目支出绩效目标
# 申报表, 一级/二级/三级指标, 评分), the money (全年预算数8.4、执行数8.4, 金额单位：万元) and the document it came
# in (发文日期, 索引号, 转载, 第3页). Their words drew 预算绩效管理 for a third of real tables' projects.
_PAPERWORK = re.compile(r"绩效|指标|评价|评分|自评|申报|审批|批复|填报|填表|报表|表头|表列|表尾|表中|栏|公示|通知|附件"
                        r"|预算|决算|执行数|执行率|金额单位|资金总额|财政拨款|年度资金|上级资金|本级资金|其他资金"
                        r"|自筹资金|小计|合计|目标|得分|项目属性|项目决策|格式|索引号|发文|文号|转载|转存|转录|合集"
                        r"|页|pdf|文本|持续性|延续性|常年性|经常性|一次性项目|新增项目|新设项目")
# …and a clause that only counts money: 项目金额164万元, 其中当年市级财政资金132万元, 中央资金50万元
_MONEY_ONLY = re.compile(r"(?:项目|金额|其中|当年|本年|年度|中央|省级|市级|县级|区级|本级|上级|财政|专项|资金|补助"
                         r"|共计|合计|计|安排|下达|拨付|总投资|投资|万元|亿元|元|其他|[\d.,、\s])+")
_CLAUSE = re.compile(r"[，,；;。：:（）()《》【】“”\n]+")


def about_project(description: str) -> str:
    """The clauses of a description that say what the project is."""
    return "，".join(c for c in _CLAUSE.split(description)
                    if c.strip() and not _PAPERWORK.search(c) and not _MONEY_ONLY.fullmatch(c.strip()))


# Works and building projects (建设, 改造, 维修…): they carry side costs, and their 概算 is a multi-year total.
WORKS = re.compile(r"建设|新建|改建|扩建|改造|工程|(?<!实)施工|修缮|维修|整治|铺设|修建")


def project_words(project: Project) -> str:
    """What a project's name, direction and description say about the work, without the paperwork."""
    return words_about(project.name, project.direction, project.description)


def words_about(name: str, direction: str | None, description: str | None) -> str:
    """`project_words` of a project's fields as written, before they make a `Project` (a draft being typed)."""
    parts = (without_paperwork(name), direction or "", about_project(description or ""))
    return re.sub(r"\s+", " ", " ".join(normalize_text(p) for p in parts if p)).strip()


def project_text(project: Project) -> str:
    return project_words(project)[:PROJECT_CHARS]


def project_title(project: Project) -> str:
    """The project's name alone, without the notice and the form it came in."""
    return normalize_text(without_paperwork(project.name))


def choose_directions(project: Project, lookup: Lookup) -> tuple[list[Direction], bool]:
    """The named direction when the library knows it; else the best fit for the project's text (among
    the directions budgeted under its function code, when it has one and any is), plus a
    second direction of the same category when the text clearly spans both (挥发性有机物治理和扬尘管控);
    and whether the choice is confident."""
    if project.direction:
        found = lookup.resolve_direction(project.direction)
        if found is not None:
            return [found], True
    text = project_text(project)
    # the budget system's 支出功能分类 code narrows the choice to the directions budgeted under it;
    # when only one of them answers the project at all, the code has made the choice
    scoped = project_directions(lookup, text, project.filed_code) if project.filed_code else []
    free = None
    if scoped and not direction_fits(project, scoped[0][0], lookup):
        # …unless the project's own words name a kind of project budgeted elsewhere (a wrong 科目 is
        # a common slip): the text wins, and the draft says the two disagree
        free = project_directions(lookup, text)
        if free and not free[0][0].common and direction_fits(project, free[0][0], lookup):
            scoped = []
    suggestions = scoped or (free if free is not None else project_directions(lookup, text))
    if not scoped and not (suggestions and names_direction(project, suggestions[0][0])):
        suggestions = _named_first(lookup, project, text, suggestions)
    elif not scoped and not names_direction(project, suggestions[0][0], project_title(project)):
        suggestions = _title_named_first(lookup, project, suggestions)
    if not suggestions:
        return [], False
    (first, best), chosen = suggestions[0], [suggestions[0][0]]
    confident = len(scoped) == 1 or direction_fits(project, first, lookup)
    if not confident and not scoped and (own := _unit_field_first(lookup, project, text, first)):
        (first, best), chosen = own, [own[0]]
        suggestions = [own]
    if not confident:
        fit = closeness(project, first, lookup)
        if fit < STRANGER_FLOOR or (best < STRANGER_SCORE and fit < STRANGER_FIT):
            generic = lookup.resolve_direction(GENERIC_DIRECTION)
            return ([generic] if generic is not None else []), False
    if len(suggestions) > 1:
        direction, score = suggestions[1]
        if (score >= SECOND_DIRECTION * best and direction.category == first.category and not direction.common
                and not _named_alone(lookup, project, first, direction)):
            chosen.append(direction)
        elif project.description and (second := _clause_direction(lookup, project, first, best, suggestions[1:3],
                                                                  bool(scoped))):
            chosen.append(second)
    return chosen, confident


# A school's or a hospital's project is an education or a health project (县第三小学消防设施改造, 县中医院…): the
# 支出功能分类 类 of the unit a title names, where the best guess lies outside it
_UNIT_FIELDS = ((re.compile(r"小学|中学|初中|(?<![提])高中|中专|职中|职业学校|职业技术学校|技工学校|幼儿园|特殊教育学校"
                            r"|(?:第|[县市区])[一二三四五六七八九十]+中"), "205"),
                (re.compile(r"医院|卫生院|卫生服务中心|保健院|疾病预防控制中心|疾控中心|血站|急救中心"), "210"))


def _unit_field_first(lookup: Lookup, project: Project, text: str,
                      first: Direction) -> tuple[Direction, float] | None:
    """The best direction in the field (类) of the unit the project's title names, when the best guess is
    outside that field; None otherwise."""
    title = project_title(project)
    field = next((code for pattern, code in _UNIT_FIELDS if pattern.search(title)), None)
    if field is None or any(code.startswith(field) for code in first.function_codes or ()):
        return None
    found = lookup.suggest_directions(text, k=3, function_code=field)
    return next(((d, s) for d, s in found if not d.code.startswith(DEPARTMENT_CATEGORY) and not d.common), None)


def _named_first(lookup: Lookup, project: Project, text: str,
                 suggestions: list[tuple[Direction, float]]) -> list[tuple[Direction, float]]:
    """When the best suggestion is not named by the text itself, a direction that is comes first, scored as
    the best: one named by a word only it uses (少先队工作经费 → 青少年关爱与青年发展), else a suggestion one of
    whose keywords is the whole title (城市更新 → 城中村改造, not the direction that plans 城市更新), else one of
    the next two suggestions that the text names by a keyword, when it scores nearly as well
    (重大主题宣传报道专项 → 新闻宣传与对外宣传 by 宣传报道, not 县级融媒体中心建设 by closeness alone)."""
    title = project_title(project)
    named = [d for d in lookup.named_directions(text) if not d.code.startswith(DEPARTMENT_CATEGORY)]
    if len(named) > 1:  # the title's own words before the description's, then the closer fit
        in_title = {d.code for d in lookup.named_directions(title)}
        scores = {d.code: s for d, s in suggestions}
        named.sort(key=lambda d: (d.code not in in_title, -scores.get(d.code, 0.0)))
    if not named:
        named = [d for d, _ in suggestions
                 if title in {normalize_text(w) for w in (d.name, *getattr(d, "keywords", ()))}][:1]
    if not named:
        named = _named_near(project, suggestions)[:1]
    return _first(named, suggestions)


def _title_named_first(lookup: Lookup, project: Project,
                       suggestions: list[tuple[Direction, float]]) -> list[tuple[Direction, float]]:
    """The title's own words before the description's: when only the description names the best suggestion
    (补齐社区养老…设施短板 → 居家社区养老服务) and the title names another direction by a word only it uses
    (完整社区建设试点资金 → 老旧小区改造), or one of the next two suggestions by any of its keywords, that one
    comes first, scored as the best."""
    title = project_title(project)
    named = [d for d in lookup.named_directions(title) if not d.common and not d.code.startswith(DEPARTMENT_CATEGORY)]
    if not named:  # (乡镇人居环境整治保洁经费: 农村人居环境整治, not the 垃圾清运费 of its description)
        named = _named_near(project, suggestions, title)
    return _first(named, suggestions) if len(named) == 1 else suggestions


def _named_near(project: Project, suggestions: list[tuple[Direction, float]],
                text: str | None = None) -> list[Direction]:
    """Those of the next two suggestions, scoring within NAMED_NEAR of the first, that the project's text (or
    the given part of it) names by any of their keywords."""
    if not suggestions:
        return []
    best = suggestions[0][1]
    return [d for d, score in suggestions[1:3] if score >= NAMED_NEAR * best and names_direction(project, d, text)]


def _first(named: list[Direction], suggestions: list[tuple[Direction, float]]) -> list[tuple[Direction, float]]:
    """The named directions first, each scored as the best suggestion, then the other suggestions."""
    if not named:
        return suggestions
    best = suggestions[0][1] if suggestions else 1.0
    codes = {d.code for d in named}
    return [(d, best) for d in named] + [(d, score) for d, score in suggestions if d.code not in codes]


def _named_alone(lookup: Lookup, project: Project, first: Direction, other: Direction) -> bool:
    """The title names the first direction by a word only it uses and the project's text does not name
    the other one: 生猪调出大县奖励资金 is not also 产粮大县奖励 for the words the two rewards share."""
    named = {d.code for d in lookup.named_directions(project_text(project))}
    title = {d.code for d in lookup.named_directions(project_title(project))}
    return first.code in title and other.code not in named and not names_direction(project, other)


# where a description lists its kinds of work; not inside 及时, 和美, 和谐, 参与, 给与
_PARTS = re.compile(r"以及|和(?![美谐])|及(?!时)|(?<![参给])与|、|[，,；;。]")
# who a project selects from (从脱贫人口和监测对象中选聘): the pool's parts are people, not kinds of work
_POOL = re.compile(r"从[^，,；;。从]{2,24}?中")
# a part's closing money word (等级评估支出, 调研经费) says it costs money, not what kind of work it is
_SPENDING = re.compile(r"(?:的)?(?:支出|经费|费用|开支|资金)$")
MOST_CLAUSES = 4
CLAUSE_SHARE = 0.1   # a clause's direction must still answer the whole text this share as well as the first


def _clause_direction(lookup: Lookup, project: Project, first: Direction, best: float,
                      others: list[tuple[Direction, float]], scoped: bool) -> Direction | None:
    """A second direction brought in by one part of the description (开展挥发性有机物治理和扬尘管控: 扬尘管控 →
    扬尘污染防治): one of the next closest directions, of the first one's category, that best answers a
    part the first direction does not answer at all (not among that part's two closest)."""
    candidates = {d.code: d for d, score in others
                  if d.category == first.category and not d.common and score >= CLAUSE_SHARE * best}
    if not candidates:
        return None
    parts = description_parts(project.description)
    if len(parts) < 2:
        return None
    code = project.filed_code if scoped else None
    for part in parts[:MOST_CLAUSES]:
        closest = [d.code for d, _ in project_directions(lookup, normalize_text(part), code)[:2]]
        if closest and closest[0] in candidates and first.code not in closest:
            return candidates[closest[0]]
    return None


def description_parts(description: str) -> list[str]:
    """The kinds of work a description lists, split at 和/及/与/、 and punctuation, each without a closing
    支出/经费; a pool the project selects people from stays whole (从脱贫人口和监测对象中选聘生态护林员 is
    one part, not 从脱贫人口 and …)."""
    text = _POOL.sub(lambda m: _PARTS.sub("", m.group()), about_project(description))
    parts = (_SPENDING.sub("", p.strip()) for p in _PARTS.split(text))
    return [p for p in parts if len(p) >= 4]


def project_directions(lookup: Lookup, text: str, function_code: str | None = None) -> list[tuple[Direction, float]]:
    """The three directions that best answer a project's text, leaving out the 部门整体 ones: a project's
    goal is drafted on the project framework, never on a department's 履职效能 and 运行成本."""
    found = lookup.suggest_directions(text, k=6, function_code=function_code)
    return [(d, score) for d, score in found if not d.code.startswith(DEPARTMENT_CATEGORY)][:3]


def names_direction(project: Project, direction: Direction, text: str | None = None) -> bool:
    """The project's text (or the given part of it) names the direction or one of its keywords (路灯 → 城市道路照明)."""
    return bool(words_named(direction, keyword_text(project_text(project) if text is None else text)))


def words_named(direction: Direction, text: str) -> list[str]:
    """The direction's name and keywords (2 characters or more) that a keyword_text holds."""
    words = [direction.name, *getattr(direction, "keywords", ())]
    return [w for w in words if len(w) >= 2 and normalize_text(w) in text]


def direction_fits(project: Project, direction: Direction, lookup: Lookup) -> bool:
    """The project names the direction or one of its keywords, or its text is close in meaning to the
    direction's summary."""
    return names_direction(project, direction) or closeness(project, direction, lookup) >= DIRECTION_FIT_FLOOR


def closeness(project: Project, direction: Direction, lookup: Lookup) -> float:
    return lookup.similarity(project_text(project), [direction_statement(direction.name, direction.summary)])[0]
