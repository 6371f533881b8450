"""Where the library gives no unit-cost range, the targets approved goals set stand in for one."""

from __future__ import annotations

import shutil

import pytest
import yaml
from sqlmodel import Session

from indicators.checker import check_goal
from indicators.goals import GoalDocument
from kb import accounts
from kb.db import get_engine, session_scope
from search.service import SearchService
from services import reviews
from services.bootstrap import initialise
from services.history import MIN_APPROVED, with_history
from tests.conftest import FIXTURE_LIBRARY

NAME = "路灯用电单价"


@pytest.fixture
def kb(fresh_settings, tmp_path):
    """The fixture library plus a cost indicator with no usual range, and a reviewer."""
    library = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, library)
    path = library / "212-chengxiang.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["subcategories"][0]["directions"][0]["indicators"].append(
        {"id": 8, "name": NAME, "l2": "经济成本", "unit": "元/千瓦时", "op": "≤", "basis": "历史标准",
         "def": "路灯电费除以路灯用电量。", "source": "电费结算单"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    initialise(fresh_settings, library_dir=library)
    engine = get_engine(fresh_settings)
    with session_scope(engine) as session:
        accounts.add_user(session, name="审核员", role="reviewer")
    return engine, SearchService.open(fresh_settings, engine)


def lighting(n: int, cost: float) -> dict:
    return {"project": {"name": f"第{n}片区路灯运行", "department": "市城市管理局", "budget": 300, "year": 2026},
            "goal": "保障3000盏路灯正常运行，亮灯率不低于98%。",
            "indicators": [
                {"level1": "产出指标", "level2": "数量指标", "name": "维护路灯盏数", "operator": "≥", "value": "3000",
                 "unit": "盏"},
                {"level1": "成本指标", "level2": "经济成本指标", "name": NAME, "operator": "≤", "value": str(cost),
                 "unit": "元/千瓦时"}]}


def approve(engine, lookup, costs: list[float]) -> None:
    with Session(engine) as session:
        user = accounts.get_user(session, name="审核员")
        review = reviews.file_review(engine, name="2026年", items=[(f"{n}.json", lighting(n, c))
                                                                 for n, c in enumerate(costs)],
                                     problems=[], user=user, limit=100)
        reviews.run_checks(engine, lookup, worker="test", review_id=review.id)
        for project in reviews.query_projects(session, review_id=review.id)[1]:
            reviews.decide(session, review_id=review.id, project_id=project.id, status="通过", note="", user=user)


def atypical(engine, lookup, cost: float, history: bool = True) -> list[str]:
    doc = GoalDocument.model_validate(lighting(99, cost))
    result = check_goal(doc, with_history(lookup, engine) if history else lookup)
    return [f.message for f in result.findings if f.code == "BUDGET_UNIT_COST_ATYPICAL"]


def test_approved_targets_give_the_range_the_library_lacks(kb):
    engine, lookup = kb
    approve(engine, lookup, [0.6 + 0.02 * n for n in range(MIN_APPROVED)])
    [message] = atypical(engine, lookup, 3)
    assert f"{MIN_APPROVED} 个已通过审核的项目中的目标范围 0.6-0.68元/千瓦时" in message
    assert atypical(engine, lookup, 0.65) == []  # inside the approved range
    assert atypical(engine, lookup, 3, history=False) == []  # no history, no range: nothing to compare


def test_too_few_approved_goals_are_no_range(kb):
    engine, lookup = kb
    approve(engine, lookup, [0.6 + 0.02 * n for n in range(MIN_APPROVED - 1)])
    assert atypical(engine, lookup, 3) == []


def test_a_draft_estimates_such_a_unit_cost_from_the_approved_targets(kb):
    from indicators.drafter import draft_goal
    from indicators.goals import Project

    engine, lookup = kb
    approve(engine, lookup, [0.6 + 0.02 * n for n in range(MIN_APPROVED)])
    project = Project(name="城区路灯运行电费", direction="2120101", budget=300, description="路灯用电")
    draft = draft_goal(project, with_history(lookup, engine))
    [(n, row)] = [(n, i) for n, i in enumerate(draft.indicators) if i.name == NAME]
    assert row.value == "0.64" and row.basis == "历史标准"
    assert any(f.indicator == n and "5 个已通过审核项目的目标范围 0.6-0.68元/千瓦时" in (f.message + (f.suggestion or ""))
               for f in draft.findings)
