"""A knowledge base over the fixture library plus part of the built-in 部门整体 (902) file, for tests of
department goals, pages and filters on the 部门整体 framework."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from indicators.library import LIBRARY_DIR
from kb.settings import Settings
from services.bootstrap import initialise
from tests.conftest import FIXTURE_LIBRARY, make_settings


def department_settings(root: Path) -> Settings:
    """Fixture library + 902's first subcategory (行政机关) cut to its first two directions
    (综合管理类机关 9020101, 执法监管类部门 9020102), initialised under `root`."""
    library = root / "library"
    shutil.copytree(FIXTURE_LIBRARY, library)
    data = yaml.safe_load((LIBRARY_DIR / "902-bumenzhengti.yaml").read_text(encoding="utf-8"))
    data["subcategories"] = data["subcategories"][:1]
    data["subcategories"][0]["directions"] = data["subcategories"][0]["directions"][:2]
    (library / "902-bumenzhengti.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings = make_settings(root / "kb")
    initialise(settings, library_dir=library)
    return settings
