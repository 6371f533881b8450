"""Drafts kept per user in the database (SQLite, and PostgreSQL when KB_TEST_DATABASE_URL is set):
stored exactly as sent, checked on every save, reached only by their owner, exported as the
filled template and imported back from it."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from pydantic import ValidationError
from sqlmodel import Session

from indicators import goal_template
from indicators.goals import GoalDocument
from kb import accounts
from kb import drafts as drafts_table
from kb.db import create_schema, get_engine
from kb.errors import InvalidInput, NotFound
from services import drafts
from tests.draft_documents import comparable, real_tables, streetlights


@pytest.fixture
def session(fresh_settings):
    """A session on an empty database of its own with two department users."""
    engine = get_engine(fresh_settings)
    create_schema(engine)
    with Session(engine) as s:
        for name in ("教育局丙", "交通局丁"):
            accounts.add_user(s, name=name, role="department", password="correct-horse-9")
        s.commit()
        yield s


def user(session, name="教育局丙"):
    return accounts.require_user(session, name=name)


def test_a_draft_is_stored_exactly_as_sent_with_its_check(session):
    sent = streetlights() | {"备注": "extra keys are kept too"}
    draft = drafts.create(session, None, owner=user(session), document=sent)
    session.commit()
    session.expire_all()
    again = drafts.get(session, owner=user(session), draft_id=draft.id)
    assert again.document == sent
    assert json.dumps(again.document, ensure_ascii=False) == json.dumps(sent, ensure_ascii=False)  # key order too
    assert again.name == "城区路灯维护" and again.department == "市城市管理局"
    assert (again.budget, again.budget_unit) == (336, "万元")
    # 【待填】 is template residue: an error, so the draft is not submittable and graded 中 at best
    assert again.grade in ("中", "差") and again.submittable is False and again.errors >= 1
    assert again.checked_at is not None


def test_update_checks_again_and_moves_the_draft_to_the_top(session):
    owner = user(session)
    first = drafts.create(session, None, owner=owner, document=streetlights())
    second = drafts.create(session, None, owner=owner, document=real_tables()[1])
    session.commit()
    assert [d.id for d in drafts.list_for(session, owner_id=owner.id)] == [second.id, first.id]
    fixed = streetlights()
    fixed["goal"] = "完成3200盏路灯维修，路灯亮灯率不低于98%。"
    fixed["indicators"][0]["value"] = "3200"
    before = first.errors
    drafts.update(session, None, owner=owner, draft_id=first.id, document=fixed, name="路灯（定稿）")
    session.commit()
    listed = drafts.list_for(session, owner_id=owner.id)
    assert [d.id for d in listed] == [first.id, second.id]
    assert listed[0].name == "路灯（定稿）" and listed[0].document == fixed and listed[0].errors < before


def test_someone_elses_draft_does_not_exist_for_them(session):
    mine = drafts.create(session, None, owner=user(session), document=streetlights())
    session.commit()
    other = user(session, "交通局丁")
    for call in (lambda: drafts.get(session, owner=other, draft_id=mine.id),
                 lambda: drafts.update(session, None, owner=other, draft_id=mine.id, document=streetlights()),
                 lambda: drafts.delete(session, owner=other, draft_id=mine.id)):
        with pytest.raises(NotFound) as err:
            call()
        assert "草稿" in err.value.message
    assert drafts.list_for(session, owner_id=other.id) == []
    assert drafts.get(session, owner=user(session), draft_id=mine.id).document == streetlights()


def test_a_document_that_is_not_a_goal_document_is_not_saved(session):
    with pytest.raises(ValidationError):
        drafts.create(session, None, owner=user(session), document={"project": {"name": ""}, "goal": ""})
    with pytest.raises(InvalidInput):
        drafts.create(session, None, owner=user(session), document=["not", "an", "object"])  # type: ignore[arg-type]
    assert drafts.list_for(session, owner_id=user(session).id) == []


def test_delete_removes_only_that_draft(session):
    owner = user(session)
    keep = drafts.create(session, None, owner=owner, document=streetlights())
    gone = drafts.create(session, None, owner=owner, document=real_tables()[2])
    session.commit()
    assert drafts.delete(session, owner=owner, draft_id=gone.id).name == "农村义务教育学生营养改善计划"
    session.commit()
    assert [d.id for d in drafts.list_for(session, owner_id=owner.id)] == [keep.id]
    with pytest.raises(NotFound):
        drafts.get(session, owner=owner, draft_id=gone.id)


@pytest.mark.parametrize("index", [0, 1, 2], ids=["streetlights-2015", "greening-pre2021", "meals-2015"])
def test_save_reopen_export_import_keeps_every_notation(session, index):
    """【待填】, >= and <=, 百分比, scores in the level names and the budget's unit survive the round trip."""
    owner = user(session)
    sent = real_tables()[index]
    draft = drafts.create(session, None, owner=owner, document=sent)
    session.commit()
    session.expire_all()
    reopened = drafts.get(session, owner=owner, draft_id=draft.id)
    data = drafts.workbook(reopened)
    items, problems = drafts.sheet_documents("申报表.xlsx", data)
    assert problems == [] and len(items) == 1
    created = drafts.import_documents(session, None, owner=owner, items=items, limit=10)
    session.commit()
    back = GoalDocument.model_validate(created[0].document)
    assert comparable(back) == comparable(GoalDocument.model_validate(sent))
    if index == 0:
        rows = back.indicators
        assert rows[0].value == "【待填】" and "【待填】" in back.goal
        assert (rows[1].operator, rows[1].unit, rows[3].operator) == (">=", "百分比", "<=")
        assert rows[0].level1 == "产出指标(50分)" and back.project.budget == 336


def test_import_keeps_the_good_sheets_of_a_workbook_and_says_what_is_wrong_with_the_bad_one():
    good = GoalDocument.model_validate(streetlights())
    data = goal_template.goal_workbook([good, GoalDocument.model_validate(real_tables()[1])])
    wb = load_workbook(io.BytesIO(data))
    wb.worksheets[1]["B5"] = "很多"  # the second project's budget is no number
    buf = io.BytesIO()
    wb.save(buf)
    items, problems = drafts.sheet_documents("两个项目.xlsx", buf.getvalue())
    assert [doc["project"]["name"] for _, doc in items] == ["城区路灯维护"]
    assert len(problems) == 1 and problems[0].startswith("两个项目.xlsx › ") and "很多" in problems[0]
    assert "预算金额" in problems[0]


def test_import_refuses_more_than_the_batch_limit_or_the_room_left(session, monkeypatch):
    owner = user(session)
    items = [("a.json", streetlights()) for _ in range(3)]
    with pytest.raises(InvalidInput, match="上限"):
        drafts.import_documents(session, None, owner=owner, items=items, limit=2)
    monkeypatch.setattr(drafts_table, "MAX_DRAFTS", 2)
    with pytest.raises(InvalidInput, match="每人 2 份"):
        drafts.import_documents(session, None, owner=owner, items=items, limit=10)
    assert drafts.list_for(session, owner_id=owner.id) == []


def test_a_stored_document_that_no_longer_reads_is_reported_not_a_500(session):
    owner = user(session)
    draft = drafts.create(session, None, owner=owner, document=streetlights())
    draft.document = {"project": {"name": "旧格式"}, "goal": "", "indicators": "not a list"}
    session.add(draft)
    session.commit()
    with pytest.raises(InvalidInput, match="城区路灯维护") as err:
        drafts.workbook(drafts.get(session, owner=owner, draft_id=draft.id))
    assert "绩效指标应为列表" in err.value.message


def test_a_draft_named_after_its_project_follows_it_and_one_given_a_name_keeps_it(session):
    owner = user(session)
    plain = drafts.create(session, None, owner=owner, document=streetlights())
    named = drafts.create(session, None, owner=owner, document=streetlights(), name="路灯（给局长看的版本）")
    renamed = streetlights()
    renamed["project"]["name"] = "城区路灯维护（2026年）"
    drafts.update(session, None, owner=owner, draft_id=plain.id, document=renamed)
    drafts.update(session, None, owner=owner, draft_id=named.id, document=renamed)
    session.commit()
    assert drafts.get(session, owner=owner, draft_id=plain.id).name == "城区路灯维护（2026年）"
    assert drafts.get(session, owner=owner, draft_id=named.id).name == "路灯（给局长看的版本）"
