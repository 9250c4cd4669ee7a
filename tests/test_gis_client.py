"""GDAL's own OGC API – Features client (Debian's gdal-bin) reads every collection.

`ogrinfo -so OAPIF:…` lists the collections and `ogr2ogr -f GPKG … communes -spat …`
copies the features with the right count and CRS, against the app on the bundled data.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from sqlalchemy import text

from tests.conftest import missing

pytestmark = pytest.mark.gis_client

# Rennes and its surroundings (W, S, E, N): about a hundred communes of the bundled slice
SPAT = (-1.85, 48.0, -1.5, 48.25)


@pytest.fixture(scope="module")
def gdal():
    if not (shutil.which("ogrinfo") and shutil.which("ogr2ogr")):
        missing("GDAL's ogrinfo/ogr2ogr not installed (apt-get install gdal-bin)")


def run(*args: str) -> str:
    done = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=120,
        env={"GDAL_HTTP_TIMEOUT": "60", "CPL_DEBUG": "OFF", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_ogrinfo_lists_every_collection(gdal, live_server):
    from geocoop.features.registry import all_collections

    out = run("ogrinfo", "-ro", "-so", "-q", f"OAPIF:{live_server}/api/features/")
    for collection in all_collections():
        assert collection.id in out, collection.id


def test_ogrinfo_reads_each_collection(gdal, live_server, demo_engine):
    from sqlalchemy import func, select

    from geocoop.features.query import base_of
    from geocoop.features.registry import all_collections

    for collection in all_collections():
        out = run("ogrinfo", "-ro", "-so", f"OAPIF:{live_server}/api/features/", collection.id)
        assert f"Layer name: {collection.id}" in out
        with demo_engine.connect() as connection:
            count = connection.execute(
                select(func.count()).select_from(base_of(collection))
            ).scalar_one()
        assert f"Feature Count: {count}" in out, (collection.id, out[:800])


def test_ogr2ogr_copies_communes_in_a_bbox(gdal, live_server, demo_engine, tmp_path):
    import pyogrio

    out = tmp_path / "out.gpkg"
    run(
        "ogr2ogr",
        "-f",
        "GPKG",
        str(out),
        f"OAPIF:{live_server}/api/features/",
        "communes",
        "-spat",
        *(str(v) for v in SPAT),
    )
    with demo_engine.connect() as connection:
        expected = connection.execute(
            text(
                "SELECT count(*) FROM territory WHERE level = 'commune' AND "
                "ST_Intersects(geom, ST_MakeEnvelope(:w, :s, :e, :n, 4326))"
            ),
            dict(zip("wsen", SPAT, strict=True)),
        ).scalar_one()
    info = pyogrio.read_info(out, layer="communes")
    assert expected > 20
    assert info["features"] == expected
    assert info["crs"] == "EPSG:4326"
    frame = pyogrio.read_dataframe(out, layer="communes")
    assert frame.geometry.total_bounds[0] > -3 and frame.geometry.total_bounds[1] > 47
    assert set(frame["departement_code"]) <= {"35", "22", "56", "44", "53"}


def test_ogr2ogr_pages_through_a_whole_collection(gdal, live_server, demo_engine, tmp_path):
    import pyogrio

    out = tmp_path / "coops.gpkg"
    run(
        "ogr2ogr",
        "-f",
        "GPKG",
        str(out),
        f"OAPIF:{live_server}/api/features/",
        "cooperations",
        "-oo",
        "PAGE_SIZE=50",
    )
    with demo_engine.connect() as connection:
        expected = connection.execute(text("SELECT count(*) FROM cooperation")).scalar_one()
    assert expected > 50  # several pages
    assert pyogrio.read_info(out, layer="cooperations")["features"] == expected
