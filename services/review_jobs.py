"""The season check in the background: whichever server process sharing the database claims a
running review checks its unchecked projects chunk by chunk, committing after each chunk.

A claim is one conditional UPDATE (the review is running and unclaimed, or its claimant's
heartbeat is older than `STALE_SECONDS`), so two processes never check the same review at once.
Every chunk commits only while its worker still holds the claim; a process killed with kill -9
loses at most the chunk it was checking, which the next claimant checks again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from pydantic import ValidationError
from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from indicators.checker import check_goal
from indicators.goals import CheckResult, GoalDocument
from indicators.lookup import Lookup
from kb.reviews import ProjectVersion, Review, ReviewProject
from services.history import with_history

log = logging.getLogger("kb.reviews")

STALE_SECONDS = 30.0  # a claim whose heartbeat is older than this is taken over by another worker
SEVERITIES = ("error", "warning", "info")


def _now() -> datetime:
    return datetime.now(UTC)


def worker_name() -> str:
    """A name for this process's worker, unique across replicas and restarts."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def check_document(document: dict, lookup: Lookup | None) -> tuple[GoalDocument, CheckResult]:
    """The stored document, validated again, and its check."""
    doc = GoalDocument.model_validate(document)
    return doc, check_goal(doc, lookup)


def result_json(doc: GoalDocument, result: CheckResult) -> dict:
    """The check as stored in ProjectVersion.result: score, grade, findings (with the indicator's name)."""
    data = result.model_dump()
    for finding in data["findings"]:
        n = finding.get("indicator")
        finding["indicator_name"] = doc.indicators[n].name if n is not None and n < len(doc.indicators) else ""
    return data


def summary_columns(result: dict) -> dict:
    """ReviewProject's columns that summarise a check, so the list filters and sorts in the database."""
    findings = result.get("findings") or []
    codes = sorted({f["code"] for f in findings})
    return {"checked": True, "score": result["score"], "grade": result["grade"],
            "submittable": result["submittable"],
            "errors": sum(f["severity"] == "error" for f in findings),
            "warnings": sum(f["severity"] == "warning" for f in findings), "codes": codes}


UNREADABLE = "DOC_UNREADABLE"  # a stored document the checker could not check (not a checker finding code)


def failed_result(reason: str) -> dict:
    """The check of a stored document that could not be checked: one error saying why."""
    finding = {"code": UNREADABLE, "severity": "error", "message": f"文档无法读取：{reason}",
               "indicator": None, "suggestion": "请按模板重新提交该项目", "refs": [], "indicator_name": ""}
    return {"findings": [finding], "score": 0, "grade": "差", "submittable": False, "rationale": []}


def check_stored(document: dict, lookup: Lookup | None) -> dict:
    """The stored check of a document; one that cannot be checked gets an error finding saying so,
    so a season always finishes (the cause is logged)."""
    try:
        doc, result = check_document(document, lookup)
    except ValidationError as exc:  # valid when filed; the document model has changed since
        return failed_result(str(exc.errors()[0].get("msg", "格式不符")))
    except Exception as exc:
        log.exception("checking a stored document failed")
        return failed_result(f"检查时出错（{type(exc).__name__}）；请联系管理员查看服务日志")
    return result_json(doc, result)


def checked_count(review_id: int):
    """How many of a review's projects are checked, as a subquery for an UPDATE of its progress."""
    return select(func.count()).select_from(ReviewProject).where(
        col(ReviewProject.review_id) == review_id, col(ReviewProject.checked).is_(True)).scalar_subquery()


def _claim(session: Session, review_id: int, worker: str) -> bool:
    now = _now()
    stale = now - timedelta(seconds=STALE_SECONDS)
    claimed = session.execute(
        update(Review).where(col(Review.id) == review_id, col(Review.status) == "running",
                             (col(Review.worker).is_(None)) | (col(Review.worker) == worker)
                             | (col(Review.heartbeat) < stale))
        .values(worker=worker, heartbeat=now))
    session.commit()
    return claimed.rowcount == 1


class Pool(Protocol):
    """Checks documents elsewhere (services.review_pool.CheckPool: a process per core)."""

    processes: int
    smallest: int  # fewer unchecked projects than this are checked here

    def check(self, documents: list[dict], version: int | None) -> list[dict]: ...

    def close(self) -> None: ...


def _check_chunk(session: Session, review_id: int, worker: str, lookup: Lookup | None, chunk: int,
                 pool: Pool | None = None) -> int | None:
    """Check up to `chunk` unchecked projects and commit; 0 when none are left, None when the claim was lost."""
    rows = session.exec(
        select(ReviewProject.id, ReviewProject.version, ProjectVersion.id, ProjectVersion.document)
        .join(ProjectVersion, (col(ProjectVersion.project_id) == col(ReviewProject.id))
              & (col(ProjectVersion.number) == col(ReviewProject.version)))
        .where(col(ReviewProject.review_id) == review_id, col(ReviewProject.checked).is_(False))
        .order_by(col(ReviewProject.seq)).limit(chunk)).all()
    session.rollback()  # no transaction held open while checking
    if not rows:
        return 0
    if pool is not None:
        version = (getattr(lookup, "manifest", None) or {}).get("library_version")
        results = pool.check([document for *_, document in rows], version)
    else:
        results = [check_stored(document, lookup) for *_, document in rows]
    checked = [(pid, number, vid, result) for (pid, number, vid, _), result in zip(rows, results, strict=True)]
    for pid, number, vid, result in checked:
        # a resubmission checked meanwhile has moved the project to a newer version: leave it be
        moved = session.execute(update(ReviewProject).where(
            col(ReviewProject.id) == pid, col(ReviewProject.version) == number,
            col(ReviewProject.checked).is_(False)).values(**summary_columns(result)))
        if moved.rowcount:
            session.execute(update(ProjectVersion).where(col(ProjectVersion.id) == vid).values(result=result))
    held = session.execute(update(Review).where(col(Review.id) == review_id, col(Review.worker) == worker)
                           .values(done=checked_count(review_id), heartbeat=_now()))
    if held.rowcount != 1:
        session.rollback()
        log.warning("review %s: claim lost to another worker; chunk not saved", review_id)
        return None
    session.commit()
    return len(checked)


def _finish(session: Session, review_id: int, worker: str) -> None:
    session.execute(update(Review).where(col(Review.id) == review_id, col(Review.worker) == worker)
                    .values(status="done", finished_at=_now(), heartbeat=_now()))
    session.commit()


def _release(session: Session, review_id: int, worker: str) -> None:
    session.execute(update(Review).where(col(Review.id) == review_id, col(Review.worker) == worker)
                    .values(worker=None, heartbeat=None))
    session.commit()


def run_checks(engine: Engine, lookup: Lookup | None, *, worker: str, review_id: int | None = None,
               chunk: int = 50, max_chunks: int | None = None, stop: threading.Event | None = None,
               pool: Pool | None = None) -> int:
    """Claim running reviews (all, or `review_id`) that no live worker holds and check their unchecked
    projects chunk by chunk; a review with none left is marked done. Returns the projects checked.
    `max_chunks` stops after that many chunks, `stop` when it is set (the claim then stays until its
    heartbeat goes stale, or this worker comes back to it). With `pool`, a review with at least
    `pool.smallest` unchecked projects is checked there, each chunk shared among its processes."""
    total = 0
    chunks = 0
    lookup = with_history(lookup, engine)  # last year's actuals become the baselines a document left blank
    with Session(engine) as session:
        query = select(Review.id).where(col(Review.status) == "running").order_by(col(Review.id))
        if review_id is not None:
            query = query.where(col(Review.id) == review_id)
        candidates = list(session.exec(query).all())
        session.rollback()
        for rid in candidates:
            if not _claim(session, rid, worker):
                continue
            unchecked = session.exec(select(func.count()).select_from(ReviewProject).where(
                col(ReviewProject.review_id) == rid, col(ReviewProject.checked).is_(False))).one()
            session.rollback()
            use = pool if pool is not None and unchecked >= pool.smallest else None
            while True:
                if stop is not None and stop.is_set():
                    _release(session, rid, worker)  # shutting down: another replica may take it at once
                    return total
                if max_chunks is not None and chunks >= max_chunks:
                    return total
                n = _check_chunk(session, rid, worker, lookup, chunk, use)
                if n is None:
                    break
                if n == 0:
                    _finish(session, rid, worker)
                    break
                total += n
                chunks += 1
    return total


class CheckWorker:
    """The background thread of one server process: runs `run_checks` whenever woken (a filing) or
    every `poll` seconds (a review filed through another replica, or left by a crashed one)."""

    def __init__(self, engine: Engine, lookup: Callable[[], Lookup | None], *, poll: float = 2.0,
                 pool: Pool | None = None):
        self.engine = engine
        self.lookup = lookup
        self.poll = poll
        self.pool = pool
        self.name = worker_name()
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="review-checks", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def close(self, timeout: float = 10.0) -> None:
        self.stop.set()
        self.wake.set()
        self.thread.join(timeout)
        if self.pool is not None:
            self.pool.close()

    def _loop(self) -> None:
        while not self.stop.is_set():
            lookup = self.lookup()
            if lookup is not None:  # the search engine is still loading: wait, do not check without it
                try:
                    run_checks(self.engine, lookup, worker=self.name, stop=self.stop, pool=self.pool)
                except Exception:  # the loop keeps serving; the review stays claimable and is retried
                    log.exception("review check failed; retrying in %s s", self.poll)
            self.wake.wait(self.poll)
            self.wake.clear()
