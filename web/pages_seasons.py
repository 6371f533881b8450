"""The review season pages: file a season, follow its check, decide on projects, print opinions."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
