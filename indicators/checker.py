"""Goal checking: `check_goal(doc, lookup)` reviews a 绩效目标申报表 the way a finance bureau does
(完整性, 细化量化, 相关性, 适当性) and returns findings, a score, a grade and the reasons.

The checks live in `indicators.checks`; this module runs them in order. With `lookup=None`
the library-dependent checks (standard names, unit-cost ranges, relevance to the spending
direction, library-based suggestions) are skipped and everything else still runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from indicators.checks.budget import check_budget
from indicators.checks.context import prepare
from indicators.checks.dimensions import check_dimensions
from indicators.checks.goal_text import check_goal_text
from indicators.checks.library_match import (
    check_library_units,
    check_relevance,
    check_unit_costs,
    match_library,
    typical_values,
)
from indicators.checks.nonstandard import check_nonstandard
from indicators.checks.rows import check_cost_units, check_rows
from indicators.checks.scoring import score
from indicators.goals import CheckResult, GoalDocument
from indicators.lookup import Lookup, last_actuals
from kb.errors import InvalidInput


def check_goal(doc: GoalDocument, lookup: Lookup | None = None) -> CheckResult:
    """Findings, score (0-100), grade (优/良/中/差) and rationale for one goal document. An indicator
    with no baseline takes last year's actual when the lookup keeps history (`indicators.lookup.History`)."""
    if lookup is not None:
        doc = with_baselines(doc, last_actuals(lookup, doc))
    ctx = prepare(doc, lookup)
    if lookup is not None:
        match_library(ctx)
    check_rows(ctx, typical_values(ctx) if lookup is not None else None)
    check_dimensions(ctx)
    check_goal_text(ctx)
    check_budget(ctx)
    if lookup is not None:
        check_library_units(ctx)
        check_unit_costs(ctx)
        check_relevance(ctx)
        check_nonstandard(ctx)
    check_cost_units(ctx)
    total, grade, rationale = score(ctx)
    if lookup is None:
        rationale.insert(0, "未连接指标库：未检查指标规范性、单位成本范围和与支出方向的相关性")
    return CheckResult(findings=ctx.sorted_findings(), score=total, grade=grade, submittable=not ctx.errors,
                       rationale=rationale)


def with_baselines(doc: GoalDocument, history: dict[int, object]) -> GoalDocument:
    """The document with `history`'s actuals as the baselines of the indicators that have none."""
    if not any(doc.indicators[n].baseline is None for n in history if n < len(doc.indicators)):
        return doc
    indicators = [ind.model_copy(update={"baseline": history[n]}) if ind.baseline is None and n in history else ind
                  for n, ind in enumerate(doc.indicators)]
    return doc.model_copy(update={"indicators": indicators})


GRADES = ("优", "良", "中", "差")


def check_documents(docs: Sequence[GoalDocument], lookup: Lookup | None = None, *,
                    limit: int | None = None) -> list[CheckResult]:
    """Check a batch, one result per document in order: the one loop the command line, the review page
    and the API share. More than `limit` documents is refused before any is checked."""
    if limit is not None:
        check_batch_size(len(docs), limit)
    return [check_goal(doc, lookup) for doc in docs]


def check_batch_size(count: int, limit: int) -> None:
    """A batch of more than `limit` documents is refused, saying how many and the limit."""
    if count > limit:
        raise InvalidInput(f"一次提交了 {count} 份绩效目标，超过每批 {limit} 份的上限；请分批提交")


def grade_counts(results: Iterable[CheckResult]) -> dict[str, int]:
    """How many results got each grade, 优 to 差."""
    grades = [r.grade for r in results]
    return {g: grades.count(g) for g in GRADES}
