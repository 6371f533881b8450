"""Errors handled in one place: JSON for the API, a page for full pages, a fragment for htmx.

Every API error has the shape {"error": {"status": int, "message": str, "details": [...]}}.
"""

from __future__ import annotations

import logging
import math
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import KBError

log = logging.getLogger("kb.web")

_PROBLEMS = {  # pydantic error type → what to write instead, in Chinese ({…} from the error's ctx)
    "missing": "必填",
    "string_type": "应为文本",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "finite_number": "应为有限的数字（NaN、Infinity 不是数值）",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "less_than_equal": "不能大于 {le}",
    "less_than": "应小于 {lt}",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "应大于 {gt}",
    "string_too_long": "最多 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "literal_error": "应为 {expected} 之一",
    "enum": "应为 {expected} 之一",
}


# What Starlette and FastAPI say when a body cannot be parsed (first sentence), in Chinese.
_BODY_ERRORS = {
    "There was an error parsing the body": "请求体无法解析（JSON 嵌套过深、表单或上传格式有误）；请检查后重新提交",
    "Too many files": "一次上传的文件过多（最多 1000 个）；请分批上传",
    "Too many fields": "表单字段过多（最多 1000 个）；请检查后重新提交",
    "Invalid multipart data": "上传的表单数据无法解析；请在网页上重新选择文件上传，或以 multipart/form-data 发送",
    "Missing boundary in multipart": "上传的表单数据缺少 boundary；请以 multipart/form-data 发送",
    "Field exceeded maximum size of 1024KB": "表单中有一项超过 1 MB（如一次粘贴的表格过大）；请分几次提交",
    "Part exceeded maximum size of 1024KB": "表单中有一项超过 1 MB；文件请作为附件上传，文字请分几次提交",
}


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "header")]
    return ".".join(parts) or "body"


def _problem(err: dict) -> str:
    template = _PROBLEMS.get(err.get("type", ""))
    if template:
        try:
            return template.format(**(err.get("ctx") or {}))
        except (KeyError, IndexError, ValueError):
            pass
    return str(err.get("msg", "无效")).removeprefix("Value error, ")


def describe_validation(errors: list[dict]) -> tuple[str, list[dict]]:
    details = []
    for err in errors:
        field = _field(err.get("loc", ()))
        problem = _problem(err)
        if err.get("type") == "json_invalid":
            ctx = err.get("ctx") or {}
            problem = f"请求体不是有效的 JSON（第 {err.get('loc', ['', '?'])[-1]} 个字符附近："\
                      f"{ctx.get('error', '语法错误')}）"
            field = "body"
        details.append({"field": field, "problem": problem, "input": _short(err.get("input"))})
    message = "；".join(f"{d['field']}：{d['problem']}" for d in details[:5])
    if len(details) > 5:
        message += f"；另有 {len(details) - 5} 处"
    return message, details


def _short(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN and Infinity are not JSON: show them as text
    if isinstance(value, str | int | float | bool) or value is None:
        return value if not isinstance(value, str) else value[:80]
    return str(type(value).__name__)


def json_safe(value):
    """A copy of an error body that JSON can always carry: non-finite numbers and objects as text,
    lone UTF-16 surrogates shown as their escape (the body is UTF-8)."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, bool | int) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {json_safe(str(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return json_safe(str(value))


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, message: str, details: list | None = None,
                   headers: dict | None = None):
    message, details = json_safe(message), json_safe(details or [])
    if status == 401 and _wants_html(request):  # a page that needs signing in: the sign-in page, then back
        target = "/login?" + urlencode({"next": request.url.path + (f"?{request.url.query}" if request.url.query
                                                                     else "")})
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    if _wants_html(request):
        templates = request.app.state.templates
        name = "_error.html" if request.headers.get("hx-request") else "error.html"
        return templates.TemplateResponse(request, name, {"status": status, "message": message,
                                                          "details": details}, status_code=status,
                                          headers=headers)
    return JSONResponse({"error": {"status": status, "message": message, "details": details}},
                        status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(KBError)
    async def _kb(request: Request, exc: KBError):
        return error_response(request, exc.status, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        message, details = describe_validation(exc.errors())
        return error_response(request, 422, message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "请求未能完成"
        if exc.status_code == 404 and message == "Not Found":
            message = f"没有 {request.url.path} 这个地址；JSON API 在 /api/v1 下（接口说明见 /docs），网页从 / 进入"
        if exc.status_code == 400:
            message = _BODY_ERRORS.get(message.split(".")[0], message)
        if exc.status_code == 405:
            allowed = (exc.headers or {}).get("Allow", "")
            message = f"{request.method} 不适用于 {request.url.path}；可用的方法：{allowed or '无'}"
        return error_response(request, exc.status_code, message, headers=exc.headers)

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError):
        return error_response(request, 422, "输入的数据嵌套层数过多（如成千上万层的 [[[…]]]），不是目标文档；"
                                            "请检查后重新提交")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "an unexpected error occurred; it has been logged")


class BodyLimit:
    """ASGI middleware: refuse bodies larger than the limit with a 413, before reading them when they
    declare their length, as soon as they pass it when they do not (chunked). The app may swallow
    the interruption (FastAPI turns any body error into a 400): its answer is then replaced."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await self._too_large(scope, send, int(length), declared=True)
        seen, over, started = 0, False, False

        async def limited():
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    over = True
                    raise _TooLarge()
            return message

        async def guarded_send(message):
            nonlocal started
            if over:
                return  # whatever the app answers to the cut-off body, the answer is the 413
            started = True
            await send(message)

        try:
            await self.app(scope, limited, guarded_send)
        except _TooLarge:
            pass
        if over and not started:
            await self._too_large(scope, send, seen)

    async def _too_large(self, scope, send, size: int, *, declared: bool = False):
        """The 413 in Chinese, as a page to a browser and as JSON to the API (`error_response`); a body sent in
        chunks is cut off at the limit, so only a declared length is told."""
        told = f"有 {size / 1e6:.1f} MB，" if declared else ""
        message = (f"提交的内容{told}超过 {self.max_bytes / 1e6:g} MB 的上限（KB_MAX_BODY_BYTES）；"
                   "请分几次提交：一次少传几个文件或几份文档")
        await error_response(Request(scope), 413, message)(scope, None, send)


class _TooLarge(Exception):
    pass


__all__ = ["install", "BodyLimit", "error_response", "describe_validation"]
