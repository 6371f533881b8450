"""What goal checking and drafting need from the indicator library and its search engine.

The search package implements this (`search.service.SearchService`); the checker and the
drafter depend only on these protocols, so `indicators` never imports `search`. A lookup may
also keep history (`History`): last year's actuals of the same project, which the checker takes
as the baselines a document left blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from indicators.goals import GoalDocument


class LibraryIndicator(Protocol):
    code: str
    name: str
    level1: str
    level2: str
    unit: str
    operator: str          # ≥ ≤ = 定性
    typical: str           # e.g. "≥95%", may be ""
    basis: str
    explanation: str
    formula: str
    direction: str
    direction_code: str
    subcategory: str
    category: str
    common: bool           # a 共性 / 部门整体 indicator, valid for any project
    cost_low: float | None  # usual unit-cost range, in `unit`, for cost indicators
    cost_high: float | None


class LibraryHit(LibraryIndicator, Protocol):
    score: float


class Direction(Protocol):
    code: str
    name: str
    summary: str
    subcategory: str
    category: str
    common: bool
    function_codes: tuple[str, ...]  # the 支出功能分类 款/项 its projects are budgeted under


class Lookup(Protocol):
    directions: Mapping[str, Direction]   # every active direction, by code

    def search(self, query: str, *, k: int = 10, mode: str = "hybrid", context: str | None = None,
               category: str | None = None, subcategory: str | None = None, direction: str | None = None,
               level1: str | None = None, level2: str | None = None,
               function_code: str | None = None) -> list[LibraryHit]:
        """Best library indicators for a query; mode is hybrid, lexical (≈1 ms) or semantic.
        `context` is the project's name (and description): indicators fitting that kind of
        project rank first. `function_code`: only directions budgeted under that 支出功能分类
        code (or, when none is, its 款 or 类)."""

    def near_directions(self, text: str, k: int = 20) -> tuple[str, ...]:
        """The codes of the k directions closest to a project's (or unit's) text, closest first."""

    def prepare_queries(self, queries: list[str]) -> None:
        """Embed in batches the queries about to be searched in hybrid mode (a batch costs little more than one)."""

    def similarity(self, text: str, others: list[str]) -> list[float]:
        """Cosine similarity of `text` to each of `others` with the dense encoder (cached; ~13 ms per new text)."""

    def resolve_direction(self, text: str) -> Direction | None:
        """The library direction a code or name refers to (exact code or name, else None)."""

    def suggest_directions(self, text: str, *, k: int = 3,
                           function_code: str | None = None) -> list[tuple[Direction, float]]:
        """Directions that best fit a project's free text (name, description), best first; with
        `function_code`, among those budgeted under it."""

    def named_directions(self, text: str) -> list[Direction]:
        """Directions the text names by a word of theirs that no other direction uses."""

    def direction_indicators(self, code: str) -> list[LibraryIndicator]:
        """All active indicators of a direction, in library order."""


class History(Protocol):
    def last_actuals(self, doc: GoalDocument) -> dict[int, object]:
        """Last year's evaluated actual of each indicator of this project (the same project name and
        department in an earlier budget year, the indicator matched by name): index → the actual as
        entered. {} when the project was never evaluated."""


    def approved_spread(self, code: str, name: str, unit: str) -> tuple[float, float, int] | None:
        """(lowest, highest, how many) of the targets approved goals set for a library indicator (its
        code or a row of the same name), in `unit`; None when too few approved goals used it."""


def last_actuals(lookup: object, doc: GoalDocument) -> dict[int, object]:
    """The history a lookup keeps of this project, or none: keeping history is optional."""
    method = getattr(lookup, "last_actuals", None)
    return method(doc) if callable(method) else {}


def approved_spread(lookup: object, code: str, name: str, unit: str) -> tuple[float, float, int] | None:
    """The spread of approved targets a lookup that keeps history knows for an indicator, or None."""
    method = getattr(lookup, "approved_spread", None)
    return method(code, name, unit) if callable(method) else None
