"""Changing the library through the JSON API: import with a dry run first, restore any version (admin)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["library"])
