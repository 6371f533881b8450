"""How a 支出功能分类 code from the budget system finds directions: under it first, then budgeted by
the 款 that holds it, then widened to its 款 and 类 (kb.store.function_code_scope)."""

import pytest

from kb.store import function_code_scope

DIRECTIONS = [
    ("old-districts", ["2210108"]),        # 老旧小区改造: its own 项
    ("lifts", ["2210108"]),
    ("rural-houses", ["2210105"]),
    ("any-housing", ["22101"]),            # budgeted by the whole 款
    ("public-health", ["2100408", "21003"]),
    ("rental-housing", ["2210199"]),       # filed under the 款's catch-all 其他保障性安居工程支出
]


@pytest.mark.parametrize("code,matched,directions", [
    ("2210108", "2210108", ["lifts", "old-districts"]),       # those under the 项, not every one of its 款
    ("2210110", "2210110", ["any-housing"]),                  # none under it: the one budgeted by its 款
    ("22101", "22101", ["any-housing", "lifts", "old-districts", "rental-housing", "rural-houses"]),
    ("221", "221", ["any-housing", "lifts", "old-districts", "rental-housing", "rural-houses"]),
    ("2210199", "2210199", ["any-housing", "rental-housing"]),  # a catch-all 项 is no direction's own
    ("2100499", "21004", ["public-health"]),                  # widened to the 款
    ("2100101", "210", ["public-health"]),                    # …and to the 类
    ("2050201", "2050201", []),                               # nothing under its 类: nothing
])
def test_a_code_finds_the_narrowest_directions_that_answer_it(code, matched, directions):
    assert function_code_scope(DIRECTIONS, code) == (matched, directions)
