"""An approved goal through the year, in the database (SQLite, and PostgreSQL when KB_TEST_DATABASE_URL is
set): monitoring entries and self-evaluations kept per project, lists by warning and by grade, the
results applied to the season, and only approved projects and the right users accepted. Every expected
number is worked by hand."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from indicators.actuals import Actual
from indicators.checker import check_goal
from indicators.goals import GoalDocument
from indicators.results import ResultRules
from kb.accounts import User
from kb.cycle import Evaluation, MonitoringRecord
from kb.db import create_schema, get_engine
from kb.errors import Conflict, Forbidden, NotFound
from kb.reviews import ReviewProject
from services import cycle, reviews
from services.history import HistoryLookup, project_history
from tests.cycle_documents import greening, meals

REVIEWER = User(name="审核员乙", role="reviewer")
CITY = User(name="城管局戊", role="department", department="市城市管理局")
EDUCATION = User(name="教育局丙", role="department", department="县教育局")


def actuals(*values, reasons=None):
    reasons = reasons or {}
    return [Actual(indicator=i, value=v, reason=reasons.get(i)) for i, v in enumerate(values) if v is not None]


@pytest.fixture
def db(fresh_settings):
    engine = get_engine(fresh_settings)
    create_schema(engine)
    return engine


def approved_season(db, documents, *, approve=None, name="2025年预算项目绩效目标审核") -> tuple[int, list[int]]:
    """File and check a season, approve the projects at the given positions (all by default)."""
    items = [(f"documents[{n}]", doc) for n, doc in enumerate(documents)]
    review = reviews.file_review(db, name=name, items=items, problems=[], user=REVIEWER, limit=50)
    reviews.run_checks(db, None, worker="w1", review_id=review.id)
    with Session(db) as session:
        ids = [p.id for p in session.exec(select(ReviewProject).where(ReviewProject.review_id == review.id)
                                          .order_by(ReviewProject.seq))]
        for n, pid in enumerate(ids):
            if approve is None or n in approve:
                reviews.decide(session, review_id=review.id, project_id=pid, status="通过", note="同意", user=REVIEWER)
    return review.id, ids


def test_monitoring_lists_the_season_by_warning_and_keeps_every_entry(db):
    rid, (green, meal) = approved_season(db, [greening(), meals()])
    with Session(db) as session:
        # 2025-07-31: 212 of 365 days = 58.08%; spent 120 of 400 万元 = 30%, 28.08 points behind → 预警;
        # trees 1500 of ≥2000 = 75%, ahead → 正常
        rec = cycle.record_monitoring(session, review_id=rid, project_id=green, as_of=date(2025, 7, 31), spent=120,
                                      actuals=actuals(1500), user=CITY)
        assert (rec.status, rec.time_progress, rec.spend_progress, rec.warnings) == ("预警", 58.08, 30.0, 1)
        assert rec.entered_by == "城管局戊" and rec.actuals == [{"indicator": 0, "value": 1500}]
        assert [f["code"] for f in rec.result["findings"]] == ["MON_SPEND_LAG"]
        # spent 300 of 480 = 62.5%, ahead; pupils 1700 of ≥4000 = 42.5%, 15.58 points behind → 关注
        rec = cycle.record_monitoring(session, review_id=rid, project_id=meal, as_of=date(2025, 7, 31), spent=300,
                                      actuals=actuals(1700), user=EDUCATION)
        assert (rec.status, rec.warnings) == ("关注", 0)
        assert rec.result["indicators"][0]["progress"] == 42.5
        rows, summary = cycle.monitoring_list(session, review_id=rid)
        assert [r.project.id for r in rows] == [green, meal]
        assert summary["statuses"] == {"预警": 1, "关注": 1, "正常": 0, "未填报": 0}
        # a later entry replaces the state: 2025-09-30 = 273/365 = 74.79%, spent 300 = 75% → 正常
        cycle.record_monitoring(session, review_id=rid, project_id=green, as_of=date(2025, 9, 30), spent=300,
                                actuals=actuals(1900), user=REVIEWER)
        rows, summary = cycle.monitoring_list(session, review_id=rid)
        assert [r.status for r in rows] == ["关注", "正常"]
        only, _ = cycle.monitoring_list(session, review_id=rid, status="正常")
        assert [r.project.id for r in only] == [green]
        assert [r.as_of for r in cycle.monitoring_history(session, review_id=rid, project_id=green)] == [
            date(2025, 7, 31), date(2025, 9, 30)]


def test_only_approved_projects_and_their_own_department_may_enter(db):
    rid, (green, meal) = approved_season(db, [greening(), meals()], approve={0})
    with Session(db) as session:
        with pytest.raises(Conflict, match="退回修改|待审"):
            cycle.record_monitoring(session, review_id=rid, project_id=meal, as_of=date(2025, 7, 31), spent=1,
                                    actuals=[], user=REVIEWER)
        with pytest.raises(Forbidden, match="市城市管理局"):
            cycle.record_evaluation(session, review_id=rid, project_id=green, spent=1, actuals=[], user=EDUCATION)
        with pytest.raises(NotFound):
            cycle.record_monitoring(session, review_id=rid + 1, project_id=green, as_of=date(2025, 7, 31), spent=1,
                                    actuals=[], user=REVIEWER)
        rows, summary = cycle.monitoring_list(session, review_id=rid)
        assert [r.project.id for r in rows] == [green] and summary["statuses"]["未填报"] == 1
        assert session.exec(select(MonitoringRecord)).all() == []


def test_evaluation_scores_by_hand_and_results_cut_next_years_budget(db):
    rid, (green, meal) = approved_season(db, [greening(), meals()])
    with Session(db) as session:
        # GREENING (tests/indicators/test_evaluation.py): 12.65625 + 14.0625 + 14.0625 + 13.18359375 + 16.790625
        # + 11.8125 + 预算执行率 360/400 × 10 = 91.57, 优; row 3 missed without a reason
        ev = cycle.record_evaluation(session, review_id=rid, project_id=green, spent=360, user=CITY,
                                     actuals=actuals(1800, "96%", "2025年10月31日", 1600, "99.5", "部分达成",
                                                     reasons={0: "两处路段拆迁延后", 4: "一处绿带在施工",
                                                              5: "部分路段未完工"}))
        assert (ev.score, ev.grade, ev.execution_rate) == (91.57, "优", 90.0)
        assert [f["code"] for f in ev.result["findings"]] == ["EVAL_REASON_MISSING"]
        assert ev.year == 2025 and ev.name == "城区道路绿化提升工程" and ev.by_name["新种植行道树数量"] == 1800
        # MEALS, every row 0.5 of its target or qualitatively half: 产出 50 over 3 rows (成本 shares it);
        # 效益 30 over 1; 满意度 10 over 1. pupils 2000/4000 = 0.5 × 16.667 = 8.333; 100% = met 16.667;
        # 5 元 = met 16.667; 营养 0.5/1 × 30 = 15; 满意度 45/90 = 0.5 × 10 = 5; spent 240/480 → 5
        # 8.3333 + 16.6667 + 16.6667 + 15 + 5 + 5 = 66.67 → 中
        ev = cycle.record_evaluation(session, review_id=rid, project_id=meal, spent=240, user=EDUCATION,
                                     actuals=actuals(2000, 100, 5, 0.5, "45%"))
        assert (ev.score, ev.grade) == (66.67, "中")
        rows, summary = cycle.evaluation_list(session, review_id=rid)
        assert [r.project.id for r in rows] == [green, meal]
        assert summary["grades"] == {"优": 1, "良": 0, "中": 1, "差": 0} and summary["evaluated"] == 2
        # Shenzhen's practice: 优 keeps 400 万元, 中 loses 10%: 480 → 432
        results = cycle.apply_season(session, review_id=rid)
        assert [(p.id, r.grade, r.suggested_budget) for p, r in results.projects] == [(green, "优", 400),
                                                                                     (meal, "中", 432)]
        assert results.summary["budget"] == 880 and results.summary["suggested_budget"] == 832
        assert {d["department"]: (d["projects"], d["change"]) for d in results.departments} == {
            "市城市管理局": (1, 0), "县教育局": (1, -48)}
        # Tibet's quotas over two projects: 优 30% × 2 = 0.6 rounds to 1 place; 优+良 60% × 2 = 1.2 still 1;
        # 优+良+中 90% × 2 = 1.8 rounds to 2: the second is 中 whatever its score
        results = cycle.apply_season(session, review_id=rid, rules=ResultRules(mode="rank"))
        assert [r.grade for _, r in results.projects] == ["优", "中"]
        assert [r.suggested_budget for _, r in results.projects] == [400, 432]


def test_nothing_evaluated_has_no_results(db):
    rid, _ = approved_season(db, [greening()])
    with Session(db) as session, pytest.raises(Conflict, match="自评"):
        cycle.apply_season(session, review_id=rid)


def test_entries_survive_a_new_engine_on_the_same_database(db, fresh_settings):
    rid, (green,) = approved_season(db, [greening()])
    with Session(db) as session:
        cycle.record_evaluation(session, review_id=rid, project_id=green, spent=400, user=REVIEWER,
                                actuals=actuals(2000, "96%", "2025年10月20日", 1450, "100", "达成"))
    db.dispose()
    with Session(get_engine(fresh_settings)) as session:
        stored = session.exec(select(Evaluation)).one()
        assert (stored.score, stored.grade, stored.evaluated_by) == (100, "优", "审核员乙")


def next_year(doc: dict, year: int = 2026) -> dict:
    doc["project"]["year"] = year
    doc["goal"] = doc["goal"].replace("2025", str(year))
    for ind in doc["indicators"]:
        if isinstance(ind.get("value"), str):
            ind["value"] = ind["value"].replace("2025", str(year))
    return doc


def baseline_findings(result: dict) -> dict[int, str]:
    return {f["indicator"]: f["message"] for f in result["findings"] if f["code"] == "IND_TARGET_BELOW_BASELINE"}


def test_last_years_evaluated_actuals_are_next_years_baselines(db, lookup):
    rid, (green,) = approved_season(db, [greening()])
    with Session(db) as session:
        cycle.record_evaluation(session, review_id=rid, project_id=green, spent=400, user=REVIEWER,
                                actuals=actuals(1800, "96%", "2025年10月20日", 1600, "100", "达成",
                                                reasons={0: "拆迁延后", 3: "苗木涨价"}))
    history = HistoryLookup(lookup, db)
    # 2026: the same project plans 1500 trees (below last year's 1800) and ≥95% survival (below 96%); its
    # cost ≤1500 元/株 is below last year's 1600, which for a cost is no finding; the coverage row keeps
    # the baseline it was given
    doc = next_year(greening())
    doc["indicators"][0]["value"] = "≥1500"
    doc["indicators"][4]["baseline"] = "98"
    elsewhere = next_year(greening())
    elsewhere["project"]["department"] = "区城市管理局"
    items = [(f"documents[{n}]", d) for n, d in enumerate([doc, elsewhere])]
    review = reviews.file_review(db, name="2026年预算项目绩效目标审核", items=items, problems=[], user=REVIEWER,
                                 limit=50)
    reviews.run_checks(db, history, worker="w1", review_id=review.id)
    with Session(db) as session:
        first, second = reviews.query_projects(session, review_id=review.id)[1]
        found = baseline_findings(reviews.project_detail(session, review_id=review.id, project_id=first.id).result)
        assert sorted(found) == [0, 1]
        assert "『≥1500株』低于上年实际值『1800株』" in found[0] and "上年实际值『96%』" in found[1]
        other = reviews.project_detail(session, review_id=review.id, project_id=second.id).result
        assert baseline_findings(other) == {}  # another department's project of the same name has no history
        # without history the same document has no such finding: the baseline came from the database
        assert baseline_findings(check_goal(GoalDocument.model_validate(doc), lookup).model_dump()) == {}
        # a resubmission is checked against the same history
        doc["indicators"][0]["value"] = "≥1900"
        detail = reviews.resubmit(session, history, review_id=review.id, project_id=first.id, document=doc,
                                  user=REVIEWER)
        assert sorted(baseline_findings(detail.result)) == [1]
    # the same year's own evaluation is no baseline for itself
    with Session(db) as session:
        assert project_history(session, GoalDocument.model_validate(greening())) == {}


def test_a_document_without_a_budget_year_has_no_history(db):
    rid, (green,) = approved_season(db, [greening()])
    with Session(db) as session:
        cycle.record_evaluation(session, review_id=rid, project_id=green, spent=400, user=REVIEWER,
                                actuals=actuals(1800))
        undated = greening()
        undated["project"].pop("year")
        assert project_history(session, GoalDocument.model_validate(undated)) == {}
        assert project_history(session, GoalDocument.model_validate(next_year(greening()))) == {0: 1800}
