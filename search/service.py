"""The search engine at run time: loads the saved indexes for the current library version
and answers hybrid, lexical and semantic queries with filters applied inside the ranking.

It also implements `indicators.lookup.Lookup` (by shape), which goal checking and drafting use.
"""

from __future__ import annotations

import heapq
import json
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from kb import store
from kb.errors import InvalidInput, NotReady
from kb.models import IndicatorPublic
from kb.settings import Settings
from kb.store import Filters
from kb.subject import measured_part
from kb.text import direction_statement, name_query, normalize_text
from search.build import manifest_matches, read_manifest
from search.context import (
    COMMON_BOOST,
    COMMON_CATEGORY,
    DIRECTION_BOOST,
    GENERIC_SUBCATEGORY,
    PASSAGES_EMBEDDED_AT_START,
    closeness_weights,
    direction_centroids,
    direction_closeness,
    direction_passage,
    direction_terms,
    direction_vectors,
    keyword_owners,
    lexical_affinity,
    named_directions,
    normalise,
    project_text,
)
from search.dense import DenseIndex
from search.encoders import Encoder, make_encoder
from search.fusion import fuse
from search.lexical import LexicalIndex
from search.measures import (
    BARE_LIFT,
    FORM_BOOST,
    KIND_BOOST,
    RATE_UNITS,
    UNIT_BOOST,
    asked_unit,
    bare_kind,
    item_measure,
    measure_kind,
    query_form,
    unit_class,
)
from search.pinyin import LATIN, PinyinReader
from search.tokenize import Tokenizer
from search.vectors import STATEMENTS, embed_passages, known_vectors

MODES = ("hybrid", "lexical", "semantic")
CANDIDATES = 100
MAX_QUERY_CHARS = 200
QUERY_VECTORS = 4096  # query vectors kept, the most recently used
QUERY_BATCH = 16  # queries embedded ahead per encoder call (the engine's own batch limit)
# Fused and dense scores give every indicator some score; a candidate below this share of the
# best one is noise, not a match, and is not counted in `total`.
RELATIVE_FLOOR = 0.25
# With a project in mind, the name's own best match (KEEP_PLAIN) stays among the first KEEP_IN hits: the
# project lifts its directions' indicators, but a name's clear match elsewhere is still shown
# (带动就业人数 for 烈士纪念设施维护: 项目带动就业人数, first by name, had fallen behind the project's own
# 人数 indicators). It acts only on weak names: an indicator's own alias kept its first match in 400 of 400
# random county projects.
# Real names with an acceptable equivalent, with context: S@5 0.846 → 0.856; the best two kept: 0.865, but
# the second is as often noise (旅游宣传品印制数量 for 宣传资料印制数量 in a 宣传部 project).
KEEP_PLAIN = 1
KEEP_IN = 5
# Real tables write the 共性指标 most (资金到位率, 项目完成及时率, 受益群众满意度): a name that matches one of them
# about as well as a direction's own variant most often means the common one, with or without a project in mind.
# Hybrid search lifts the 共性指标 by this share of the best fused score. Judged real names, S@5 / MRR@10 (with
# EXACT_LIFT): the dev set by name 0.779 / 0.578 → 0.808 / 0.602, with context 0.865 / 0.665 → 0.865 / 0.668; the
# 838 names of 103 other published tables by name 0.669 / 0.556 → 0.683 / 0.579, with context 0.762 / 0.616 →
# 0.768 / 0.632, each half of those tables alike. 0.1 and 0.2 were each worse on one set or another. A search
# with a project's text (checking, drafting, a direction's suggestions) does not take it (`query`'s `as_name`).
SHARED_LIFT = 0.15
# …but a name written exactly as an indicator's name or alias means that indicator: without a project in mind it
# is lifted by this share, so 项目竣工验收合格率 stays first where the library has it and does not give way to a
# 共性指标 that merely resembles it (of 98 judged real names written as a library name, 90 found it first before
# SHARED_LIFT, 96 with both). More than SHARED_LIFT: at 0.1, 3 of 2,068 library names (every 7th) found a 共性指标
# one word apart first (成果使用单位满意度 → 成果使用部门满意度, 子项目按期开工率 → 项目按期开工率); at 0.2, none.
# Of 819 judged real names, one moved (群众满意度, 5th → 6th: a row named so now comes first).
# With a project in mind it lifts a 共性指标 or a row of the project's directions only (群众满意度, an alias of a
# department's 社会公众满意度, is no project's survey), and the project's lift is measured without it: 资金支付及时率
# in a repair project finds 资金拨付及时率 first, no longer 上级资金分解下达及时率. Judged real names with context,
# S@1: the 838 fresh ones' held-out half 0.538 → 0.543, their true equivalents 0.564 → 0.570; S@5 unchanged.
EXACT_LIFT = 0.2


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def keep_in_view(order: list[int], plain: list[int], scores: dict[int, float], within: int = KEEP_IN) -> list[int]:
    """`order` with those of `plain` not among its first `within` moved to just before position `within`
    (their order kept); a moved hit's score is raised to the score of the hit it now precedes, so the
    hits stay in order of score. `scores` is changed in place."""
    moved = [i for i in plain if i not in order[:within]]
    if not moved:
        return order
    rest = [i for i in order if i not in moved]
    slot = max(within - len(moved), 0)
    if slot < len(rest):
        for i in moved:
            scores[i] = max(scores[i], scores[rest[slot]])
    return rest[:slot] + moved + rest[slot:]


class SearchHit(IndicatorPublic):
    score: float
    matched: list[str] = []


@dataclass(frozen=True)
class DirectionInfo:
    code: str
    name: str
    summary: str
    subcategory: str
    category: str
    common: bool
    keywords: tuple[str, ...] = ()
    function_codes: tuple[str, ...] = ()


@dataclass
class SearchResult:
    query: str
    total: int
    hits: list[SearchHit] = field(default_factory=list)
    function_code_matched: str | None = None  # with a function_code filter: that code, or the 款/类 it widened to
    read_as: str | None = None  # a query typed in pinyin (manyidu): the library's words it spells (满意度)


class SearchService:
    def __init__(self, *, settings: Settings, docs: list[IndicatorPublic], directions: list[DirectionInfo],
                 lexical: LexicalIndex, dense: DenseIndex, tokenizer: Tokenizer, encoder: Encoder,
                 manifest: dict, direction_passages: dict[str, np.ndarray] | None = None,
                 successors: dict[str, str] | None = None, statements: dict[str, np.ndarray] | None = None):
        self.settings, self.docs, self.manifest = settings, docs, manifest
        self.lexical, self.dense, self.tokenizer, self.encoder = lexical, dense, tokenizer, encoder
        self.directions = {d.code: d for d in directions}
        self._direction_by_name = {normalize_text(d.name): d for d in directions}
        self._fields = {
            name: np.array([getattr(d, name) for d in docs] or [""])
            for name in ("category", "category_code", "subcategory", "subcategory_code", "direction",
                         "direction_code", "level1", "level2")
        }
        self._by_direction: dict[str, list[int]] = {}
        for i, d in enumerate(docs):
            self._by_direction.setdefault(d.direction_code, []).append(i)
        # searching with a project in mind: each doc's direction row, the directions' centroids
        # blended with their own passages' vectors (a direction without one: its centroid alone)
        self._direction_codes = sorted(self._by_direction)
        row = {code: r for r, code in enumerate(self._direction_codes)}
        self._doc_direction = np.array([row[d.direction_code] for d in docs], dtype=np.int64)
        centroids = direction_centroids(np.asarray(dense.vectors), self._doc_direction,
                                        len(self._direction_codes)) if docs else np.zeros((0, 0))
        passages = None
        if direction_passages and docs:
            passages = np.array([direction_passages.get(code, centroids[r]) for r, code in
                                 enumerate(self._direction_codes)], dtype=np.float32)
        self._centroids = direction_vectors(centroids, passages)
        self._direction_terms: tuple | None = None
        self._rate = np.array([d.unit in RATE_UNITS for d in docs], dtype=bool)
        self._unit_class = np.array([unit_class(d.unit) or "" for d in docs] or [""])
        generic = np.array([d.subcategory_code == GENERIC_SUBCATEGORY for d in docs], dtype=bool)
        common = np.array([d.category_code == COMMON_CATEGORY for d in docs], dtype=bool)
        self._common = COMMON_BOOST * (common & ~generic)
        self._generic = generic
        self._shared = common.astype(np.float64)
        self._exact: dict[str, list[int]] = {}  # an indicator's name or alias → the indicators it names
        for i, d in enumerate(docs):
            for written in (d.name, *d.aliases):
                self._exact.setdefault(written, []).append(i)
        self._contexts: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._vectors_lock = threading.Lock()
        self._statements = statements or {}  # directions' statements as queries, embedded ahead (shipped)
        self._match_texts: dict[int, str] = {}  # doc → its normalised text, made when a hit first needs it
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="lexical")
        self._successors = successors or {}  # retired subcategory code → its successor
        stamp = ":".join(str((manifest or {}).get(k)) for k in ("library_version", "library_fingerprint", "tokenizer",
                                                              "count"))
        self._pinyin = PinyinReader(lexical.doc_counts, settings.index_dir / "pinyin.json", stamp)

    # ---- loading -------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings, engine: Engine, *, allow_stale: bool = False) -> SearchService:
        """Load the indexes saved for the current library version; NotReady when missing or stale.
        With `allow_stale`, indexes of an earlier library version (same encoder and format) are
        loaded too, to answer from while new ones are built; `manifest` says which version."""
        index_dir = settings.index_dir
        manifest = read_manifest(index_dir)
        with Session(engine) as session:
            version = store.current_version(session)
            if version is None:
                raise NotReady("知识库还是空的：请先运行 `kb init` 载入内置指标库")
            encoder = make_encoder(settings.encoder, settings.encoder_threads)
            earlier = manifest_matches(manifest, version=(manifest or {}).get("library_version"), encoder_id=encoder.id)
            if not manifest_matches(manifest, version=version.number, encoder_id=encoder.id) and not (
                    allow_stale and earlier):
                raise NotReady(f"检索索引与指标库第 {version.number} 版或编码器 {encoder.id} 不一致："
                               "请运行 `kb init` 重建索引")
            directions = [DirectionInfo(d.code, d.name, d.summary, s.name, c.name, c.common, tuple(d.keywords),
                                         tuple(d.function_codes or ()))
                          for d, s, c in store.all_directions(session)]
            successors = store.subcategory_successors(session)
        records = json.loads((index_dir / "docs.json").read_text(encoding="utf-8"))
        docs = [IndicatorPublic.model_construct(**r) for r in records]  # written by our own build: valid
        # each direction's own passage, embedded once: shipped for the built-in library, else shared
        # through the database and the data directory's cache like the indicators' passages
        texts = [direction_passage(d.name, d.category, d.summary, d.keywords) for d in directions]
        passages = embed_passages(encoder, texts, cache_dir=settings.data_dir / "vectors", engine=engine,
                                  kind="directions", most=PASSAGES_EMBEDDED_AT_START)
        own = {} if passages is None else dict(zip([d.code for d in directions], passages.vectors, strict=True))
        # each direction's statement, which a project's text is compared with to say whether the direction fits
        # it (≈0.1 s to embed each on first use): those shipped or stored, none embedded here
        statements = known_vectors(encoder, [direction_statement(d.name, d.summary) for d in directions],
                                   cache_dir=settings.data_dir / "vectors", engine=engine, kind=STATEMENTS,
                                   role="query")
        return cls(settings=settings, docs=docs, directions=directions,
                   lexical=LexicalIndex.load(index_dir / "bm25"), dense=DenseIndex.load(index_dir),
                   tokenizer=Tokenizer(index_dir / "userdict.txt"), encoder=encoder, manifest=manifest,
                   direction_passages=own, successors=successors, statements=statements)

    def warm_up(self) -> None:
        """Load what the first queries would otherwise wait for: jieba's dictionary, the encoder,
        the words that name one direction (≈0.5 s for the built-in library) and each direction's own
        words that a project's text is weighed by (≈0.6 s; the first search, check or draft with a
        project in mind waited for them). The words are found
        before serving: worked out beside the first queries, they held the interpreter long enough to
        triple those queries' latency. Documents' match texts are made when a hit first needs one
        (≈80 µs each): made for all 14,000 in the background at start, they tripled the latency of
        the queries of the first 1.5 s instead (p50 over a fresh server's first 50 queries 33-42 ms,
        15.5 ms without)."""
        self.tokenizer.tokens("预热")
        self._query_vector("预热")
        self.named_directions("")
        self._terms()

    # ---- query building blocks ----------------------------------------------------------
    def _query_vector(self, text: str) -> np.ndarray:
        """The query's vector: a direction's statement's as shipped, else from a small LRU cache (requests arrive
        on several threads)."""
        if (vec := self._statements.get(text)) is not None:
            return vec
        with self._vectors_lock:
            vec = self._vectors.get(text)
            if vec is not None:
                self._vectors.move_to_end(text)
                return vec
        vec = self.encoder.encode_queries([text])[0]
        self._keep_vectors([text], [vec])
        return vec

    def _keep_vectors(self, keys: list[str], vectors) -> None:
        """Cache query vectors, dropping the least recently used beyond QUERY_VECTORS."""
        with self._vectors_lock:
            for key, vector in zip(keys, vectors, strict=True):
                self._vectors[key] = vector
            while len(self._vectors) > QUERY_VECTORS:
                self._vectors.popitem(last=False)

    def prepare_queries(self, queries: list[str]) -> None:
        """Embed, a batch at a time, the queries whose vectors are not cached yet: the engine encodes a batch for
        little more than one text costs, so the hybrid searches for them that follow find their vectors ready
        instead of each waiting for its own (a department's rows, each searched with the unit in mind)."""
        keys = [name_query(text) for text in (normalize_text(q[:MAX_QUERY_CHARS]) for q in queries)
                if text and _has_words(text)]
        with self._vectors_lock:
            missing = [key for key in dict.fromkeys(keys) if key not in self._vectors]
        for start in range(0, len(missing), QUERY_BATCH):
            batch = missing[start:start + QUERY_BATCH]
            self._keep_vectors(batch, self.encoder.encode_queries(batch))

    @lru_cache(maxsize=256)  # noqa: B019  (the service lives as long as the process)
    def function_code_scope(self, value: str) -> tuple[str, list[str]]:
        """(the code matched, its directions): `store.function_code_scope` over this library."""
        return store.function_code_scope(((d.code, d.function_codes) for d in self.directions.values()), value)

    @lru_cache(maxsize=256)  # noqa: B019  (the service lives as long as the process)
    def _mask(self, filters: Filters) -> np.ndarray | None:
        active = filters.active()
        if not active:
            return None
        mask = np.ones(len(self.docs), dtype=bool)
        for name, value in active.items():
            value = normalize_text(value)
            if name == "function_code":  # directions filed under that 类/款/项 code, or its 款 or 类
                mask &= np.isin(self._fields["direction_code"], self.function_code_scope(value)[1])
            elif name in ("category", "subcategory", "direction"):
                if name == "subcategory":  # a retired code filters by the code that superseded it
                    value = store.current_subcategory(value, self._successors)
                code_field = f"{name}_code"
                mask &= (self._fields[name] == value) | (self._fields[code_field] == value)
            else:
                mask &= self._fields[name] == value
        return mask

    def _lexical(self, query: str, mask: np.ndarray | None, n: int,
                 extra: np.ndarray | None = None, tokens: list[str] | None = None) -> tuple[dict[int, float], int]:
        """The n best BM25 candidates (and those of `extra` that any query term hits), and how
        many documents any term hits. `tokens`: the query's, when already known."""
        scores = self.lexical.scores(self.tokenizer.tokens(query) if tokens is None else tokens, mask)
        if scores is None:
            return {}, 0
        positive = int(np.count_nonzero(scores > 0))
        if positive == 0:
            return {}, 0
        n = min(n, positive)
        top = np.argpartition(-scores, n - 1)[:n]
        if extra is not None and len(extra):
            top = np.union1d(top, extra)
        top = top[scores[top] > 0]
        return dict(zip(top.tolist(), scores[top].tolist(), strict=True)), positive

    def _cosines(self, vector: np.ndarray, ids) -> dict[int, float]:
        ids = np.fromiter(ids, dtype=np.int64)
        if len(ids) == 0:
            return {}
        scores = np.asarray(self.dense.vectors[ids], dtype=np.float32) @ vector
        return dict(zip(ids.tolist(), scores.tolist(), strict=True))

    def _closeness(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(each direction's closeness, its lift weight) for a project's text, from a small LRU cache."""
        with self._vectors_lock:
            found = self._contexts.get(text)
            if found is not None:
                self._contexts.move_to_end(text)
                return found
        if not len(self._centroids):
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32)
        affinity = lexical_affinity(self.tokenizer.tokens(text), *self._terms())
        # a project's description is compared with directions' descriptions: both as passages
        closeness = direction_closeness(self._centroids, self.encoder.encode_passages([text])[0], affinity)
        found = closeness, closeness_weights(closeness)
        with self._vectors_lock:
            self._contexts[text] = found
            if len(self._contexts) > 1024:
                self._contexts.popitem(last=False)
        return found

    def _context(self, context: str, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(per-doc lift, ids of the docs in the lifted directions) for a project's text."""
        weights = self._closeness(project_text(context))[1]
        lift = DIRECTION_BOOST * weights[self._doc_direction] + self._common
        inside = weights[self._doc_direction] > 0
        if mask is not None:
            inside &= mask
        return lift, np.flatnonzero(inside)

    def near_directions(self, text: str, k: int = 20) -> tuple[str, ...]:
        """The codes of the k directions closest to a project's (or unit's) text, closest first, by the closeness
        a search with it in mind lifts them by: in meaning to the direction's passage and indicators, and in
        the direction's own words the text holds."""
        text = project_text(text)
        if not _has_words(text):
            return ()
        return tuple(self._direction_codes[i] for i in np.argsort(-self._closeness(text)[0])[:k])

    def _terms(self) -> tuple[list[dict[str, float]], dict[str, float]]:
        """Each direction's own words (name and keywords; summary less; not its subcategory, a
        budget heading that may be regrouped), tokenised once."""
        if self._direction_terms is None:
            lists = []
            for code in self._direction_codes:
                d = self.directions.get(code)
                own = f"{d.name} {' '.join(d.keywords)}" if d else ""
                lists.append((self.tokenizer.tokens(own), self.tokenizer.tokens(d.summary if d else "")))
            self._direction_terms = direction_terms(lists)
        return self._direction_terms

    def _match_text(self, i: int) -> str:
        """The normalised text of document i that `matched` looks for the query's terms in (kept
        here, not in normalize_text's own cache, which other texts share)."""
        text = self._match_texts.get(i)
        if text is None:
            doc = self.docs[i]
            text = normalize_text.__wrapped__(f"{doc.name} {' '.join(doc.aliases)} {doc.direction} {doc.explanation}")
            self._match_texts[i] = text
        return text

    def _lexical_tokens(self, query: str, mask: np.ndarray | None, n: int,
                        extra: np.ndarray | None = None) -> tuple[dict[int, float], int, list[str]]:
        """`_lexical`, and the query's tokens (for the hits' matched terms)."""
        tokens = self.tokenizer.tokens(query)
        return *self._lexical(query, mask, n, extra, tokens), tokens

    def _hit(self, i: int, score: float, terms: list[str]) -> SearchHit:
        """Document i as a hit. Its fields were validated when the index was built: copied, not
        validated again (the list too, so a hit can be changed without changing the document)."""
        doc, text = self.docs[i], self._match_text(i)
        return SearchHit.model_construct(**{**vars(doc), "aliases": list(doc.aliases)}, score=round(score, 6),
                                         matched=[t for t in terms if t in text])

    # ---- public API ---------------------------------------------------------------------
    def query(self, query: str, *, k: int = 10, mode: str = "hybrid", filters: Filters | None = None,
              context: str | None = None, as_name: bool = True) -> SearchResult:
        """The k best indicators for a query. `context`, the project the indicator is for (its
        name, and description when known), lifts the indicators of the spending directions
        that kind of project belongs to, and the 共性指标; without it nothing changes. `as_name`: the
        query is an indicator's name as a table writes it, so the 共性指标 (SHARED_LIFT), the indicators it names
        exactly (EXACT_LIFT; with a project, a 共性指标 or a row of its directions only) and those measured in
        the kind of unit it is written with (UNIT_BOOST) are lifted, and the 项目通用指标 for what a name measures of
        its project's own subject or a fund is kept in view (`kb.subject`); not for a project's text."""
        text = normalize_text(query)
        if not text:
            raise InvalidInput("检索词是空的；请输入几个词，如 学生资助 或 路灯亮灯率")
        if len(text) > MAX_QUERY_CHARS:
            raise InvalidInput(f"检索词有 {len(text)} 个字，超过 {MAX_QUERY_CHARS} 字的上限；请缩短")
        if mode not in MODES:
            raise InvalidInput(f"检索方式 mode={mode!r} 无法识别；请用 {'、'.join(MODES)} 之一")
        if not 1 <= k <= 100:
            raise InvalidInput(f"k={k} 超出 1-100 的范围；一次最多返回 100 条")
        if not _has_words(text):  # punctuation only (，。！): nothing to match
            return SearchResult(query=text, total=0)
        typed, read_as = text, self._read_pinyin(text) if as_name else None  # typed by a person, not a project's text
        text = read_as or text
        key = name_query(text)  # without list numbering, bracketed units, a trailing 等 …
        filters = filters or Filters()
        scope = self.function_code_scope(normalize_text(filters.function_code))[0] if filters.function_code else None
        mask = self._mask(filters)
        ids = None if mask is None else np.flatnonzero(mask)
        if ids is not None and len(ids) == 0:
            return SearchResult(query=typed, total=0, function_code_matched=scope, read_as=read_as)
        n = max(k, CANDIDATES)
        context = normalize_text(context or "")
        if not _has_words(context):  # punctuation only (，。): no project to lift by
            context = ""
        lift, near = self._context(context, mask) if context else (None, None)
        lex, lex_total, sem, others, tokens = {}, 0, {}, {}, None
        if mode == "lexical":
            lex, lex_total = self._lexical(key, mask, n, near)
        elif mode == "semantic":
            vector = self._query_vector(key)
            sem = self.dense.search(vector, n, ids)
            if near is not None:
                floor = min(sem.values(), default=0.0)
                sem = normalise({**self._cosines(vector, near), **sem}, floor)
        else:  # BM25 runs in a worker while the encoder (C code, GIL released) embeds the query
            pending = self._pool.submit(self._lexical_tokens, key, mask, n, near)
            vector = self._query_vector(key)
            sem = self.dense.search(vector, n, ids)
            lex, lex_total, tokens = pending.result()
            others = set(lex) - set(sem)
            if near is not None:
                others |= set(near.tolist()) - set(sem)
            others = self._cosines(vector, others)
        if mode == "hybrid" and (lex or others) and sem:
            fused = fuse(self.settings.fusion, lex, sem, weight=self.settings.fusion_weight, others=others)
        else:
            fused = lex or sem
        kind = measure_kind(key) if mode == "hybrid" and fused else None
        if kind:  # the kind of measure the name asks for (满意度, 成本, 及时率, 人数…)
            best, values = max(fused.values()), self._fields[kind[0]]
            fused = {i: s + KIND_BOOST * best * (values[i] == kind[1]) for i, s in fused.items()}
        form = query_form(key, text) if mode == "hybrid" and fused else None
        if form:  # a share for …率, an amount for …人数: the unit says which an indicator is
            best, rate = max(fused.values()), form == "rate"
            fused = {i: s + FORM_BOOST * best * float(self._rate[i] == rate) for i, s in fused.items()}
        best_named = None  # the best score before the exact name's lift, which the project's lift is measured by
        if as_name and mode == "hybrid" and fused:  # what a name most often means, and what it names exactly
            best = max(fused.values())
            fused = {i: s + SHARED_LIFT * best * self._shared[i] for i, s in fused.items()}
            best = best_named = max(fused.values())
            for i in self._exact.get(key, ()):
                if i in fused and (lift is None or self._shared[i] or lift[i] > 0):
                    fused[i] += EXACT_LIFT * best
        # with a project in mind: the name's own best matches, before the project lifts its directions
        plain = heapq.nsmallest(KEEP_PLAIN, fused, key=lambda i: (-fused[i], i)) if lift is not None else []
        if lift is not None and fused:
            if mode == "lexical":
                fused = normalise(fused, 0.0)
            best = max(fused.values()) if best_named is None else best_named
            bare = bare_kind(key) if kind else None  # the project's own cost or survey: its lift counts more
            field_values = self._fields[bare[0]] if bare else None
            fused = {i: s + best * float(lift[i]) * (BARE_LIFT if bare and field_values[i] == bare[1] else 1.0)
                     for i, s in fused.items()}
        # the unit a name is written with (仓库(≥**平方米): an area, 消毒机(≥台): equipment) or implies (补贴标准: an
        # amount per head), after the project's lift: lifting every hit first would raise the best score and so the
        # project's lift with it
        unit = asked_unit(key, text) if as_name and mode == "hybrid" and fused else None
        if unit:
            best = max(fused.values())
            fused = {i: s + UNIT_BOOST * best * float(self._unit_class[i] == unit) for i, s in fused.items()}
        order = sorted(fused, key=lambda i: (-fused[i], i))[:max(k, KEEP_IN)]
        if lift is not None:
            order = keep_in_view(order, plain, fused)
        # a name that starts with its project's subject or a fund's name (…工作经费发放及时率): the common measure of it
        # among the first hits. Judged real names, S@5 by name / with context: the dev set 0.808 / 0.865 → 0.808 /
        # 0.875; 838 names of 103 other published tables 0.699 / 0.789 → 0.703 / 0.797 (kept in view at the 3rd
        # place instead of the 5th: no better)
        measured = None
        if as_name and mode == "hybrid" and order:
            measured = measured_part(key, project_text(context) if context else "")
        if measured:
            found = self._generic_match(measured, mask)
            if found is not None:
                fused.setdefault(found, 0.0)
                order = keep_in_view(order, [found], fused)
        # a row naming a thing bought or built, with its unit (冲洗机(≥台)): the common count of it among the first hits
        item = item_measure(key, text) if as_name and mode == "hybrid" and order else None
        counted = [i for i in self._exact.get(item or "", ()) if self._shared[i] and (mask is None or mask[i])]
        if counted:
            fused.setdefault(counted[0], 0.0)
            order = keep_in_view(order, counted[:1], fused)
        order = order[:k]
        terms = list(dict.fromkeys(self.tokenizer.tokens(key) if tokens is None else tokens))
        hits = [self._hit(i, fused[i], terms) for i in order]
        if mode == "lexical":
            total = lex_total
        else:
            floor = fused[order[0]] * RELATIVE_FLOOR if order else 0.0
            total = max(len(order), sum(bool(score >= floor) for score in fused.values()))
        return SearchResult(query=typed, total=total, hits=hits, function_code_matched=scope, read_as=read_as)

    def _read_pinyin(self, text: str) -> str | None:
        """The library's words a query of Latin letters spells in pinyin (manyidu → 满意度), unless each of its
        words is the library's own (GDP, vCPU; a syllable such as da or ai may be too); else None
        (`search.pinyin`)."""
        lowered = text.lower()
        if not LATIN.fullmatch(lowered):
            return None
        tokens = self.tokenizer.tokens(lowered)
        if tokens and len(self.lexical.known(tokens)) == len(set(tokens)):
            return None
        return self._pinyin.read(lowered)

    def _generic_match(self, text: str, mask: np.ndarray | None) -> int | None:
        """The 项目通用指标 that best names what `text` measures (BM25 and cosine fused), when any of them shares a
        word with it; else None."""
        generic = self._generic if mask is None else self._generic & mask
        lex, _ = self._lexical(text, generic, 10)
        if not lex:
            return None
        vector = self._query_vector(text)
        sem = self._cosines(vector, np.flatnonzero(generic))
        fused = fuse(self.settings.fusion, lex, sem, weight=self.settings.fusion_weight, others={})
        return max(fused, key=lambda i: (fused[i], -i)) if fused else None

    # ---- the Lookup protocol used by goal checking and drafting ------------------------
    def search(self, query: str, *, k: int = 10, mode: str = "hybrid", context: str | None = None,
               **filters) -> list[SearchHit]:
        """Hits for checking and drafting, which search with a project's text or a row's words, not a
        name as a table writes it (`query`'s `as_name`)."""
        if not normalize_text(query):
            return []
        return self.query(query[:MAX_QUERY_CHARS], k=k, mode=mode, filters=Filters(**filters), context=context,
                          as_name=False).hits

    def similarity(self, text: str, others: list[str]) -> list[float]:
        if not others:
            return []
        base = self._query_vector(normalize_text(text))
        return [float(self._query_vector(normalize_text(o)) @ base) for o in others]

    def resolve_direction(self, text: str) -> DirectionInfo | None:
        text = normalize_text(text)
        return self.directions.get(text) or self._direction_by_name.get(text)

    def suggest_directions(self, text: str, *, k: int = 3,
                           function_code: str | None = None) -> list[tuple[DirectionInfo, float]]:
        """Directions whose indicators best answer the text: fused hit scores summed per direction;
        with `function_code`, among the directions budgeted under it."""
        hits = self.search(text, k=50, function_code=function_code)
        totals: dict[str, float] = {}
        for rank, hit in enumerate(hits):
            totals[hit.direction_code] = totals.get(hit.direction_code, 0.0) + hit.score / (1 + rank * 0.1)
        best = sorted(totals.items(), key=lambda kv: -kv[1])[:k]
        return [(self.directions[code], score) for code, score in best if code in self.directions]

    def named_directions(self, text: str) -> list[DirectionInfo]:
        """The directions a text names by a word no other direction uses (少先队 → 青少年关爱与青年发展)."""
        return [self.directions[code] for code in sorted(named_directions(self._keyword_owners, normalize_text(text)))]

    @cached_property
    def _keyword_owners(self) -> dict[str, str]:
        texts = {code: normalize_text(" ".join([d.name, d.summary, *d.keywords,
                                                *(self.docs[i].name for i in self._by_direction.get(code, []))]))
                 for code, d in self.directions.items()}
        return keyword_owners(self.directions.values(), texts)

    def direction_indicators(self, code: str) -> list[IndicatorPublic]:
        return [self.docs[i] for i in self._by_direction.get(code, [])]
