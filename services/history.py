"""History grounds next year: last year's evaluated actuals as the baselines of a project's goal, and how
approved goals used each library indicator (how often, the spread of their targets).

`HistoryLookup` is a library lookup (`indicators.lookup.Lookup`) that also keeps history
(`indicators.lookup.History`): checking a document through it gives every indicator that has no
baseline the actual evaluated last year for the same project (same name and department, an earlier
budget year, the indicator matched by name), so IND_TARGET_BELOW_BASELINE fires on real data.
"""

from __future__ import annotations

import statistics
import threading
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from indicators.checks.context import prepare_row
from indicators.goals import GoalDocument, GoalIndicator
from indicators.values import parse_unit, same_base
from kb import cycle
from kb.reviews import ProjectVersion, Review, ReviewProject
from kb.text import match_key

APPROVED = "通过"


def project_history(session: Session, doc: GoalDocument) -> dict[int, object]:
    """Last year's evaluated actual of each indicator of `doc` that has a same-named one, by index."""
    p = doc.project
    return cycle.project_baselines(session, name=p.name, department=p.department or "", year=p.year,
                                   indicators=[ind.name for ind in doc.indicators])


def with_history(lookup: object | None, engine: Engine) -> object | None:
    """`lookup` that also answers history from `engine`'s evaluations (None stays None: no library)."""
    if lookup is None or isinstance(lookup, HistoryLookup):
        return lookup
    return HistoryLookup(lookup, engine)


class HistoryLookup:
    """A lookup that also answers `last_actuals` from the database; every other attribute is the
    wrapped lookup's (search, similarity, directions, its manifest)."""

    def __init__(self, lookup: object, engine: Engine):
        self._lookup, self._engine = lookup, engine

    def __getattr__(self, name: str):
        return getattr(self._lookup, name)

    def last_actuals(self, doc: GoalDocument) -> dict[int, object]:
        with Session(self._engine) as session:
            return project_history(session, doc)

    def approved_spread(self, code: str, name: str, unit: str) -> tuple[float, float, int] | None:
        """(lowest, highest, goals) of the targets approved goals set for an indicator, in `unit`, once
        at least MIN_APPROVED goals used it (the 成本定额 a bureau builds from its own decisions)."""
        with Session(self._engine) as session:
            rows = approved_rows(session)
        seen = {id(ind): ind for key in (f"code:{code}", f"name:{match_key(name)}") for ind in rows.get(key, [])}
        values = [v for v in (_in_unit(ind, ind.value, unit) for ind in seen.values()) if v is not None]
        return (min(values), max(values), len(values)) if len(values) >= MIN_APPROVED else None


# ---------------------------------------------------------------------------- library usage

MIN_APPROVED = 5  # approved goals an indicator needs before their targets stand in for a library range
_approved: dict[str, tuple[tuple, dict[str, list[GoalIndicator]]]] = {}
_approved_lock = threading.Lock()


def approved_rows(session: Session) -> dict[str, list[GoalIndicator]]:
    """Every indicator row of the approved goals (current versions), by library code ("code:…") and by
    name ("name:…"); read once and kept until a decision or resubmission changes what is approved."""
    approved = col(ReviewProject.status) == APPROVED
    signature = tuple(session.exec(select(func.count(), func.max(ReviewProject.decided_at),
                                          func.sum(ReviewProject.version)).where(approved)).one())
    url = str(session.get_bind().url)
    with _approved_lock:
        cached = _approved.get(url)
        if cached is not None and cached[0] == signature:
            return cached[1]
        rows: dict[str, list[GoalIndicator]] = {}
        documents = session.exec(select(ProjectVersion.document).join(
            ReviewProject, (col(ProjectVersion.project_id) == col(ReviewProject.id))
            & (col(ProjectVersion.number) == col(ReviewProject.version))).where(approved))
        for raw in documents:
            for item in (raw or {}).get("indicators") or []:
                try:
                    ind = GoalIndicator.model_validate(item)
                except ValueError:
                    continue
                if ind.code:
                    rows.setdefault(f"code:{ind.code}", []).append(ind)
                rows.setdefault(f"name:{match_key(ind.name)}", []).append(ind)
        _approved[url] = (signature, rows)
        return rows

@dataclass
class Usage:
    """How approved goals used one library indicator."""

    projects: int = 0                     # approved projects with this indicator
    seasons: int = 0                      # review seasons they belong to
    unit: str = ""                        # the unit of the spread (the library's, or the base of a ratio)
    targets: list[float] = field(default_factory=list)
    evaluated: int = 0                    # of them, evaluated at year end
    actuals: list[float] = field(default_factory=list)

    @property
    def spread(self) -> tuple[float, float, float] | None:
        """min, median, max of the approved targets in `unit`; None without a numeric one."""
        return spread_of(self.targets)

    @property
    def actual_spread(self) -> tuple[float, float, float] | None:
        return spread_of(self.actuals)


def spread_of(values: list[float]) -> tuple[float, float, float] | None:
    if not values:
        return None
    return min(values), statistics.median(values), max(values)


def _in_unit(ind: GoalIndicator, value: object, unit: str) -> float | None:
    """A target or actual of an approved row in the library's `unit` (万人 read as 10,000 人…); None when
    it is not a number or is in another kind of unit."""
    row = prepare_row(0, ind.model_copy(update={"value": value, "operator": ""}))
    want = parse_unit(unit)
    if row.amount is None:
        return None
    if not row.unit or not want:
        return row.amount if not row.unit and not want else None
    if not same_base(row.unit, want):
        return None
    if want.kind == "ratio":
        return row.amount
    return row.amount / (want.scale / (want.per_scale or 1.0))


def indicator_usage(session: Session, *, code: str, name: str, unit: str) -> Usage:
    """How often approved goals (decision 通过, current version) used a library indicator (its code, or a
    row of the same name) and the spread of their targets and of their evaluated actuals, in `unit`."""
    key = match_key(name)
    rows = session.exec(
        select(ReviewProject.id, ReviewProject.review_id, ProjectVersion.document)
        .join(ProjectVersion, (col(ProjectVersion.project_id) == col(ReviewProject.id))
              & (col(ProjectVersion.number) == col(ReviewProject.version)))
        .join(Review, col(Review.id) == col(ReviewProject.review_id))
        .where(col(ReviewProject.status) == APPROVED))
    usage, seasons, used = Usage(unit=unit), set(), {}
    for project_id, review_id, raw in rows:
        for n, item in enumerate(raw.get("indicators") or []):
            if not isinstance(item, dict) or not (item.get("code") == code or match_key(item.get("name")) == key):
                continue
            try:
                ind = GoalIndicator.model_validate(item)
            except ValueError:
                continue
            usage.projects += 1
            seasons.add(review_id)
            used[project_id] = (n, ind)
            value = _in_unit(ind, ind.value, unit)
            if value is not None:
                usage.targets.append(value)
            break
    usage.seasons = len(seasons)
    if used:
        latest = session.exec(select(cycle.Evaluation).where(col(cycle.Evaluation.project_id).in_(list(used)))
                              .order_by(col(cycle.Evaluation.id))).all()
        for ev in {e.project_id: e for e in latest}.values():
            n, ind = used[ev.project_id]
            usage.evaluated += 1
            actual = next((a.get("value") for a in ev.actuals if a.get("indicator") == n), None)
            value = None if actual in (None, "") else _in_unit(ind, actual, unit)
            if value is not None:
                usage.actuals.append(value)
    return usage
