"""Parsing of indicator targets: operators, numbers, ranges, units and vague words.

Pure functions over text that `indicators.normalize` has made Simplified and half-width
(they normalise their input themselves, so callers may pass raw text).

- `parse_unit("万元/人·年")` → a `Unit` with money scale 10,000 per person per year.
- `parse_target("≥95%")`, `parse_target("95", operator="不低于", unit="%")` → a `Target`.
- `extract_quantities(goal_text)` → the numbers a goal text states, with unit, operator and context.
- `find_vague("服务质量明显提高")` → ["明显提高"].
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kb.text import normalize_text

# ---------------------------------------------------------------------------- numbers

NUMBER_SCALES: dict[str, float] = {"万亿": 1e12, "千万": 1e7, "百万": 1e6, "十万": 1e5, "亿": 1e8, "万": 1e4}
_SCALE_WORDS = "|".join(sorted(NUMBER_SCALES, key=len, reverse=True))
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_number(text: str | float | int | None) -> float | None:
    """A number from text: full-width digits, thousands separators, 万/亿 scaling, simple Chinese numerals.

    '１２,０００' → 12000, '2.4亿' → 240000000, '6万' → 60000, '一百二十' → 120; None when there is none."""
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text)
    t = normalize_text(text)
    m = re.fullmatch(rf"\s*([-+]?(?:{_NUM}))\s*({_SCALE_WORDS})?\s*", t)
    if m:
        return float(m.group(1).replace(",", "")) * NUMBER_SCALES.get(m.group(2) or "", 1.0)
    return chinese_number(t)


def fmt(x: float | int) -> str:
    """A number as people write it: 12000.0 → '12000', 0.25 → '0.25', 1.5e14 → '150000000000000' (no exponent)."""
    if isinstance(x, int) or (x == x and abs(x) < 1e18 and float(x).is_integer()):
        return str(int(x))
    return f"{x:.10f}".rstrip("0").rstrip(".")


def chinese_number(text: str) -> float | None:
    """Simple Chinese numerals up to the ten-thousands: 十五 → 15, 三千二百 → 3200, 两万 → 20000."""
    if not text or not re.fullmatch(r"[零〇一二两三四五六七八九十百千万]+", text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:  # 万
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
    return float(total + section + (digit or 0))


# ---------------------------------------------------------------------------- units

MONEY_SCALES: dict[str, float] = {"元": 1.0, "千元": 1e3, "万元": 1e4, "十万元": 1e5, "百万元": 1e6,
                                  "千万元": 1e7, "亿元": 1e8, "万亿元": 1e12}
RATIO_UNITS = ("%", "‰", "‱", "个百分点", "百分点", "百分比", "比例", "比率", "百分率")
FRACTION_UNITS = ("比例", "比率")   # a share written as 0.97 rather than 97 %
DURATION_UNITS = ("个工作日", "工作日", "个月", "小时", "分钟", "天", "日", "周", "月", "年", "时", "秒")
_TIME_WORDS = ("年", "月", "天", "日", "次", "周", "季度", "小时")
_UNIT_SYNONYMS = {
    "名": "人", "位": "人", "个人": "人", "人员": "人", "家庭": "户", "台套": "台(套)", "台/套": "台(套)",
    "千米": "公里", "km": "公里", "公斤": "千克", "kg": "千克", "㎡": "平方米", "m2": "平方米", "m²": "平方米",
    "平米": "平方米", "场": "场次", "工作日": "个工作日", "日": "天", "%": "%", "百分比": "%",
}
# Bases a 千 prefix may scale (千人, 千户); 千米, 千克, 千瓦 are units of their own.
_THOUSANDABLE = frozenset({"人", "人次", "户", "次", "个", "元", "册", "件"})

# Units recognised right after a number in free text (longest first when compiled).
# export credit, foreign investment and aid tables count in the currency the money moved in
FOREIGN_CURRENCIES = frozenset({"美元", "欧元", "港元", "港币", "日元", "英镑", "澳门元"})
KNOWN_UNITS = (
    "元", "人", "人次", "名", "位", "户", "户次", "家", "个", "所", "座", "处", "台", "套", "台(套)", "件(套)",
    "台套", "辆", "艘", "架", "件", "项", "项次", "条", "场", "场次", "次", "期", "批", "班", "门", "册", "本",
    "篇", "部", "份", "张", "床", "间", "栋", "幢", "株", "棵", "头", "只", "羽", "匹", "盏", "块", "支", "起",
    "例", "笔", "单", "宗", "吨", "千克", "公斤", "斤", "克", "微克", "毫克", "亩", "公顷", "平方米", "平方公里",
    "立方米", "公里", "千米", "米", "延米", "千瓦", "兆瓦", "千瓦时", "度", "课时", "学时", "人天", "人日",
    "小时", "分钟", "天", "个工作日", "工作日", "个月", "周", "年", "分", "等", "级", "年一遇", "个百分点",
    "百分点", "%", "‰", "‱", "万元", "亿元", "千元", "标准箱", "车次", "航次", "班次", "公里/小时", "Mbps", "TB", "GB",
    "粒", "尾", "箱", "袋", "瓶", "盒", "包", "卷", "根", "枚", "组", "片", "眼", "口", "孔", "棵", "株",
    "km", "平方公里", "人/次", "户/次", "学期", "节", "课", "家次", "所次", "村", "个村", "镇", "乡镇",
)


@dataclass(frozen=True)
class Unit:
    """A parsed unit. `base` × `scale` is the numerator (万元 → 元 × 10,000); `per` the denominator."""

    text: str = ""
    base: str = ""
    scale: float = 1.0
    per: str = ""
    per_scale: float = 1.0
    per_time: str = ""
    kind: str = ""  # ratio | money | unit_cost | duration | score | date | rate | quantity | "" (none)

    @property
    def is_money(self) -> bool:
        return self.kind in ("money", "unit_cost")

    @property
    def foreign_money(self) -> bool:
        """万美元, 亿欧元: money, but not in 元, so never set against a budget in 万元."""
        return self.base in FOREIGN_CURRENCIES

    def __bool__(self) -> bool:
        return bool(self.text)


def canonical_base(text: str) -> str:
    """One spelling for a base unit: 名/位 → 人, 台（套）→ 台(套), 千米 → 公里, 场 → 场次…"""
    t = text.strip().replace("（", "(").replace("）", ")")
    return _UNIT_SYNONYMS.get(t, t)


def _scaled(text: str) -> tuple[str, float]:
    if text in MONEY_SCALES:
        return "元", MONEY_SCALES[text]
    for prefix in sorted(NUMBER_SCALES, key=len, reverse=True):
        if text.startswith(prefix) and len(text) > len(prefix):
            return canonical_base(text[len(prefix):]), NUMBER_SCALES[prefix]
    if text.startswith("千") and text[1:] in _THOUSANDABLE:
        return canonical_base(text[1:]), 1e3
    return canonical_base(text), 1.0


def _split_per(text: str) -> tuple[str, float, str]:
    """'人·年' → ('人', 1, '年'); '人年' → ('人', 1, '年'); '千次' → ('次', 1000, '')."""
    parts = [p for p in re.split(r"[·.*×/]", text) if p]
    if not parts:
        return "", 1.0, ""
    first, time = parts[0], canonical_base(parts[1]) if len(parts) > 1 else ""
    if first.startswith("(") and first.endswith(")"):
        first = first[1:-1]
    if not time and len(first) > 1 and first[-1] in "年月天日" and first[:-1] in KNOWN_UNITS:
        first, time = first[:-1], canonical_base(first[-1])
    base, scale = _scaled(first)
    return base, scale, time


@lru_cache(maxsize=4096)
def parse_unit(text: str | None) -> Unit:
    """Parse a unit: 元/万元/亿元 (money scale), 万人/亿人次/万亩 (quantity scale), compound 元/人·年, %…"""
    t = normalize_text(text).strip().removeprefix("单位:").removeprefix("单位：").strip()
    t = re.sub(r"^[(（](.+)[)）]$", r"\1", t)
    if not t:
        return Unit()
    glossed = re.fullmatch(r"(.+?)\s*[(（](.+)[)）]", t)   # %(百分比): a unit with its name in brackets
    if glossed and glossed.group(1) in RATIO_UNITS and glossed.group(2) in RATIO_UNITS:
        t = glossed.group(1)
    if t in RATIO_UNITS:
        return Unit(text=t, base="%" if t in ("百分比", "百分率") else t, kind="ratio")
    if t == "日期":
        return Unit(text=t, base=t, kind="date")
    num, _, den = t.partition("/")
    if t.replace("（", "(").replace("）", ")") in ("台(套)", "件(套)", "台/套"):
        num, den = t, ""
    base, scale = _scaled(num)
    per, per_scale, per_time = _split_per(den) if den else ("", 1.0, "")
    if base == "元":
        kind = "unit_cost" if per else "money"
    elif per:
        kind = "rate"
    elif base in ("个工作日", "个月", "小时", "分钟", "天", "周", "月", "年", "时", "秒"):
        kind = "duration"
    elif base == "分":
        kind = "score"
    else:
        kind = "quantity"
    return Unit(text=t, base=base, scale=scale, per=per, per_scale=per_scale, per_time=per_time, kind=kind)


_AMOUNT_KINDS = ("quantity", "ratio", "money", "unit_cost", "rate")  # units that count how much, not when


_PER_ITEM = re.compile(r"每(?!年)[^\d≥≤=<>]{0,10}[≥≤=<>]?\s*\d")


def per_item(text: str | None) -> bool:
    """A value set per object or per period shorter than the year (每处每季度≥1次, 每村≥2人, ≥每周2次): what
    each one gets, not the year's total of a count row. 每年≥2次 is the year's own number."""
    return bool(text) and bool(_PER_ITEM.search(text))


def when_for_how_much(target: Target, level2: str | None, unit: Unit) -> bool:
    """A time or a plan (『按年度建设计划』『年底前』) as the target of a row counted in 个, % or 元: it says
    when, not how much. A 时效 row's dates are its targets."""
    return target.deadline and level2 != "时效指标" and unit.kind in _AMOUNT_KINDS


# How many times a year a cost per period recurs (元/人·月 → 12): the one table for every per-year sum.
PER_YEAR: dict[str, float] = {"": 1.0, "年": 1.0, "月": 12.0, "季度": 4.0, "学期": 2.0, "周": 52.0}


def money_scale(unit: str | None) -> float | None:
    """Yuan per unit for a money unit (元 1, 万元 10,000, 亿元 100,000,000); None if not money."""
    u = parse_unit(unit or "")
    return u.scale if u.kind == "money" else None


def same_base(a: Unit, b: Unit) -> bool:
    """Whether two quantities can be compared directly once scaled (万人 vs 人: yes; 人 vs 人次: no)."""
    if not a or not b:
        return False
    if a.kind == "ratio" and b.kind == "ratio":
        return True
    return a.base == b.base and a.per == b.per and a.per_time == b.per_time


def in_base(value: float, unit: Unit) -> float:
    """Value in the unit's base (亿人次 2.4 → 240,000,000 人次; % and ‰ → percent)."""
    if unit.kind == "ratio":
        if unit.base in FRACTION_UNITS:
            return value * 100 if value <= 1 else value
        return value / {"‰": 10, "‱": 100}.get(unit.base, 1)
    return value * unit.scale / (unit.per_scale or 1.0)


# ---------------------------------------------------------------------------- operators

OP_SYMBOLS: tuple[tuple[str, str], ...] = (
    (">=", "≥"), ("=>", "≥"), ("≥=", "≥"), ("<=", "≤"), ("=<", "≤"), ("≤=", "≤"), ("≥", "≥"), ("≤", "≤"),
    (">", ">"), ("<", "<"), ("==", "="), ("=", "="), ("≈", "≈"), ("≒", "≈"),
)
_PREFIX_WORDS: dict[str, str] = {
    "大于等于": "≥", "大于或等于": "≥", "高于或等于": "≥", "不低于": "≥", "不少于": "≥", "不小于": "≥",
    "不得低于": "≥", "不得少于": "≥", "不应低于": "≥", "至少": "≥", "最少": "≥", "达到": "≥", "达": "≥",
    "提高到": "≥", "提高至": "≥", "提升到": "≥", "提升至": "≥", "增加到": "≥", "增加至": "≥", "增长到": "≥",
    "增至": "≥", "超过": ">", "大于": ">", "高于": ">", "多于": ">",
    "小于等于": "≤", "小于或等于": "≤", "低于或等于": "≤", "不超过": "≤", "不高于": "≤", "不大于": "≤",
    "不多于": "≤", "不得超过": "≤", "不得高于": "≤", "不应超过": "≤", "最多": "≤", "至多": "≤", "控制在": "≤",
    "降低到": "≤", "降低至": "≤", "降至": "≤", "下降到": "≤", "下降至": "≤", "减少到": "≤", "减少至": "≤",
    "压减至": "≤", "压缩至": "≤", "低于": "<", "小于": "<", "少于": "<",
    "等于": "=", "为": "=", "保持": "=", "约": "≈", "大约": "≈", "约为": "≈", "接近": "≈",
}
_SUFFIX_WORDS: dict[str, str] = {
    "及以上": "≥", "以上": "≥", "或以上": "≥", "及以下": "≤", "以下": "≤", "或以下": "≤", "以内": "≤",
    "之内": "≤", "内": "≤", "左右": "≈", "上下": "≈",
}
_PREFIX_RE = re.compile("|".join(sorted(map(re.escape, _PREFIX_WORDS), key=len, reverse=True)))
_SUFFIX_RE = re.compile("(" + "|".join(sorted(map(re.escape, _SUFFIX_WORDS), key=len, reverse=True)) + ")")
QUALITATIVE = "定性"
_DIRECTION_WORDS = {"正向": "≥", "正向指标": "≥", "反向": "≤", "反向指标": "≤"}


def canonical_operator(text: str | None) -> str | None:
    """≥ ≤ = > < or ≈ for an operator written as a symbol or word ('>=', '≧', '不低于', '以上'); 定性 kept."""
    t = normalize_text(text).strip()
    if not t:
        return None
    if t in (QUALITATIVE, "定性指标"):
        return QUALITATIVE
    if t in _DIRECTION_WORDS:  # the 一体化 system's 指标方向: 正向 is higher-is-better
        return _DIRECTION_WORDS[t]
    for sym, op in OP_SYMBOLS:
        if t == sym:
            return op
    if t in _PREFIX_WORDS:
        return _PREFIX_WORDS[t]
    if t in _SUFFIX_WORDS:
        return _SUFFIX_WORDS[t]
    for sym, op in OP_SYMBOLS:
        if sym in t:
            return op
    m = _PREFIX_RE.search(t) or _SUFFIX_RE.search(t)
    if m:
        return _PREFIX_WORDS.get(m.group(0)) or _SUFFIX_WORDS.get(m.group(0))
    return None


_OP_ANY_RE = re.compile("|".join(sorted([re.escape(sym) for sym, _ in OP_SYMBOLS]
                                        + [re.escape(w) for w in _PREFIX_WORDS], key=len, reverse=True)))
_OP_OF = {**dict(OP_SYMBOLS), **_PREFIX_WORDS}


def _operator_before(prefix: str) -> str | None:
    """The operator closest to a number among the symbols and words before it."""
    last = None
    for m in _OP_ANY_RE.finditer(prefix):
        last = m
    return _OP_OF[last.group(0)] if last else None


def _operator_after(suffix: str) -> tuple[str | None, str]:
    """A suffix operator word (以上, 以内…) and the suffix without it."""
    m = _SUFFIX_RE.search(suffix)
    if not m:
        return None, suffix
    return _SUFFIX_WORDS[m.group(1)], suffix[: m.start()]


# ---------------------------------------------------------------------------- vague words

_VAGUE_ADVERBS = ("明显", "显著", "大幅度", "大幅", "逐步", "逐年", "有所", "稳步", "不断", "进一步", "切实", "全面",
                  "持续", "大力", "努力", "积极", "着力", "充分", "一定程度上", "一定程度", "较大幅度", "较为")
_VAGUE_ADJ = ("较好", "较高", "较大", "较强", "较快", "较多", "良好", "很好", "更好", "更高", "更加")
_VAGUE_VERBS = ("提高", "提升", "改善", "增加", "增强", "加强", "扩大", "优化", "完善", "降低", "减少", "下降", "缓解",
                "好转", "上升", "增长", "发展", "推进", "推动", "促进", "保障", "巩固", "落实", "实现", "完成", "满足",
                "解决", "遏制", "控制", "规范", "健全", "改进", "加快", "加大", "普及", "覆盖")
# A value that is only a verb of intent (保障, 有效提升) or a list of aims: what the project means to do
_INTENT_ONLY = re.compile(r"^(?:有效|持续|不断|进一步|全面)?(?:提高|提升|改善|增加|增强|加强|扩大|优化|完善|降低|减少"
                          r"|下降|缓解|推进|推动|促进|保障|巩固|发展|加快|加大|维护|确保)[。.!！]?$")
_PURPOSE = r"(?:解决|保障|服务|保持|改善|提高|提升|促进|推动|加强|增强|满足|确保|维护|巩固|丰富)[^,，、;；。]{1,10}"
_PURPOSES = re.compile(rf"^(?:{_PURPOSE}[,，、;；]\s*)+{_PURPOSE}[。.]?$")
_VAGUE_RE = re.compile(
    "(?<!可)(?:(?:" + "|".join(_VAGUE_ADVERBS) + ")(?:得到)?(?:" + "|".join(_VAGUE_VERBS) + ")?"
    "|(?:有效|基本|得到)(?:" + "|".join(_VAGUE_VERBS) + ")"
    "|(?:" + "|".join(_VAGUE_ADJ) + "))"
)


def find_vague(text: str | None) -> list[str]:
    """Vague phrases in a text: 明显提高, 逐步改善, 有所增加, 较好, 进一步提升, 显著, 稳步…"""
    return [m.group(0) for m in _VAGUE_RE.finditer(normalize_text(text))]


# ---------------------------------------------------------------------------- targets

_GRADE_WORDS = frozenset({"优", "良", "中", "差", "优秀", "良好", "合格", "不合格", "较好", "一般", "好", "较差",
                          "达标", "不达标", "基本达标", "满意", "基本满意", "不满意", "是", "否", "有", "无", "高",
                          "较高", "低", "a", "b", "c", "d", "e", "甲", "乙", "丙", "丁", "一级", "二级", "三级",
                          "四级", "完成", "未完成", "基本完成", "通过", "未通过", "符合", "不符合", "基本符合"})
# who or what accepts the work in 『通过省文物局验收』『通过竣工验收』『一次性验收合格』
_ACCEPTOR = (r"(?:[\u4e00-\u9fff]{1,8}?(?:局|厅|部|委|办|院|站|中心|部门|单位|机构|方|级)"
             r"|竣工|交工|初步|最终|专项|综合|质量|环保|消防)?")
_ACCEPTED_WORDS = re.compile(
    r"^(?:全部|全面|已|均|按时|按期|如期|及时|确保|一次性|一次)?(?:合格|达标|是|否"
    rf"|通过(?:{_ACCEPTOR}(?:验收|审核|评审|考核|检查|评估|审查|认定))?|{_ACCEPTOR}验收(?:合格|通过|达标)"
    r"|符合(?:要求|标准|规定|规范)?"
    r"|达到(?:国家|行业|省级|设计)?(?:标准|要求)|完成|全覆盖|覆盖|无|零|合规|一致|完整|齐全|到位|正常运行"
    r"|按计划完成|按时完成|按期完成|不发生|未发生|杜绝)$"
)
_TIER_GRADES = re.compile(r"^(?:达到|不低于|优于)?(?:优|优秀|良|良好|合格|达标|a|b|甲|好|[一二三四五]级|[一二三]等|"
                          r"(?:[ⅰⅱⅲⅳⅴ]|i{1,3}|iv|v)类|[一二三四五]类)(?:及以上|以上|及以上标准|标准)?(?:等级|等次|档)?$")
_PLACEHOLDER = re.compile(r"^(?:[-—_/\\.。…*?？]+|待定|待填|待补充|暂无|暂缺|略|n/?a|null|none|tbd|xx+"
                          r"|【待填】|\(待填\))$", re.IGNORECASE)
# Graded tiers with their thresholds: 优:≥95%|良:≥90%|中:≥85%|差:<85%
_TIER_LABEL = re.compile(r"(?:^|[|/,，;；、\s])(?:优秀?|良好?|中等?|合格|一般|较差|差|[a-d]|[一二三四]档)\s*[:：]")
_GRADE_RUN = re.compile(r"^[优良中差低高好较一般及格]{3,}$")
# Template residue: 【待填】, XX, **, （≥**人）, ×××
_PLACEHOLDER_IN = re.compile(r"【[^】]{0,8}(?:待|填|定|补)[^】]{0,8}】|\*{2,}|＊{2,}|×{2,}"
                             r"|(?<![A-Za-z])[Xx]{2,}(?![A-Za-z])|[(（][^)）]{0,4}(?:待填|待定|填写)[^)）]{0,4}[)）]|^待填$")


def is_placeholder(text: str | None) -> bool:
    """Whether a cell holds nothing but a mark that it is still to be filled (【待填】, 待定, XX, **, —)."""
    t = normalize_text(text).strip()
    return bool(t) and (bool(_PLACEHOLDER.match(t)) or find_placeholder(t) == t)


def find_placeholder(text: str | None) -> str | None:
    """Template residue left in a text ('【待填】', 'XX', '**'), or None."""
    m = _PLACEHOLDER_IN.search(normalize_text(text))
    return m.group(0) if m else None


_RELATIVE = re.compile(r"上年|去年|上一年|往年|历史|同期|前三年|近三年|三年平均|基期|上期|上一周期|基数")
_DATE_RE = re.compile(
    r"(?:(?<!\d)(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?)"
    r"|(?:(?<![\d个])(?:1[0-2]|0?[1-9])\s*月(?:\s*(?:[12]\d|3[01]|0?[1-9])\s*日|份|底|末|中旬|上旬|下旬)?)"
    r"|年底|年末|年内|当年|本年度|年度内|月底|月末|季度末|季末|上半年|下半年|第[一二三四1-4]季度|[一二三四]季度"
    r"|(?<!\d)(?:19|20)\d{2}[./-](?:1[0-2]|0?[1-9])(?:[./-](?:[12]\d|3[01]|0?[1-9]))?(?!\d)"
    r"|全年|年度|期间"
)
_NUMBER_RE = re.compile(rf"(?<![A-Za-z0-9.])(?:{_NUM})")
_CN_TAIL = "[零〇一二两三四五六七八九十百千万]*"
_CN_NUMERAL = rf"[零〇两三四五六七八九十百千]{_CN_TAIL}|一[十百千万]{_CN_TAIL}"
_CN_NUMBER_RE = re.compile(rf"^[≥≤<>=\s]*(?:[\u4e00-\u9fff]{{0,4}}?)({_CN_NUMERAL}|一(?=周))"
                           r"(?=[个所人户家项次场条台套座名天年月件期批周]|$)")
# a time limit after an event, in words: 故障发生后一周内, 发现问题后两周内完成
_CN_WITHIN_RE = re.compile(rf"后({_CN_NUMERAL}|一)(?=个?(?:周|天|日|月|工作日|小时)[^，,；;。]{{0,4}}内)")
# what follows a number that is an anniversary or an age (建党95周年, 年满18周岁), not a count of weeks
AGE_OR_ANNIVERSARY = re.compile(r"\s*周[年岁]")
_RANGE_RE = re.compile(rf"^\s*(?:%|‰)?\s*(?:-|~|至|到|—|－)\s*(?:{_NUM})")


@dataclass(frozen=True)
class Target:
    """A parsed indicator target. `value`/`high` carry 万/亿 written in the value, not the unit's scale."""

    text: str = ""
    operator: str | None = None  # ≥ ≤ = > < ≈, or 定性
    value: float | None = None
    high: float | None = None    # upper end of a range (90-95)
    unit: str = ""               # unit written inside the value ('95%' → '%')
    vague: tuple[str, ...] = ()
    deadline: bool = False       # a date or deadline ('12月底前', '2025年6月30日前')
    qualitative: bool = False    # a grade, tier list or yes/no target
    relative: bool = False       # refers to last year or history without a number ('不低于上年')

    @property
    def kind(self) -> str:
        """empty | numeric | deadline | qualitative | relative | vague"""
        if self.value is not None:
            return "numeric"
        if self.deadline:
            return "deadline"
        if self.qualitative:
            return "qualitative"
        if self.relative:
            return "relative"
        return "vague" if self.text else "empty"

    @property
    def has_operator(self) -> bool:
        return self.operator is not None or self.high is not None

    def contains(self, x: float, tol: float = 1e-6) -> bool:
        """Whether x is the stated value (or inside the stated range)."""
        if self.value is None:
            return False
        lo, hi = (self.value, self.high) if self.high is not None else (self.value, self.value)
        return lo - tol * max(1.0, abs(lo)) <= x <= hi + tol * max(1.0, abs(hi))


def _is_tier_list(t: str, graded: bool = False) -> bool:
    """优/良/中/差, 好、较好、一般、差, A/B/C, 健全/基本健全/不健全: two or more short grades."""
    parts = [p for p in re.split(r"[/、,，;；|]|或", t) if p]
    if len(parts) < 2 or any(len(p) > 8 for p in parts):
        return False
    known = sum(p.lower() in _GRADE_WORDS or bool(re.fullmatch(r"[A-Ea-e]|[一二三四五]级|[1-5]级|\d+分", p))
                for p in parts)
    return known >= 2 or ((graded or len(parts) >= 3) and not any(re.search(r"\d", p) for p in parts))


def _qualitative(t: str, graded: bool = False) -> bool:
    """Graded tiers (优/良/中/差), a pass/fail word (合格, 通过验收), or — for a 定性 indicator or with
    及以上 — a single grade (良好及以上, Ⅲ类)."""
    core = re.sub(r"[。.!！]+$", "", t).lower()
    if _is_tier_list(core, graded) or _ACCEPTED_WORDS.match(core):
        return True
    return bool(_TIER_GRADES.match(core)) and (graded or bool(re.search(r"以上|达到|不低于|优于|类", core)))


def _clean_unit(text: str) -> str:
    """The unit part of a value suffix: drops brackets of notes, trailing punctuation and words after a unit
    ('元/人给补助对象兑付补助' → '元/人')."""
    t = re.split(r"[，,；;。（(]\s*(?:含|其中|不含|按|注)", text)[0].strip(" ，,；;。:：")
    if len(t) > 6:
        m = _LEADING_UNIT.match(t)
        if m:
            return m.group(0)
    return t


_CN_DIGIT = "零〇一二两三四五六七八九"
_CHENG = re.compile(rf"(?<![\d{_CN_DIGIT}十百千万])([\d{_CN_DIGIT}])成([\d{_CN_DIGIT}])?(?![\d{_CN_DIGIT}十])")
_PERCENT_OF = re.compile(rf"百分之([\d.]+|[{_CN_DIGIT}十百]+)")


def _digit(ch: str) -> int:
    return int(ch) if ch.isdigit() else int(chinese_number(ch) or 0)


def spoken_percent(text: str) -> str:
    """Shares written in words as percentages: 九成六 → 96%, 九成 → 90%, 百分之九十五 → 95%."""
    text = _CHENG.sub(lambda m: f"{_digit(m.group(1)) * 10 + (_digit(m.group(2)) if m.group(2) else 0)}%", text)
    return _PERCENT_OF.sub(lambda m: f"{m.group(1) if m.group(1)[0].isdigit() else fmt(chinese_number(m.group(1)))}%",
                           text)


@lru_cache(maxsize=8192)
def parse_target(value: str | float | int | None, operator: str | None = "", unit: str | None = "") -> Target:
    """Parse a target from the value cell, with the operator and unit cells when given.

    The operator may be folded into the value ('≥95%', '95%以上', '不低于95'); a range ('90-95')
    counts as a stated operator; a date ('12月底前') is a deadline; words without a number are
    qualitative (graded tiers, 合格/达标…), relative ('不低于上年') or vague ('明显提高')."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, float):
        value = format(value, "f").rstrip("0").rstrip(".") if value == value else ""
    elif isinstance(value, int):
        value = str(value)
    t = spoken_percent(normalize_text(value).strip())
    op_field = canonical_operator(operator)
    qualitative_op = op_field == QUALITATIVE
    if not t or _PLACEHOLDER.match(t):
        return Target(operator=op_field)
    vague = tuple(find_vague(t))
    relative = bool(_RELATIVE.search(t))
    if len(_TIER_LABEL.findall(t.lower())) >= 2 or _GRADE_RUN.match(t):
        return Target(text=t, operator=op_field, qualitative=True)
    if _DATE_RE.search(t) and not _NUMBER_RE.search(_DATE_RE.sub("", t)):
        if vague or relative:  # 同比2022年销量显著提高: a year to compare with, not a date to meet
            return Target(text=t, operator=op_field, vague=vague, relative=relative)
        op = op_field or ("≥" if re.search(r"之后|以后", t) else "≤")
        return Target(text=t, operator=op, deadline=True, vague=vague)
    m = _NUMBER_RE.search(t)
    if m is not None:
        number, start, end = float(m.group(0).replace(",", "")), m.start(), m.end()
    else:
        cn = _CN_NUMBER_RE.search(t) or _CN_WITHIN_RE.search(t)
        number = chinese_number(cn.group(1)) if cn else None
        if number is None or _qualitative(t, qualitative_op):
            aims = bool(_INTENT_ONLY.match(t) or _PURPOSES.match(t))
            vague = vague or ((t,) if aims else ())  # 定性『保障』, 『解决旱情,保障粮食安全』: what it means to do
            qualitative = not aims and (qualitative_op and not vague and not relative
                                        or _qualitative(t, qualitative_op))
            return Target(text=t, operator=op_field, vague=vague, qualitative=qualitative, relative=relative)
        start, end = cn.start(1), cn.end(1)
    prefix, suffix = t[:start], t[end:]
    high = None
    rm = _RANGE_RE.match(suffix)
    if rm:
        high = float(_NUMBER_RE.search(rm.group(0)).group(0).replace(",", ""))
        suffix = suffix[rm.end():]
    suffix_op, suffix = _operator_after(suffix)
    if (len(t) >= 12 and re.match(rf"\s*(?:{_UNIT_ALT})?(?:以上|以下)?的", suffix)) or AGE_OR_ANNIVERSARY.match(suffix):
        # '…超出3个月的部分予以适当补助', '宣传建党95周年来的成就': the number qualifies a description (an
        # anniversary or an age is no week count); it is not the target
        return Target(text=t, operator=op_field, vague=vague or ("文字描述",), relative=relative)
    sm = re.match(rf"\s*({_SCALE_WORDS})\s*$", suffix)
    if sm:  # '6万' with the unit in its own cell: the scale belongs to the number
        scale = NUMBER_SCALES[sm.group(1)]
        number, high, suffix = number * scale, None if high is None else high * scale, ""
    op = op_field if op_field and not qualitative_op else (_operator_before(prefix) or suffix_op)
    if high is not None and high < number:
        number, high = high, number
    return Target(text=t, operator=op, value=number, high=high, unit=_clean_unit(suffix), vague=vague,
                  relative=bool(_RELATIVE.search(prefix)))


def resolve_unit(target: Target, unit: str | None) -> Unit:
    """The unit a target is stated in: the one written in the value ('95%'), else the unit cell."""
    folded = parse_unit(target.unit)
    return folded if folded else parse_unit(unit)


def base_amount(target: Target, unit: str | None) -> tuple[float | None, Unit]:
    """The target in its base unit (6 万人 → 60,000 人; 30 万元/家 → 300,000 元/家) and the unit."""
    u = resolve_unit(target, unit)
    return (None if target.value is None else in_base(target.value, u)), u


# ---------------------------------------------------------------------------- free text

@dataclass(frozen=True)
class Quantity:
    """A number stated in free text (a goal), with its unit, operator and the words around it."""

    value: float
    unit: Unit
    operator: str | None
    start: int
    end: int
    context: str  # the words of its clause around the number (the object it measures)
    clause: str


_UNIT_ALT = "|".join(re.escape(u) for u in sorted({*KNOWN_UNITS, "台（套）", "件（套）"}, key=len, reverse=True))
_SCALED_UNIT = rf"(?:(?:{_SCALE_WORDS}|千)?(?:{_UNIT_ALT}))"
_PER = rf"(?:/(?:{_SCALED_UNIT})(?:·(?:年|月|天|日|次))?)"
# After money, what the cost is per may be any short noun (800元/生·年, 4万元/学位, 5000元/万字)
_PER_MONEY = rf"(?:/(?:{_SCALE_WORDS}|千)?(?:{_UNIT_ALT}|[\u4e00-\u9fff]{{1,2}})(?:·(?:年|月|天|日|次|期|学期))?)"
_TEXT_QTY = re.compile(
    rf"(?<![A-Za-z0-9.〔\[])(?P<num>{_NUM})(?![A-Za-z\d])\s*(?P<scale>{_SCALE_WORDS})?"
    rf"\s*(?:余|多|来)?\s*(?P<unit>(?:{'|'.join(sorted(MONEY_SCALES, key=len, reverse=True))}){_PER_MONEY}"
    rf"|(?:{_UNIT_ALT}){_PER}?)?"   # 2000余人, 3000多人, 1.2万余米
)
_LEADING_UNIT = re.compile(rf"(?:{_SCALED_UNIT}){_PER}?")
# A unit in brackets at the end of a name, where many templates put it: 受益人数(人), 开展率(%), and the
# template's own hint left in place, 项目总投入(≥**万元)
_NAME_UNIT = re.compile(rf"[(（]\s*(?:>=|<=|[≥≤=><]|不低于|不高于|不少于|不超过)?\s*(?P<hint>[*＊xX×]+|…+)?\s*"
                        rf"(?P<unit>{_SCALED_UNIT}{_PER}?|{'|'.join(DURATION_UNITS)})\s*[)）]\s*$")


def unit_in_name(name: str) -> tuple[str, str] | None:
    """(the name without it, the unit) for a name that ends in a bracketed unit, the department's own
    (受益人数(人)) or the template's hint (成活率(≥**%)); None otherwise."""
    m = _NAME_UNIT.search(name)
    if m is None or not name[:m.start()].strip():
        return None
    return name[:m.start()].rstrip(), m.group("unit")


_DATE_AT = re.compile(r"(?:19|20)\d{2}\s*年(?!以上|以内|内|期|一遇)|(?:1[0-2]|0?[1-9])\s*月(?!份?以)"
                      r"|(?:[12]\d|3[01]|0?[1-9])\s*日(?:前|之前|以前|止|起)")
_CLAUSE_SPLIT = re.compile(r"[，,；;。!！?？\n]")


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _CLAUSE_SPLIT.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def extract_quantities(text: str | None) -> list[Quantity]:
    """Every measurable number in a goal text: '覆盖重点人群6万人' → 60000 人; dates and years are skipped."""
    t = normalize_text(text)
    found: list[Quantity] = []
    for a, b in _clauses(t):
        clause = t[a:b]
        hits = []
        for m in _TEXT_QTY.finditer(clause):
            num, unit_txt = m.group("num"), m.group("unit") or m.group("scale") or ""  # 投资500万: a scaled amount
            after = clause[m.end("num"):m.end("num") + 3]
            before = clause[max(0, m.start() - 1):m.start()]
            if before == "第" or re.match(r"\s*(?:号|〕|\])", after):
                continue
            if _DATE_AT.match(clause, m.start()):
                continue
            value = float(num.replace(",", "")) * NUMBER_SCALES.get(m.group("scale") or "", 1.0)
            hits.append((m, value, unit_txt))
        for i, (m, value, unit_txt) in enumerate(hits):
            left = hits[i - 1][0].end() if i else 0
            right = hits[i + 1][0].start() if i + 1 < len(hits) else len(clause)
            prefix, suffix = clause[left:m.start()], clause[m.end():right]
            suffix_op, _ = _operator_after(suffix[:4])
            op = _operator_before(prefix[-8:]) or suffix_op
            context = re.sub(r"\d", "", prefix + " " + suffix).strip()
            found.append(Quantity(value=value, unit=parse_unit(unit_txt), operator=op, start=a + m.start(),
                                  end=a + m.end(), context=context, clause=clause))
    return found
