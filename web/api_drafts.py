"""Drafts kept on the server per user, through the JSON API."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["drafts"])
