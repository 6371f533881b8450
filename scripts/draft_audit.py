"""Which direction the drafter chooses for the projects county departments commonly fund.

usage: KB_DATA_DIR=<initialised data dir> python scripts/draft_audit.py [TITLES.tsv]

Each line of the titles file (default scripts/draft_audit_titles.tsv) is a project title and a
one-line description, tab-separated. Prints, per project, the direction(s) chosen, whether the
choice is confident (Y) or a guess (n), and whether the draft fell back to the project-general
indicators; then the counts. Read the list for wrong choices: the script cannot tell a right guess
from a wrong one."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from indicators.directions import choose_directions
from indicators.framework import GENERIC_DIRECTION
from indicators.goals import Project
from kb.db import get_engine
from kb.settings import get_settings
from search.service import SearchService


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("draft_audit_titles.tsv")
    settings = get_settings()
    service = SearchService.open(settings, get_engine(settings))
    counts: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        name, _, description = line.partition("\t")
        directions, confident = choose_directions(Project(name=name, description=description or None), service)
        generic = [d.code for d in directions] == [GENERIC_DIRECTION]
        kind = "generic" if generic else "confident" if confident else "guess" if directions else "none"
        counts[kind] += 1
        print(f"{'Y' if confident else 'n'}  {name}  →  {' + '.join(d.name for d in directions) or '—'}")
    print(dict(counts))


if __name__ == "__main__":
    main()
