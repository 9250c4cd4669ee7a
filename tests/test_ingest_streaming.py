"""Streaming imports: a CSV's rows are read from disk as they are validated and copied.

Never held in memory all at once (the 10^6-row figure is benchmarks/bench_streaming.py).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from geocoop.ingest.cooperations import import_cooperations
from geocoop.ingest.tabular import open_csv, read_csv
from tests.support.memory import peak_mb


def write_rows(path: Path, rows: int, extra: str = "") -> Path:
    """`rows` cooperations with coordinates (in the synthetic communes' area or not.

    The importer keeps points outside any commune), then `extra` lines.
    """
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("id;nom;latitude;longitude;description\n")
        for i in range(rows):
            handle.write(
                f"{i};Coopération n°{i};{47 + (i % 100) / 500:.5f};{-1.6 + (i % 97) / 300:.5f};"
                f"{'un texte libre, assez long pour peser dans la mémoire ' * 50}({i})\n"
            )
        handle.write(extra)
    return path




def test_a_streamed_csv_holds_one_row_at_a_time(tmp_path):
    path = write_rows(tmp_path / "big.csv", 3000, extra="\n1;2\n\n7000;Dernière;47;-1.5;x\n")
    whole, whole_mb = peak_mb(lambda: read_csv(path))
    table = open_csv(path)
    streamed, streamed_mb = peak_mb(lambda: sum(1 for _ in table.rows))
    assert streamed == len(whole.rows) == 3001
    assert streamed_mb < whole_mb / 3, (streamed_mb, whole_mb)
    # The stream can be read again (the import reads it twice when codes may be
    # perimeters), and each reading refills its malformed and blank rows.
    again = list(table.rows)
    assert again == whole.rows
    assert table.bad_rows == whole.bad_rows and [b[0] for b in table.bad_rows] == [3003]
    assert table.blank_rows == whole.blank_rows == 2
    assert table.rows_read() == whole.rows_read() == 3002


def test_an_import_streams_its_rows_into_copy(communes, tmp_path):
    extra = "5;Doublon;47.1;-1.5;x\n9001;;47.1;-1.5;sans nom\n9002;Trop;47;-1;a;b;c\n"
    small = write_rows(tmp_path / "petite.csv", 500, extra=extra)
    large = write_rows(tmp_path / "grande.csv", 2000, extra=extra)
    held_mb = peak_mb(lambda: read_csv(large))[1] - peak_mb(lambda: read_csv(small))[1]
    _, small_mb = peak_mb(lambda: import_cooperations(communes, small, kind="tiers_lieu"))
    report, large_mb = peak_mb(
        lambda: import_cooperations(communes, large, kind="tiers_lieu", source="flux")
    )
    # 1,500 more rows cost the import far less than holding them would (the fixed costs
    # of an import, its territory index and statements, are the same for both files).
    assert large_mb - small_mb < held_mb / 4, (small_mb, large_mb, held_mb)
    assert report.accepted == 2000
    assert report.counts["rows_read"] == 2003
    assert report.counts["inserted"] == 2000
    assert sorted(r.line for r in report.rejects) == [2002, 2003, 2004]
    reasons = {r.line: r.reason for r in report.rejects}
    assert "identifiant en double « 5 » (déjà ligne 7)" in reasons[2002]
    assert reasons[2003] == "nom manquant" and "champ(s)" in reasons[2004]
    assert report.counts["by_precision"]["coordinates"] == 2000
    stored = communes.execute(
        text("SELECT count(*) FROM cooperation WHERE source = 'flux'")
    ).scalar_one()
    assert stored == 2000
