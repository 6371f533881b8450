"""Goal documents from uploaded files (filled templates and JSON), for the review page and the API:
every readable document, and what was wrong with each file that was not."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from indicators import goal_sheets
from indicators.goals import GoalDocument
from kb.errors import KBError, named
from kb.sheets import SheetLimits
from web.guards import text_problem
from web.pages_forms import describe_errors, raw_from_doc

SHEETS = goal_sheets.SHEET_SUFFIXES  # read as tables
SUFFIXES = (*SHEETS, ".json")
WRONG_KIND = ("只能上传填好的模板（.xlsx、Excel 97-2003 的 .xls 或 WPS 表格的 .et）、CSV 目标表（.csv）、"
              "Word 目标表（.docx）、可复制文字的 PDF 目标表（.pdf）或 JSON 文档（.json）")


def kind_problem(name: str, suffix: str, wrong: str = WRONG_KIND) -> str:
    """What to do with a file of a kind not read: a Word 97-2003 .doc or a WPS 文字 .wps is to be saved as .docx."""
    old_word = goal_sheets.OLD_WORD.get(suffix)
    return f"{name or '未命名文件'}：{old_word + '后上传' if old_word else wrong}"


def json_items(name: str, data: bytes) -> tuple[list[tuple[str, object]], list[str]]:
    """The items of a JSON file as sent (one document, a list of them, or {"documents": [...]}), each
    with where it is, not yet validated; or why the file cannot be read."""
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return [], [f"{name}：不是 UTF-8 编码的文本；请另存为 UTF-8 后重新上传"]
    except json.JSONDecodeError as exc:
        return [], [f"{name}：不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列附近：{exc.msg}）"]
    except RecursionError:
        return [], [f"{name}：嵌套层数过多，不是目标文档；请上传导出的 JSON 文件"]
    problem = text_problem(payload)
    if problem:
        return [], [f"{name}：{problem}"]
    if isinstance(payload, dict) and isinstance(payload.get("documents"), list):
        payload = payload["documents"]
    items = payload if isinstance(payload, list) else [payload]
    return [(name if len(items) == 1 else f"{name} 第 {n} 份", item) for n, item in enumerate(items, start=1)], []


def _json_documents(name: str, data: bytes) -> tuple[list, list[str]]:
    """Documents in a JSON file: one document, a list of them, or {"documents": [...]}."""
    items, problems = json_items(name, data)
    docs = []
    for where, item in items:
        if not isinstance(item, dict):
            problems.append(f"{where}：不是目标文档对象（应含 project、goal、indicators）")
            continue
        try:
            docs.append(GoalDocument.model_validate(item))
        except ValidationError as exc:
            problems.append(f"{where}：" + "；".join(describe_errors(exc, raw_from_doc(item))[:5]))
    return docs, problems


def _sheet_documents(name: str, data: bytes, limits: SheetLimits | None) -> tuple[list, list[str]]:
    """Every project of a filled template, table or list that reads cleanly, and what to fix in the others,
    cell by cell: one bad project (a sheet, or a project's rows in a budget system's list) never hides the rest."""
    try:
        docs, problems = goal_sheets.read_goal_file_partial(data, source=name, limits=limits)
    except KBError as exc:   # past a limit (TooLarge)
        return [], [named(name, exc.message)]
    return docs, [str(p) for p in problems]


def read_uploads(files: list[tuple[str, bytes]], *, limits: SheetLimits | None = None
                 ) -> tuple[list[tuple[str, GoalDocument]], list[str]]:
    """(source file, document) pairs from every readable file, and what was wrong with the others;
    workbooks are read within `limits` (`kb.sheets`)."""
    found, problems = [], []
    for name, data in files:
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            problems.append(kind_problem(name, suffix))
            continue
        if not data:
            problems.append(f"{name}：文件是空的")
            continue
        if suffix in SHEETS:
            docs, trouble = _sheet_documents(name, data, limits)
        else:
            docs, trouble = _json_documents(name, data)
        found += [(name, d) for d in docs]
        problems += trouble
    return found, problems


def read_upload_items(files: list[tuple[str, bytes]], *, limits: SheetLimits | None = None
                      ) -> tuple[list[tuple[str, object]], list[str]]:
    """(where, document) pairs for filing a season: a JSON file's items exactly as sent (validated by
    the filing, which reports each bad one), a workbook's projects as read from their sheets; and what
    was wrong with the files that could not be read at all."""
    found, problems = [], []
    for name, data in files:
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES:
            problems.append(kind_problem(name, suffix))
        elif not data:
            problems.append(f"{name}：文件是空的")
        elif suffix == ".json":
            items, trouble = json_items(name, data)
            found += items
            problems += trouble
        else:
            docs, trouble = _sheet_documents(name, data, limits)
            found += [(name if len(docs) == 1 else f"{name} 第 {n} 个项目", doc.model_dump(mode="json"))
                      for n, doc in enumerate(docs, start=1)]
            problems += trouble
    return found, problems
