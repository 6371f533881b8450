"""Who the caller is: lets the budget system check its token before it files anything."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from kb.accounts import ROLES
from web.auth import CurrentUser

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class Me(BaseModel):
    name: str
    role: str
    role_label: str
    department: str


@router.get("/me", response_model=Me)
def me(user: CurrentUser) -> Me:
    """The user the token (or the web session) belongs to; 401 without one."""
    return Me(name=user.name, role=user.role, role_label=ROLES.get(user.role, user.role), department=user.department)
