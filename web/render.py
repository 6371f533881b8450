"""The rendering toolkit every page module shares: templates with hashed static URLs and the page
filters, full page or htmx fragment, downloads with Chinese file names.

Page modules import this; nothing here imports a page module, so pages form no circle."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup, escape

from indicators.framework import DEPARTMENT_LEVELS, LEVEL1_OF, LEVELS
from indicators.library import LibraryError, load_function_codes
from kb.times import BEIJING, beijing_text
from web.auth import identity_now

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@lru_cache(maxsize=64)
def _digest(name: str, mtime_ns: int) -> str:
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """/static/NAME?v=<content hash>: browsers may cache it for ever, a new build changes the URL."""
    path = STATIC_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"static file {name!r} is not in {STATIC_DIR}")
    return f"/static/{name}?v={_digest(name, path.stat().st_mtime_ns)}"


class HashedStatic(StaticFiles):
    """Static files; a request carrying the content hash (?v=…) may be cached for a year."""

    async def get_response(self, path, scope):
        response = await super().get_response(path, scope)
        if response.status_code == 200 and b"v=" in scope.get("query_string", b""):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def highlight(text: str | None, terms: list[str] | None) -> Markup:
    """Text with the matched terms wrapped in <mark>; every piece of the text is escaped, so no
    term can break an entity or smuggle in markup."""
    text = text or ""
    terms = sorted({t for t in terms or [] if t and t.strip()}, key=len, reverse=True)
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(Markup("<mark>%s</mark>") % m.group(0))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def source_label(source: str) -> str:
    """A library version's source in words: builtin → 内置指标库, import:x.xlsx → 导入 x.xlsx."""
    kind, _, detail = (source or "").partition(":")
    if kind == "builtin":
        return "内置指标库" + (f"（{detail}）" if detail else "")
    if kind == "import":
        return f"导入 {detail}" if detail else "导入"
    return source


_FILED_ITEM = re.compile(r"^documents\[(\d+)\]$")


def filed_from(source: str | None) -> str:
    """Where a season's project came from, in words: the budget system's `documents[3]` (the item's place
    in the JSON it sent, as the API's problems name it) → 接口提交的第 4 份; a file's name as it is."""
    item = _FILED_ITEM.match(source or "")
    return f"接口提交的第 {int(item.group(1)) + 1} 份" if item else (source or "")


def configure(templates) -> None:
    """Register the page helpers on the app's Jinja environment (called by web.app)."""
    env = templates.env
    env.globals["static_url"] = static_url
    env.globals["LEVELS"] = LEVELS
    env.globals["LEVEL2S"] = tuple(LEVEL1_OF)
    env.globals["DEPARTMENT_LEVELS"] = DEPARTMENT_LEVELS
    env.globals["DEPARTMENT_LEVEL2S"] = tuple(l2 for l2s in DEPARTMENT_LEVELS.values() for l2 in l2s)
    env.filters["highlight"] = highlight
    env.filters["source_label"] = source_label
    env.filters["filed_from"] = filed_from
    env.filters["tsv_row"] = tsv_row
    env.globals["printed_at"] = printed_at
    env.filters["beijing"] = beijing_text
    env.filters["yuan"] = lambda v: "" if v is None else f"{v:,.2f}".rstrip("0").rstrip(".")
    env.filters["kemu"] = kemu


@lru_cache(maxsize=1)
def _kemu_names() -> dict[str, str]:
    try:
        return {code: entry.name for code, entry in load_function_codes().items()}
    except LibraryError:
        return {}


def kemu_name(code: str | None) -> str:
    """The 科目 name of a 支出功能分类 code in the library's code table (2050202 → 小学教育), else ''."""
    return _kemu_names().get(code or "", "")


def kemu(code: str | None) -> str:
    """A 支出功能分类 code with its 科目 name when the library's code table has it: 2050202 小学教育."""
    name = kemu_name(code)
    return f"{code} {name}" if name else (code or "")


def printed_at() -> str:
    """When a printed page was made, in Beijing time."""
    return datetime.now(BEIJING).strftime("打印于 %Y-%m-%d %H:%M（北京时间）")


def tsv_row(values) -> str:
    """Cells joined by tabs, as Excel and WPS paste a table row; tabs and line breaks inside a cell
    become spaces so they cannot split it."""
    return "\t".join(re.sub(r"[\t\r\n]+", " ", "" if v is None else str(v)) for v in values)


def attachment(filename: str, fallback: str) -> dict[str, str]:
    """A download header with a Chinese file name (RFC 6266) and an ASCII one for old clients."""
    return {"Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"}


def is_fragment(request: Request) -> bool:
    """An htmx request that swaps a part of the page (not a history restore, which needs it all)."""
    h = request.headers
    return bool(h.get("hx-request")) and not h.get("hx-history-restore-request") and not h.get("hx-boosted")


def render(request: Request, page: str, context: dict, *, fragment: str | None = None, status_code: int = 200,
           headers: dict | None = None) -> HTMLResponse:
    """A page, or its fragment for htmx. The signed-in user and their CSRF token come along when a
    route looked them up (any route with a user dependency), for the header and the forms."""
    partial = is_fragment(request)
    name = fragment if fragment and partial else page
    user, csrf = identity_now(request)
    context = {"nav": None, "user": user, "csrf_token": csrf, **context, "is_fragment": partial}
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code,
                                                        headers=headers)


def search_problem(request: Request) -> str | None:
    return None if request.app.state.search is not None else (request.app.state.search_problem or "正在启动")
