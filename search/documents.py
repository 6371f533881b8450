"""What each indicator looks like to the two indexes: one text for BM25, one passage for the encoder."""

from __future__ import annotations

import hashlib
from typing import Protocol


class IndexedIndicator(Protocol):
    code: str
    name: str
    explanation: str
    aliases: list[str]
    category: str
    subcategory: str
    direction: str
    level2: str


def lexical_fields(ind: IndexedIndicator, keywords: list[str] = ()) -> list[tuple[str, int]]:
    """(text, weight) pairs: the name counts most, then aliases and the direction path."""
    return [
        (ind.name, 3),
        (" ".join(ind.aliases), 2),
        (f"{ind.direction} {ind.subcategory}", 2),
        (" ".join(keywords), 1),
        (ind.category, 1),
        (ind.explanation, 1),
    ]


# How much of an explanation the passage carries. Most say what is measured in 30-40 characters; the longest
# tenth goes on to dedupe, sampling and record rules (200 characters and more), which drowned the name: 救助对象
# 生活水平 found 救助对象生活困难缓解率 first until its explanation gained the rules of its follow-up visits.
PASSAGE_EXPLANATION_CHARS = 100


def passage_text(ind: IndexedIndicator) -> str:
    """The passage the encoder embeds: name, aliases, its category and direction, and what it
    measures (the explanation's first `PASSAGE_EXPLANATION_CHARS` characters). The subcategory, a 款
    of the 支出功能分类 (普通教育, 其他公共安全支出), is left out: classification wording says little
    about what an indicator measures, and a renamed 款 would otherwise change every vector under it."""
    alias = f"（{'、'.join(ind.aliases)}）" if ind.aliases else ""
    return f"{ind.name}{alias}。{ind.category}·{ind.direction}。{ind.explanation[:PASSAGE_EXPLANATION_CHARS]}"


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()
