"""The bundled cooperation lists (data/cooperations) load on the bundled boundaries."""

from __future__ import annotations

from sqlalchemy import text

from geocoop.config import PROJECT_ROOT
from geocoop.ingest.cooperations import import_cooperations
from geocoop.ingest.cooperations_bundled import BUNDLED_LISTS, load_bundled

DATA = PROJECT_ROOT / "data" / "cooperations"


def test_bundled_lists_are_loaded(demo_engine):
    with demo_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT source, count(*) AS n, count(location) AS located, "
                "count(*) FILTER (WHERE commune_code IS NOT NULL) AS with_commune "
                "FROM cooperation GROUP BY source"
            )
        ).all()
        runs = conn.execute(
            text(
                "SELECT source, accepted, rejected, rejects FROM ingest_run "
                "WHERE target = 'cooperations' AND status = 'done'"
            )
        ).all()
    counts = {r.source: r for r in rows}
    assert set(counts) == {source for _, _, source in BUNDLED_LISTS}
    for row in rows:
        assert row.n == row.located == row.with_commune  # every point lies in a commune
    for run in runs:
        # the slice was cut to the bundled territory: every record finds its place
        assert run.rejected == 0, run.rejects
    assert counts["cget-tiers-lieux-2019"].n == 89
    assert counts["anct-france-services-2024"].n == 159
    assert counts["anct-france-services-2020"].n == 38


def test_bundled_step_is_idempotent(demo_engine):
    lines = list(load_bundled(demo_engine, PROJECT_ROOT / "data"))
    assert all("déjà chargé" in line for line in lines), lines


def test_reimporting_a_bundled_list_changes_nothing(demo_engine):
    with demo_engine.connect() as conn:
        transaction = conn.begin()
        try:
            for relative, kind, source in BUNDLED_LISTS:
                report = import_cooperations(conn, DATA / relative, kind=kind, source=source)
                assert report.counts["inserted"] == report.counts["updated"] == 0
                assert report.counts["unchanged"] == report.accepted
        finally:
            transaction.rollback()
