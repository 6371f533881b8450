"""Searching with the project as `context`: the fixture library for the mechanics, the built-in
library for what real tables do (a generic name, a project of a known kind)."""

import numpy as np
import pytest

from search.context import (
    closeness_weights,
    direction_closeness,
    direction_terms,
    keyword_owners,
    lexical_affinity,
    named_directions,
    project_text,
)
from search.service import SearchService, keep_in_view


def test_project_text_drops_years_amounts_and_document_numbers():
    text = project_text("邯财社〔2018〕126号提前下达2019年中央财政困难群众救助补助资金（150万元）")
    assert "2018" not in text and "126" not in text and "150" not in text and "万元" not in text
    assert "困难群众救助补助资金" in text
    assert project_text("2023") == "2023"  # nothing left to keep: the text as given


def test_project_text_drops_the_form_it_was_published_on():
    assert project_text("外事出国项目专项经费绩效评价表") == "外事出国项目专项经费"
    assert project_text("浮梁县林业局 部门整体绩效目标") == "浮梁县林业局"
    assert project_text("学生资助项目绩效目标自评表") == "学生资助项目"


def test_lexical_affinity_is_the_share_of_project_words_a_direction_owns():
    terms, idf = direction_terms([(["公务接待", "外事", "出国"], ["接待"]), (["储备粮", "轮换"], ["粮食"]),
                                  (["培训"], ["外事"])])
    affinity = lexical_affinity(["外事", "出国", "经费"], terms, idf)
    assert affinity[0] > affinity[2] > affinity[1] == 0.0  # summary words count half
    assert 0.0 < affinity[0] < 1.0  # 经费, a word no direction uses, dilutes
    assert lexical_affinity([], terms, idf).sum() == 0.0


def test_direction_weights_add_lexical_affinity_to_closeness():
    centroids = np.eye(2, dtype=np.float32)
    project = np.array([1.0, 0.995], dtype=np.float32)
    assert closeness_weights(direction_closeness(centroids, project), margin=0.03)[0] == 1.0
    lifted = closeness_weights(direction_closeness(centroids, project, np.array([0.0, 1.0]), 0.02), margin=0.03)
    assert lifted[1] == 1.0 and lifted[0] < 1.0


def test_direction_weights_lift_the_closest_directions_only():
    centroids = np.eye(3, dtype=np.float32)
    weights = closeness_weights(direction_closeness(centroids, np.array([1.0, 0.99, 0.0], dtype=np.float32)),
                                margin=0.02)
    assert weights[0] == 1.0 and 0.0 < weights[1] < 1.0 and weights[2] == 0.0
    three = direction_closeness(centroids, np.array([1.0, 0.99, 0.98], dtype=np.float32))
    assert np.count_nonzero(closeness_weights(three, margin=0.03, limit=1)) == 1


def test_the_limit_does_not_cut_between_near_ties():
    centroids = np.eye(3, dtype=np.float32)
    tied = closeness_weights(direction_closeness(centroids, np.array([1.0, 0.9905, 0.99], dtype=np.float32)),
                             margin=0.03, limit=2)
    assert np.all(tied > 0.0)  # the third is 0.0005 behind the second, the last one the limit counts
    apart = closeness_weights(direction_closeness(centroids, np.array([1.0, 0.9905, 0.985], dtype=np.float32)),
                              margin=0.03, limit=2)
    assert apart[0] > 0.0 and apart[1] > 0.0 and apart[2] == 0.0


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_context_ranks_the_projects_direction_first(service, mode):
    street = service.query("满意度", k=3, mode=mode, context="城区主次干道路灯维护和LED节能改造").hits
    school = service.query("满意度", k=3, mode=mode, context="幼儿园生均公用经费补助").hits
    assert street[0].name == "沿线居民对道路照明满意度"
    assert school[0].name == "幼儿家长满意度"


def test_context_picks_the_directions_variant_of_a_generic_name(service):
    plain = service.query("资金拨付及时率", k=5).hits
    assert plain[0].name == "公用经费补助资金拨付及时率"
    lunch = service.query("资金拨付及时率", k=5, context="农村义务教育学生营养午餐补助").hits
    assert lunch[0].name == "膳食补助资金按月拨付率"


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_without_context_nothing_changes(service, mode):
    plain = service.query("补助资金拨付", k=10, mode=mode)
    for empty in (None, "", "   ", "，。！", "（ ）"):  # punctuation names no project
        same = service.query("补助资金拨付", k=10, mode=mode, context=empty)
        assert [(h.code, h.score) for h in same.hits] == [(h.code, h.score) for h in plain.hits]
        assert same.total == plain.total


def test_api_takes_context(client):
    plain = client.get("/api/v1/search", params={"q": "满意度", "k": 3}).json()
    lit = client.get("/api/v1/search", params={"q": "满意度", "k": 3, "context": "路灯维护"}).json()
    assert lit["hits"][0]["direction"] == "城市道路照明"
    assert plain["hits"] != lit["hits"]
    too_long = client.get("/api/v1/search", params={"q": "满意度", "context": "路" * 1001})
    assert too_long.status_code == 422 and "error" in too_long.json()


# ---- the built-in library -------------------------------------------------------------------
def first_rank(hits, direction: str) -> int | None:
    return next((n for n, h in enumerate(hits, start=1) if h.direction == direction), None)


@pytest.mark.parametrize(("name", "project", "direction"), [
    ("验收合格率", "2024年中小学校舍维修改造项目", "中小学校舍维修改造"),
    ("资金拨付及时率", "农村义务教育学生营养改善计划", "学生营养改善计划"),
    ("群众满意度", "农村公路安全生命防护工程", "公路安全生命防护工程"),
    ("受益群众满意度", "2023年高标准农田建设项目", "高标准农田建设"),
])
def test_builtin_generic_name_finds_the_projects_variant(builtin, name, project, direction):
    plain = first_rank(builtin.query(name, k=20).hits, direction)
    with_project = first_rank(builtin.query(name, k=20, context=project).hits, direction)
    assert with_project is not None and with_project <= 3
    assert plain is None or with_project < plain


@pytest.mark.parametrize(("name", "project", "direction"), [
    ("出访成果是否得到应用", "外事出国项目专项经费绩效评价表", "公务接待与外事活动"),
    ("管护面积", "浮梁县林业局 部门整体绩效目标", "公益林及天然林保护"),
])
def test_builtin_project_words_pick_the_direction(builtin, name, project, direction):
    assert builtin.query(name, k=3, context=project).hits[0].direction == direction


def test_builtin_with_a_project_its_direction_outranks_the_generic_variant(builtin):
    hits = builtin.query("受益对象满意度", k=5, context="2023年高标准农田建设项目").hits
    ranks = {h.direction: n for n, h in reversed(list(enumerate(hits)))}
    assert ranks["高标准农田建设"] < ranks.get("项目实施与资金保障", 99)


def test_builtin_common_indicators_answer_generic_names(builtin):
    for name in ("资金到位率", "项目完成及时率", "受益群众满意度"):
        top = builtin.query(name, k=3).hits
        assert any(h.category_code == "901" for h in top), name


@pytest.mark.parametrize("name", ["工作任务完成时间", "补贴资金按时到位率", "年度工作任务完成时限"])
def test_builtin_by_name_a_common_measure_goes_before_one_directions_variant(builtin, name):
    # a name no closer to one direction's variant than to the 共性指标 means the common measure
    assert builtin.query(name, k=3).hits[0].category_code == "901"
    assert builtin.query(name, k=3, as_name=False).hits[0].category_code != "901"


def test_builtin_a_library_name_written_as_it_is_finds_its_indicator_first(builtin):
    for doc in builtin.docs[::97]:  # ~150 indicators from every category
        first = builtin.query(doc.name, k=1).hits[0]
        assert doc.name == first.name or doc.name in first.aliases, (doc.name, first.name)


@pytest.mark.parametrize(("name", "project", "indicator"), [
    ("任务完成时间", "2026年县第二中学学生营养餐补助", "项目完成时限"),
    ("竣工时限", "村级文化活动室建设", "项目完成时限"),
    ("工作完成及时率", "老年大学教学补助经费", "项目完成及时率"),
])
def test_builtin_a_generic_name_without_a_variant_in_its_project_finds_the_project_general_row(
        builtin, name, project, indicator):
    # the project's direction has no row of that kind: the 项目通用指标 comes before another kind of project's
    # (年度培训任务完成时限, 竣工财务决算编报时限, 前期手续按期办结率)
    assert builtin.query(name, k=3, context=project).hits[0].name == indicator


@pytest.mark.parametrize(("name", "project", "direction"), [
    ("成本控制", "城市燃气管道老化更新改造", "地下管网更新改造"),
    ("成本控制", "耕地保护补偿", "耕地保护监督"),
    ("项目成本", "乡镇新时代文明实践所活动经费", "新时代文明实践中心（所、站）建设与志愿服务"),
    ("项目成本", "养老机构等级评定经费", "养老机构建设与运营补贴"),
])
def test_builtin_a_bare_cost_name_finds_the_projects_own_cost(builtin, name, project, direction):
    # a name that is only 成本 says nothing but "the cost of this project": the project's own cost rows
    # come first, before cost rows of other directions that share the name's words (成本控制 → 成本监审)
    hits = builtin.query(name, k=3, context=project).hits
    assert hits[0].direction == direction and hits[0].level2 == "经济成本指标"
    assert all(h.level1 == "成本指标" for h in hits)


@pytest.mark.parametrize(("written", "project", "indicator"), [
    ("公猪舍(≥**平方米)", "某合作社生猪养殖场建设项目", "新建改扩建猪舍面积"),
    ("产床(全复合双体产床)(≥套)", "生猪养殖场建设项目", "猪场养殖设备购置台套数"),
    ("牛舍建设面积", "肉牛养殖基地建设", "新建改扩建牛羊圈舍面积"),
    ("★发放健康教育资料", "国家基本公共卫生服务", "健康教育印刷资料发放份数"),
])
def test_builtin_a_template_row_finds_what_it_counts(builtin, written, project, indicator):
    # rows of a real building or service table: the object with a template's marks and unfilled target
    assert builtin.query(written, k=1, context=project).hits[0].name == indicator


def lifted_directions(service: SearchService, project: str) -> list[str]:
    """The directions a project's text lifts, most first."""
    lift, _ = service._context(project, None)
    best: dict[str, float] = {}
    for i in np.flatnonzero(lift > 0.2):  # 共性指标 get at most 0.1
        best[service.docs[i].direction] = max(best.get(service.docs[i].direction, 0.0), float(lift[i]))
    return sorted(best, key=lambda d: -best[d])


@pytest.mark.parametrize(("project", "direction"), [
    ("城市道路路灯维护", "城市道路照明"),
    ("残疾儿童康复救助", "残疾儿童康复救助"),
    ("森林防火专项经费", "森林草原防火"),
    ("机关办公楼物业管理费", "物业管理服务"),
    ("因公出国考察培训", "公务接待与外事活动"),
])
def test_builtin_a_project_about_a_direction_lifts_it_first(builtin, project, direction):
    assert lifted_directions(builtin, project)[0] == direction


def test_a_larger_library_compares_the_best_direction_with_a_share_of_its_directions():
    """The lift is full only when the project's best direction stands out from its nearest rivals:
    the 20 nearest in a library of up to 400 directions, the nearest 5 % in a larger one, so that a
    library growing by directions of other kinds does not lift its projects less and less."""
    rng = np.random.default_rng(7)
    project = np.zeros(8, dtype=np.float32)
    project[0] = 1.0

    def library(n):
        centroids = rng.normal(0, 0.01, (n, 8)).astype(np.float32)
        centroids[:, 0] = np.linspace(0.50, 0.40, n)  # evenly spread closeness, the best first
        return centroids

    small, large = library(300), library(600)
    # 0.10 of closeness spread over the directions: the 20th nearest of 300 is 0.0067 behind the best,
    # the 30th of 600 (5 %) 0.0050 behind; a fixed 20th of 600 would be only 0.0033 behind
    assert closeness_weights(direction_closeness(small, project))[0] == pytest.approx(0.0067 / 0.03, abs=0.02)
    assert closeness_weights(direction_closeness(large, project))[0] == pytest.approx(0.0050 / 0.03, abs=0.02)
    assert closeness_weights(direction_closeness(large, project), crowd=20)[0] == pytest.approx(0.0033 / 0.03,
                                                                                                abs=0.02)


class _Direction:
    def __init__(self, code, name, keywords):
        self.code, self.name, self.keywords = code, name, keywords


def test_a_word_names_a_direction_only_when_no_other_direction_uses_it():
    directions = [_Direction("1", "青少年关爱与青年发展", ["少先队", "团委", "监督检查"]),
                  _Direction("2", "安全生产监管执法", ["安全生产", "执法检查", "监督检查"]),
                  _Direction("3", "食品安全日常监管", ["食品安全"])]
    texts = {"1": "青少年关爱与青年发展 少先队 团委 监督检查 少先队员人数",
             "2": "安全生产监管执法 安全生产 执法检查 监督检查 企业安全生产检查户次",
             "3": "食品安全日常监管 食品安全 食品生产经营者安全生产监督检查"}
    owners = keyword_owners(directions, texts)
    assert owners["少先队"] == "1"
    assert "团委" not in owners                          # two characters: too common a stretch of text
    assert "监督检查" not in owners                      # a keyword of two directions names neither
    assert "安全生产" not in owners                      # used in another direction's indicators
    assert named_directions(owners, "2026年少先队工作经费") == {"1"}
    assert named_directions(owners, "安全生产监督检查经费") == set()


def test_a_word_inside_a_longer_naming_word_does_not_count():
    owners = {"青少年": "a", "青少年体育训练": "b"}
    assert named_directions(owners, "青少年体育训练补助") == {"b"}
    assert named_directions(owners, "青少年关爱行动") == {"a"}


def test_a_short_aside_in_brackets_does_not_hide_a_naming_word():
    owners = {"村干部养老保险": "a", "乡镇街道": "b"}
    assert named_directions(owners, "村（社区）干部养老保险补贴") == {"a"}
    assert named_directions(owners, "村(社区)干部养老保险补贴") == {"a"}
    # a long bracketed clause is the project's content, not an aside
    assert named_directions(owners, "村（社区两委成员及后备干部）干部养老保险补贴") == set()


def test_keep_in_view_moves_a_lost_hit_before_the_cut_and_keeps_scores_in_order():
    scores = {1: 0.9, 2: 0.8, 3: 0.7, 4: 0.6, 5: 0.5, 6: 0.4, 7: 0.1}
    order = [1, 2, 3, 4, 5, 6, 7]
    assert keep_in_view(order, [7], scores, within=3) == [1, 2, 7, 3, 4, 5, 6]
    assert scores[7] == scores[3]  # raised to the score of the hit it now precedes
    assert keep_in_view(order, [2], dict(scores), within=3) == order  # already in view: nothing moves
    assert keep_in_view([1, 2], [9], {1: 0.9, 2: 0.8, 9: 0.1}, within=3) == [1, 2, 9]  # fewer hits than the cut


def test_builtin_with_a_project_the_names_own_best_match_stays_in_view(builtin):
    # a project whose directions measure nothing like the name: their indicators fill the first hits,
    # and the name's own best match by name (a common indicator) is still among the first five
    name, project = "带动就业人数", "烈士纪念设施维护"
    own = builtin.query(name, k=1).hits[0]
    hits = builtin.query(name, k=10, context=project).hits
    assert own.code in [h.code for h in hits[:5]]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert [h.code for h in builtin.query(name, k=3, context=project).hits] == [h.code for h in hits[:3]]


@pytest.mark.parametrize("project", ["安全隐患维修", "2023年文物保护经费"])
def test_a_common_indicator_written_exactly_comes_first_in_any_project(builtin, project):
    """A table that writes a 共性指标's own name or alias (资金支付及时率, 项目完成及时率) means that indicator in
    any project: the project lifts its directions' rows, but not past a name written exactly."""
    written = [(name, doc.code) for doc in builtin.docs if doc.category_code == "901"
               for name in (doc.name, *doc.aliases)][::7]
    first = sum(builtin.query(name, k=1, context=project).hits[0].code == code for name, code in written)
    assert first >= 0.96 * len(written)
