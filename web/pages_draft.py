"""The draft page: project form → drafted indicator table → edit, add, remove, re-check, export;
and for a signed-in user, 我的草稿: save the draft on the server, reopen, export, delete, import.

The whole document travels with every request (form fields, or the JSON the browser kept in
localStorage), with the id of the saved draft it came from when there is one; the server keeps
a draft only when its owner presses 保存草稿 (`services.drafts`).
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from indicators import goal_template
from indicators.checker import check_goal
from indicators.checks.goal_text import compose_goal
from indicators.directions import PROJECT_CHARS, words_about
from indicators.drafter import draft_goal
from indicators.framework import BASES, OPERATORS
from indicators.goals import MAX_INDICATORS, Project
from indicators.pasted_rows import NOTHING, pasted_rows
from kb import store
from kb.errors import InvalidInput, NotFound, NotReady
from kb.models import MAX_ID
from kb.sheets import SheetLimits
from kb.times import beijing_text
from services import drafts
from services.history import with_history
from web.api_drafts import DraftId, read_draft_files
from web.auth import CurrentUser, OptionalUser, identity_now
from web.deps import SessionDep, upload_name
from web.pages_forms import (
    PROJECT_FIELDS,
    PROJECT_LABELS,
    blank_row,
    goal_kind,
    has_rows_or_project,
    library_row,
    raw_from_doc,
    raw_from_form,
    raw_from_json,
    raw_row,
    refresh_goal,
    text,
    to_document,
)
from web.render import XLSX, attachment, is_fragment, render, search_problem

router = APIRouter(include_in_schema=False)


async def read_form(request: Request) -> FormData:
    """The parsed form, so that handlers can be plain `def` (run in the thread pool)."""
    return await request.form(max_fields=MAX_FIELDS, max_files=0)


FormDep = Annotated[FormData, Depends(read_form)]
ADD_HITS = 8
FULL = f"草稿已有 {MAX_INDICATORS} 个指标，达到上限；请先删除不需要的指标"
MAX_FIELDS = 40 + 10 * MAX_INDICATORS  # project, goal and nine fields per indicator row


def _draft_id(value: object) -> int | None:
    """The id of the saved draft a page's document came from, when it looks like one."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else None


def _saved_id(payload: str) -> int | None:
    """The saved draft's id in the copy a browser kept (raw_from_json has checked the payload)."""
    data = json.loads(payload)
    return _draft_id(data.get("draft_id")) if isinstance(data, dict) else None


def form_raw(form: FormData) -> dict:
    """The page's document from its form fields, with the id of the saved draft it came from."""
    return raw_from_form(form) | {"draft_id": _draft_id(form.get("draft_id"))}


def check(request: Request, raw: dict) -> dict:
    """The checker's verdict on the page's document, or what keeps it from being read."""
    doc, problems = to_document(raw)
    user = identity_now(request)[0]  # a signed-in user's check takes last year's actuals as baselines
    lookup = request.app.state.search
    lookup = with_history(lookup, request.app.state.engine) if user is not None else lookup
    result = check_goal(doc, lookup) if doc is not None else None
    by_row: dict[int, list] = {}
    for f in result.findings if result else []:
        if f.indicator is not None:
            by_row.setdefault(f.indicator, []).append(f)
    counts = result.severity_counts() if result else {}
    return {"raw": raw, "result": result, "problems": problems, "by_row": by_row, "counts": counts,
            "problem": search_problem(request)}


def hints(session, raw: dict) -> dict[str, object]:
    """Library records of the rows that came from the library, for links and reference values."""
    out = {}
    for row in raw["indicators"]:
        code = row.get("code")
        if code and code not in out:
            try:
                out[code] = store.get_indicator(session, code=code)
            except NotFound:
                continue
    return out


def directions(session) -> list:
    return [d for d, _, _ in store.all_directions(session)]


def add_hits(request: Request, q: str, project: dict | None = None) -> list:
    """The library's indicators for a name typed into the draft's add box, those that fit the draft's project
    first (its name, direction and description, worded as checking and drafting word a project, as the search's
    `context`), as on the search page."""
    q = q.strip()[:200]
    if not q or request.app.state.search is None:
        return []
    project = project or {}
    about = words_about(text(project.get("name")), text(project.get("direction")), text(project.get("description")))
    return request.app.state.search.query(q, k=ADD_HITS, context=about[:PROJECT_CHARS] or None).hits


def editor(request: Request, session, raw: dict, *, notice: str | None = None, add_q: str = "",
           status_code: int = 200, login_needed: bool = False, save_problem: bool = False, paste: str = ""):
    refresh_goal(raw)
    found = add_hits(request, add_q, raw["project"])
    context = check(request, raw) | {"nav": "draft", "mode": "edit", "hints": hints(session, raw),
                                     "notice": notice, "add_q": add_q, "add_hits": found,
                                     "bases": BASES, "operators": OPERATORS, "directions": directions(session),
                                     "draft_id": raw.get("draft_id"), "login_needed": login_needed,
                                     "save_problem": save_problem, "paste": paste}
    return render(request, "draft.html", context, fragment="_draft.html", status_code=status_code)


def project_form(request: Request, session, project: dict, *, add: list[str] | None = None,
                 problems: list[str] | None = None, status_code: int = 200):
    adding = []
    for code in add or []:
        try:
            adding.append(store.get_indicator(session, code=code))
        except NotFound:
            continue
    context = {"nav": "draft", "mode": "project", "project": project, "adding": adding,
               "problems": problems or [], "directions": directions(session), "problem": search_problem(request)}
    return render(request, "draft.html", context, fragment="_project_form.html", status_code=status_code)


@router.get("/draft", response_class=HTMLResponse)
def draft_page(
    request: Request,
    session: SessionDep,
    direction: Annotated[str, Query(max_length=64)] = "",
    name: Annotated[str, Query(max_length=200)] = "",
    add: Annotated[list[str], Query(max_length=20)] = (),  # type: ignore[assignment]
):
    known = {d.code: d.name for d in directions(session)}
    project = dict.fromkeys(PROJECT_FIELDS, "") | {"budget_unit": "万元", "direction": known.get(direction, direction),
                                                   "name": name}
    return project_form(request, session, project, add=list(add))


def _add(session, raw: dict, code: str) -> str:
    try:
        indicator = store.get_indicator(session, code=code)
    except NotFound:
        raise NotFound(f"没有编码为“{code}”的指标，无法加入草稿；请通过搜索选择指标") from None
    if any(r["code"] == code for r in raw["indicators"]):
        return f"『{indicator.name}』已在草稿中"
    if len(raw["indicators"]) >= MAX_INDICATORS:
        raise InvalidInput(FULL)
    raw["indicators"].append(library_row(indicator))
    return f"已加入『{indicator.name}』，请填写指标值"


@router.post("/draft", response_class=HTMLResponse)
def draft_create(request: Request, session: SessionDep, form: FormDep):
    fields = {f: str(form.get(f"p_{f}") or "").strip() for f in PROJECT_FIELDS}
    codes = [str(c) for c in form.getlist("add")][:20]
    raw_project = fields | {"budget_unit": fields["budget_unit"] or "万元"}
    try:
        project = Project.model_validate({k: v or None for k, v in raw_project.items() if k != "kind" or v})
    except ValidationError:
        _, problems = to_document({"project": raw_project, "goal": "", "indicators": []})
        return project_form(request, session, raw_project, add=codes, problems=problems, status_code=422)
    if request.app.state.search is None:
        raise NotReady(f"起草需要指标库搜索，但搜索尚未就绪：{search_problem(request)}")
    user = identity_now(request)[0]
    drafted = draft_goal(project, with_history(request.app.state.search, request.app.state.engine)
                         if user is not None else request.app.state.search)
    raw = raw_from_doc(drafted.model_dump(mode="json"))
    raw["goal_auto"] = raw["goal"]  # composed from the table: rebuilt whenever the table changes
    raw["project"] = raw_project | {k: v for k, v in raw["project"].items() if v and not raw_project.get(k)}
    notes = [_add(session, raw, code) for code in codes]
    notice = "已按项目信息从指标库起草。请逐行填写指标值、核对单位和取值依据；右侧检查结果会随修改自动更新。"
    return editor(request, session, raw, notice=" ".join([notice, *notes]))


@router.post("/draft/edit", response_class=HTMLResponse)
def draft_edit(request: Request, session: SessionDep, form: FormDep):
    payload = str(form.get("doc") or "").strip()
    codes = [str(c) for c in form.getlist("add") if str(c).strip()][:20]
    action = str(form.get("action") or "")
    if payload:
        raw = raw_from_json(payload) | {"draft_id": _saved_id(payload)}
    elif has_rows_or_project(form) or action == "paste":  # a paste may start a draft: last year's form copied
        raw = form_raw(form)
    else:  # "add to my draft" with no draft in this browser yet: start with the project
        project = dict.fromkeys(PROJECT_FIELDS, "") | {"budget_unit": "万元"}
        return project_form(request, session, project, add=codes)
    notes = [_add(session, raw, code) for code in codes]
    remove = str(form.get("remove") or "")
    if remove.isdigit() and int(remove) < len(raw["indicators"]):
        gone = raw["indicators"].pop(int(remove))
        notes.append(f"已删除第 {int(remove) + 1} 行『{gone['name'] or '未命名指标'}』")
    if action == "regoal":
        refresh_goal(raw, force=True)
        notes.append("已按指标表重写年度绩效目标")
    paste = str(form.get("paste") or "") if action == "paste" else ""
    if paste:
        count = len(raw["indicators"])
        notes += _paste(raw, paste)
        paste = "" if len(raw["indicators"]) > count else paste  # nothing taken: the text stays to be fixed
    elif action == "paste":
        notes.append(NOTHING)
    if action == "blank":
        if len(raw["indicators"]) >= MAX_INDICATORS:
            raise InvalidInput(FULL)
        raw["indicators"].append(blank_row())
        notes.append("已在末尾添加一行，请填写")
    add_q = str(form.get("add_q") or "") if action in ("search", "refresh") else ""
    return editor(request, session, raw, notice=" ".join(notes) or None, add_q=add_q, paste=paste)


def _paste(raw: dict, copied: str) -> list[str]:
    """Add the indicator rows pasted from Excel or WPS to the draft's table; what was added and what was not."""
    room = MAX_INDICATORS - len(raw["indicators"])
    if room <= 0:
        raise InvalidInput(FULL)
    pasted = pasted_rows(copied, limit=room)
    filled = _fill_blanks(raw, pasted.project) if pasted.records else []
    raw["indicators"] += [raw_row(r, raw["project"]["kind"]) for r in pasted.records]  # in the kind just filled
    notes = [f"已从粘贴的表格添加 {len(pasted.records)} 个指标，请核对各列"] if pasted.records else []
    if filled:
        notes.append(f"并按粘贴的表格填入了原本空着的{'、'.join(filled)}")
    return notes + [f"粘贴的表格{p}" if p.startswith("第") else p for p in pasted.problems]


def _fill_blanks(raw: dict, project: dict) -> list[str]:
    """The project's fields (and goal) of a whole pasted form, where the draft has none yet; what was filled.
    A draft with no rows yet also takes the form's 目标类型 (a 部门整体 form's rows are in its own framework)."""
    filled = []
    if not raw["indicators"] and text(project.get("kind")) and goal_kind(project["kind"]) != raw["project"]["kind"]:
        raw["project"]["kind"] = goal_kind(project.get("kind"))
        filled.append("目标类型")
    for key in (*PROJECT_LABELS, "goal"):
        value = text(project.get(key))
        if not value:
            continue
        if key == "goal":
            if raw["goal"].strip():
                continue  # a goal written, or composed from the table, stays
            raw["goal"], raw["goal_auto"] = value, ""  # kept as written, not recomposed from the table
            filled.append("年度绩效目标")
        elif key == "budget_unit":
            if "预算金额" in filled:
                raw["project"]["budget_unit"] = value
        elif not raw["project"].get(key):
            raw["project"][key] = value
            filled.append(PROJECT_LABELS[key])
    return filled


@router.post("/draft/check", response_class=HTMLResponse)
def draft_check(request: Request, session: SessionDep, form: FormDep):
    raw = form_raw(form)
    if not request.headers.get("hx-request"):
        return editor(request, session, raw)
    context = check(request, raw)
    return request.app.state.templates.TemplateResponse(request, "_check.html", context)


@router.get("/draft/search", response_class=HTMLResponse)
def draft_search(request: Request, add_q: Annotated[str, Query(max_length=200)] = "",
                 p_name: Annotated[str, Query(max_length=200)] = "",
                 p_direction: Annotated[str, Query(max_length=200)] = "",
                 p_description: Annotated[str, Query(max_length=4000)] = ""):
    project = {"name": p_name, "direction": p_direction, "description": p_description}
    return request.app.state.templates.TemplateResponse(
        request, "_add_results.html", {"add_q": add_q.strip(), "add_hits": add_hits(request, add_q, project),
                                       "problem": search_problem(request)})


def _document_or_422(raw: dict):
    refresh_goal(raw)
    doc, problems = to_document(raw)
    if doc is None:
        raise InvalidInput("草稿还有内容无法识别，不能导出；请按提示修改后再导出", details=problems)
    return doc


def _filename(doc, suffix: str) -> dict[str, str]:
    return attachment(f"绩效目标-{doc.project.name}"[:80] + suffix, f"goal{suffix}")


@router.post("/draft/export.json")
def draft_export_json(form: FormDep) -> Response:
    doc = _document_or_422(raw_from_form(form))
    body = json.dumps(doc.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json; charset=utf-8",
                    headers=_filename(doc, ".json"))


@router.post("/draft/export.xlsx")
def draft_export_xlsx(form: FormDep) -> Response:
    doc = _document_or_422(raw_from_form(form))
    body = goal_template.goal_workbook([doc])
    return Response(body, media_type=XLSX, headers=_filename(doc, ".xlsx"))


# ---- 我的草稿: drafts kept on the server for a signed-in user ----------------------------------

def _number(value: object) -> object:
    """A number as the form shows it: 8600000.0 → '8600000', 0.97 → '0.97' (never 8.6e+06)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return value


def page_raw(draft) -> dict:
    """A saved draft as the editor holds it; a goal that is the one composed from the table keeps
    following the table, as it did before the draft was saved."""
    data = drafts.document_of(draft).model_dump(mode="json", exclude_none=True)
    data["project"]["budget"] = _number(data["project"].get("budget"))
    for row in data["indicators"]:
        row.update({k: _number(row.get(k)) for k in ("value", "baseline")})
    raw = raw_from_doc(data) | {"draft_id": draft.id}
    doc, _ = to_document(raw)
    if doc is not None and raw["goal"].strip() == compose_goal(doc.project, doc.indicators).strip():
        raw["goal_auto"] = raw["goal"]
    return raw


@router.post("/draft/save", response_class=HTMLResponse)
def draft_save(request: Request, session: SessionDep, form: FormDep, user: OptionalUser):
    """Save the page's draft as one of the user's drafts: a new one, or the one it was opened from."""
    raw = form_raw(form)
    if user is None:
        return editor(request, session, raw, login_needed=True)
    refresh_goal(raw)
    doc, _ = to_document(raw)
    if doc is None:
        return editor(request, session, raw, status_code=422, save_problem=True,
                      notice="草稿还有内容无法识别，未保存；请按检查结果中的提示修改后再保存。")
    document = doc.model_dump(mode="json", exclude_none=True)
    lookup, draft_id, note = request.app.state.search, raw["draft_id"], ""
    draft = None
    if draft_id and form.get("action") != "save_new":
        try:
            draft = drafts.update(session, lookup, owner=user, draft_id=draft_id, document=document)
        except NotFound:
            note = "原来的草稿已不在当前用户的“我的草稿”中（可能已删除），已另存为新草稿。"
    if draft is None:
        draft = drafts.create(session, lookup, owner=user, document=document)
    session.commit()
    session.refresh(draft)
    raw["draft_id"] = draft.id
    notice = f"已保存到“我的草稿”：『{draft.name}』，{beijing_text(draft.updated_at)}（北京时间）。{note}"
    return editor(request, session, raw, notice=notice)


def drafts_context(session, user, *, notice: str | None = None, failed: bool = False,
                   problems: list[str] | None = None, confirm=None) -> dict:
    return {"nav": "draft", "drafts": drafts.list_for(session, owner_id=user.id), "notice": notice,
            "failed": failed, "problems": problems or [], "confirm": confirm}


def drafts_list(request: Request, session, user, *, status_code: int = 200, **context):
    return render(request, "drafts.html", drafts_context(session, user, **context), fragment="_drafts_list.html",
                  status_code=status_code)


@router.get("/drafts", response_class=HTMLResponse)
def drafts_page(request: Request, session: SessionDep, user: CurrentUser):
    return drafts_list(request, session, user)


@router.get("/drafts/{draft_id}", response_class=HTMLResponse)
def draft_open(request: Request, session: SessionDep, user: CurrentUser, draft_id: DraftId):
    """A saved draft in the draft editor; saving it again updates it."""
    draft = drafts.get(session, owner=user, draft_id=draft_id)
    notice = (f"已打开草稿『{draft.name}』（保存于 {beijing_text(draft.updated_at)}，北京时间）。"
              "修改后点“保存草稿”即更新这份草稿。")
    return editor(request, session, page_raw(draft), notice=notice)


@router.get("/drafts/{draft_id}/export.xlsx")
def draft_saved_xlsx(session: SessionDep, user: CurrentUser, draft_id: DraftId) -> Response:
    draft = drafts.get(session, owner=user, draft_id=draft_id)
    return Response(drafts.workbook(draft), media_type=XLSX,
                    headers=attachment(drafts.file_name(draft, ".xlsx"), f"draft-{draft.id}.xlsx"))


@router.get("/drafts/{draft_id}/delete", response_class=HTMLResponse)
def draft_delete_confirm(request: Request, session: SessionDep, user: CurrentUser, draft_id: DraftId):
    """The confirmation a browser without scripts gets (with scripts, the list asks in a dialog)."""
    return render(request, "drafts.html", drafts_context(session, user, confirm=drafts.get(
        session, owner=user, draft_id=draft_id)))


@router.post("/drafts/{draft_id}/delete", response_class=HTMLResponse)
def draft_delete(request: Request, session: SessionDep, user: CurrentUser, draft_id: DraftId):
    name = drafts.delete(session, owner=user, draft_id=draft_id).name
    session.commit()
    if not is_fragment(request):
        return RedirectResponse("/drafts", status_code=303)
    return drafts_list(request, session, user, notice=f"已删除草稿『{name}』。")


@router.post("/drafts/import", response_class=HTMLResponse)
def drafts_import(request: Request, session: SessionDep, user: CurrentUser,
                  file: Annotated[list[UploadFile] | None, File(description="填好的模板或 JSON")] = None):
    """One new draft per goal document in the uploaded filled templates or JSON files."""
    settings = request.app.state.settings
    uploads = [(upload_name(f.filename), f.file.read()) for f in file or [] if f.filename]
    if not uploads:
        raise InvalidInput("没有收到文件：请选择填好的申报表（.xlsx）或导出的 JSON 文档后再导入")
    items, problems = read_draft_files(uploads, limits=SheetLimits.from_settings(settings, upload=True))
    if not items:
        return drafts_list(request, session, user, problems=problems, status_code=422, failed=True,
                           notice="文件中没有可读取的绩效目标，未建立草稿；请按下列提示修改后重新导入。")
    created = drafts.import_documents(session, request.app.state.search, owner=user, items=items,
                                      limit=settings.max_batch)
    names = "、".join(f"『{d.name}』" for d in created[:5]) + ("等" if len(created) > 5 else "")
    session.commit()
    return drafts_list(request, session, user, problems=problems,
                       notice=f"已导入 {len(created)} 份草稿：{names}。")
