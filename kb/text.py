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
# What t2s also rewrites in text that was simplified already, put back: 公示覆盖 → 公示复盖 (its phrase 示覆) and
# 二噁英 → 二𫫇英 (a character few fonts or encoders know). The library's own text comes back as written.
_T2S_UNDO = (("复盖", "覆盖"), ("𫫇", "噁"))

# Full-width forms kept as they are: Chinese sentence punctuation and brackets.
_KEEP_FULLWIDTH = frozenset("，。；：！？、（）【】《》「」『』“”‘’")

# Symbols that NFKC leaves alone (or maps badly) but that mean one ASCII / math symbol here.
_SYMBOLS = {
    "\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200b": "",
    "\ufeff": "", "≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤", "═": "=", "﹪": "%", "％": "%", "～": "~", "〜": "~",
    "﹦": "=", "﹤": "<", "﹥": ">",
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
    out = _T2S.convert(text)
    for wrong, right in _T2S_UNDO:
        out = out.replace(wrong, right)
    return out


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


# ---- search keys for indicator names as departments write them --------------------------
# List numbering in front of a name: 1. 1、 (1) （一） 一、 ① 第一项.
_NUMBERING = re.compile(
    r"^(?:[（(]\s*[0-9一二三四五六七八九十]{1,3}\s*[)）]|[0-9]{1,3}(?:\.[0-9]{1,2})*\s*[.、)）](?!\d)"
    r"|[一二三四五六七八九十]{1,3}\s*[、.]|第[一二三四五六七八九十0-9]{1,3}[项条个])\s*")
_CIRCLED = re.compile(r"^\s*[\u2460-\u2473\u2776-\u277f\u3251-\u325f]\s*")  # ① before NFKC makes it 1
# Marks a template puts in front of a name (★★★ key indicator, * required row) and an item label
# (指标1:, 任务2., 目标3、, or with no mark at all when a digit ends it: 指标1工程完工率, but not
# 目标12个月完成, a number with its unit).
_MARKS = re.compile(r"^[★☆*※▲△●○■□◆◇#]+\s*")
_ITEM_LABEL = re.compile(r"^(?:指标|任务|目标|内容|子项)\s*(?:[0-9一二三四五六七八九十]{1,3}\s*[:：.、]\s*"
                         r"|[0-9]{1,2}(?=[\u4e00-\u9fff])(?![个年月日天周时分秒人名位次户家所件项台套辆座处条篇册份本批场期"
                         r"吨斤克亩米公平立倍万千百亿元%类种级星岁头只株棵张间床度]))")
# A template's target left in the name, unfilled: (≥**人), ≥**元/人·月, (≥台).
_PLACEHOLDER = re.compile(r"^[≥≤<>=]+\s*\**")
_PLACEHOLDER_TAIL = re.compile(r"[≥≤<>=]+\s*\*+[^,，;；]{0,12}$")
# A table's level label in front of a name: 【产出指标】, 数量指标：
_LEVEL_LABEL = re.compile(r"^(?:【[^】]{0,12}】(?=.)|[\u4e00-\u9fff]{2,8}指标[:：])")
_BRACKETED = re.compile(r"[（(\[【〔]([^（）()\[\]【】〔〕]{0,24})[）)\]】〕]")
# Bracketed text that is the indicator's unit ((%), （万元）, (人次), (单位：个)) or a note on
# its scope ((含续建), (不含…), （其中…）): not part of the name.
_UNIT_ONLY = re.compile(r"^(?:计量)?(?:单位[:：])?[0-9.元万亿千百%‰人次个户家所件项台套辆座处宗条篇册份期场批"
                        r"天日月年时分秒学亩公顷里米平方立吨克斤头只株棵张间床位度kmgKMGh²³/·]*$")
_SCOPE_NOTE = re.compile(r"^(?:含|不含|包括|包含|其中|注|备注|以上|以下|如|例如|即|按)")
_TRAILING = re.compile(r"(?:等等|等|[%‰]|[:：;；,，。、])+$")
# How tables wrap a measure in a yes/no question or a slogan: 是否存在违规行为, 有无…,
# 广大群众…知晓率显著提升; and a period written in front (服务周期内，…, 项目实施期间…).
_QUESTION = re.compile(r"是否(?:存在|有(?![效序力])|得到|已经|已|能够|能)?|有无")
_SLOGAN_END = re.compile(r"(?:得到|有所|显著|明显|逐步|稳步|不断|进一步|持续)(?:提升|提高|增强|改善|加强)$")
_SLOGAN_START = re.compile(r"^(?:广大|各类|各项)")
_PERIOD = re.compile(r"^[\u4e00-\u9fff]{0,6}(?:周期|期间|期|年度|年)内?[,，]")


def _bracket(match: re.Match[str]) -> str:
    inner = match.group(1).strip()
    if _UNIT_ONLY.match(_PLACEHOLDER.sub("", inner)) or _SCOPE_NOTE.match(inner):
        return ""
    return inner  # an alternative or qualifying word: 项目(工程)完成及时率, 受益脱贫(监测)人口数


def name_query(text: str | None) -> str:
    """The words of an indicator name as a search key: normalised, without a template's marks,
    list numbering, an item or level label, bracketed units and scope notes, an unfilled target,
    a period in front, the 是否/有无 of a yes/no question, slogan words (广大…显著提升) or a trailing
    等 or %; other bracketed words are kept without their brackets. Search keys only: stored text
    stays as written."""
    key = normalize_text(_CIRCLED.sub("", str(text or ""), count=1))
    key = _MARKS.sub("", key, count=1)
    key = _NUMBERING.sub("", key, count=1)
    key = _ITEM_LABEL.sub("", key, count=1)
    key = _LEVEL_LABEL.sub("", key, count=1)
    key = _BRACKETED.sub(_bracket, key)
    key = _PLACEHOLDER_TAIL.sub("", key)
    key = _PERIOD.sub("", key, count=1)
    key = _QUESTION.sub("", key)
    key = _SLOGAN_START.sub("", key, count=1)
    key = _TRAILING.sub("", key).strip()
    if len(key) > 6:  # …知晓率显著提升 → …知晓率; but 能力提升 stays a name
        key = _SLOGAN_END.sub("", key)
    return key or normalize_text(text)


# The wording of an allocation notice in a project's or fund's title: its number (邯财社〔2018〕126号)
# and 关于/提前下达/下达/预算指标/的通知. It says how the money was sent, not what it pays for.
_ALLOCATION = re.compile(r"[\u4e00-\u9fff]{1,6}[〔\[(（]?(?:19|20)\d{2}[〕\])）]?\d{1,4}号"
                         r"|关于|提前下达|下达|预算指标|的通知")


def without_allocation(text: str) -> str:
    """A title without its allocation notice's number and wording (see `_ALLOCATION`)."""
    return _ALLOCATION.sub(" ", text)


# Words of a project's title that name the form it was published on, not the kind of project:
# 绩效评价表, 绩效目标自评表, 项目支出绩效目标申报表, 部门整体绩效目标
_FORM = re.compile(r"(?:支出)?绩效(?:目标)?(?:自评|评价|申报)?(?:表|报告)|部门整体(?:支出)?绩效(?:目标)?")


# A short aside in brackets that widens a term: 村（社区）干部, 乡镇（街道）, 县（市、区）, 中小学（幼儿园）.
_ASIDE = re.compile(r"[（(][\u4e00-\u9fff、]{1,6}[）)]")


def keyword_text(text: str) -> str:
    """The text keywords are looked for in: the text itself and, when it has short bracketed asides, the
    text once more without them, so that the words around one meet again (村（社区）干部养老保险 holds
    村干部养老保险). A keyword holds no line break, so it never spans the two."""
    plain = _ASIDE.sub("", text)
    return text if plain == text else f"{text}\n{plain}"


def without_paperwork(text: str) -> str:
    """A title without the allocation notice it came in and the form it was published on: what is
    left says what the money pays for (学生资助项目绩效目标自评表 → 学生资助项目)."""
    return _FORM.sub(" ", without_allocation(text))


def direction_statement(name: str, summary: str) -> str:
    """What a direction is, as a project's text is compared with it in meaning (both read as queries)."""
    return normalize_text(f"{name}：{summary}")
