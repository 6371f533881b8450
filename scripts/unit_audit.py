"""Which 部门整体 variant, duty directions and 履职效能 rows the drafter gives units by their names alone.

usage: KB_DATA_DIR=<initialised data dir> python scripts/unit_audit.py [NAMES.txt]

Each line of the names file (default scripts/unit_audit_names.txt) is a unit's name as a 部门整体 goal would carry
it. Prints, per unit, the variant chosen, whether it is confident (Y) or a guess (n), the project directions taken
as its duties, and the draft's 履职效能 rows; then how many units got each variant. Read the list for wrong choices:
the script cannot tell a right variant or duty from a wrong one."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from indicators.drafter import draft_goal
from indicators.goals import Project
from indicators.units import department_direction, duty_directions
from kb.db import get_engine
from kb.settings import get_settings
from search.service import SearchService


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("unit_audit_names.txt")
    settings = get_settings()
    service = SearchService.open(settings, get_engine(settings))
    counts: Counter[str] = Counter()
    for name in path.read_text(encoding="utf-8").split():
        project = Project(name=name, kind="department", budget=800)
        variants, confident = department_direction(project, service)
        duties = duty_directions(project, service)
        rows = [row.name for row in draft_goal(project, service).indicators if row.level1 == "履职效能"]
        variant = variants[0].name if variants else "—"
        counts[variant] += 1
        print(f"{'Y' if confident else 'n'}  {name}  →  {variant}  |  {'、'.join(d.name for d in duties) or '—'}"
              f"  |  {'、'.join(rows)}")
    print(dict(counts))


if __name__ == "__main__":
    main()
