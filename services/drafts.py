"""Drafts kept per user: saved with their check, reopened, exported as the filled goal template and
imported from one.

A draft's document is stored exactly as it was sent, once it has been read as a goal document;
every save checks it again and keeps the score and grade with it, so the list of drafts shows
where each one stands. Only the owner reaches a draft (`kb.drafts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlmodel import Session

from indicators import goal_sheets, goal_template
from indicators.checker import check_batch_size, check_goal
from indicators.goals import CheckResult, GoalDocument
from indicators.lookup import Lookup
from kb import drafts as store
from kb.accounts import User
from kb.drafts import Draft
from kb.errors import InvalidInput
from kb.sheets import SheetLimits
from services.history import with_history
from services.review_changes import describe_invalid


def validate(document: object) -> GoalDocument:
    """The document read as a goal document: pydantic's ValidationError when it is not one (the caller
    says why in its own words), InvalidInput when it is not even an object."""
    if not isinstance(document, dict):
        raise InvalidInput("草稿应为一份目标文档：含 project、goal、indicators 的 JSON 对象")
    return GoalDocument.model_validate(document)


def summary(doc: GoalDocument, result: CheckResult) -> dict:
    """The columns a draft's row keeps beside its document: what the list shows and the last check."""
    counts = result.severity_counts()
    return {"department": doc.project.department or "", "budget": doc.project.budget,
            "budget_unit": doc.project.budget_unit, "score": result.score, "grade": result.grade,
            "submittable": result.submittable, "errors": counts.get("error", 0),
            "warnings": counts.get("warning", 0), "checked_at": datetime.now(UTC)}


def _project_name(document: dict) -> str:
    project = document.get("project") if isinstance(document, dict) else None
    name = project.get("name") if isinstance(project, dict) else None
    return name.strip()[:300] if isinstance(name, str) else ""


def _name(doc: GoalDocument, name: str | None) -> str:
    return ((name or "").strip() or doc.project.name)[:300]


def create(session: Session, lookup: Lookup | None, *, owner: User, document: dict, name: str | None = None) -> Draft:
    """A new draft of `owner`'s holding `document` as sent; named after the project unless `name` is given."""
    doc = validate(document)
    store.ensure_room(session, owner_id=owner.id)
    return store.add_draft(session, owner_id=owner.id, name=_name(doc, name), document=document,
                           summary=summary(doc, check_goal(doc, with_history(lookup, session.get_bind()))))


def update(session: Session, lookup: Lookup | None, *, owner: User, draft_id: int, document: dict,
           name: str | None = None) -> Draft:
    """The owner's draft with a new document (checked again); NotFound for anyone else's. Without a
    `name`, a draft named after its project follows the project's new name; one given its own name keeps it."""
    draft = store.get_draft(session, draft_id=draft_id, owner_id=owner.id)
    doc = validate(document)
    if name is None and draft.name != _project_name(draft.document):
        name = draft.name
    return store.change_draft(session, draft=draft, name=_name(doc, name), document=document,
                              summary=summary(doc, check_goal(doc, with_history(lookup, session.get_bind()))))


def get(session: Session, *, owner: User, draft_id: int) -> Draft:
    return store.get_draft(session, draft_id=draft_id, owner_id=owner.id)


def delete(session: Session, *, owner: User, draft_id: int) -> Draft:
    """Delete the owner's draft; returns it (for the message saying what was deleted)."""
    draft = store.get_draft(session, draft_id=draft_id, owner_id=owner.id)
    store.delete_draft(session, draft=draft)
    return draft


def list_for(session: Session, *, owner_id: int) -> list[Draft]:
    return store.list_drafts(session, owner_id=owner_id)


def document_of(draft: Draft) -> GoalDocument:
    """The stored document read again; a draft saved under an older version that no longer reads is
    an InvalidInput saying which draft and why."""
    try:
        return validate(draft.document)
    except ValidationError as exc:
        raise InvalidInput(f"草稿『{draft.name}』的内容已无法按目标文档读取（{describe_invalid(exc)}）；"
                           "请重新导入或重新起草后保存") from None


def workbook(draft: Draft) -> bytes:
    """The filled goal template (绩效目标申报表) of a draft, as the draft page exports it."""
    return goal_template.goal_workbook([document_of(draft)])


def file_name(draft: Draft, suffix: str) -> str:
    return f"绩效目标-{draft.name or '草稿'}"[:80] + suffix


def sheet_documents(name: str, data: bytes, *, limits: SheetLimits | None = None
                    ) -> tuple[list[tuple[str, dict]], list[str]]:
    """(source, document) for every project sheet of a filled template that reads cleanly, and what
    to fix in the others, cell by cell."""
    docs, problems = goal_sheets.read_goal_file_partial(data, source=name, limits=limits)
    found = [(f"{name} 第 {n} 个项目" if len(docs) > 1 else name, doc.model_dump(mode="json", exclude_none=True))
             for n, doc in enumerate(docs, start=1)]
    return found, [str(p) for p in problems]


def import_documents(session: Session, lookup: Lookup | None, *, owner: User, items: Sequence[tuple[str, dict]],
                     limit: int) -> list[Draft]:
    """One new draft per (source, document) read from an uploaded file, all or none: more than `limit`
    documents, or more than the owner has room for, is refused before any is saved."""
    check_batch_size(len(items), limit)
    store.ensure_room(session, owner_id=owner.id, adding=len(items))
    return [create(session, lookup, owner=owner, document=document) for _, document in items]
