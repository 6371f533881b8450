"""Queries typed in pinyin: manyidu or myd with the input method switched off.

A query of Latin letters that names no word of the library (GDP, CPU and vCPU do) is read as pinyin: the whole
of it spelled out by the library's own words (manyidu → 满意度, ludeng liangdenglv → 路灯亮灯率), else, for 3-6
letters, as the initials of one word (myd → 满意度; not xxx, a placeholder). Where several words are spelled
alike (shishi: 实施, 实时, 事实), the one more indicators use is taken. English words are rarely pinyin: only
words of two characters or more spell a query (data is no 大他), one syllable is left as typed (man, pin), and
what reads as nothing keeps going to the encoder, which knows English (satisfaction finds 满意度 by meaning).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

LATIN = re.compile(r"[a-z][a-z' ]*")
_LETTERS = re.compile(r"[^a-z]")
LONGEST_WORD = 12  # characters: an indicator's whole name at most (路灯亮灯率)
# a query is spelled by words of two characters or more: single characters spell English too (data: 大他)
INITIALS = (3, 6)  # letters: myd, gzjd; two letters are any of hundreds of words
INITIALS_MIN_DOCS = 3  # a word read from its initials is one at least this many indicators use


class PinyinReader:
    """The library's words by their pinyin, made on first use (≈1.4 s for the built-in library's 46,000 words,
    and 56 MB for pypinyin's dictionaries) and kept beside the indexes in `saved`, stamped with what they were
    made from, so that the next process of the same indexes only reads them (≈0.1 s, without pypinyin)."""

    def __init__(self, words: Callable[[], dict[str, int]], saved: Path | None = None, stamp: str = ""):
        self._source = words  # word → how many indicators use it
        self._saved, self._stamp = saved, stamp
        self._lock = threading.Lock()
        self._spelled: dict[str, list] | None = None  # pinyin → [word, how many indicators use it]
        self._initials: dict[str, list] = {}
        self._longest = 0  # letters of the longest spelling

    def _ensure(self) -> dict[str, list]:
        if self._spelled is not None:
            return self._spelled
        with self._lock:
            if self._spelled is None:
                tables = self._load()
                if tables is None:
                    tables = spellings(self._source())
                    self._save(tables)
                self._initials, self._longest = tables["initials"], max(map(len, tables["spelled"]), default=0)
                self._spelled = tables["spelled"]
        return self._spelled

    def _load(self) -> dict | None:
        try:
            tables = json.loads(self._saved.read_text(encoding="utf-8")) if self._saved else None
        except (OSError, ValueError):
            return None
        return tables if isinstance(tables, dict) and tables.get("stamp") == self._stamp else None

    def _save(self, tables: dict) -> None:
        """Written whole or not at all: a server whose indexes were replaced meanwhile may find no directory."""
        if self._saved is None:
            return
        part = self._saved.with_name(f"{self._saved.name}.{os.getpid()}.part")
        try:
            part.write_text(json.dumps({"stamp": self._stamp, **tables}, ensure_ascii=False), encoding="utf-8")
            os.replace(part, self._saved)
        except OSError:
            part.unlink(missing_ok=True)

    def read(self, text: str) -> str | None:
        """The library's words a Latin-letter query spells in pinyin (manyidu → 满意度), or None."""
        if not LATIN.fullmatch(text):
            return None
        letters = _LETTERS.sub("", text)
        spelled = self._ensure()
        words = _spell(letters, spelled, self._longest)
        if words:
            return "".join(words)
        if INITIALS[0] <= len(letters) <= INITIALS[1] and " " not in text.strip() and len(set(letters)) > 1:
            word, docs = self._initials.get(letters, ("", 0))
            if docs >= INITIALS_MIN_DOCS:
                return word
        return None


def spellings(words: dict[str, int]) -> dict[str, dict[str, list]]:
    """{"spelled": pinyin → [word, indicators], "initials": initials → [word, indicators]} for the words of two
    characters or more, the more used word where two are spelled alike."""
    # imported here: pypinyin loads its dictionaries on import, 56 MB a server nobody types pinyin into need not hold
    from pypinyin import lazy_pinyin

    spelled: dict[str, list] = {}
    initials: dict[str, list] = {}
    for word, docs in words.items():
        if not 2 <= len(word) <= LONGEST_WORD or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
            continue
        syllables = lazy_pinyin(word, errors="ignore")
        if len(syllables) != len(word):
            continue
        key = "".join(syllables)
        if docs > spelled.get(key, ("", 0))[1]:
            spelled[key] = [word, docs]
        letters = "".join(s[0] for s in syllables)
        if docs > initials.get(letters, ("", 0))[1]:
            initials[letters] = [word, docs]
    return {"spelled": spelled, "initials": initials}


def _spell(letters: str, spelled: dict[str, list], longest: int) -> list[str] | None:
    """The fewest words whose pinyin, one after another, is `letters` (ties: the more used), or None."""
    best: list[tuple[int, int, list[str]] | None] = [None] * (len(letters) + 1)
    best[0] = (0, 0, [])
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - longest), end):
            found, before = spelled.get(letters[start:end]), best[start]
            if found is None or before is None:
                continue
            candidate = (before[0] + 1, before[1] - found[1], [*before[2], found[0]])
            if best[end] is None or candidate[:2] < best[end][:2]:
                best[end] = candidate
    return best[-1][2] if best[-1] else None
