"""Review seasons through the JSON API: file many goal documents, follow the check, decide, resubmit, export."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["reviews"])
