"""Money against goals (适当性): budget present, cost totals within it, quantity × unit cost near it."""

from __future__ import annotations

import math
import re

from indicators.checks.context import COST, OUTPUT, QUANTITY, Context, Row, yuan
from indicators.values import fmt

TOO_HIGH, TOO_LOW = 1.5, 0.2    # quantity × unit cost against the budget
_MULTI_YEAR_MONEY = re.compile(r"总投资|累计|概算|总预算|全周期|多年|[两三四五]年")
_PER_YEAR = {"": 1.0, "年": 1.0, "月": 12.0, "季度": 4.0}
_COST_NAME = re.compile(r"补助|补贴|成本|费用|单价|造价|标准|经费|投入|投资|贴息|奖补|支出")


def is_cost_row(row: Row) -> bool:
    if row.level1 == COST:
        return True
    return row.level1 is None and bool(_COST_NAME.search(row.name))


def check_budget(ctx: Context) -> None:
    p = ctx.doc.project
    if ctx.budget_yuan is None:
        ctx.add("BUDGET_MISSING", "warning", "没有填写项目预算金额",
                suggestion="填写本年度预算金额（budget，单位默认万元，也可用 元/亿元），以便核对成本与目标是否匹配")
        return
    budget = ctx.budget_yuan
    shown = f"{fmt(p.budget)}{p.budget_unit}"
    for row in ctx.rows:
        if row.unit.kind != "money" or row.amount is None or row.level1 not in (COST, OUTPUT, None):
            continue
        if row.level1 is None and not _COST_NAME.search(row.name):
            continue
        if row.amount > budget * 1.0001 and not _MULTI_YEAR_MONEY.search(row.name):
            ctx.add("BUDGET_COST_EXCEEDS", "error",
                    f"{row.label}的金额『{row.value_text}』（{yuan(row.amount)}）超过项目预算{shown}",
                    indicator=row.index,
                    suggestion=f"成本指标不应超过本年度预算{shown}；核对金额和单位（元/万元/亿元），多年期金额请换算为本年度")
    check_scale(ctx, budget, shown)


def _pair(ctx: Context, cost: Row) -> tuple[Row, float] | None:
    """The quantity row this unit cost multiplies (same unit: 元/人 with 人), and the annual product in 元."""
    per_year = _PER_YEAR.get(cost.unit.per_time)
    if per_year is None or cost.amount is None:
        return None
    candidates = [r for r in ctx.rows
                  if r is not cost and r.amount is not None and r.amount > 0 and r.unit.kind == "quantity"
                  and r.unit.base == cost.unit.per and not r.name.endswith(("率", "比例"))
                  and r.level1 in (OUTPUT, None) and not ctx.has("IND_UNIT_MISMATCH", r.index)]
    if not candidates:
        return None  # effects (带动就业人数) are not what the unit cost pays for
    preferred = [r for r in candidates if r.output_kind == QUANTITY] or candidates
    budget = ctx.budget_yuan or 1.0
    products = [(r, r.amount * cost.amount * per_year) for r in preferred]
    return min(products, key=lambda rp: abs(math.log(max(rp[1], 1e-9) / budget)))


def check_scale(ctx: Context, budget: float, shown: str) -> None:
    pairs = []
    for row in ctx.rows:
        if row.unit.kind == "unit_cost" and is_cost_row(row):
            paired = _pair(ctx, row)
            if paired:
                pairs.append((row, *paired))
    if not pairs:
        return
    for cost, qty, product in pairs:
        if product > budget * TOO_HIGH:
            ctx.add("BUDGET_SCALE_MISMATCH", "warning",
                    f"{qty.label}『{qty.value_text}』× {cost.label}『{cost.value_text}』≈ {yuan(product)}，"
                    f"是项目预算{shown}的{product / budget:.3g}倍",
                    indicator=cost.index,
                    suggestion="核对数量、单位成本和预算的单位（元/万元/亿元、万人/人）；三者应能相互印证")
    total = sum(product for _, _, product in pairs)
    if total < budget * TOO_LOW and all(product <= budget * TOO_HIGH for _, _, product in pairs):
        cost, qty, product = max(pairs, key=lambda x: x[2])
        ctx.add("BUDGET_SCALE_MISMATCH", "warning",
                f"{qty.label}『{qty.value_text}』× {cost.label}『{cost.value_text}』≈ {yuan(product)}，"
                f"只占项目预算{shown}的{product / budget:.1%}",
                indicator=cost.index,
                suggestion="核对数量、单位成本和预算的单位；如预算还用于其他内容，请补充相应的产出和成本指标")
