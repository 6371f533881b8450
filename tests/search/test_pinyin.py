"""Queries typed in pinyin, with the input method switched off: read as the library's words they spell."""

from __future__ import annotations

import subprocess
import sys

import pytest

from search.pinyin import PinyinReader


def reader(**words: int) -> PinyinReader:
    return PinyinReader(lambda: dict(words))


def test_a_spelling_is_read_as_the_fewest_words_and_the_more_used_of_words_spelled_alike():
    words = reader(实施=570, 实时=40, 事实=48, 路灯=30, 亮灯率=12, 亮=3, 灯=9, 率=50, 满意度=936, 满意=20, 度=5)
    assert words.read("shishi") == "实施"
    assert words.read("ludeng liangdenglv") == "路灯亮灯率"
    assert words.read("manyidu") == "满意度"  # one word, not 满意 + 度
    assert words.read("myd") == "满意度"  # its initials


def test_what_is_no_pinyin_of_the_librarys_words_is_not_read():
    words = reader(满意度=936, 慢=5, 满=4, 路灯=2)
    assert words.read("satisfaction") is None
    assert words.read("man") is None  # one syllable: as often an English word
    assert words.read("ld") is None  # two initials could be hundreds of words
    assert words.read("ldd") is None  # no word has them
    assert reader(信息系统=9, 小学校=5).read("xxx") is None  # a placeholder (XX市), not initials
    assert words.read("路灯") is None and words.read("ludeng2") is None
    assert reader(路灯=2).read("lud") is None  # a word too few indicators use is not guessed from initials


def test_the_spellings_are_kept_beside_the_indexes_and_made_again_for_other_ones(tmp_path):
    saved = tmp_path / "pinyin.json"
    calls = []

    def words():
        calls.append(1)
        return {"满意度": 936, "路灯": 30}

    assert PinyinReader(words, saved, "v1").read("manyidu") == "满意度" and calls == [1]
    assert PinyinReader(words, saved, "v1").read("ludeng") == "路灯" and calls == [1]  # read back, not made again
    assert PinyinReader(lambda: {"路灯": 3, "露灯": 1}, saved, "v2").read("ludeng") == "路灯"  # another index
    assert PinyinReader(words, saved, "v2").read("manyidu") is None  # the v2 words, saved by the reader above
    saved.write_text("{not json")
    assert PinyinReader(words, saved, "v1").read("manyidu") == "满意度"  # a damaged file is made again
    assert PinyinReader(words, tmp_path / "gone" / "pinyin.json", "v1").read("manyidu") == "满意度"  # nowhere to keep


@pytest.mark.parametrize("typed, read, found", [
    ("manyidu", "满意度", "满意度"),
    ("myd", "满意度", "满意度"),
    ("ludeng liangdenglv", "路灯亮灯率", "亮灯率"),
    ("zijindaoweilv", "资金到位率", "资金到位率"),
    ("da biao lv", "达标率", "达标率"),  # a syllable the library holds as a word of its own (da, ai, bi)
])
def test_the_built_in_library_finds_what_a_pinyin_query_spells(builtin, typed, read, found):
    result = builtin.query(typed, k=5)
    assert result.read_as == read and result.query == typed
    assert found in result.hits[0].name


@pytest.mark.parametrize("typed", ["GDP", "vCPU", "satisfaction"])
def test_the_librarys_own_latin_words_and_english_are_searched_as_typed(builtin, typed):
    result = builtin.query(typed, k=5)
    assert result.read_as is None
    if typed != "satisfaction":
        assert typed.lower() in result.hits[0].name.lower()
    else:  # the encoder knows English
        assert any("满意" in hit.name for hit in result.hits[:3])


def test_the_api_and_the_page_say_how_a_pinyin_query_was_read(client):
    body = client.get("/api/v1/search", params={"q": "ludengliangdenglv", "k": 3}).json()
    assert body["query"] == "ludengliangdenglv" and body["read_as"] == "路灯亮灯率"
    assert body["hits"][0]["name"] == "路灯亮灯率"
    assert client.get("/api/v1/search", params={"q": "路灯亮灯率", "k": 3}).json()["read_as"] is None
    page = client.get("/", params={"q": "ludengliangdenglv"}).text
    assert "按拼音读作“路灯亮灯率”" in page and "路灯亮灯率" in page


def test_pypinyin_is_loaded_only_when_a_query_is_typed_in_pinyin():
    """Its dictionaries take 56 MB; a server nobody types pinyin into does not hold them."""
    code = "import sys, web.app, search.service; print('pypinyin' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "False"


def test_only_what_a_person_types_is_read_as_pinyin_not_a_documents_text(builtin):
    """Checking and drafting search with a table's own words (`as_name=False`): those are never pinyin."""
    assert builtin.query("manyidu", k=3).read_as == "满意度"
    assert builtin.query("manyidu", k=3, as_name=False).read_as is None
