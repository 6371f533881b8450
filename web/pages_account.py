"""Signing in and out of the web UI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from kb import accounts
from kb.db import session_scope
from web.auth import SESSION_COOKIE, OptionalUser
from web.render import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no //evil.example."""
    target = target or "/"
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str = "/"):
    return render(request, "login.html", {"next": _safe_next(next), "signed_in": user})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, name: Annotated[str, Form(max_length=64)] = "",
          password: Annotated[str, Form(max_length=256)] = "", next: Annotated[str, Form(max_length=500)] = "/"):
    with session_scope(request.app.state.engine) as session:
        user = accounts.verify_login(session, name=name, password=password)
        sid = accounts.open_session(session, user=user)[0] if user else None
    if sid is None:
        return render(request, "login.html", {"next": _safe_next(next), "failed": True, "name": name},
                      status_code=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, sid, max_age=accounts.SESSION_DAYS * 86400, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
def logout(request: Request, user: OptionalUser):
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        with Session(request.app.state.engine) as session:
            accounts.close_session(session, sid)
            session.commit()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
