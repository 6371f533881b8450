"""Search and listing filters as a person writes them (a category's name or code, 产出 or 产出指标, a
类/款/项 code), checked once for the web and the command line alike."""

from __future__ import annotations

from indicators.framework import any_level1, any_level2
from kb.errors import InvalidInput
from kb.store import Filters, valid_function_code


def search_filters(*, category: str | None = None, subcategory: str | None = None, direction: str | None = None,
                   level1: str | None = None, level2: str | None = None, function_code: str | None = None,
                   option: str = "") -> Filters:
    """`Filters` from what was written; a level outside the framework or a malformed code is refused in
    Chinese, naming the parameter as the caller wrote it (`option="--"` on the command line: --level1)."""
    def named(name: str) -> str:
        return option + (name.replace("_", "-") if option else name)

    l1 = any_level1(level1) if level1 else None
    l2 = any_level2(level2) if level2 else None
    if level1 and l1 is None:
        raise InvalidInput(f"一级指标 {named('level1')}={level1!r} 不在指标框架中；请用 产出指标、成本指标、"
                           "效益指标 或 满意度指标（部门整体指标：运行成本、管理效率 或 履职效能）")
    function_code = valid_function_code(function_code, name=named("function_code"))
    if level2 and l2 is None:
        raise InvalidInput(f"二级指标 {named('level2')}={level2!r} 不在指标框架中，"
                           "例如 数量指标、质量指标、社会效益指标")
    return Filters(category=category or None, subcategory=subcategory or None, direction=direction or None,
                   level1=l1, level2=l2, function_code=function_code or None)
