"""Tokens kept between index builds, so a library change re-tokenises only what it touched.

jieba's tokens of a text depend on the text and on the domain dictionary (the library's terms).
A text keeps its cached tokens when it is unchanged and contains none of the terms the dictionary
gained or lost since the cached build; everything else is tokenised again. The cache is a plain
JSON file next to the passage vectors, stamped with the tokenizer version."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

from kb.text import normalize_text
from search.tokenize import TOKENIZER_VERSION, Tokenizer, dictionary_terms

FILE = "tokens.json"


def _key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


class TokenCache:
    """`tokens(text)` from the cache where still valid, else from `tokenizer`; `save()` keeps what
    this build used."""

    def __init__(self, directory: Path, tokenizer: Tokenizer, terms: Iterable[str]):
        self.path, self.tokenizer = directory / FILE, tokenizer
        self.terms = sorted(set(dictionary_terms(terms)))
        self.used: dict[str, list[str]] = {}
        self.reused = 0
        cached = self._read()
        self.cached: dict[str, list[str]] = cached.get("texts", {}) if cached else {}
        changed = set(self.terms).symmetric_difference(cached.get("terms", [])) if cached else set()
        self.touched = (re.compile("|".join(re.escape(t.lower()) for t in sorted(changed, key=len, reverse=True)))
                        if changed else None)

    def _read(self) -> dict | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("tokenizer") == TOKENIZER_VERSION else None

    def tokens(self, text: str) -> list[str]:
        key = _key(text)
        found = self.used.get(key)
        if found is None:
            found = self.cached.get(key)
            if found is not None and self.touched is not None and self.touched.search(normalize_text(text).lower()):
                found = None  # a term added to or taken from the dictionary may split this text differently
            if found is None:
                found = self.tokenizer.tokens(text)
            else:
                self.reused += 1
            self.used[key] = found
        return found

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"tokenizer": TOKENIZER_VERSION, "terms": self.terms, "texts": self.used},
                                  ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        tmp.replace(self.path)
