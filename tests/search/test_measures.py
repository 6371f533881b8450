"""The kind of measure a name asks for, and hybrid search preferring it."""

import pytest

from search.measures import (
    asks_whether_any,
    bare_kind,
    implied_unit,
    item_measure,
    measure_kind,
    query_form,
    unit_class,
    written_unit,
)


@pytest.mark.parametrize(("name", "kind"), [
    ("受益群众满意度", ("level1", "满意度指标")),
    ("人工成本", ("level1", "成本指标")),
    ("成本控制", ("level1", "成本指标")),       # the cost row of a table that states no amount
    ("成本节约率", ("level1", "成本指标")),
    ("资金拨付及时率", ("level2", "时效指标")),
    ("受益人数", ("level2", "数量指标")),
    ("验收合格率", None),
])
def test_measure_kind_reads_the_end_of_a_name(name, kind):
    assert measure_kind(name) == kind


def test_hybrid_prefers_the_kind_a_name_asks_for(service):
    hits = service.query("家长满意度", k=3).hits
    assert hits[0].level1 == "满意度指标"


@pytest.mark.parametrize(("name", "asks"), [
    ("是否存在违规行为", True), ("是否发生安全生产事故", True), ("有无重大质量问题", True),
    ("是否有违反外事纪律事件发生", True),
    ("是否有效预防疾病传播", False),   # 是否有效: how well, not whether any
    ("是否按时完成", False), ("违规行为依法处置率", False),
])
def test_a_name_asking_whether_any_occurred(name, asks):
    assert asks_whether_any(name) is asks


def test_a_search_asking_whether_any_occurred_asks_for_an_amount():
    """The name key drops the question (是否存在违规行为 → 违规行为), so the whole text decides."""
    assert query_form("违规行为", "是否存在违规行为") == "amount"
    assert query_form("违规行为", "违规行为") is None
    assert query_form("违规行为依法处置率", "违规行为依法处置率") == "rate"


@pytest.mark.parametrize(("name", "bare"), [
    ("成本控制", ("level2", "经济成本指标")),
    ("项目成本", ("level2", "经济成本指标")),
    ("单项业务成本", ("level2", "经济成本指标")),
    ("受益群众满意度", ("level1", "满意度指标")),
    ("服务对象满意度%", ("level1", "满意度指标")),
    ("人工成本", None),            # labour: a kind of cost, not any cost
    ("项目总成本", None),          # the total, which the common 项目总成本 answers
    ("群众满意度", None),          # 群众 may be anyone near the project, not its recipients
    ("社会公众满意度", None),
    ("绿道每公里建设造价", None),
])
def test_a_bare_kind_is_the_kind_and_nothing_more(name, bare):
    assert bare_kind(name) == bare


@pytest.mark.parametrize(("unit", "kind"), [
    ("平方米", "area"), ("万亩", "area"), ("台（套）", "equipment"), ("套", "equipment"), ("人", "people"),
    ("人次", "visits"),            # person-times are not persons
    ("万元", "money"), ("元/人·年", "unit_cost"), ("万元/公里", "unit_cost"), ("处", "sites"), ("个", "sites"),
    ("次/年", None), ("%", None), ("", None), (None, None),
])
def test_units_of_one_kind_count_as_one(unit, kind):
    assert unit_class(unit) == kind


@pytest.mark.parametrize(("name", "kind"), [
    ("仓库(≥**平方米)", "area"),
    ("消毒机（≥台）", "equipment"),
    ("粉碎拌合机(11kw)(≥台)", "equipment"),   # the last bracket that is a unit, not the model's power
    ("开展修复工程(个)", "sites"),
    ("标准文本宣传和解读(单位：份)", "documents"),
    ("作物种植补助标准(≤**元/株)", "unit_cost"),
    ("建设项目个数(含续建)", None),            # a scope note
    ("项目完成及时率(%)", None),               # a share: the name's 率 already says so
    ("工程建设（56万元）", None),               # an amount, not a unit
    ("受益人数", None),
])
def test_the_unit_a_name_is_written_with(name, kind):
    assert written_unit(name) == kind


@pytest.mark.parametrize(("name", "kind"), [("保育栏(≥套)", "equipment"), ("仓库(≥**平方米)", "area")])
def test_a_name_that_only_names_the_thing_is_measured_in_its_unit(builtin, name, kind):
    """Real tables list what a project buys or builds with the unit in brackets; the unit says whether a
    count of equipment or an area is meant, which the bare name does not."""
    def of_kind(query):
        return sum(unit_class(h.unit) == kind for h in builtin.query(query, k=5).hits)
    assert of_kind(name) > of_kind(name.split("(")[0])


@pytest.mark.parametrize(("name", "kind"), [
    ("补贴标准", "unit_cost"), ("公用经费标准", "unit_cost"), ("药品抽验平均标准", "unit_cost"),
    ("农村特困人员救助供养基本生活标准", "unit_cost"),
    ("质量符合国家标准", None), ("扶持标准达标率", None), ("主导制修订行业标准项目数量", None),
    ("辅警人员", "people"), ("受助对象", "people"),     # a group of people, counted
    ("服务对象满意度", None), ("困难群众参保率", None),
])
def test_a_rate_of_pay_or_a_group_of_people_implies_its_unit(name, kind):
    assert implied_unit(name) == kind


def test_a_rate_of_pay_finds_the_amount_per_item(builtin):
    """指标2.药品抽验平均标准 in a cost row means what one batch's test costs, not a share of batches tested."""
    hits = builtin.query("指标2.药品抽验平均标准", k=3).hits
    assert any(unit_class(h.unit) == "unit_cost" for h in hits), [(h.name, h.unit) for h in hits]


@pytest.mark.parametrize(("name", "measure"), [
    ("档案库房(≥**平方米)", "新建建筑面积"), ("净水设备(≥套)", "采购设备数量"), ("电动清扫车（台）", "采购设备数量"),
    ("档案库房", None),                      # no unit: nothing says it is counted by its area
    ("新建猪舍面积(平方米)", None),            # says what it measures
    ("设备完好率(台)", None), ("采购设备数量(台)", None), ("围墙(米)", None),  # a length has no common measure
])
def test_a_row_naming_only_a_thing_with_its_unit_is_counted_by_the_common_measure(name, measure):
    assert item_measure(name.split("(")[0].split("（")[0], name) == measure


@pytest.mark.parametrize(("name", "measure"), [("净水设备(≥套)", "采购设备数量"), ("档案库房(≥**平方米)", "新建建筑面积")])
def test_the_common_count_of_a_thing_bought_or_built_is_among_the_first_hits(builtin, name, measure):
    """A table lists what a project buys or builds, one row a thing; the reviewer counts it by the common measure."""
    assert measure in [h.name for h in builtin.query(name, k=5).hits]
    assert measure in [h.name for h in builtin.query(name, k=5, context="2026年县档案馆新馆建设项目").hits]
