"""Who is asking: an API token (`Authorization: Bearer …`) for machines, a sign-in session cookie
for people, and the role a route needs.

A write made with the session cookie must carry that session's CSRF token (the `X-CSRF-Token`
header, which every htmx request sends, or a `csrf_token` form field), so another site cannot
make a signed-in browser act; the cookie is also SameSite=Lax and HttpOnly.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from kb import accounts
from kb.accounts import ROLES, User
from kb.errors import Forbidden, Unauthorized

SESSION_COOKIE = "kb_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _lookup(engine, bearer: str | None, sid: str | None) -> tuple[User | None, str | None, bool]:
    """(user, csrf token or None for a bearer token, whether a credential was offered)."""
    with Session(engine) as session:
        if bearer is not None:
            return accounts.user_for_token(session, bearer), None, True
        if sid:
            found = accounts.session_user(session, sid)
            return (found[0], found[1], True) if found else (None, None, True)
    return None, None, False


async def identify(request: Request) -> tuple[User | None, str | None]:
    """The signed-in user and their CSRF token, looked up once per request."""
    cached = getattr(request.state, "identity", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    bearer = token.strip() if header and scheme.lower() == "bearer" else None
    if header and bearer is None:
        raise Unauthorized("Authorization 头的格式应为 “Bearer <令牌>”；令牌由 kb user add 生成")
    sid = request.cookies.get(SESSION_COOKIE)
    if bearer is None and not sid:
        request.state.identity = (None, None)
        return request.state.identity
    user, csrf, offered = await run_in_threadpool(_lookup, request.app.state.engine, bearer, sid)
    if bearer is not None and user is None:
        raise Unauthorized("API 令牌无效或所属用户已停用；请向管理员索取新令牌（kb user token 用户名）")
    request.state.identity = (user, csrf)
    return request.state.identity


def identity_now(request: Request) -> tuple[User | None, str | None]:
    """The identity for a page that did not ask for it (to show who is signed in): looked up here,
    from a plain `def` route's thread, when a session cookie came."""
    cached = getattr(request.state, "identity", None)
    if cached is None:
        sid = request.cookies.get(SESSION_COOKIE)
        user, csrf, _ = _lookup(request.app.state.engine, None, sid) if sid else (None, None, False)
        cached = request.state.identity = (user, csrf)
    return cached


async def _check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get("csrf_token")
    if not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise Forbidden("页面已过期或请求来自其他网站，未执行；请刷新页面后重试")


async def optional_user(request: Request) -> User | None:
    user, csrf = await identify(request)
    if user is not None and csrf is not None and request.method not in SAFE_METHODS:
        await _check_csrf(request, csrf)
    return user


async def current_user(request: Request) -> User:
    user = await optional_user(request)
    if user is None:
        if request.url.path.startswith("/api/"):
            raise Unauthorized("此操作需要登录：请在请求头加 Authorization: Bearer <令牌>（令牌由 kb user add 生成）")
        raise Unauthorized("请先登录")
    return user


def require_role(*roles: str):
    names = "或".join(ROLES[r] for r in roles)

    async def dependency(user: Annotated[User, Depends(current_user)]) -> User:
        if user.role not in roles:
            raise Forbidden(f"此操作需要{names}角色；{user.name} 的角色是{ROLES.get(user.role, user.role)}")
        return user

    return dependency


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]
ReviewerUser = Annotated[User, Depends(require_role("admin", "reviewer"))]
AdminUser = Annotated[User, Depends(require_role("admin"))]
