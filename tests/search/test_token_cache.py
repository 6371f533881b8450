"""Tokens kept between index builds: reused only where the dictionary change cannot touch them."""

from __future__ import annotations

from search.token_cache import FILE, TokenCache
from search.tokenize import Tokenizer, write_user_dict

TEXTS = ["城市道路照明设施维护", "智慧灯杆多功能挂载率", "路灯亮灯率", "受益群众满意度"]
TERMS = ["道路照明", "亮灯率", "满意度"]


def build(tmp_path, terms, name):
    write_user_dict(terms, tmp_path / f"{name}.txt")
    tokenizer = Tokenizer(tmp_path / f"{name}.txt")
    cache = TokenCache(tmp_path, tokenizer, terms)
    tokens = [cache.tokens(t) for t in TEXTS]
    cache.save()
    return cache, tokens, tokenizer


def test_an_unchanged_dictionary_reuses_every_text(tmp_path):
    first, tokens, _ = build(tmp_path, TERMS, "a")
    assert first.reused == 0 and (tmp_path / FILE).exists()
    again, same, tokenizer = build(tmp_path, TERMS, "b")
    assert again.reused == len(TEXTS) and same == tokens == [tokenizer.tokens(t) for t in TEXTS]


def test_a_new_term_retokenises_the_texts_that_contain_it_and_only_those(tmp_path):
    build(tmp_path, TERMS, "a")
    terms = [*TERMS, "多功能挂载率"]
    cache, tokens, tokenizer = build(tmp_path, terms, "b")
    assert "多功能挂载率" in tokens[1]  # split by the new dictionary, not taken from the cache
    assert tokens == [tokenizer.tokens(t) for t in TEXTS]
    assert cache.reused == len(TEXTS) - 1


def test_a_removed_term_also_counts_as_a_change(tmp_path):
    build(tmp_path, TERMS, "a")
    cache, tokens, tokenizer = build(tmp_path, ["道路照明", "满意度"], "b")
    assert tokens == [tokenizer.tokens(t) for t in TEXTS]
    assert cache.reused == len(TEXTS) - 1  # 路灯亮灯率 held the removed 亮灯率


def test_a_cache_from_another_tokenizer_or_a_broken_file_is_ignored(tmp_path):
    (tmp_path / FILE).write_text('{"tokenizer": "jieba-search-0", "terms": [], "texts": {}}', encoding="utf-8")
    assert build(tmp_path, TERMS, "a")[0].reused == 0
    (tmp_path / FILE).write_text("{not json", encoding="utf-8")
    assert build(tmp_path, TERMS, "b")[0].reused == 0
