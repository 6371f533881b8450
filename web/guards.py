"""ASGI middleware that stands before every route: security headers on every response, and text
no part of the service can hold refused with a 422 before any route sees it.

Text refused: NUL (U+0000; PostgreSQL cannot store it) anywhere in the URL or a JSON or form
body, and lone UTF-16 surrogates (U+D800-U+DFFF, not half of a pair) in a JSON body: they cannot
be written as UTF-8, so every answer that echoes them, and every database, would fail.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote_to_bytes

from fastapi.responses import JSONResponse

# Pages and API: only our own script files (htmx and app.js under /static), no inline script;
# 'unsafe-eval' because htmx evaluates hx-on attributes and trigger filters (and browser tests
# evaluate their predicates in the page); htmx adds one small <style> for its indicators.
APP_CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'self'; object-src 'none'; "
           "frame-ancestors 'none'")
# /docs: Swagger UI from /docs-assets (served by the app itself), started by one inline script.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            "frame-ancestors 'none'")
DOCS_PATHS = ("/docs",)
_COMMON = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"same-origin")]


class SecurityHeaders:
    """Adds nosniff, DENY framing, a referrer policy and a Content-Security-Policy to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        csp = DOCS_CSP if scope.get("path", "").startswith(DOCS_PATHS) else APP_CSP
        extra = [*_COMMON, (b"content-security-policy", csp.encode())]

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *((k, v) for k, v in extra if k not in present)]}
            await send(message)

        await self.app(scope, receive, with_headers)


# Cheap triggers on the raw bytes; only a body that trips one is decoded and walked.
_JSON_SUSPECT = re.compile(rb"\\u[dD][89a-fA-F]|\\u0000|\x00|\xed[\xa0-\xbf]")
_FORM_SUSPECT = re.compile(rb"%00|%[eE][dD]%[aAbB][0-9a-fA-F]|\x00")


class TextGuard:
    """Refuses NUL and lone surrogates with a 422 naming the field. Runs inside BodyLimit, so the
    JSON and form bodies it reads whole are bounded."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        problem = _url_problem(scope)
        if problem:
            return await _refuse(scope, send, problem)
        headers = dict(scope.get("headers") or [])
        ctype = headers.get(b"content-type", b"").lower()
        kind = "json" if b"json" in ctype else "form" if b"x-www-form-urlencoded" in ctype else None
        if kind is None or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        messages, body = [], b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        problem = (_json_problem if kind == "json" else _form_problem)(body)
        if problem:
            return await _refuse(scope, send, problem)
        replay = iter([{"type": "http.request", "body": body, "more_body": False}]
                      if messages and messages[-1]["type"] == "http.request" else messages)

        async def replayed():
            try:
                return next(replay)
            except StopIteration:
                return await receive()

        await self.app(scope, replayed, send)


def _url_problem(scope) -> str | None:
    raw = scope.get("raw_path") or b""
    if "\x00" in scope.get("path", "") or b"%00" in raw:
        return "网址路径含有空字符（U+0000）；请删除后重试"
    query = scope.get("query_string") or b""
    if b"\x00" in query or b"%00" in query:
        name = _param_with(query, b"\x00")
        return f"查询参数 {name} 含有空字符（U+0000），数据库无法保存；请删除后重试"
    return None


def _param_with(query: bytes, bad: bytes) -> str:
    for pair in query.split(b"&"):
        key, _, value = pair.partition(b"=")
        if bad in unquote_to_bytes(value.replace(b"+", b" ")):
            return unquote_to_bytes(key).decode("utf-8", "replace") or "（未命名）"
    return "（未命名）"


def _bad_char(text: str) -> str | None:
    if "\x00" in text:
        return "空字符（U+0000），数据库无法保存"
    for ch in text:
        if "\ud800" <= ch <= "\udfff":
            return f"单独的 UTF-16 代理项（U+{ord(ch):04X}），不是有效的 Unicode 字符"
    return None


def _walk(value, path: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        bad = _bad_char(value)
        return (path or "body", bad) if bad else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _walk(key, path) if _bad_char(key) else _walk(item, f"{path}.{key}" if path else key)
            if found:
                return found
    if isinstance(value, list):
        for n, item in enumerate(value):
            found = _walk(item, f"{path}.{n}" if path else str(n))
            if found:
                return found
    return None


def text_problem(data) -> str | None:
    """What is wrong with parsed JSON data (an uploaded file's), in the words of the 422, or None."""
    found = _walk(data, "")
    return f"字段 {found[0]} 含有{found[1]}；请删除该字符后重新提交" if found else None


def _json_problem(body: bytes) -> str | None:
    if not _JSON_SUSPECT.search(body):
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the route's validation says so
    return text_problem(data)


def _form_problem(body: bytes) -> str | None:
    if not _FORM_SUSPECT.search(body):
        return None
    for pair in body.split(b"&"):
        key, _, value = pair.partition(b"=")
        raw = unquote_to_bytes(value.replace(b"+", b" "))
        name = unquote_to_bytes(key.replace(b"+", b" ")).decode("utf-8", "replace") or "（未命名）"
        if b"\x00" in raw:
            return f"表单字段 {name} 含有空字符（U+0000），数据库无法保存；请删除后重新提交"
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return f"表单字段 {name} 不是有效的 UTF-8 文本；请删除无法显示的字符后重新提交"
    return None


async def _refuse(scope, send, message: str) -> None:
    body = JSONResponse({"error": {"status": 422, "message": message, "details": []}}, status_code=422)
    await body(scope, None, send)
