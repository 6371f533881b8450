"""Chinese tokenisation for the lexical index: jieba in search-engine mode with a domain
dictionary built from the library's own terms."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import jieba

from kb.text import normalize_text

jieba.setLogLevel(logging.WARNING)
TOKENIZER_VERSION = "jieba-search-7"  # 7: 时效 also read as 及时
_KEEP = re.compile(r"[\w%‰]", re.UNICODE)
STOPWORDS = frozenset(
    "的 了 和 与 及 或 等 对 在 为 以 按 由 于 将 被 把 其 之 中 内 上 下 个 是 有 并 及其 以及 进行 开展 相关 "
    "情况 通过 指标 反映 用于 主要 年度 全年 当年 本年 一 二 三 "
    # what real tables wrap a measure in: 是否…, 广大群众…, …显著提升, 各类…, 其中…
    "是否 存在 得到 广大 各类 其中 显著 明显 逐步 进一步".split()
)

# Words real tables use for the same measure as the library's word: a token is followed by its
# common form, on both the indexed and the query side, so 按期完工率 also matches 完成及时率.
SAME_MEASURE = {
    "完工": "完成", "竣工": "完成",
    "按期": "及时", "按时": "及时", "如期": "及时", "准时": "及时", "按计划": "及时",
    "时效": "及时", "时效性": "及时",
    "精准": "准确", "精准率": "准确率",
    "达标": "合格", "达标率": "合格率",
    "支付": "拨付", "兑付": "拨付",
    "满意率": "满意度", "满意程度": "满意度", "知晓度": "知晓率",
    "人口": "人数", "人口数": "人数",
    "占比": "比例", "比率": "比例",
    # renamed populations: tables written before 2021 say 贫困户/贫困人口/建档立卡 for whom the library, after the
    # transition period began, calls 脱贫户/脱贫人口; 新农合 (参合) has since merged into 城乡居民医保 (参保)
    "贫困户": "脱贫", "贫困人口": "脱贫", "建档立卡": "脱贫", "参合": "参保",
}


@lru_cache(maxsize=1)
def _base_dictionary() -> jieba.Tokenizer:
    """jieba's own dictionary, loaded once per process (1-2 s each time it is loaded)."""
    base = jieba.Tokenizer()
    base.initialize()
    return base


class Tokenizer:
    """A jieba tokenizer that owns its dictionary (not jieba's global one): a copy of the base
    dictionary, which takes milliseconds, plus the library's domain terms."""

    def __init__(self, user_dict: Path | None = None):
        self._jieba = jieba.Tokenizer()
        self._lock = threading.Lock()
        self._ready = False
        self._user_dict = user_dict

    def _ensure(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            base = _base_dictionary()
            self._jieba.FREQ, self._jieba.total = dict(base.FREQ), base.total
            self._jieba.initialized = True
            if self._user_dict and self._user_dict.exists():
                self._jieba.load_userdict(str(self._user_dict))
            self._ready = True

    def tokens(self, text: str) -> list[str]:
        """Normalised search-mode tokens, stopwords and punctuation dropped, each word of
        `SAME_MEASURE` followed by its common form."""
        self._ensure()
        out = []
        for tok in self._jieba.cut_for_search(normalize_text(text).lower()):
            tok = tok.strip()
            if tok and tok not in STOPWORDS and _KEEP.search(tok):
                out.append(tok)
                if tok in SAME_MEASURE:
                    out.append(SAME_MEASURE[tok])
        return out


def dictionary_terms(terms: Iterable[str]) -> list[str]:
    """The domain terms as the user dictionary holds them: normalised, no spaces, 2-20 characters, once."""
    seen: dict[str, None] = {}
    for term in terms:
        term = normalize_text(term).replace(" ", "")
        if 2 <= len(term) <= 20:
            seen.setdefault(term)
    return list(seen)


def write_user_dict(terms: Iterable[str], path: Path) -> int:
    """Write a jieba user dictionary of domain terms (names, directions, keywords, aliases)."""
    lines = [f"{term} 20" for term in dictionary_terms(terms)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)
