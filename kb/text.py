"""Text normalisation shared by search, checking and import: Traditional → Simplified,
full-width → half-width, whitespace folded. Pure functions, no project imports."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=8192)
def to_simplified(text: str) -> str:
    """Simplified characters for Traditional ones; ASCII-only text is returned as it is."""
    if text.isascii():
        return text
    return _t2s().convert(text)


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and symbols (９５％, ＞＝) to their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def normalize(text: str | None) -> str:
    """The form every comparison uses: Simplified, half-width, single spaces, trimmed."""
    if not text:
        return ""
    return _SPACE.sub(" ", to_simplified(to_halfwidth(str(text)))).strip()
