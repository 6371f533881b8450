"""Parsing of targets, units, operators and vague words, and text normalisation."""

from __future__ import annotations

import pytest

from indicators.library import load_library
from indicators.values import (
    canonical_operator,
    extract_quantities,
    find_vague,
    in_base,
    money_scale,
    parse_number,
    parse_target,
    parse_unit,
    same_base,
)
from kb.text import match_key, normalize_text, to_simplified


@pytest.mark.parametrize(("raw", "expected"), [
    ("產出指標", "产出指标"),
    ("９５％", "95%"),
    ("受益 學生 人數", "受益学生人数"),
    ("≧ ９０", "≥90"),
    ("元／人·年", "元/人·年"),
    ("台（套）", "台（套）"),
    ("补贴资金，按季度拨付。", "补贴资金，按季度拨付。"),
    ("PM2.5 年均浓度", "PM2.5年均浓度"),
    ("12 . 5", "12.5"),
])
def test_normalize_text_simplifies_halfwidths_and_tidies_spaces(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("名单公示覆盖率", "名单公示覆盖率"), ("名單公示覆蓋率", "名单公示覆盖率"), ("二噁英排放浓度", "二噁英排放浓度"),
    ("答覆及時率", "答复及时率"),
])
def test_simplified_text_stays_as_written(raw, expected):
    assert normalize_text(raw) == expected


def test_the_librarys_own_words_come_back_from_normalising_as_written():
    changed = [text for ind in load_library().indicators for text in (ind.name, *ind.aliases, ind.explanation)
               if to_simplified(text) != text]
    assert changed == []


def test_match_key_ignores_script_spacing_and_punctuation():
    assert match_key("受益學生 人數。") == match_key("受益学生人数") == "受益学生人数"
    assert match_key("单台(套)平均补贴") == match_key("单台（套）平均补贴")


@pytest.mark.parametrize(("text", "expected"), [
    ("12,000", 12000), ("１２０００", 12000), ("2.4亿", 2.4e8), ("6万", 60000), ("一百二十", 120),
    ("两万", 20000), ("十五", 15), (95, 95), ("abc", None), ("", None), (None, None),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(("text", "op"), [
    (">=", "≥"), ("≧", "≥"), ("＞", ">"), ("＜", "<"), ("≦", "≤"), ("不低于", "≥"), ("不少于", "≥"),
    ("达到", "≥"), ("以上", "≥"), ("不超过", "≤"), ("以内", "≤"), ("低于", "<"), ("高于", ">"), ("至少", "≥"),
    ("最多", "≤"), ("约", "≈"), ("=", "="), ("定性", "定性"), ("不低於", "≥"), ("", None), ("随便", None),
])
def test_canonical_operator(text, op):
    assert canonical_operator(text) == op


@pytest.mark.parametrize(("value", "operator", "unit", "op", "number", "folded_unit"), [
    ("≥95%", "", "", "≥", 95, "%"),
    ("95%以上", "", "", "≥", 95, "%"),
    ("９５％以上", "", "", "≥", 95, "%"),
    ("≧85", "", "%", "≥", 85, ""),
    ("不低于90", "", "%", "≥", 90, ""),
    ("控制在32微克/立方米以下", "", "", "≤", 32, "微克/立方米"),
    ("30天内", "", "", "≤", 30, "天"),
    ("约3000元/亩", "", "", "≈", 3000, "元/亩"),
    ("約3000元/畝", "", "", "≈", 3000, "元/亩"),
    ("12,000", "≥", "人", "≥", 12000, ""),
    ("6万", "", "人", None, 60000, ""),
    (95, ">=", "%", "≥", 95, ""),
    (0.25, "≤", "元/人次", "≤", 0.25, ""),
    ("不少于两个", "", "", "≥", 2, "个"),
    ("=0起", "", "", "=", 0, "起"),
    ("故障发生后一周内", "", "", "≤", 1, "周"),      # a response time in words
    ("发现问题后两周内完成", "", "", "≤", 2, "周"),
])
def test_parse_target_numeric(value, operator, unit, op, number, folded_unit):
    t = parse_target(value, operator, unit)
    assert t.kind == "numeric"
    assert t.operator == op
    assert t.value == pytest.approx(number)
    assert t.unit == folded_unit


def test_parse_target_range_counts_as_a_stated_operator():
    t = parse_target("90-95", "", "%")
    assert (t.value, t.high, t.operator) == (90, 95, None)
    assert t.has_operator and t.contains(92) and not t.contains(96)
    t = parse_target("75%～100%")
    assert (t.value, t.high, t.unit) == (75, 100, "%")


def test_parse_target_operator_cell_wins_over_words_in_value():
    assert parse_target("95", "≤", "%").operator == "≤"
    assert parse_target("95", "", "%").has_operator is False


@pytest.mark.parametrize(("value", "operator", "kind"), [
    ("明显提高", "", "vague"),
    ("持续改善", "", "vague"),
    ("達到預期", "", "vague"),
    ("进一步提升", "", "vague"),
    ("", "≥", "empty"),
    (None, "", "empty"),
    ("优/良/中/差", "定性", "qualitative"),
    ("好、较好、一般、差", "定性", "qualitative"),
    ("合格", "", "qualitative"),
    ("通过验收", "", "qualitative"),
    ("良好", "定性", "qualitative"),
    ("不低于上年", "", "relative"),
    ("12月底前", "", "deadline"),
    ("2025年6月30日前", "", "deadline"),
    ("向社会宣传建党95周年来取得的成就", "", "vague"),   # an anniversary, not 95 weeks
    ("统一规范", "", "vague"),
])
def test_parse_target_words(value, operator, kind):
    assert parse_target(value, operator, "").kind == kind


def test_deadline_targets_carry_an_operator():
    assert parse_target("2025年12月31日前").operator == "≤"


@pytest.mark.parametrize(("unit", "base", "scale", "per", "per_time", "kind"), [
    ("元/人·年", "元", 1, "人", "年", "unit_cost"),
    ("万元/户", "元", 1e4, "户", "", "unit_cost"),
    ("元/吨", "元", 1, "吨", "", "unit_cost"),
    ("万元/公里", "元", 1e4, "公里", "", "unit_cost"),
    ("元/台（套）", "元", 1, "台(套)", "", "unit_cost"),
    ("元/人年", "元", 1, "人", "年", "unit_cost"),
    ("万人", "人", 1e4, "", "", "quantity"),
    ("亿人次", "人次", 1e8, "", "", "quantity"),
    ("万亩", "亩", 1e4, "", "", "quantity"),
    ("名", "人", 1, "", "", "quantity"),
    ("亿元", "元", 1e8, "", "", "money"),
    ("％", "%", 1, "", "", "ratio"),
    ("个工作日", "个工作日", 1, "", "", "duration"),
    ("微克/立方米", "微克", 1, "立方米", "", "rate"),
    ("", "", 1, "", "", ""),
])
def test_parse_unit(unit, base, scale, per, per_time, kind):
    u = parse_unit(unit)
    assert (u.base, u.scale, u.per, u.per_time, u.kind) == (base, scale, per, per_time, kind)


def test_amounts_in_base_units_respect_both_scales():
    assert in_base(2.4, parse_unit("亿人次")) == pytest.approx(2.4e8)
    assert in_base(30, parse_unit("万元/家")) == pytest.approx(300000)
    assert in_base(5, parse_unit("元/千次")) == pytest.approx(0.005)
    assert money_scale("万元") == 1e4 and money_scale("亿元") == 1e8 and money_scale("人") is None
    assert same_base(parse_unit("万人"), parse_unit("名"))
    assert not same_base(parse_unit("人"), parse_unit("人次"))


def test_find_vague_names_the_phrases():
    found = find_vague("大力发展普惠性学前教育，不断提升办园质量，服务质量明显提高，效果较好")
    assert {"大力发展", "不断提升", "明显提高", "较好"} <= set(found)


@pytest.mark.parametrize("text", ["可持续发展", "国家基本公共卫生服务", "新增有效灌溉面积", "覆盖率达到85%"])
def test_find_vague_leaves_ordinary_nouns_alone(text):
    assert find_vague(text) == []


def test_extract_quantities_reads_scaled_compound_units_and_skips_dates():
    text = ("2025年12月底前，对全区45所幼儿园的12000名幼儿按生均每年600元标准补助，PM2.5年均浓度控制在32微克/立方米以下，"
            "全年客运量达到2.4亿人次，补贴农机具2500台（套），覆盖重点人群6万人，依据财预〔2020〕10号")
    got = [(q.value, q.unit.base, q.operator) for q in extract_quantities(text)]
    assert got == [(45, "所", None), (12000, "人", None), (600, "元", None), (32, "微克", "≤"),
                   (2.4e8, "人次", "≥"), (2500, "台(套)", None), (60000, "人", None)]


def test_extract_quantities_keeps_the_words_around_the_number():
    (q,) = extract_quantities("补贴购置农机具２５００台（套）")
    assert "农机具" in q.context and q.value == 2500


@pytest.mark.parametrize(("text", "value", "operator"), [("九成六", 96, None), ("九成", 90, None), ("九成五以上", 95, "≥"),
                                                         ("百分之九十六", 96, None), ("百分之95", 95, None)])
def test_shares_written_in_words_are_percentages(text, value, operator):
    t = parse_target(text)
    assert (t.value, t.unit, t.operator) == (value, "%", operator)


@pytest.mark.parametrize("text", ["完成", "建成", "达成", "按时完成"])
def test_words_ending_in_cheng_are_not_shares(text):
    assert parse_target(text).value is None
