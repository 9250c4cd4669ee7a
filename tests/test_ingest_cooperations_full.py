"""Each real national list of cooperations imports against the national communes.

Each real national list of ../shared/data/cooperations imports against the national
communes (COG 2026, loaded once by the boundaries loader: about a minute); the report gives
rows per precision level, and a second import changes nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from geocoop.config import load_settings
from geocoop.db import make_engine, upgrade
from geocoop.ingest.cooperations import import_cooperations

pytestmark = pytest.mark.full_data

# file -> (kind, rows read); every row of these lists has coordinates inside France
LISTS = {
    "tiers-lieux-cget-2019/CGET_TiersLieux_2019.csv": ("tiers_lieu", 1512),
    "tiers-lieux-cget-2019/CGET_TiersLieux_2019.geojson": ("tiers_lieu", 1512),
    "france-services/liste-fs-20240801.csv": ("france_services", 2845),
    "france-services/france_services_2020.geojson": ("france_services", 908),
}


@pytest.fixture(scope="module")
def national(pg_cluster, shared_data):
    """A database holding every French commune, EPCI, département and région."""
    from geocoop.ingest.boundaries import ingest_boundaries
    from geocoop.ingest.boundaries_bundled import VINTAGE, bundled_paths

    pg_cluster.create_database("geocoop_coop_national")
    settings = load_settings({"statement_timeout_ms": 600_000, "pool_size": 2})
    engine = make_engine(pg_cluster.url("geocoop_coop_national"), settings)
    upgrade(engine)
    with engine.begin() as conn:
        ingest_boundaries(conn, bundled_paths(shared_data), vintage=VINTAGE, progress=False)
    yield engine
    engine.dispose()
    pg_cluster.drop_database("geocoop_coop_national")


@pytest.mark.parametrize("relative", sorted(LISTS))
def test_real_list_imports_and_reimport_is_a_no_op(national, shared_data, relative):
    kind, rows_read = LISTS[relative]
    path = shared_data / "cooperations" / relative
    source = f"full-{path.name}"
    with national.begin() as conn:
        report = import_cooperations(conn, path, kind=kind, source=source)
    counts = report.counts
    print(relative, counts["by_precision"], counts.get("far_from_declared_commune"))
    assert counts["rows_read"] == rows_read
    assert report.accepted + len(report.rejects) == rows_read
    assert report.accepted == counts["inserted"]
    with national.begin() as conn:
        again = import_cooperations(conn, path, kind=kind, source=source)
        stored = conn.execute(
            text("SELECT count(*), count(commune_code) FROM cooperation WHERE source = :s"),
            {"s": source},
        ).one()
    assert (again.counts["inserted"], again.counts["updated"]) == (0, 0)
    assert again.counts["unchanged"] == report.accepted
    assert counts["by_precision"]["coordinates"] == rows_read and not report.rejects
    assert counts.get("far_from_declared_commune", 0) == FAR_FROM_DECLARED.get(relative, 0)
    # every point lies in a commune, but for Saint-Martin (97801, a COM without polygons)
    assert stored[1] == stored[0] - OUTSIDE_COMMUNES.get(relative, 0)


OUTSIDE_COMMUNES = {"france-services/liste-fs-20240801.csv": 2}
# points more than 5 km from the commune their row declares (reported as warnings)
FAR_FROM_DECLARED = {
    "france-services/france_services_2020.geojson": 9,
    "tiers-lieux-cget-2019/CGET_TiersLieux_2019.csv": 1,
    "tiers-lieux-cget-2019/CGET_TiersLieux_2019.geojson": 1,
}


# Without their coordinates, the rows are located by INSEE code (current, old or
# arrondissement), then postcode + name, then name: the cascade on real codes and names.
# Tiers-lieux: 157 rows have INSEECOM "0"; 130 of them have no postcode nor commune name,
# Tournai is Belgian, "Sophia Antipolis" is no commune, and "Moulins" without postcode
# names three communes. Morez and Bauné, now communes déléguées, are found through the
# former names the boundaries loader keeps (commune_alias). France services: two rows
# in Saint-Martin (97801, no polygon) fall back to an ambiguous name.
BY_CODE = {
    "tiers-lieux-cget-2019/CGET_TiersLieux_2019.csv": (
        "tiers_lieu",
        ["LAT", "LONG"],
        {"insee_code": 1355, "postcode_name": 23, "commune_name": 1},
        {"aucune localisation": 130, "commune introuvable": 2, "nom de commune ambigu": 1},
    ),
    "france-services/liste-fs-20240801.csv": (
        "france_services",
        ["latitude", "longitude"],
        {"insee_code": 2843, "postcode_name": 0, "commune_name": 0},
        {"nom de commune ambigu": 2},
    ),
}


@pytest.mark.parametrize("relative", sorted(BY_CODE))
def test_real_list_located_without_coordinates(national, shared_data, relative):
    kind, ignore, precisions, reasons = BY_CODE[relative]
    path = shared_data / "cooperations" / relative
    with national.connect() as conn, conn.begin() as transaction:
        report = import_cooperations(
            conn, path, kind=kind, source="sans-coordonnees", mapping={"ignore": ignore}
        )
        former = dict(
            conn.execute(
                text(
                    "SELECT c.source_id, t.name FROM cooperation c JOIN territory t "
                    "ON t.level = 'commune' AND t.code = c.commune_code "
                    "WHERE c.source = 'sans-coordonnees' AND c.source_id IN ('439', '1213')"
                )
            ).all()
        )
        transaction.rollback()
    if kind == "tiers_lieu":  # La Cordée à Morez, Team Frog in Bauné
        assert former == {"439": "Hauts de Bienne", "1213": "Loire-Authion"}
    counts = report.counts
    print(relative, counts["by_precision"], counts["rejected_by_reason"])
    assert counts["by_precision"]["coordinates"] == 0
    assert {k: counts["by_precision"][k] for k in precisions} == precisions
    assert counts["rejected_by_reason"] == reasons
    assert report.accepted + len(report.rejects) == counts["rows_read"]


def test_national_pat_list_loads_with_the_shipped_mapping(national, shared_data):
    """France PAT's 460 recognised PAT load with the shipped mapping.

    France PAT's 460 recognised PAT: perimeters from the code lists, stage from the
    labellisation level, the descriptive file joined on id; a re-import changes nothing.
    """
    from geocoop.config import PROJECT_ROOT

    folder = shared_data / "cooperations" / "pat-france-2025"
    options = {
        "kind": "pat",
        "source": "full-pat-2025",
        "mapping": PROJECT_ROOT / "data" / "mappings" / "pat-france-2025.yaml",
        "allow_join": True,
    }
    path = folder / "pats-axe-gouvernance-20250710-win1252.csv"
    with national.begin() as conn:
        report = import_cooperations(conn, path, **options)
    assert report.counts["rows_read"] == 460
    assert report.accepted + len(report.rejects) == 460
    with national.begin() as conn:
        again = import_cooperations(conn, path, **options)
        stored = conn.execute(
            text(
                "SELECT count(*) AS n, count(perimeter) AS with_perimeter, "
                "count(stage) AS with_stage, count(*) FILTER (WHERE financing_sources "
                "IS NOT NULL) AS financed, count(*) FILTER (WHERE stakeholders IS NOT NULL) "
                "AS with_stakeholders, count(lead_body_type) AS lead_typed, "
                "count(*) FILTER (WHERE category = 'modelisee' AND derived_fields "
                "@> ARRAY['category']) AS derived FROM cooperation WHERE source = :s"
            ),
            {"s": "full-pat-2025"},
        ).one()
    assert (again.counts["inserted"], again.counts["updated"]) == (0, 0)
    assert stored.n == 460
    assert stored.with_perimeter >= 455
    assert stored.with_stage >= 448
    assert stored.derived == 460
    assert stored.financed > 400 and stored.with_stakeholders > 400 and stored.lead_typed > 440
