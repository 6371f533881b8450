"""Text normalisation for goal documents and queries.

Goal documents arrive in Simplified or Traditional characters, with full-width digits and
symbols (９５％, ＜＝) and stray spaces. `normalize_text` turns them into one Simplified,
half-width form so that parsing and matching see the same text; Chinese sentence
punctuation (，。；：！？、（）) is kept, since it is what Chinese text is written with.

The lowest layer: search, indicators and kb all use it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_T2S = OpenCC("t2s")

# Full-width forms kept as they are: Chinese sentence punctuation and brackets.
_KEEP_FULLWIDTH = frozenset("，。；：！？、（）【】《》「」『』“”‘’")

# Symbols that NFKC leaves alone (or maps badly) but that mean one ASCII / math symbol here.
_SYMBOLS = {
    "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "",
    "\ufeff": "", "≧": "≥", "≦": "≤", "﹪": "%", "％": "%", "～": "~", "〜": "~",
    "－": "-", "﹣": "-", "−": "-", "–": "-", "—": "-", "﹒": ".", "．": ".", "／": "/",
    "•": "·", "‧": "·", "・": "·", "∙": "·", "⋅": "·",
}
_SYMBOL_TABLE = str.maketrans(_SYMBOLS)

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = "，。；：！？、（）【】《》「」『』“”‘’·"
_SPACE_RUN = re.compile(r"[ \t\r\f\v]+")
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}]) +| +(?=[{_CJK}{_CJK_PUNCT}])")
_SPACE_NEAR_SYMBOL = re.compile(r"(?<=[≥≤<>=%‰/~]) +| +(?=[≥≤<>=%‰/~])")
_SPACE_IN_NUMBER = re.compile(r"(\d) *\. *(\d)")


def to_simplified(text: str) -> str:
    """Traditional → Simplified characters (ASCII text is returned unchanged)."""
    if not text or text.isascii():
        return text
    return _T2S.convert(text)


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and symbols → half-width; Chinese punctuation stays."""
    if not text or text.isascii():
        return text
    out = []
    for ch in text.translate(_SYMBOL_TABLE):
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and ch not in _KEEP_FULLWIDTH:
            out.append(chr(code - 0xFEE0))
        elif ch in "²³¹⁰⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉" or "\u2460" <= ch <= "\u2473":
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(ch)
    return "".join(out)


def clean_spaces(text: str) -> str:
    """Collapse whitespace; drop spaces next to Chinese characters and symbols, and around a decimal point."""
    text = text.replace("\n", " ")
    text = _SPACE_RUN.sub(" ", text).strip()
    text = _SPACE_NEAR_CJK.sub("", text)
    text = _SPACE_NEAR_SYMBOL.sub("", text)
    return _SPACE_IN_NUMBER.sub(r"\1.\2", text)


@lru_cache(maxsize=8192)
def normalize_text(text: str | None) -> str:
    """Simplified, half-width, tidy-spaced form of a piece of goal-document text."""
    if text is None:
        return ""
    return clean_spaces(to_halfwidth(to_simplified(str(text))))


_KEY_DROP = re.compile(rf"[\s{_CJK_PUNCT}()\[\]{{}}\"'`,.;:!?_\-]+")


def match_key(text: str | None) -> str:
    """A comparison key: normalised, lower-case, without spaces and punctuation.

    Two names with the same key are the same indicator written two ways (『受益學生人數』,
    『受益学生 人数』, 『受益学生人数。』)."""
    return _KEY_DROP.sub("", normalize_text(text)).lower()
