"""Fuzzing and hostile files for the ingesters: only clear errors, bounded memory.

Property-based (hypothesis) CSV rows and geometries: the importer either stores a row or
reports it, and never raises anything but IngestError. Hostile files (random bytes, a zip
bomb, a polygon of 10^6 vertices) run through the real CLI in a subprocess whose peak
memory is measured.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.peak import run_peak
from geocoop.errors import IngestError
from geocoop.ingest.cooperations import import_cooperations

# benchmarks/bench_fuzz.py multiplies the examples by GEOCOOP_FUZZ_SCALE (long form).
FUZZ = settings(
    max_examples=25 * int(os.environ.get("GEOCOOP_FUZZ_SCALE", "1")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
cell = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
coordinate = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.floats(-200, 200).map(lambda v: f"{v:.6f}".replace(".", ",")),
    cell,
)


@FUZZ
@given(
    rows=st.lists(st.tuples(cell, cell, coordinate, coordinate), min_size=1, max_size=15),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_csv_rows_are_stored_or_reported(conn, tmp_path, rows, delimiter):
    path = tmp_path / "fuzz.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(["id", "nom", "latitude", "longitude"])
        for number, row in enumerate(rows):
            writer.writerow([number, *row[1:]])
    with conn.begin_nested() as savepoint:
        try:
            report = import_cooperations(conn, path, kind="tiers_lieu", source="fuzz")
        except IngestError:
            savepoint.rollback()
            return
        savepoint.rollback()
    # Multi-line cells may merge physical lines, but no row may vanish unreported.
    assert report.accepted + len(report.rejects) >= 1


ring_point = st.tuples(st.floats(-1e6, 1e6, allow_nan=False), st.floats(-1e6, 1e6, allow_nan=False))


@FUZZ
@given(
    rings=st.lists(st.lists(ring_point, min_size=0, max_size=8), min_size=0, max_size=3),
    kind=st.sampled_from(["Polygon", "Point", "LineString", "MultiPolygon", "Bogus"]),
)
def test_random_geometries_never_crash(conn, tmp_path, rings, kind):
    coords: object = [[list(p) for p in ring] + ([list(ring[0])] if ring else []) for ring in rings]
    if kind == "Point":
        coords = list(rings[0][0]) if rings and rings[0] else []
    elif kind == "LineString":
        coords = coords[0] if coords else []
    elif kind == "MultiPolygon":
        coords = [coords]
    feature = {
        "type": "Feature",
        "properties": {"id": "1", "nom": "Fuzz"},
        "geometry": {"type": kind, "coordinates": coords},
    }
    path = tmp_path / "fuzz.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with conn.begin_nested() as savepoint:
        with contextlib.suppress(IngestError):
            import_cooperations(conn, path, kind="pat", source="fuzz-geom")
        savepoint.rollback()


# Through benchmarks/peak.py's launcher, because a child started straight from pytest
# reports at least pytest's own RSS: Linux keeps the high-water mark of the memory a
# process had before exec (here pytest's, often 1 GB late in the session).
def _cli_peak(args: list[str], env: dict, timeout: int = 240) -> tuple[int, str, float]:
    """Run the CLI; return exit code, stderr and the CLI process's own peak memory in MB."""
    done = run_peak([sys.executable, "-m", "geocoop", *args], env, timeout)
    return done.returncode, done.stderr, done.peak_mb


@pytest.fixture
def cli_env(pg_cluster, db_engine):
    from tests.conftest import truncate_data

    yield {**os.environ, "GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_test")}
    truncate_data(db_engine)


def test_random_bytes_file_is_refused_clearly(cli_env, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(os.urandom(10 * 1024 * 1024))
    code, err, peak = _cli_peak(["ingest", "cooperations", str(path), "--kind", "pat"], cli_env)
    assert code != 0 and err.startswith("Erreur :") and "Traceback" not in err
    assert "liste.csv" in err
    assert peak < 1024, f"peak {peak:.0f} MB"
    print(f"peak {peak:.0f} MB: {err.strip()[:120]}")


def test_zip_bomb_is_refused_clearly(cli_env, tmp_path):
    path = tmp_path / "bombe.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("communes.shp", "w", force_zip64=True) as member,
    ):
        block = b"\0" * (1 << 20)
        for _ in range(1024):  # 1 GiB of zeros, ~1 MB compressed
            member.write(block)
    assert path.stat().st_size < 5 * 1024 * 1024
    code, err, peak = _cli_peak(["ingest", "cooperations", str(path), "--kind", "pat"], cli_env)
    assert code != 0 and err.startswith("Erreur :") and "Traceback" not in err
    assert peak < 1024, f"peak {peak:.0f} MB"
    print(f"peak {peak:.0f} MB: {err.strip()[:120]}")


def test_polygon_of_a_million_vertices_is_bounded(cli_env, tmp_path):
    import math

    n = 1_000_000
    ring = [
        [-1.7 + 0.1 * math.cos(2 * math.pi * i / n), 48.1 + 0.1 * math.sin(2 * math.pi * i / n)]
        for i in range(n)
    ]
    ring.append(ring[0])
    feature = {
        "type": "Feature",
        "properties": {"id": "big", "nom": "Très grand périmètre"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    path = tmp_path / "enorme.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    code, err, peak = _cli_peak(["ingest", "cooperations", str(path), "--kind", "pat"], cli_env)
    assert code == 0 or (err.startswith("Erreur :") and "Traceback" not in err)
    assert peak < 2048, f"peak {peak:.0f} MB"
    print(f"exit {code}, peak {peak:.0f} MB: {err.strip()[:120]}")


# Found by benchmarks/bench_fuzz.py at full size: GEOS refuses to repair these rings
# (« Overlay input is mixed-dimension ») and divides by zero on the way.
GEOS_UNREPAIRABLE = [
    [(1e-300, 485493.315), (1.0, 3.964e-120), (0.0, -488472.301), (3.964e-120, 2.0),
     (3.964e-120, -488472.301), (2.0, 2.0), (1e-300, 485493.315)],
    [(1e-300, 2.0), (1e-300, 485493.315), (485553.0, 5e-324), (1.0, -488472.301),
     (5e-324, 5e-324), (-3.964e-120, 2.0), (485553.0, 485553.0), (-1.0, -488472.301),
     (1e-300, 2.0)],
    [(2.0, 3.964e-120), (3.964e-120, 1.0), (3.964e-120, 1.0), (-3.964e-120, 5e-324),
     (-488472.301, 3.964e-120), (485493.315, 5e-324), (-3.964e-120, 0.0),
     (-488472.301, 485553.0), (2.0, 3.964e-120)],
]  # fmt: skip


def test_polygon_geos_cannot_repair_is_not_a_crash(conn, tmp_path):
    from shapely import Polygon, make_valid
    from shapely.errors import GEOSException

    with pytest.raises(GEOSException), np.errstate(all="ignore"):  # GEOS's default repair
        make_valid(Polygon(GEOS_UNREPAIRABLE[0], GEOS_UNREPAIRABLE[1:]))
    feature = {
        "type": "Feature",
        "properties": {"id": "1", "nom": "Fuzz"},
        "geometry": {"type": "Polygon", "coordinates": GEOS_UNREPAIRABLE},
    }
    path = tmp_path / "irreparable.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with conn.begin_nested() as savepoint:
        report = import_cooperations(conn, path, kind="pat", source="fuzz-geom")
        savepoint.rollback()
    assert report.accepted + len(report.rejects) == 1  # repaired the other way, or rejected
