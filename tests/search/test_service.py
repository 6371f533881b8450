"""The search engine over the fixture library, with the real tokenizer, BM25 and encoder."""

import pytest

from kb.errors import InvalidInput
from kb.store import Filters
from search.service import SearchService
from search.tokenize import Tokenizer


def test_tokenizer_folds_traditional_and_fullwidth():
    tokens = Tokenizer().tokens("學生營養午餐補助 ９５％")
    assert "学生" in tokens and "营养" in tokens and "95%" in tokens


def test_tokenizer_reads_renamed_populations_as_todays_words():
    # tables written before 2021 name the people the library now calls 脱贫户/脱贫人口, and 新农合's 参合
    tokens = Tokenizer().tokens("建档立卡贫困户人数 全县参合人数")
    assert "脱贫" in tokens and "参保" in tokens
    assert "脱贫" not in Tokenizer().tokens("保障贫困孤儿完成学业")  # a poor orphan is not a 脱贫户


@pytest.mark.parametrize(("name", "found"), [
    ("建档立卡贫困户人均纯收入增长", "脱贫人口人均纯收入增幅"),
    ("全县参合人数", "城乡居民医保参保人数"),
    ("资金拨付时效性", "资金拨付及时率"),  # 时效 is how some tables say 及时
])
def test_builtin_old_names_find_todays_rows_by_words_alone(builtin, name, found):
    assert found in [h.name for h in builtin.query(name, k=3, mode="lexical").hits]


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_each_mode_finds_street_lights(service, mode):
    hits = service.query("路灯亮灯", k=3, mode=mode).hits
    assert hits and hits[0].direction == "城市道路照明"


def test_semantic_finds_meaning_without_shared_words(service):
    hits = service.query("孩子们在学校吃的饭", k=3, mode="semantic").hits
    assert any(h.direction == "学生营养改善计划" for h in hits)


def test_traditional_query_matches_simplified_library(service):
    hits = service.query("幼兒園滿意度", k=1).hits
    assert hits[0].name == "幼儿家长满意度"


def test_filters_apply_inside_the_ranking(service):
    # without a filter the best hits for 满意度 span directions; with one, every hit is inside it
    result = service.query("满意度", k=10, filters=Filters(direction="城市道路照明"))
    assert result.hits and all(h.direction == "城市道路照明" for h in result.hits)
    assert result.hits[0].name == "沿线居民对道路照明满意度"


def test_filter_by_code_and_level(service):
    result = service.query("补助", k=10, filters=Filters(category="205", level1="成本指标"))
    assert result.hits and all(h.level1 == "成本指标" and h.category == "教育" for h in result.hits)


def test_filter_with_no_documents_returns_nothing(service):
    assert service.query("路灯", filters=Filters(direction="不存在的方向")).total == 0


def test_matched_terms_are_reported(service):
    hit = service.query("资金拨付及时", k=1, mode="lexical").hits[0]
    assert {"资金", "拨付"} <= set(hit.matched)


@pytest.mark.parametrize("query,k,mode", [("", 10, "hybrid"), ("   ", 10, "hybrid"), ("路灯", 0, "hybrid"),
                                          ("路灯", 10, "fuzzy"), ("长" * 300, 10, "hybrid")])
def test_bad_queries_say_what_to_fix(service, query, k, mode):
    with pytest.raises(InvalidInput):
        service.query(query, k=k, mode=mode)


def test_lookup_protocol(lookup):
    assert lookup.resolve_direction("城市道路照明").code == "2120101"
    assert lookup.resolve_direction("2050201").name == "学生营养改善计划"
    assert lookup.resolve_direction("没有这个方向") is None
    best, _ = lookup.suggest_directions("农村中小学生营养午餐")[0]
    assert best.name == "学生营养改善计划"
    names = [i.name for i in lookup.direction_indicators("2120101")]
    assert "路灯亮灯率" in names and len(names) == 7
    near, far = lookup.similarity("路灯", ["路灯亮灯率", "营养餐供餐天数"])
    assert near > far


def test_total_counts_matches_not_the_candidate_pool(service):
    lexical = service.query("路灯", mode="lexical")
    hybrid = service.query("路灯", mode="hybrid")
    assert lexical.total == 7  # the seven street-lighting indicators mention 路灯
    assert len(hybrid.hits) <= hybrid.total < len(service.docs)


def test_queries_embedded_ahead_in_a_batch_rank_as_when_embedded_alone(kb_settings, engine):
    # a department's rows are embedded in one batch before each is searched with the unit in mind
    queries = ["路灯亮灯率", "孩子们在学校吃的饭", "道路保洁作业面积"]
    ahead, alone = SearchService.open(kb_settings, engine), SearchService.open(kb_settings, engine)
    ahead.prepare_queries(queries)
    for q in queries:
        expected = [(h.code, round(h.score, 4)) for h in alone.query(q, k=5).hits]
        assert [(h.code, round(h.score, 4)) for h in ahead.query(q, k=5).hits] == expected, q


def test_the_directions_nearest_a_units_name_are_its_own_fields(builtin):
    near = builtin.near_directions("某县林业局", 8)
    assert len(near) == 8 and all(code.startswith(("213", "902")) for code in near), near
    assert builtin.near_directions("，。", 8) == ()


def test_warm_up_weighs_directions_words_before_the_first_project(kb_settings, engine):
    # the first search, check or draft with a project in mind would otherwise tokenise every direction
    warm, cold = SearchService.open(kb_settings, engine), SearchService.open(kb_settings, engine)
    warm.warm_up()
    assert warm._direction_terms is not None and cold._direction_terms is None
    context = "某县道路路灯维护项目"
    expected = [h.code for h in cold.query("亮灯率", k=5, context=context).hits]
    assert [h.code for h in warm.query("亮灯率", k=5, context=context).hits] == expected
