"""Hits are built without validating the documents again: what they hold and how they serialise is
what a validated hit would hold, in every mode, and changing a hit leaves the library alone."""

import pytest

from kb.text import normalize_text
from search.service import SearchHit
from web.api import SearchResponse


@pytest.mark.parametrize("mode", ["hybrid", "lexical", "semantic"])
def test_hits_equal_validated_hits(service, mode):
    result = service.query("学生营养午餐补助标准", k=10, mode=mode)
    assert result.hits
    terms = list(dict.fromkeys(service.tokenizer.tokens("学生营养午餐补助标准")))
    for hit in result.hits:
        doc = next(d for d in service.docs if d.code == hit.code)
        text = f"{doc.name} {' '.join(doc.aliases)} {doc.direction} {doc.explanation}"
        validated = SearchHit(**doc.model_dump(), score=hit.score,
                              matched=[t for t in terms if t in normalize_text(text)])
        assert hit.model_dump() == validated.model_dump()
        assert hit.model_dump_json() == validated.model_dump_json()
    body = SearchResponse.model_construct(query=result.query, total=result.total, mode=mode, hits=result.hits)
    assert SearchResponse.model_validate_json(body.model_dump_json()).hits == result.hits


def test_changing_a_hit_leaves_the_document_alone(service):
    hit = service.query("路灯亮灯", k=1).hits[0]
    doc = next(d for d in service.docs if d.code == hit.code)
    before = list(doc.aliases)
    hit.aliases.append("别名")
    hit.name = "改过的名称"
    assert doc.aliases == before and doc.name != "改过的名称"
    assert service.query("路灯亮灯", k=1).hits[0].aliases == before
