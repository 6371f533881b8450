"""Money against goals (适当性): budget present, cost totals within it, quantity × unit cost near it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from indicators.checks.context import COST, OUTPUT, QUANTITY, Context, Row, yuan
from indicators.directions import WORKS
from indicators.values import PER_YEAR, canonical_base, fmt

TOO_HIGH, TOO_LOW = 1.25, 0.2   # quantity × unit cost against the budget
TOO_LOW_SUBSIDY = 0.75          # … where a subsidy standard times its recipients is the whole budget
_MULTI_YEAR_MONEY = re.compile(r"总投资|累计|概算|总预算|全周期|多年|[两三四五]年")
_SUBSIDY = re.compile(r"补助|补贴|资助|奖补|助学金|救助|生活费|慰问|奖励标准|发放标准")
_COST_NAME = re.compile(r"补助|补贴|成本|费用|单价|造价|标准|经费|投入|投资|贴息|奖补|支出")
# Money an output row counts that the budget does not pay: what the project earns, moves or draws in
# (会展业综合收入 ≥280亿元, 带动社会投资, 创业担保贷款发放额), which may well exceed the budget.
_NOT_SPENT = re.compile(r"收入|收益|产值|增加值|营业额|营收|销售|交易|成交|消费|出口|进口|税收|GDP|带动|拉动|撬动|吸引"
                        r"|融资|贷款|担保|授信|放款")


def is_cost_row(row: Row) -> bool:
    if row.level1 == COST:
        return True
    return row.level1 is None and bool(_COST_NAME.search(row.name))


def multi_year(ctx: Context, row: Row) -> bool:
    """A sum over more than this year (总投资, 累计, 三年): not held against the year's budget. A 概算 is
    one only for works, where it is the whole project's estimate; for running costs (辅警人员经费) it
    is this year's."""
    found = _MULTI_YEAR_MONEY.findall(row.name)
    return bool(found) and (set(found) != {"概算"} or bool(WORKS.search(ctx.project_text)))


def check_budget(ctx: Context) -> None:
    p = ctx.doc.project
    if ctx.budget_yuan is None:
        whose = "部门（单位）" if p.kind == "department" else "项目"
        ctx.add("BUDGET_MISSING", f"没有填写{whose}预算金额",
                suggestion="填写本年度预算金额（budget，单位默认万元，也可用 元/亿元），以便核对成本与目标是否匹配")
        return
    budget = ctx.budget_yuan
    shown = f"{fmt(p.budget)}{p.budget_unit}"
    for row in ctx.rows:
        if row.unit.kind != "money" or row.amount is None or row.level1 not in (COST, OUTPUT, None):
            continue
        if row.level1 is None and not _COST_NAME.search(row.name):
            continue
        if row.level1 == OUTPUT and _NOT_SPENT.search(row.name):
            continue
        if row.amount > budget * 1.0001 and not multi_year(ctx, row):
            ctx.add("BUDGET_COST_EXCEEDS",
                    f"{row.label}的金额『{row.value_text}』（{yuan(row.amount)}）超过项目预算{shown}",
                    indicator=row.index,
                    suggestion=f"成本指标不应超过本年度预算{shown}；核对金额和单位（元/万元/亿元），多年期金额请换算为本年度")
    check_periodic(ctx, budget, shown)
    if p.kind != "department":  # a department's budget funds all its duties, not one quantity × unit cost
        check_scale(ctx, budget, shown)


_SPAN = re.compile(r"(?:(?P<y1>(?:19|20)\d{2})\s*[年./-])?\s*(?P<m1>1[0-2]|0?[1-9])\s*月?\s*(?:份)?\s*[-—~～至到]\s*"
                   r"(?:(?P<y2>(?:19|20)\d{2})\s*[年./-])?\s*(?P<m2>1[0-2]|0?[1-9])\s*月")


def _service_months(ctx: Context) -> int | None:
    """How many months the project runs when a timeliness row or the goal states it (2020年2月-12月 → 11)."""
    texts = [r.value_text for r in ctx.rows if r.level2 == "时效指标"] + [ctx.goal]
    for text in texts:
        m = _SPAN.search(text or "")
        if m:
            y1, y2 = int(m["y1"] or 0), int(m["y2"] or m["y1"] or 0)
            months = (y2 - y1) * 12 + int(m["m2"]) - int(m["m1"]) + 1
            if 1 <= months <= 12:
                return months
    return None


def check_periodic(ctx: Context, budget: float, shown: str) -> None:
    """A cost per month or quarter (保洁服务费 ≤ 620万元/月) over the months the project runs, against the
    budget: over it where the table states the months; beyond a quarter over it where a whole year is assumed."""
    months = _service_months(ctx)
    for row in ctx.rows:
        per = row.unit.per
        if (row.unit.kind != "unit_cost" or row.unit.per_time or not per or per not in PER_YEAR or per == "年"
                or row.amount is None or not is_cost_row(row) or multi_year(ctx, row)):
            continue
        times = months * PER_YEAR[per] / 12 if months else PER_YEAR[per]
        total = row.amount * times
        if total > budget * (1.0001 if months else TOO_HIGH):
            span = f"按{months}个月计" if months else "按全年计"
            ctx.add("BUDGET_COST_EXCEEDS",
                    f"{row.label}『{row.value_text}』{span}约{yuan(total)}，超过项目预算{shown}",
                    indicator=row.index,
                    suggestion="核对按月（季）计的金额、服务期限和预算是否一致；金额单位（元/万元）是否写错")


PEOPLE = frozenset({"人", "人次", "生", "学生", "名", "户", "户次", "位", "人/次", "户/次"})


def per_compatible(per: str, base: str) -> bool:
    """Whether a unit cost's denominator counts what the quantity row counts (元/人 with 人; 元/生 with 人次)."""
    return per == base or (per in PEOPLE and base.split("/")[0] in PEOPLE)


@dataclass(frozen=True)
class UnitCost:
    """A unit cost stated in a cost row or in the goal text (『每生1500元/学期』)."""

    label: str
    value_text: str
    amount: float        # 元 per `per`, per `per_time`
    per: str
    per_time: str
    index: int | None    # the row, or None for the goal text
    subsidy: bool        # a subsidy standard: quantity × standard is the whole budget


_GOAL_UNIT_COST = re.compile(
    r"每(?P<per1>人|生|名|户|亩|学生|公里|平方米|个|所|村)(?:每(?P<t1>年|月|学期|天))?\s*(?:补助|补贴|资助|发放)?"
    r"\s*(?P<n1>\d+(?:\.\d+)?)\s*(?P<m1>万元|元)(?:/(?P<t2>年|月|学期|天))?"
    r"|(?P<n2>\d+(?:\.\d+)?)\s*(?P<m2>万元|元)\s*/\s*(?P<per2>人|生|名|户|亩|公里|平方米|个|所|村)"
    r"(?:[·.]?(?P<t3>年|月|学期|天))?")


def _goal_unit_costs(ctx: Context) -> list[UnitCost]:
    out = []
    for m in _GOAL_UNIT_COST.finditer(ctx.goal):
        number = float(m.group("n1") or m.group("n2"))
        money = m.group("m1") or m.group("m2")
        per = canonical_base(m.group("per1") or m.group("per2"))
        per_time = m.group("t1") or m.group("t2") or m.group("t3") or ""
        out.append(UnitCost(label="年度绩效目标", value_text=m.group(0),
                            amount=number * (1e4 if money == "万元" else 1),
                            per="人" if per in PEOPLE else per, per_time=per_time, index=None,
                            subsidy=bool(re.search(r"补助|补贴|资助|奖补|助学|救助|发放", ctx.goal))))
    return out


def _row_unit_costs(ctx: Context) -> list[UnitCost]:
    return [UnitCost(label=row.label, value_text=row.value_text, amount=row.amount, per=row.unit.per,
                     per_time=row.unit.per_time, index=row.index, subsidy=bool(_SUBSIDY.search(row.name)))
            # a cost of 0 (0万元/人, a few hundred 元 rounded away) multiplies to nothing: no measure of scale
            for row in ctx.rows if row.unit.kind == "unit_cost" and row.amount and is_cost_row(row)]


def _days(ctx: Context) -> float | None:
    """How many days a 元/人·天 cost runs: a row counting days (培训天数 5 天)."""
    for row in ctx.rows:
        if row.amount and row.unit.base == "天" and re.search(r"天数|时长|期限|周期|培训", row.name):
            return row.amount
    return None


# a density (每百名学生拥有网络多媒体教室数, 每千人口床位数) says how many per so many people, not how many
# the money buys: it multiplies no unit cost
_DENSITY = re.compile(r"^(?:每[十百千万]|[百千万]人(?:口)?(?:均|拥有))")


# what an amount can be per that makes it a standard each one gets rather than a total
_HEADS = frozenset({"人", "生", "名", "户", "家", "亩", "公顷", "平方米", "床", "村", "校", "所"})


def _per_head(row: Row) -> bool:
    """An amount per pupil, person or 亩 (户外活动场地生均面积 4平方米/生): a standard each one gets, not what
    the money buys in all. A count per month (检查 2次/月) or a 人/次 written for 人次 still multiplies."""
    return row.unit.kind == "rate" and row.unit.per in _HEADS


def _pair(ctx: Context, cost: UnitCost) -> tuple[Row, float] | None:
    """The quantity row this unit cost multiplies (元/人 with 人), and the annual product in 元. A cost per
    person and year or month (9万元/人·年: staff) multiplies people, not the visits they serve (5000人次)."""
    per_year = PER_YEAR.get(cost.per_time)
    if cost.per_time == "天":
        per_year = _days(ctx)
    if per_year is None:
        return None
    counts = [r for r in ctx.rows
              if r.index != cost.index and r.unit.kind in ("quantity", "rate")
              and per_compatible(cost.per, r.unit.base)
              and not (r.unit.base == "人次" and cost.per != "人次" and cost.per_time in ("年", "月"))
              and not r.name.endswith(("率", "比例")) and not _DENSITY.match(r.name) and not _per_head(r)
              and r.level1 in (OUTPUT, None)]
    topic = _topic(next((r.name for r in ctx.rows if r.index == cost.index), ""))
    own = [r for r in counts if topic & _topic(r.name)]
    if not own:  # a cost per person pays for people; attendances of something else are not what it buys
        # (单警装备人均配备成本 × 反恐宣传培训人次); 培训人均成本 × 培训人次 still pairs, by their shared 培训.
        # Nor does a cost about one thing multiply how often another is done (搜救演练单次费用 × 渡口检查 1次/月)
        counts = [r for r in counts if not (r.unit.base == "人次" and cost.per != "人次")
                  and not (topic and r.unit.kind == "rate")]
    # 人均救助金额 pays for 救助人数, not the 培训人次 beside it; with that count blank, nothing to multiply
    candidates = [r for r in own or counts if r.amount is not None and r.amount > 0]
    if not candidates:
        return None  # effects (带动就业人数) are not what the unit cost pays for
    exact = [r for r in candidates if r.unit.base == cost.per] or candidates
    preferred = [r for r in exact if r.output_kind == QUANTITY] or exact
    budget = ctx.budget_yuan or 1.0
    products = [(r, r.amount * cost.amount * per_year) for r in preferred]
    return min(products, key=lambda rp: _distance(rp[1], budget))


# Words of a cost's or a count's name that say how it is measured, not what it is about
_MEASURE_WORDS = re.compile(r"人均|户均|生均|平均|单位|单个|单项|每个|金额|标准|成本|费用|经费|补助|补贴|资金|"
                            r"数量|人数|户数|人次|个数|次数|总额|年度|项目")


def _topic(name: str) -> set[str]:
    """The two-character words a name is about (救助, 妇女, 儿童 of 困难妇女儿童人均救助金额)."""
    text = _MEASURE_WORDS.sub(" ", name)
    return {text[i:i + 2] for i in range(len(text) - 1) if " " not in text[i:i + 2]}


def _distance(product: float, budget: float) -> float:
    return abs(math.log(max(product, 1e-9) / budget))


def _closest_of_each_goal_rate(pairs: list, budget: float) -> list:
    """Of several amounts the goal text states for the same thing (每村4400元, 市级需配套704元/村), the one
    whose product with the quantity comes closest to the budget: the others are the whole standard or
    another level's share, which this budget does not pay."""
    best: dict[tuple, tuple] = {}
    out = []
    for pair in pairs:
        cost, qty, product = pair
        if cost.index is not None:
            out.append(pair)
            continue
        key = (qty.index, cost.per, cost.per_time)
        if key not in best or _distance(product, budget) < _distance(best[key][2], budget):
            best[key] = pair
    return out + list(best.values())


def check_scale(ctx: Context, budget: float, shown: str) -> None:
    """Quantity × unit cost against the budget: more than 25 % above it is a mismatch; so is far below it,
    or more than 25 % below it where a subsidy standard times the people it pays for is the whole budget."""
    pairs = []
    for cost in _row_unit_costs(ctx) or _goal_unit_costs(ctx):
        paired = _pair(ctx, cost)
        if paired:
            pairs.append((cost, *paired))
    if not pairs:
        return
    pairs = _closest_of_each_goal_rate(pairs, budget)
    for cost, qty, product in pairs:
        if product > budget * TOO_HIGH:
            ctx.add("BUDGET_SCALE_MISMATCH",
                    f"{qty.label}『{qty.value_text}』× {cost.label}『{cost.value_text}』≈ {yuan(product)}，"
                    f"是项目预算{shown}的{product / budget:.3g}倍",
                    indicator=cost.index if cost.index is not None else qty.index,
                    suggestion="核对数量、单位成本和预算的单位（元/万元/亿元、万人/人）；三者应能相互印证")
    if ctx.has("BUDGET_SCALE_MISMATCH"):
        return
    total = sum(product for _, _, product in pairs)
    cost, qty, product = max(pairs, key=lambda x: x[2])
    floor = TOO_LOW_SUBSIDY if len(pairs) == 1 and cost.subsidy else TOO_LOW
    if total < budget * floor:
        ctx.add("BUDGET_SCALE_MISMATCH",
                f"{qty.label}『{qty.value_text}』× {cost.label}『{cost.value_text}』≈ {yuan(product)}，"
                f"只占项目预算{shown}的{product / budget:.1%}",
                indicator=cost.index if cost.index is not None else qty.index,
                suggestion="核对数量、单位成本和预算的单位；如预算还用于其他内容，请补充相应的产出和成本指标")
        return
    ctx.verified.append(f"数量 × 单位成本 ≈ {yuan(total)}，占预算{shown}的{total / budget:.0%}")
