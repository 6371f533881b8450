"""Build the lexical and dense indexes for one library version and save them as plain files.

Layout of the index directory: `manifest.json` (library version and fingerprint, encoder,
tokenizer, counts, timings), `docs.json` (the indexed indicator records, row by row, so the
server starts without reading them through the ORM), `userdict.txt` (jieba domain
dictionary), `bm25/` (bm25s files), `dense.faiss` and `vectors.npy`. A build writes to a
temporary directory and swaps it in, so a failed build never leaves a half index.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from sqlalchemy.engine import Engine

from search.dense import DenseIndex
from search.documents import lexical_fields, passage_text
from search.encoders import Encoder
from search.lexical import LexicalIndex
from search.token_cache import TokenCache
from search.tokenize import TOKENIZER_VERSION, Tokenizer, write_user_dict
from search.vectors import STATEMENTS, embed_passages

Progress = Callable[[str, int, int], None]
INDEX_FORMAT = 2


def domain_terms(indicators: Iterable, keywords: dict[str, list[str]]) -> Iterable[str]:
    for ind in indicators:
        yield ind.name
        yield ind.direction
        yield ind.subcategory
        yield from ind.aliases
    for words in keywords.values():
        yield from words


def build_indexes(*, index_dir: Path, cache_dir: Path, indicators: list, keywords: dict[str, list[str]],
                  version: int, fingerprint: str, encoder: Encoder, engine: Engine | None = None,
                  progress: Progress | None = None, statements: Sequence[str] = ()) -> dict:
    """Index `indicators` (objects with the IndicatorPublic fields); `keywords` maps a
    direction code to its search keywords. Passage vectors are shared through the database
    `engine` (see `search.vectors`), and so are the vectors of the directions' `statements`
    (`kb.text.direction_statement`), embedded here as queries so that no server embeds one on the
    first draft that asks whether its direction fits. Returns the manifest."""
    progress = progress or (lambda *_: None)
    t0 = time.perf_counter()
    work = index_dir.with_name(index_dir.name + ".building")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    terms = list(domain_terms(indicators, keywords))
    write_user_dict(terms, work / "userdict.txt")
    cache = TokenCache(cache_dir, Tokenizer(work / "userdict.txt"), terms)
    corpus = []
    for n, ind in enumerate(indicators, start=1):
        tokens: list[str] = []
        for text, weight in lexical_fields(ind, keywords.get(ind.direction_code, [])):
            tokens.extend(cache.tokens(text) * weight)
        corpus.append(tokens)
        if n % 1000 == 0 or n == len(indicators):
            progress("tokenise", n, len(indicators))
    LexicalIndex.build(corpus).save(work / "bm25")
    cache.save()
    t_lex = time.perf_counter()
    passages = embed_passages(encoder, [passage_text(i) for i in indicators], cache_dir=cache_dir, engine=engine,
                              progress=lambda done, total: progress("embed", done, total))
    DenseIndex.build(passages.vectors).save(work)
    t_dense = time.perf_counter()
    said = embed_passages(encoder, list(statements), cache_dir=cache_dir, engine=engine, kind=STATEMENTS, role="query",
                          progress=lambda done, total: progress("statements", done, total))
    (work / "docs.json").write_text(json.dumps([i.model_dump() for i in indicators], ensure_ascii=False))
    manifest = {
        "library_version": version, "library_fingerprint": fingerprint, "encoder": encoder.id,
        "tokenizer": TOKENIZER_VERSION, "format": INDEX_FORMAT, "count": len(indicators),
        "embedded_now": passages.embedded, "vectors_from_database": passages.from_database,
        "statements_embedded_now": said.embedded,
        "tokens_reused": cache.reused,
        "seconds": {"lexical": round(t_lex - t0, 2), "dense": round(t_dense - t_lex, 2)},
    }
    (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    old = index_dir.with_name(index_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if index_dir.exists():
        index_dir.rename(old)
    work.rename(index_dir)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def manifest_matches(manifest: dict | None, *, version: int | None, encoder_id: str) -> bool:
    """Whether saved indexes belong to this library version, encoder, tokenizer and format."""
    return bool(manifest) and manifest.get("library_version") == version and manifest.get("encoder") == encoder_id \
        and manifest.get("tokenizer") == TOKENIZER_VERSION and manifest.get("format") == INDEX_FORMAT


def read_manifest(index_dir: Path) -> dict | None:
    try:
        return json.loads((index_dir / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
