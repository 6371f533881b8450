"""The built-in library as knowledge-base rows."""

from __future__ import annotations

from pathlib import Path

from indicators.library import LIBRARY_DIR, Library, load_library
from kb.models import Category, Direction, IndicatorBase, Subcategory
from kb.store import LibraryRows


def library_rows(lib: Library) -> LibraryRows:
    rows = LibraryRows()
    cats: dict[str, Category] = {}
    subs: dict[str, Subcategory] = {}
    for d in lib.directions:
        cats.setdefault(d.category_code, Category(code=d.category_code, name=d.category, common=d.common))
        subs.setdefault(d.subcategory_code, Subcategory(code=d.subcategory_code, name=d.subcategory,
                                                        category_code=d.category_code))
        rows.directions.append(Direction(code=d.code, name=d.name, summary=d.summary, keywords=list(d.keywords),
                                         function_codes=list(d.function_codes),
                                         subcategory_code=d.subcategory_code, category_code=d.category_code))
    for r in lib.retired_subcategories:  # codes no longer in use stay, pointing at their successor
        subs.setdefault(r.code, Subcategory(code=r.code, name=r.name, category_code=r.category_code,
                                            superseded_by=r.superseded_by))
    rows.categories, rows.subcategories = list(cats.values()), list(subs.values())
    stored = set(IndicatorBase.model_fields)
    rows.indicators = [IndicatorBase.model_validate(i.model_dump(include=stored)) for i in lib.indicators]
    return rows


def builtin_rows(directory: Path = LIBRARY_DIR) -> tuple[LibraryRows, str]:
    """(rows, fingerprint) of the validated built-in library."""
    lib = load_library(directory)
    return library_rows(lib), lib.fingerprint
