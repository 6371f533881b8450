"""Errors handled in one place: JSON for the API, a page for full pages, a fragment for htmx.

Every API error has the shape {"error": {"status": int, "message": str, "details": [...]}}.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import KBError

log = logging.getLogger("kb.web")

_PROBLEMS = {
    "json_invalid": "the body is not valid JSON",
    "missing": "is required",
    "string_type": "must be text",
    "int_parsing": "must be a whole number",
    "float_parsing": "must be a number",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
}


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def describe_validation(errors: list[dict]) -> tuple[str, list[dict]]:
    details = []
    for err in errors:
        field = _field(err.get("loc", ()))
        problem = _PROBLEMS.get(err.get("type", ""), err.get("msg", "is not valid"))
        if err.get("type") == "json_invalid":
            ctx = err.get("ctx") or {}
            problem = f"the body is not valid JSON ({ctx.get('error', 'syntax error')} near character "\
                      f"{err.get('loc', ['', '?'])[-1]})"
            field = "body"
        details.append({"field": field, "problem": problem, "input": _short(err.get("input"))})
    message = "; ".join(f"{d['field']}: {d['problem']}" for d in details[:5])
    if len(details) > 5:
        message += f"; and {len(details) - 5} more"
    return message, details


def _short(value):
    if isinstance(value, str | int | float | bool) or value is None:
        text = value if not isinstance(value, str) else value[:80]
        return text
    return str(type(value).__name__)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, message: str, details: list | None = None):
    if _wants_html(request):
        templates = request.app.state.templates
        name = "_error.html" if request.headers.get("hx-request") else "error.html"
        return templates.TemplateResponse(request, name, {"status": status, "message": message,
                                                          "details": details or []}, status_code=status)
    return JSONResponse({"error": {"status": status, "message": message, "details": details or []}},
                        status_code=status)


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
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"nothing at {request.url.path}; the API lives under /api/v1 (see /docs)"
        if exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "an unexpected error occurred; it has been logged")


class BodyLimit:
    """ASGI middleware: refuse bodies larger than the limit with a 413, before reading them."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await self._too_large(scope, send, int(length))
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._too_large(scope, send, seen)

    async def _too_large(self, scope, send, size: int):
        body = JSONResponse({"error": {"status": 413, "message": f"the body of {size} bytes is larger than the "
                                       f"limit of {self.max_bytes} bytes; send fewer documents per request",
                                       "details": []}}, status_code=413)
        await body(scope, None, send)


class _TooLarge(Exception):
    pass


__all__ = ["install", "BodyLimit", "error_response", "describe_validation"]
