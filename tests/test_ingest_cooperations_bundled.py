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
    assert set(counts) == {entry[2] for entry in BUNDLED_LISTS}
    for row in rows:
        assert row.n == row.located == row.with_commune  # every point lies in a commune
    assert counts["france-pat-2025"].n == 44  # PATs whose perimeter touches the slice
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
            for relative, kind, source, *mapping in BUNDLED_LISTS:
                mapping_path = PROJECT_ROOT / "data" / "mappings" / mapping[0] if mapping else None
                report = import_cooperations(
                    conn,
                    DATA / relative,
                    kind=kind,
                    source=source,
                    mapping=mapping_path,
                    allow_join=True,
                )
                assert report.counts["inserted"] == report.counts["updated"] == 0
                assert report.counts["unchanged"] == report.accepted
        finally:
            transaction.rollback()


def test_bundled_boundaries_know_former_and_delegated_names(demo_engine):
    with demo_engine.connect() as conn:
        aliases = dict(
            conn.execute(
                text("SELECT name, code FROM commune_alias WHERE name IN ('Pléven', 'Plancoët')")
            ).all()
        )
        own = conn.execute(
            text(
                "SELECT count(*) FROM commune_alias a JOIN territory t ON t.level = 'commune' "
                "AND t.code = a.code AND t.name_search = a.name_search"
            )
        ).scalar_one()
    # Pléven became a commune déléguée of Val-d'Arguenon (22237) on 1 January 2025
    assert aliases.get("Pléven") == "22237"
    assert "Plancoët" not in aliases  # a current commune's own name is no alias
    assert own == 0
    with demo_engine.connect() as conn:
        frehel = set(
            conn.execute(text("SELECT name FROM commune_alias WHERE code = '22179'")).scalars()
        )
    # Pléhérel was renamed Fréhel (1973); Plévenon, merged in 1973, is its own commune again
    assert "Pléhérel" in frehel and "Plévenon" not in frehel


def test_rows_named_after_a_former_commune_are_located(conn, tmp_path):
    """A list naming a commune déléguée is placed in the current commune.

    A list naming a commune déléguée (no code, no coordinates) is placed in the current
    commune; a current commune of that name would win; unknown names stay rejected.
    """
    from geocoop.ingest.boundaries import ingest_boundaries
    from geocoop.ingest.boundaries_bundled import bundled_paths

    ingest_boundaries(conn, bundled_paths(PROJECT_ROOT / "data"), vintage="COG 2026")
    path = tmp_path / "anciens-noms.csv"
    path.write_text(
        "id,nom,commune,code_postal\n"
        "1,Épicerie de Pléven,Pléven,\n"
        "2,Tiers-lieu,PLEVEN,22130\n"
        "3,Café,Rennes,\n"
        "4,Nulle part,Commune-qui-n-existe-pas,\n",
        encoding="utf-8",
    )
    report = import_cooperations(conn, path, kind="tiers_lieu", source="anciens-noms")
    assert report.accepted == 3 and len(report.rejects) == 1
    assert "introuvable" in report.rejects[0].reason
    located = dict(
        conn.execute(
            text("SELECT source_id, commune_code FROM cooperation WHERE source = 'anciens-noms'")
        ).all()
    )
    assert located == {"1": "22237", "2": "22237", "3": "35238"}
