"""Streamed XLSX imports: read once by openpyxl (read-only), rows iterated from disk.

The same rows as a CSV give the same import; a refused row names its sheet, row and field
(the 10^6-row figure is `python -m benchmarks.bench_streaming --format xlsx`).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from geocoop.errors import IngestError, LimitExceeded
from geocoop.ingest.cooperations import import_cooperations
from geocoop.ingest.report import write_rejects_csv
from geocoop.ingest.tabular import within_memory
from geocoop.ingest.tabular_xlsx import open_xlsx, read_xlsx
from tests.support.memory import peak_mb

HEADER = ["ID", "Nom", "Latitude", "Longitude", "Type", "Créée le", "Description"]
ROWS = 3000
LONG = "un texte libre, assez long pour peser dans la mémoire " * 4


def sheet_rows() -> list[list[object] | None]:
    """ROWS data rows as cell values (None: a blank row), with a few bad ones among them."""
    rows: list[list[object] | None] = []
    for i in range(ROWS):
        lat, lon = 47 + (i % 100) / 500, round(-1.6 + (i % 97) / 300, 5)
        rows.append([i, f"Coopération n°{i}", lat, lon, "Tiers-lieu", date(2020, 1, 1 + i % 28),
                     f"{LONG}({i})"])  # fmt: skip
    rows[10] = None  # a blank row
    rows[20][1] = None  # no name
    rows[30][4] = "Coopérative lunaire"  # unknown kind
    rows[40][0] = 5  # the id of row 7 again
    rows[50][2] = "au nord"  # unreadable latitude
    return rows


def cell_text(value: object) -> str:
    """The text a spreadsheet cell reads as (geocoop.ingest.tabular_xlsx._cell_text)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00"  # openpyxl reads a date cell as a datetime
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_both(folder: Path, rows, sheet: str = "Liste") -> tuple[Path, Path]:
    """The same rows as an XLSX sheet and as a CSV (same line numbers: header = 1)."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(HEADER)
    for row in rows:
        ws.append(row or [])
    xlsx = folder / "liste.xlsx"
    book.save(xlsx)
    path = folder / "liste.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for row in rows:
            if row is None:
                handle.write("\n")
            else:
                writer.writerow([cell_text(v) for v in row])
    return xlsx, path




def stored(conn, source: str) -> dict[str, tuple]:
    result = conn.execute(
        text(
            "SELECT source_id, name, kind_code, commune_code, location_precision, "
            "round(ST_X(location)::numeric, 6), round(ST_Y(location)::numeric, 6), attributes "
            "FROM cooperation WHERE source = :source"
        ),
        {"source": source},
    )
    return {r[0]: tuple(r[1:]) for r in result}


def test_an_xlsx_imports_as_the_same_csv(communes, tmp_path):
    xlsx, csv_path = write_both(tmp_path, sheet_rows())
    from_xlsx = import_cooperations(communes, xlsx, kind="tiers_lieu", source="classeur")
    from_csv = import_cooperations(communes, csv_path, kind="tiers_lieu", source="texte")
    assert from_xlsx.accepted == from_csv.accepted == ROWS - 5
    counts = ("rows_read", "blank_rows_skipped", "inserted", "by_precision", "unlocated")
    assert {k: from_xlsx.counts[k] for k in counts} == {k: from_csv.counts[k] for k in counts}
    # accepted + rejected = rows read (the blank row is neither)
    assert from_xlsx.counts["rows_read"] == ROWS - 1 == from_xlsx.accepted + 4
    assert from_xlsx.counts["blank_rows_skipped"] == 1
    assert [(r.line, r.field, r.reason) for r in from_xlsx.rejects] == [
        (r.line, r.field, r.reason) for r in from_csv.rejects
    ]
    assert [r.line for r in from_xlsx.rejects] == [22, 32, 42, 52]
    assert {r.sheet for r in from_xlsx.rejects} == {"Liste"}
    assert {r.sheet for r in from_csv.rejects} == {None}
    assert stored(communes, "classeur") == stored(communes, "texte")
    one = stored(communes, "classeur")["3"]
    assert one[-1]["Créée le"] == "2020-01-04T00:00:00"


def test_a_bad_cell_names_its_sheet_row_and_field(communes, tmp_path):
    rows = sheet_rows()[:40]
    xlsx, _ = write_both(tmp_path, rows, sheet="Tiers-lieux 2025")
    report = import_cooperations(communes, xlsx, kind="tiers_lieu")
    kind = next(r for r in report.rejects if r.line == 32)
    assert (kind.file, kind.sheet, kind.line, kind.field) == (
        "liste.xlsx", "Tiers-lieux 2025", 32, "Type"
    )
    assert "Coopérative lunaire" in kind.reason
    assert report.as_dict()["rejects"][0]["sheet"] == "Tiers-lieux 2025"
    out = tmp_path / "rejets.csv"
    write_rejects_csv(report, out)
    with open(out, encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    assert lines[0][:5] == ["file", "sheet", "line", "field", "reason"]
    assert ["liste.xlsx", "Tiers-lieux 2025", "32", "Type"] in [line[:4] for line in lines]


def test_an_unreadable_cell_names_its_sheet_and_row(tmp_path):
    from benchmarks.hostile import CASES

    path, _ = CASES["xlsx_nombre_illisible.xlsx"].build(tmp_path, 1)
    with pytest.raises(IngestError, match="illisible .*feuille « S », ligne 2"):
        open_xlsx(path)


def test_a_streamed_sheet_holds_one_row_at_a_time(tmp_path):
    xlsx, _ = write_both(tmp_path, sheet_rows())
    whole = read_xlsx(xlsx)
    table = open_xlsx(xlsx)
    # openpyxl's one pass is done: iterating holds one row at a time, against all of them
    # for a list (tracemalloc is kept off openpyxl's pass, which it slows tenfold).
    streamed, streamed_mb = peak_mb(lambda: sum(1 for _ in table.rows))
    held, held_mb = peak_mb(lambda: list(table.rows))
    assert streamed == len(whole.rows) == ROWS - 1
    assert streamed_mb < held_mb / 10, (streamed_mb, held_mb)
    # Read again (an import reads the rows more than once): the same rows, from the spool.
    assert held == whole.rows
    assert table.rows_read() == whole.rows_read() == ROWS - 1
    assert table.blank_rows == whole.blank_rows == 1
    assert whole.rows[0] == (
        2,
        {"ID": "0", "Nom": "Coopération n°0", "Latitude": "47", "Longitude": "-1.6",
         "Type": "Tiers-lieu", "Créée le": "2020-01-01T00:00:00", "Description": f"{LONG}(0)"},
    )  # fmt: skip


def test_the_memory_cap_names_the_sheet_and_row(tmp_path):
    xlsx, _ = write_both(tmp_path, sheet_rows()[:1600])
    table = open_xlsx(xlsx)

    def work():
        for line, _values in table.rows:
            if line == 1500:
                raise MemoryError  # what the job's RLIMIT_DATA makes an allocation raise

    with pytest.raises(LimitExceeded, match="liste.xlsx, feuille « Liste », ligne 1500 : mém"):
        within_memory(table, "liste.xlsx", work)


def test_the_server_settings_bound_a_workbook(communes, tmp_path):
    from geocoop.config import load_settings
    from geocoop.ingest.xlsx_guard import XlsxLimits

    xlsx, _ = write_both(tmp_path, sheet_rows()[:30])
    environ = {"GEOCOOP_XLSX_MAX_ROWS": "20", "GEOCOOP_XLSX_MAX_CELLS": "1000000"}
    tight = XlsxLimits.from_settings(load_settings(environ=environ))
    assert XlsxLimits.from_settings(load_settings(environ={})) == XlsxLimits()
    with pytest.raises(LimitExceeded, match="plus de 20 lignes"):
        import_cooperations(communes, xlsx, kind="tiers_lieu", xlsx_limits=tight)
    roomy = XlsxLimits(rows=31, cells=31 * len(HEADER))
    report = import_cooperations(communes, xlsx, kind="tiers_lieu", xlsx_limits=roomy)
    assert report.counts["rows_read"] == 29  # 30 rows, one of them blank
    with pytest.raises(LimitExceeded, match="plus de 200 cellules"):
        open_xlsx(xlsx, limits=XlsxLimits(cells=200))
    with pytest.raises(LimitExceeded, match="lecture arrêtée au bout de 0 s"):
        open_xlsx(xlsx, limits=XlsxLimits(budget_s=0))


def test_two_readings_of_a_sheet_may_interleave(tmp_path):
    xlsx, _ = write_both(tmp_path, sheet_rows()[:50])
    table = open_xlsx(xlsx)
    first, second = iter(table.rows), iter(table.rows)
    pairs = [(next(first)[0], next(second)[0]) for _ in range(3)]
    assert pairs == [(2, 2), (3, 3), (4, 4)]
    assert [line for line, _ in first][-1] == [line for line, _ in second][-1] == 51
