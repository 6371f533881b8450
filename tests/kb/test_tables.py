"""Plain tables (.csv) read within limits: rows and columns past them are refused, blank ones dropped."""

from __future__ import annotations

import time

import pytest

from kb.errors import InvalidInput, TooLarge
from kb.sheets import SheetLimits
from kb.tables import read_table


def test_millions_of_blank_lines_are_read_quickly_and_dropped(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes("指标编码,三级指标\n".encode() + b"\n" * 4_900_000)
    t0 = time.perf_counter()
    assert read_table(path, limits=SheetLimits(max_rows=50_000)) == (["指标编码", "三级指标"], [])
    assert time.perf_counter() - t0 < 5


def test_a_row_with_content_past_the_row_limit_is_refused(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("编码\n" + "\n" * 10 + "x\n", encoding="utf-8")
    with pytest.raises(TooLarge) as exc:
        read_table(path, limits=SheetLimits(max_rows=10))
    assert "第 12 行有内容，超过 10 行的上限" in exc.value.message


def test_a_row_wider_than_the_column_limit_is_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("编码\n" + ",".join(["x"] * 300) + "\n", encoding="utf-8")
    with pytest.raises(TooLarge) as exc:
        read_table(path, limits=SheetLimits(max_columns=200))
    assert "300 列，超过 200 列的上限" in exc.value.message


def test_a_field_longer_than_csv_allows_is_a_422(tmp_path):
    path = tmp_path / "field.csv"
    path.write_text('编码\n"' + "长" * 200_000 + '"\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        read_table(path)
    assert "不是有效的 CSV" in exc.value.message
