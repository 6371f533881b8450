"""The built-in library: size, structure and the rules every indicator follows; and the
validator that enforces them catches each kind of violation."""

from collections import Counter
from functools import lru_cache

import pytest

from indicators.framework import DEPARTMENT, PROJECT, framework_for, unit_fits
from indicators.library import (
    COVERAGE,
    LibraryError,
    function_code_problems,
    load_function_codes,
    load_library,
    name_distinct_ratio,
    parse_file,
    skeleton_repeats,
    successor_problems,
)


@lru_cache(maxsize=1)
def library():
    return load_library()


def test_at_least_shenzhens_size():
    lib = library()
    categories = {d.category_code for d in lib.directions}
    subcategories = {d.subcategory_code for d in lib.directions}
    assert len(categories) >= 21 and len(subcategories) >= 65
    assert len(lib.directions) >= 293 and len(lib.indicators) >= 7750


def test_codes_unique_and_stable_in_form():
    lib = library()
    codes = [i.code for i in lib.indicators]
    assert len(codes) == len(set(codes))
    assert all(i.code.startswith(i.direction_code + "-") for i in lib.indicators)
    assert all(d.subcategory_code.startswith(d.category_code) for d in lib.directions)


def test_subcategories_are_the_kuan_of_the_classification():
    lib, table = library(), function_codes()
    project = [d for d in lib.directions if not d.common]
    assert all(table[d.subcategory_code].name == d.subcategory and len(d.subcategory_code) == 5 for d in project)
    # a direction sits under the 款 of its first function code
    assert all(d.function_codes[0].startswith(d.subcategory_code) for d in project)
    by_name = {d.name: d for d in lib.directions}
    assert by_name["公办幼儿园新建改扩建"].subcategory_code == "20502"  # 普通教育 (学前教育 is its 项 2050201)
    assert by_name["基本公共卫生服务"].subcategory_code == "21004"      # 公共卫生
    # filed where the classification files them, not where the library used to keep them
    assert by_name["政策性农业保险保费补贴"].category_code == "213"
    assert by_name["老旧小区改造"].category_code == "221"


def test_subcategory_codes_no_longer_used_point_at_their_successor():
    lib = library()
    active = {d.subcategory_code for d in lib.directions}
    retired = {r.code: r for r in lib.retired_subcategories}
    assert retired["21005"].name == "妇幼健康与计划生育" and retired["21005"].superseded_by == "21004"
    # a retired code the classification uses for another 款 takes the classification's meaning
    assert "21001" not in retired and "21001" in active  # 卫生健康管理事务, once the library's 公立医院
    assert all(r.superseded_by in active and r.code not in active for r in retired.values())


def test_a_retired_indicators_successor_is_an_indicator_in_use():
    inds = library().indicators
    assert successor_problems(inds) == []
    redirected = [i for i in inds if i.status == "retired" and i.superseded_by]
    assert len(redirected) > 200  # code changes, and rows pruned where a common row measures the same
    # a dangling or circular successor, or one on an active row, is named
    active = next(i for i in inds if i.status == "active")
    gone = active.model_copy(update={"code": "9999999-001", "status": "retired", "superseded_by": "9999999-002"})
    loop = gone.model_copy(update={"code": "9999999-002", "superseded_by": "9999999-001"})
    wrong = active.model_copy(update={"code": "9999999-003", "superseded_by": active.code})
    assert len(successor_problems([active, gone])) == 1
    assert len(successor_problems([active, gone, loop])) == 2
    assert len(successor_problems([active, wrong])) == 1


def test_no_duplicate_names_within_a_direction():
    per_direction = Counter((i.direction_code, i.name) for i in library().indicators)
    assert [k for k, n in per_direction.items() if n > 1] == []


def test_level_pairs_are_from_the_framework():
    assert all(framework_for(i.category_code).level1_of.get(i.level2) == i.level1 for i in library().indicators)


def test_the_department_category_uses_only_department_levels():
    department = [i for i in library().indicators if i.category_code == "902"]
    assert len(department) >= 200
    assert {(i.level2, i.level1) for i in department} <= set(DEPARTMENT.level1_of.items())
    assert {i.level1 for i in department} == set(DEPARTMENT.levels)


def test_project_categories_use_only_project_levels():
    pairs = {(i.level2, i.level1) for i in library().indicators if i.category_code != "902"}
    assert pairs <= set(PROJECT.level1_of.items())
    assert not {l2 for l2, _ in pairs} & (set(DEPARTMENT.level1_of) - set(PROJECT.level1_of))


def test_every_direction_covers_all_dimensions():
    have: dict[str, set[str]] = {}
    kind = {}
    for i in library().indicators:
        have.setdefault(i.direction_code, set()).update({i.level1, i.level2})
        kind[i.direction_code] = framework_for(i.category_code).kind
    missing = {code: set(COVERAGE[kind[code]][0]) - got for code, got in have.items()}
    assert {code: m for code, m in missing.items() if m} == {}


def test_explanations_present_and_not_a_reused_skeleton():
    lib = library()
    assert all(len(i.explanation) >= 12 for i in lib.indicators)
    assert skeleton_repeats(lib.indicators) == []


def test_units_fit_names():
    bad = [(i.code, i.name, i.unit) for i in library().indicators if i.unit and not unit_fits(i.name, i.unit)]
    assert bad == []


def test_ratios_have_formulas_and_cost_indicators_have_ranges():
    lib = library()
    ratios = [i for i in lib.indicators if i.unit == "%"]
    assert sum(bool(i.formula) for i in ratios) / len(ratios) >= 0.9
    costs = [i for i in lib.indicators if i.level2 == "经济成本指标"]
    assert sum(i.cost_low is not None for i in costs) / len(costs) >= 0.6


def test_names_are_mostly_distinct_across_the_library():
    assert name_distinct_ratio(library().indicators) >= 0.75


# ---- the validator catches each violation ------------------------------------------------

HEAD = """category: 测试
code: "999"
subcategories:
  - name: 子类
    code: "99901"
    directions:
      - name: 方向
        code: "9990101"
        function_codes: ["99901"]
        indicators:
"""
GOOD_ROWS = [
    '{id: 1, name: 受益人数, l2: 数量, unit: 人, op: "≥", def: 年度内实际受益的人数按名单去重统计, basis: 计划标准, source: 台账}',
    '{id: 2, name: 验收合格率, l2: 质量, unit: "%", op: "≥", def: 验收合格的项目占完工项目的比例, basis: 行业标准, source: 验收报告}',
    '{id: 3, name: 完成时限, l2: 时效, unit: 天, op: "≤", def: 从立项到完成全部任务所用的天数, basis: 计划标准, source: 进度台账}',
    '{id: 4, name: 人均成本, l2: 经济成本, unit: 元/人, op: "≤", def: 项目总支出除以受益人数得到的人均支出, basis: 历史标准, '
    'source: 财务凭证, cost_range: [100, 300]}',
    '{id: 5, name: 群众知晓率, l2: 社会效益, unit: "%", op: "≥", def: 抽样调查中知道该项政策的群众占受访群众比例, basis: 历史标准, '
    'source: 问卷调查}',
    '{id: 6, name: 受益群众满意度, l2: 满意度, unit: "%", op: "≥", def: 问卷调查中受益群众表示满意和基本满意的比例, '
    'basis: 历史标准, source: 问卷调查}',
]


def problems_for(tmp_path, rows):
    path = tmp_path / "999-test.yaml"
    path.write_text(HEAD + "".join(f"          - {r}\n" for r in rows), encoding="utf-8")
    problems: list[str] = []
    parse_file(path, problems)
    return problems


def test_a_good_direction_passes(tmp_path):
    assert problems_for(tmp_path, GOOD_ROWS) == []


@pytest.mark.parametrize("change,expected", [
    (lambda r: r[:5], "no 满意度指标"),
    (lambda r: [r[0], *r[2:]], "no 质量指标"),
    (lambda r: [*r, r[0]], "appears 2 times"),
    (lambda r: [r[0].replace("unit: 人", "unit: '%'"), *r[1:]], "不匹配（率用 %"),
    (lambda r: [r[0].replace("l2: 数量", "l2: 好坏"), *r[1:]], "不是二级指标"),
    (lambda r: [r[0].replace("l2: 数量", "l1: 效益, l2: 数量"), *r[1:]], "下没有数量指标"),
    (lambda r: [r[0].replace("def: 年度内实际受益的人数按名单去重统计", "def: 人数"), *r[1:]], "指标解释缺失或过短"),
    (lambda r: [r[0].replace('op: "≥"', 'op: "约"'), *r[1:]], "『约』不是指标方向"),
    (lambda r: [*r[:3], r[3].replace("[100, 300]", "[300, 100]"), *r[4:]], "下限 300.0 大于上限 100.0"),
    # a spreadsheet cell holds aliases split at these marks: DRG/DIP付费机构数 would come back as two
    (lambda r: [r[0].replace("source: 台账}", "source: 台账, aliases: [DRG/DIP付费人数]}"), *r[1:]], "别名不能含"),
])
def test_validator_catches(tmp_path, change, expected):
    assert any(expected in p for p in problems_for(tmp_path, change(list(GOOD_ROWS))))


DEPARTMENT_ROWS = [
    '{id: 1, name: 公用经费控制率, l2: 公用经费, unit: "%", op: "≤", def: 公用经费决算数占公用经费预算数的比例, '
    'basis: 计划标准, source: 部门决算}',
    '{id: 2, name: 部门预算执行率, l2: 预算执行, unit: "%", op: "≥", def: 部门全年实际支出占全年预算数的比例, '
    'basis: 行业标准, source: 部门决算}',
    '{id: 3, name: 重点工作任务完成率, l2: 职责履行, unit: "%", op: "≥", def: 已完成的重点工作任务占年度任务总数的比例, '
    'basis: 计划标准, source: 年终考核}',
    '{id: 4, name: 政策文件落实评估达标率, l2: 履职效益, unit: "%", op: "≥", def: 实施一年后评估目标基本实现的政策文件比例, '
    'basis: 计划标准, source: 评估报告}',
    '{id: 5, name: 服务对象满意度, l2: 满意度, unit: "%", op: "≥", def: 受访服务对象中表示满意和较满意的比例, '
    'basis: 其他标准, source: 问卷调查}',
]


def department_problems(tmp_path, rows, code="902"):
    head = HEAD.replace('category: 测试\ncode: "999"', f'category: 部门整体绩效\ncode: "{code}"\ncommon: true')
    head = head.replace('"99901"', f'"{code}01"').replace('"9990101"', f'"{code}0101"')
    path = tmp_path / f"{code}-test.yaml"
    path.write_text(head + "".join(f"          - {r}\n" for r in rows), encoding="utf-8")
    problems: list[str] = []
    parse_file(path, problems)
    return problems


def test_a_department_direction_on_its_own_framework_passes(tmp_path):
    assert department_problems(tmp_path, DEPARTMENT_ROWS) == []


@pytest.mark.parametrize("change,expected", [
    (lambda r: r[1:], "no 运行成本"),
    (lambda r: [r[0], *r[2:]], "no 管理效率"),
    (lambda r: [*r[:3], *r[4:]], "no 履职效益"),
    (lambda r: [r[0], r[1], r[2].replace("l2: 职责履行", "l2: 质量"), *r[3:]], "『质量』不是二级指标"),
    (lambda r: [r[0].replace("l2: 公用经费", "l1: 管理效率, l2: 公用经费"), *r[1:]], "公用经费属于运行成本"),
])
def test_the_department_category_is_held_to_its_framework(tmp_path, change, expected):
    assert any(expected in p for p in department_problems(tmp_path, change(list(DEPARTMENT_ROWS))))


def test_a_project_category_may_not_use_department_levels(tmp_path):
    problems = department_problems(tmp_path, DEPARTMENT_ROWS, code="999")
    assert any("『公用经费』不是二级指标" in p for p in problems)


def test_skeleton_reuse_is_caught(tmp_path):
    rows = [f'{{id: {n}, name: 项目{n}完成率, l2: 质量, unit: "%", op: "≥", def: 反映项目{n}完成情况的指标值, '
            f'basis: 计划标准, source: 台账}}' for n in range(1, 6)]
    path = tmp_path / "999-test.yaml"
    path.write_text(HEAD + "".join(f"          - {r}\n" for r in rows), encoding="utf-8")
    problems: list[str] = []
    _, records = parse_file(path, problems)
    assert skeleton_repeats(records) and "reused by 5 indicators" in skeleton_repeats(records)[0]


def test_load_library_reports_every_problem_at_once(tmp_path):
    (tmp_path / "999-test.yaml").write_text(HEAD + f"          - {GOOD_ROWS[0]}\n", encoding="utf-8")
    with pytest.raises(LibraryError) as err:
        load_library(tmp_path)
    # 质量, 时效, 成本, 效益, 满意度 are all missing, 99901 is no 款 of the table, nor is it a subcategory
    assert len(err.value.problems) == 7
    assert any("not in function_codes.yaml" in p for p in err.value.problems)
    assert any("a subcategory is a 款" in p for p in err.value.problems)


# ---- function codes: the library in the budget system's terms -----------------------------

@lru_cache(maxsize=1)
def function_codes():
    return load_function_codes()


def test_every_direction_outside_the_common_categories_has_function_codes():
    lib = library()
    assert [d.code for d in lib.directions if not d.common and not d.function_codes] == []
    assert all(not d.function_codes for d in lib.directions if d.category_code in ("901", "902"))


def test_function_codes_exist_in_the_table_and_belong_to_their_class():
    assert function_code_problems(library().directions, function_codes()) == []


def test_cross_class_codes_are_only_those_the_table_lists():
    table = function_codes()
    crossing = {(d.category_code, c) for d in library().directions for c in d.function_codes
                if not c.startswith(d.category_code)}
    assert crossing and all(cat in table[code].used_under for cat, code in crossing)


@pytest.mark.parametrize("direction,code", [
    ("公办幼儿园新建改扩建", "2050201"),      # 学前教育
    ("学生营养改善计划", "2050202"),          # 小学教育
    ("学生营养改善计划", "2050203"),          # 初中教育
    ("普通高中学生资助", "2050204"),          # 高中教育
    ("公立医院新改扩建", "21002"),            # 公立医院
    ("基本公共卫生服务", "2100408"),
    ("政策性农业保险保费补贴", "2130803"),    # under 农林水 (普惠金融发展支出), not 金融
    ("创业担保贷款贴息", "2130804"),          # likewise
    ("老旧小区改造", "2210108"),              # under 住房保障, not 城乡社区
    ("城乡最低生活保障", "2081901"),
    ("残疾人两项补贴", "2081107"),
    ("城乡居民基本医疗保险财政补助", "2101202"),
])
def test_known_pairs(direction, code):
    d = next(d for d in library().directions if d.name == direction)
    assert code in d.function_codes
    assert function_codes()[code].name  # named in the table, with its source


def test_the_table_names_a_source_for_every_code():
    import yaml

    from indicators.library import function_codes_file
    data = yaml.safe_load(function_codes_file().read_text(encoding="utf-8"))
    for code, entry in function_codes().items():
        source = data["sources"][entry.source]
        assert entry.edition and source["title"], code
        assert not source["checked"] or source["url"].startswith("http"), code


def test_high_level_codes_of_the_issue_are_where_the_classification_puts_them():
    table = function_codes()
    assert table["2050201"].name == "学前教育" and table["21002"].name == "公立医院"
    assert table["2130803"].name == "农业保险保费补贴" and table["2210108"].name == "老旧小区改造"


@pytest.mark.parametrize("codes,expected", [
    ("", "no function_codes"),
    ('function_codes: ["2050"]', "must be a list of 5-digit"),
    ('function_codes: "20502"', "must be a list of 5-digit"),
])
def test_validator_catches_missing_or_malformed_function_codes(tmp_path, codes, expected):
    path = tmp_path / "999-test.yaml"
    head = HEAD.replace('        function_codes: ["99901"]\n', f"        {codes}\n" if codes else "")
    path.write_text(head + "".join(f"          - {r}\n" for r in GOOD_ROWS), encoding="utf-8")
    problems: list[str] = []
    parse_file(path, problems)
    assert any(expected in p for p in problems)


def test_common_categories_may_leave_function_codes_empty(tmp_path):
    path = tmp_path / "999-test.yaml"
    head = HEAD.replace('code: "999"\n', 'code: "999"\ncommon: true\n').replace('        function_codes: ["99901"]\n', "")
    path.write_text(head + "".join(f"          - {r}\n" for r in GOOD_ROWS), encoding="utf-8")
    problems: list[str] = []
    parse_file(path, problems)
    assert problems == []


def test_validator_catches_unknown_and_cross_class_codes():
    lib_dirs = [d for d in library().directions if d.name in ("公立医院新改扩建", "政策性农业保险保费补贴")]
    table = dict(function_codes())
    from dataclasses import replace
    hospital, insurance = sorted(lib_dirs, key=lambda d: d.category_code)
    unknown = replace(hospital, function_codes=("2109999",))
    foreign = replace(hospital, function_codes=("2130803",))  # 农林水 code on a 卫生健康 direction
    problems = function_code_problems([unknown, foreign, insurance], table)
    assert len(problems) == 2
    assert "not in function_codes.yaml" in problems[0] and "outside class 210" in problems[1]


def test_a_sourced_figure_needs_its_document_and_date(tmp_path):
    def with_fact(fact: str):
        return problems_for(tmp_path, [GOOD_ROWS[0].removesuffix("}") + ", " + fact + "}", *GOOD_ROWS[1:]])

    assert with_fact('source_doc: 财教〔2024〕10号, effective_from: "2025-03-01"') == []
    assert any("须同时填写" in p for p in with_fact("source_doc: 财教〔2024〕10号"))
    assert any("应写成日期" in p for p in with_fact("source_doc: 财教〔2024〕10号, effective_from: 2025年春"))


def test_validator_catches_subcategories_that_are_not_the_kuan():
    from dataclasses import replace

    from indicators.library import RetiredSubcategory, subcategory_problems
    table = function_codes()
    kindergarten = next(d for d in library().directions if d.name == "公办幼儿园新建改扩建")
    invented = replace(kindergarten, subcategory_code="20510", subcategory="学前教育")  # 20510 is no such 款 here
    misnamed = replace(kindergarten, subcategory="学前教育")                             # 20502 is 普通教育
    retired = [RetiredSubcategory("20502", "义务教育", "205", "20599")]
    problems = subcategory_problems([invented, misnamed], retired, table)
    assert "a subcategory is a 款" in problems[0]
    assert "the 款 is '普通教育'" in problems[1]
    assert any("still used" in p for p in problems) and any("20599 is not a subcategory in use" in p for p in problems)


def test_validator_catches_a_direction_outside_the_kuan_of_its_first_code(tmp_path):
    path = tmp_path / "999-test.yaml"
    head = HEAD.replace('function_codes: ["99901"]', 'function_codes: ["2050201"]')
    path.write_text(head + "".join(f"          - {r}\n" for r in GOOD_ROWS), encoding="utf-8")
    problems: list[str] = []
    parse_file(path, problems)
    assert any("is not under its subcategory 99901" in p for p in problems)
