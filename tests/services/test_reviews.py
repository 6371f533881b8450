"""Review seasons in the database (SQLite, and PostgreSQL when KB_TEST_DATABASE_URL is set): filing,
the background check and its recovery after a crash, filters, duplicates, decisions, resubmissions,
the season report and the problem summary. Documents are shaped like published tables."""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlmodel import Session, select

from kb.accounts import User
from kb.db import create_schema, get_engine
from kb.errors import Forbidden, InvalidInput, NotFound
from kb.reviews import Decision, ProjectVersion, Review, ReviewProject
from services import reviews
from services.review_changes import compare
from services.review_jobs import check_stored
from services.review_pool import CheckPool
from tests.cycle_documents import greening, meals

REVIEWER = User(name="审核员乙", role="reviewer")
EDUCATION = User(name="教育局丙", role="department", department="县教育局")
TRANSPORT = User(name="交通局丁", role="department", department="县交通运输局")

# The 2020 Sichuan layout: 项目完成指标, values without operators, a cost row with no money in it.
LIGHTS = {
    "project": {"name": "城区路灯维护", "department": "县城市管理局", "direction": "城市照明", "budget": "320万元",
                "year": "2026年"},
    "goal": "完成路灯维修3200盏，亮灯率不低于98%。",
    "indicators": [
        {"level1": "项目完成指标", "level2": "数量指标", "name": "维修路灯数量", "value": "3200", "unit": "盏"},
        {"level1": "项目完成指标", "level2": "质量指标", "name": "维修合格率", "value": "100", "unit": "%"},
        {"level1": "项目完成指标", "level2": "时效指标", "name": "项目实施时间", "value": "2026年1月-12月"},
        {"level1": "项目完成指标", "level2": "成本指标", "name": "维修成本", "operator": "≤", "value": "320",
         "unit": "万元"},
        {"level1": "项目效益指标", "level2": "社会效益指标", "name": "亮灯率", "operator": "≥", "value": "98",
         "unit": "%"},
    ],
}


def lights(n: int = 0) -> dict:
    doc = copy.deepcopy(LIGHTS)
    if n:
        doc["project"]["name"] = f"城区路灯维护（第{n}片区）"
        doc["indicators"][0]["value"] = str(3000 + n)
    return doc


@pytest.fixture
def db(fresh_settings):
    """An empty database of its own (the session's shared one holds the fixture library)."""
    engine = get_engine(fresh_settings)
    create_schema(engine)
    return engine


def season(db, documents, *, problems=(), name="2026年预算项目绩效目标审核") -> Review:
    items = [(f"documents[{n}]", doc) for n, doc in enumerate(documents)]
    return reviews.file_review(db, name=name, items=items, problems=list(problems), user=REVIEWER, limit=50)


def filed(db, documents) -> Review:
    review = season(db, documents)
    reviews.run_checks(db, None, worker="w1", review_id=review.id)
    return review


def projects(db, review_id) -> list[ReviewProject]:
    with Session(db) as session:
        return list(session.exec(select(ReviewProject).where(ReviewProject.review_id == review_id)
                                 .order_by(ReviewProject.seq)).all())


def test_one_bad_item_is_reported_and_the_rest_are_filed_exactly_as_sent(db):
    docs = [greening(), {"project": {"name": "缺少指标的项目"}, "goal": "完成任务"}, meals(), "不是文档"]
    review = season(db, docs, problems=["教育局.xlsx：文件是空的"])
    assert review.status == "running" and review.total == 2 and review.done == 0
    assert review.created_by == "审核员乙"
    assert review.problems[0] == "教育局.xlsx：文件是空的"
    assert review.problems[1].startswith("documents[1]：") and "绩效指标必填" in review.problems[1]
    assert review.problems[2].startswith("documents[3]：不是目标文档对象")
    rows = projects(db, review.id)
    assert [p.name for p in rows] == ["城区道路绿化提升工程", "农村义务教育学生营养改善计划"]
    assert [p.source for p in rows] == ["documents[0]", "documents[2]"]
    assert rows[0].budget_yuan == 4_000_000 and rows[0].department == "市城市管理局"
    with Session(db) as session:
        version = session.exec(select(ProjectVersion).where(ProjectVersion.project_id == rows[0].id)).one()
    assert version.document == greening() and version.number == 1 and version.result is None
    assert version.submitted_by == "审核员乙"


def test_nothing_valid_or_too_many_is_refused(db):
    with pytest.raises(InvalidInput, match="没有可以归档"):
        season(db, [{"goal": "x"}])
    with pytest.raises(InvalidInput, match="51 份.*50 份"):
        season(db, [greening()] * 51)
    with pytest.raises(InvalidInput, match="名称"):
        season(db, [greening()], name=" ")


def test_the_check_commits_progress_chunk_by_chunk_then_marks_the_review_done(db):
    review = season(db, [lights(n) for n in range(5)])
    assert reviews.run_checks(db, None, worker="w1", chunk=2, max_chunks=1) == 2
    with Session(db) as session:
        state = reviews.get_review(session, review_id=review.id)
        assert (state.status, state.done, state.total, state.worker) == ("running", 2, 5, "w1")
        assert reviews.summary(session, review_id=review.id)["unchecked"] == 3
    assert reviews.run_checks(db, None, worker="w1", chunk=2) == 3
    with Session(db) as session:
        state = reviews.get_review(session, review_id=review.id)
        assert (state.status, state.done) == ("done", 5) and state.finished_at is not None
    assert all(p.checked and p.grade and p.score is not None for p in projects(db, review.id))
    assert reviews.run_checks(db, None, worker="w1") == 0  # nothing left to claim


def test_a_crashed_workers_season_is_finished_by_another_once_its_heartbeat_is_stale(db):
    review = season(db, [lights(n) for n in range(7)])
    assert reviews.run_checks(db, None, worker="replica-a", chunk=3, max_chunks=1) == 3  # then kill -9
    assert reviews.run_checks(db, None, worker="replica-b") == 0  # a live claim is left alone
    with Session(db) as session:
        session.exec(update(Review).where(Review.id == review.id)
                     .values(heartbeat=datetime.now(UTC) - timedelta(seconds=60)))
        session.commit()
    assert reviews.run_checks(db, None, worker="replica-b", chunk=3) == 4  # only the unchecked ones
    with Session(db) as session:
        state = reviews.get_review(session, review_id=review.id)
        assert (state.status, state.done, state.worker) == ("done", 7, "replica-b")
        results = session.exec(select(ProjectVersion.result)).all()
    assert len(results) == 7 and all(r and r["grade"] for r in results)
    assert reviews.run_checks(db, None, worker="replica-a") == 0  # the first worker, back, finds it done


def test_a_small_filing_is_claimed_as_it_is_filed_so_a_polling_worker_cannot_take_it_first(db, lookup):
    items = [(f"documents[{n}]", lights(n)) for n in range(3)]
    claimed = reviews.file_review(db, name="小批次", items=items, problems=[], user=REVIEWER, limit=50, worker="here")
    assert claimed.worker == "here" and claimed.heartbeat is not None
    assert reviews.run_checks(db, lookup, worker="background") == 0  # the filing's claim is live
    assert reviews.run_checks(db, lookup, worker="here", review_id=claimed.id) == 3
    review = reviews.file_and_check(db, lookup, name="两份", items=items[:2], problems=[], user=REVIEWER, limit=50)
    assert (review.status, review.done, review.total) == ("done", 2, 2)
    large = reviews.file_and_check(db, lookup, name="大批次", items=items, problems=[], user=REVIEWER, limit=50,
                                   at_once=2)
    assert (large.status, large.worker) == ("running", None)  # left for the background worker
    assert reviews.run_checks(db, lookup, worker="background") == 3


def test_filters_and_sorts_run_in_the_database(db, lookup):
    bad = lights(9)
    bad["indicators"][1]["value"] = "明显提高"
    docs = [greening(), meals(), lights(1), bad, lights(2)]
    review = season(db, docs)
    reviews.run_checks(db, lookup, worker="w1")
    with Session(db) as session:
        total, rows = reviews.query_projects(session, review_id=review.id)
        assert total == 5 and [p.seq for p in rows] == [1, 2, 3, 4, 5]
        scores = [p.score for p in reviews.query_projects(session, review_id=review.id, sort="-score")[1]]
        assert scores == sorted(scores, reverse=True)
        scores = [p.score for p in reviews.query_projects(session, review_id=review.id, sort="score")[1]]
        assert scores == sorted(scores)
        order = "优良中差"
        grades = [order.index(p.grade) for p in reviews.query_projects(session, review_id=review.id, sort="grade")[1]]
        assert grades == sorted(grades)
        budgets = [p.budget_yuan for p in reviews.query_projects(session, review_id=review.id, sort="-budget")[1]]
        assert budgets == sorted(budgets, reverse=True)
        errors = [p.errors for p in reviews.query_projects(session, review_id=review.id, sort="errors")[1]]
        assert errors == sorted(errors, reverse=True)
        total, rows = reviews.query_projects(session, review_id=review.id, department="县城市管理局")
        assert total == 3 and {p.name for p in rows} >= {"城区路灯维护（第1片区）"}
        total, rows = reviews.query_projects(session, review_id=review.id, code="IND_VALUE_VAGUE")
        assert [p.seq for p in rows] == [4]
        total, rows = reviews.query_projects(session, review_id=review.id, direction="城市照明", limit=2, offset=2)
        assert total == 3 and [p.seq for p in rows] == [5]
        grade = rows[0].grade
        total, rows = reviews.query_projects(session, review_id=review.id, grade=grade)
        assert total >= 1 and all(p.grade == grade for p in rows)
        overview = reviews.summary(session, review_id=review.id)
        assert sum(overview["grades"].values()) == 5 and overview["statuses"]["待审"] == 5
        assert overview["departments"] == ["县城市管理局", "县教育局", "市城市管理局"]
        assert overview["directions"] == ["城市照明"]
        assert {"code": "IND_VALUE_VAGUE", "label": "指标值不可衡量", "count": 1} in overview["codes"]
        for wrong in ({"grade": "甲"}, {"status": "同意"}, {"code": "NO_SUCH"}, {"sort": "name"}):
            with pytest.raises(InvalidInput):
                reviews.query_projects(session, review_id=review.id, **wrong)
        with pytest.raises(NotFound, match="999"):
            reviews.query_projects(session, review_id=999)


def test_duplicates_point_at_the_first_by_content_or_by_name_and_department(db):
    spaced = greening()
    spaced["project"]["budget"] = "400"  # the same content, typed differently
    renamed = meals()
    renamed["goal"] = "为全县4200名农村义务教育学生提供营养膳食补助。"  # same name and department, new content
    review = season(db, [greening(), meals(), lights(1), spaced, renamed])
    rows = projects(db, review.id)
    assert [p.duplicate_of for p in rows] == [None, None, None, rows[0].id, rows[1].id]
    with Session(db) as session:
        total, dups = reviews.query_projects(session, review_id=review.id, duplicates=True)
        assert total == 2 and [p.seq for p in dups] == [4, 5]
        assert reviews.summary(session, review_id=review.id)["duplicates"] == 2


def test_a_decision_records_who_and_when_and_keeps_the_history(db):
    review = filed(db, [greening(), meals()])
    first = projects(db, review.id)[0]
    before = datetime.now(UTC)
    with Session(db) as session:
        reviews.decide(session, review_id=review.id, project_id=first.id, status="退回修改",
                       note="成本指标缺少金额", user=REVIEWER)
        project = reviews.decide(session, review_id=review.id, project_id=first.id, status="通过", note="",
                                 user=User(name="管理员甲", role="admin"))
        assert (project.status, project.decided_by) == ("通过", "管理员甲")
        with pytest.raises(InvalidInput, match="同意"):
            reviews.decide(session, review_id=review.id, project_id=first.id, status="同意", note="", user=REVIEWER)
        with pytest.raises(NotFound):
            reviews.decide(session, review_id=review.id + 1, project_id=first.id, status="通过", note="",
                           user=REVIEWER)
    with Session(db) as session:
        detail = reviews.project_detail(session, review_id=review.id, project_id=first.id)
        decided = detail.project.decided_at.replace(tzinfo=detail.project.decided_at.tzinfo or UTC)
        assert decided >= before - timedelta(seconds=1)
        assert [(d.status, d.note, d.decided_by) for d in detail.decisions] == [
            ("退回修改", "成本指标缺少金额", "审核员乙"), ("通过", "", "管理员甲")]
        assert session.exec(select(Decision)).all()[0].version == 1
        total, _ = reviews.query_projects(session, review_id=review.id, status="通过")
        assert total == 1


def test_a_resubmission_is_checked_and_shows_what_changed(db, lookup):
    review = season(db, [meals(), greening()])
    reviews.run_checks(db, lookup, worker="w1")
    project = projects(db, review.id)[0]
    fixed = meals()
    fixed["indicators"][2]["level1"] = "成本指标"
    fixed["indicators"][3]["value"] = "2"  # changed
    fixed["indicators"].append({"level1": "产出指标", "level2": "时效指标", "name": "补助发放及时率",
                                "operator": "≥", "value": "100", "unit": "%"})  # added
    del fixed["indicators"][1]  # removed
    with Session(db) as session:
        reviews.decide(session, review_id=review.id, project_id=project.id, status="退回修改", note="补充时效指标",
                       user=REVIEWER)
        with pytest.raises(Forbidden, match="县教育局"):
            reviews.resubmit(session, lookup, review_id=review.id, project_id=project.id, document=fixed,
                             user=TRANSPORT)
        with pytest.raises(InvalidInput, match="重新提交的文档"):
            reviews.resubmit(session, lookup, review_id=review.id, project_id=project.id, document={"goal": "x"},
                             user=EDUCATION)
        detail = reviews.resubmit(session, lookup, review_id=review.id, project_id=project.id, document=fixed,
                                  user=EDUCATION)
    assert detail.project.version == 2 and detail.project.status == "待审" and detail.project.note == ""
    assert [v.number for v in detail.versions] == [1, 2] and detail.versions[1].submitted_by == "教育局丙"
    assert detail.document == fixed and detail.result["grade"] == detail.project.grade
    changes = detail.changes
    assert changes["indicators"]["added"] == ["补助发放及时率"]
    assert changes["indicators"]["removed"] == ["食品安全检查合格率"]
    assert {"name": "学生营养不良检出率下降幅度", "fields": {"value": ["1", "2"]}} in changes["indicators"]["changed"]
    old_codes = {f["code"] for f in detail.versions[0].result["findings"]}
    new_codes = {f["code"] for f in detail.result["findings"]}
    assert "DIM_MISSING_TIMELINESS" in old_codes - new_codes
    assert "DIM_MISSING_TIMELINESS" in {f["code"] for f in changes["findings"]["resolved"]}
    assert "DIM_MISSING_QUALITY" in {f["code"] for f in changes["findings"]["new"]}
    assert changes["score"] == [detail.versions[0].result["score"], detail.result["score"]]
    with Session(db) as session:
        assert reviews.get_review(session, review_id=review.id).done == 2


def test_a_resubmission_before_the_background_check_reaches_the_project(db):
    review = season(db, [lights(1), lights(2)])
    first = projects(db, review.id)[0]
    changed = lights(1)
    changed["indicators"][1]["operator"] = "≥"
    with Session(db) as session:
        detail = reviews.resubmit(session, None, review_id=review.id, project_id=first.id, document=changed,
                                  user=REVIEWER)
        assert detail.versions[0].result is not None and detail.changes["indicators"]["changed"]
        assert reviews.get_review(session, review_id=review.id).done == 1
    assert reviews.run_checks(db, None, worker="w1") == 1  # the other one; version 2 is kept
    rows = projects(db, review.id)
    assert rows[0].version == 2
    with Session(db) as session:
        v1 = session.exec(select(ProjectVersion).where(ProjectVersion.project_id == first.id,
                                                       ProjectVersion.number == 1)).one()
        assert reviews.get_review(session, review_id=review.id).done == 2
    assert v1.result is not None


def test_report_has_one_row_per_project_every_finding_and_the_problem_summary(db):
    filed_under = greening()
    filed_under["project"]["function_code"] = "2120399 其他城乡社区公共设施支出"
    review = filed(db, [filed_under, meals(), lights(1), greening(), {"goal": "x"}])
    with Session(db) as session:
        reviews.decide(session, review_id=review.id, project_id=projects(db, review.id)[0].id, status="通过",
                       note="=同意", user=REVIEWER)
        body = reviews.report_workbook(session, review_id=review.id)
        details = [reviews.project_detail(session, review_id=review.id, project_id=p.id)
                   for p in projects(db, review.id)]
    wb = load_workbook(io.BytesIO(body))
    assert wb.sheetnames == ["汇总", "问题明细", "问题汇总", "未归档"]
    rows = list(wb["汇总"].iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "项目名称", "预算部门") and len(rows) == 1 + 4
    assert rows[1][1] == "城区道路绿化提升工程" and rows[1][5] == 400 and rows[1][12] == "通过"
    assert rows[0][4] == "功能分类科目" and rows[1][4] == "2120399" and rows[2][4] is None
    assert rows[1][13] == "=同意" and wb["汇总"]["N2"].data_type == "s"  # a note is never a formula
    assert rows[4][17] == 1 and rows[3][17] is None  # the second 绿化 is a duplicate of project 1
    findings = list(wb["问题明细"].iter_rows(values_only=True))[1:]
    assert len(findings) == sum(len(d.result["findings"]) for d in details)
    assert list(wb["未归档"].iter_rows(values_only=True))[1][0].startswith("documents[4]：")


def test_problem_cases_rank_the_most_frequent_problems_with_examples(db):
    no_cost = [lights(n) for n in range(1, 5)]
    for doc in no_cost:
        del doc["indicators"][3]
    review = filed(db, [*no_cost, greening(), meals()])
    with Session(db) as session:
        cases = reviews.problem_cases(session, review_id=review.id, top=5, examples=2)
        cost = next(c for c in cases if c["code"] == "DIM_MISSING_COST")
        assert cost["projects"] == 4 and cost["label"] == "缺少成本指标" and cost["category"]
        assert len(cost["examples"]) == 2 and cost["examples"][0]["name"].startswith("城区路灯维护")
        assert all(e["message"] for e in cost["examples"])
        ranked = [c["projects"] for c in cases if c["severity"] != "info"]
        assert ranked == sorted(ranked, reverse=True) and len(cases) <= 5


def test_a_second_row_with_a_name_already_there_counts_as_added():
    doc = meals()
    again = meals()
    again["indicators"].append(dict(again["indicators"][-1]))
    changes = compare(doc, again, None, None)
    assert changes["indicators"] == {"added": ["受益学生及家长满意度"], "removed": [], "changed": []}
    assert compare(again, doc, None, None)["indicators"]["removed"] == ["受益学生及家长满意度"]


def test_check_processes_give_the_same_results_as_the_server_process(kb_settings, db, lookup):
    # filed in a database of its own: the session's shared one is polled by the test client's own worker
    review = reviews.file_review(db, name="并行审核", items=[(f"d{n}", lights(n)) for n in range(6)], problems=[],
                                 user=REVIEWER, limit=50)
    pool = CheckPool(kb_settings, 2, smallest=1)
    try:
        assert reviews.run_checks(db, lookup, worker="pooled", review_id=review.id, pool=pool, chunk=2) == 6
    finally:
        pool.close()
    with Session(db) as session:
        for project in reviews.query_projects(session, review_id=review.id)[1]:
            detail = reviews.project_detail(session, review_id=review.id, project_id=project.id)
            assert detail.result == check_stored(detail.document, lookup)
        assert reviews.get_review(session, review_id=review.id).status == "done"


def test_a_stored_document_that_no_longer_validates_is_reported_and_the_season_finishes(db):
    review = season(db, [lights(1), lights(2)])
    first = projects(db, review.id)[0]
    with Session(db) as session:  # as if the document model had changed since the filing
        session.exec(update(ProjectVersion).where(ProjectVersion.project_id == first.id)
                     .values(document={"project": {"name": ""}, "goal": "", "indicators": []}))
        session.commit()
    assert reviews.run_checks(db, None, worker="w1") == 2
    with Session(db) as session:
        assert reviews.get_review(session, review_id=review.id).status == "done"
        total, rows = reviews.query_projects(session, review_id=review.id, code="DOC_UNREADABLE")
        assert [p.id for p in rows] == [first.id] and rows[0].grade == "差" and rows[0].submittable is False
        finding = reviews.project_detail(session, review_id=review.id, project_id=first.id).result["findings"][0]
        assert finding["message"].startswith("文档无法读取") and finding["suggestion"]
