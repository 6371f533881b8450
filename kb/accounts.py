"""Accounts: users with a role, API tokens for machines, sign-in sessions for the web UI.

Secrets are never stored: passwords as argon2 hashes (argon2-cffi, the reference
implementation's binding), API tokens and session ids as SHA-256 digests, so a copied
database or backup does not let anyone sign in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Field, Session, SQLModel, col, select

from kb.errors import Conflict, InvalidInput, NotFound

ROLES = {"admin": "管理员", "reviewer": "审核人", "department": "填报部门"}
SESSION_DAYS = 7
_hasher = PasswordHasher()


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=64)
    role: str = Field(max_length=16)
    department: str = Field(default="", max_length=128, description="the unit a department user files for")
    password_hash: str = ""
    active: bool = True
    created_at: datetime = Field(default_factory=_now)


class ApiToken(SQLModel, table=True):
    digest: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=_now)


class LoginSession(SQLModel, table=True):
    digest: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    csrf: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=_now)
    expires_at: datetime = Field(default_factory=lambda: _now() + timedelta(days=SESSION_DAYS))


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 64 or any(not ch.isprintable() for ch in name):
        raise InvalidInput(f"用户名 {name!r} 不可用：请用 1 到 64 个可见字符（中文、字母、数字均可）")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"角色 {role!r} 不存在；可选 " + "、".join(f"{k}（{v}）" for k, v in ROLES.items()))
    return role


def check_password(password: str) -> str:
    if len(password or "") < 8:
        raise InvalidInput("密码至少 8 个字符")
    return password


def add_user(session: Session, *, name: str, role: str, password: str | None = None,
             department: str = "") -> tuple[User, str]:
    """A new user and their first API token (returned once, in clear; only its digest is kept)."""
    name, role = check_name(name), check_role(role)
    if get_user(session, name=name) is not None:
        raise Conflict(f"用户 {name} 已存在；要换角色或密码请用 kb user passwd / kb user role")
    user = User(name=name, role=role, department=department.strip(),
                password_hash=_hasher.hash(check_password(password)) if password else "")
    session.add(user)
    session.flush()
    return user, new_token(session, user=user)


def get_user(session: Session, *, name: str) -> User | None:
    return session.exec(select(User).where(User.name == name)).first()


def require_user(session: Session, *, name: str) -> User:
    user = get_user(session, name=name)
    if user is None:
        raise NotFound(f"没有用户 {name}；可用 kb user list 查看已有用户")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.name))))


def set_password(session: Session, *, user: User, password: str) -> None:
    user.password_hash = _hasher.hash(check_password(password))
    session.add(user)


def set_role(session: Session, *, user: User, role: str) -> None:
    user.role = check_role(role)
    session.add(user)


def new_token(session: Session, *, user: User) -> str:
    token = "kb_" + secrets.token_urlsafe(32)
    session.add(ApiToken(digest=_digest(token), user_id=user.id))
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.get(ApiToken, _digest(token)) if token else None
    user = session.get(User, row.user_id) if row else None
    return user if user is not None and user.active else None


def verify_login(session: Session, *, name: str, password: str) -> User | None:
    """The user when name and password match; None otherwise (the same for an unknown name, so the
    answer does not tell which names exist)."""
    user = get_user(session, name=(name or "").strip())
    if user is None or not user.active or not user.password_hash:
        _hasher.hash("timing-equaliser")  # as slow as a real check
        return None
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.add(user)
    return user


def open_session(session: Session, *, user: User) -> tuple[str, str]:
    """A sign-in session: (the cookie value, its CSRF token)."""
    sid, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    session.add(LoginSession(digest=_digest(sid), user_id=user.id, csrf=csrf))
    return sid, csrf


def session_user(session: Session, sid: str) -> tuple[User, str] | None:
    """(user, csrf token) of a live sign-in session, or None."""
    row = session.get(LoginSession, _digest(sid)) if sid else None
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    user = session.get(User, row.user_id)
    if expires < _now() or user is None or not user.active:
        return None
    return user, row.csrf


def close_session(session: Session, sid: str) -> None:
    row = session.get(LoginSession, _digest(sid)) if sid else None
    if row is not None:
        session.delete(row)
