"""Times: stored in UTC, shown and answered in Beijing time (UTC+8, no daylight saving)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "北京时间")


def in_beijing(moment: datetime) -> datetime:
    """A stored time in Beijing time; a naive one is UTC (as SQLite gives it back)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(BEIJING)


def beijing_text(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """2026-07-31 09:30 for a person to read; empty for no time."""
    return "" if moment is None else in_beijing(moment).strftime(fmt)


def beijing_iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the +08:00 offset, for the API: 2026-12-03T18:05:00+08:00."""
    return None if moment is None else in_beijing(moment).isoformat(timespec="seconds")
