"""The kind of measure a name asks for, and hybrid search preferring it."""

import pytest

from search.measures import measure_kind


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
