"""GDAL's own OGC API – Features client (Debian's gdal-bin) reads every collection.

`ogrinfo -so OAPIF:…` lists the collections and `ogr2ogr -f GPKG … communes -spat …`
copies the features with the right count and CRS, against the app on the bundled data.
With its default page size (10 before GDAL 3.8) GDAL types every field as the collection's
JSON schema says (it reads the `describedBy` link), and a decimal survives a copy.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time

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


# OGR field type (as `ogrinfo -so` prints it) of each JSON-schema property type
OGR_TYPES = {
    "string": {"String"},
    "integer": {"Integer", "Integer64"},
    "number": {"Real"},
    "boolean": {"Integer(Boolean)"},
    "array": {"StringList"},
    "date-time": {"DateTime"},
}
_FIELD = re.compile(r"^(\w+): (\w+(?:\(\w+\))?) \(")


def layer_fields(out: str) -> dict[str, dict[str, str]]:
    """{layer: {field: OGR type}} from `ogrinfo -al -so` output."""
    layers: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in out.splitlines():
        if line.startswith("Layer name: "):
            current = layers.setdefault(line.removeprefix("Layer name: ").strip(), {})
        elif (match := _FIELD.match(line)) is not None:
            current[match.group(1)] = match.group(2)
    return layers


def test_field_types_with_the_default_page_size_equal_the_schema(gdal, live_server):
    from geocoop.features.registry import all_collections

    started = time.perf_counter()
    out = run("ogrinfo", "-ro", "-al", "-so", f"OAPIF:{live_server}/api/features/")
    seconds = time.perf_counter() - started
    layers = layer_fields(out)
    for collection in all_collections():
        fields = layers[collection.id]
        for prop in collection.properties:
            assert fields.get(prop.name) in OGR_TYPES[prop.type], (
                collection.id,
                prop.name,
                prop.type,
                fields.get(prop.name),
            )
    assert seconds < 60, seconds  # every layer's count is stored: no per-page recount


def test_a_decimal_survives_ogr2ogr(gdal, live_server, demo_engine, tmp_path):
    import pyogrio
    from sqlalchemy import select

    from geocoop.features.query import base_of
    from geocoop.features.registry import get_collection

    out = tmp_path / "regions.gpkg"
    # default page size (10): GDAL types the field from the schema, whatever the first page
    # holds (whole rates such as 100.00 and 0.00 among them)
    run("ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{live_server}/api/features/", "coverage-regions")
    base = base_of(get_collection("coverage-regions"))
    with demo_engine.connect() as connection:
        expected = {
            r.id: float(r.population_covered_pct)
            for r in connection.execute(select(base.c.id, base.c.population_covered_pct))
            if r.population_covered_pct is not None
        }
    frame = pyogrio.read_dataframe(out, layer="coverage-regions")
    got = dict(zip(frame["id"], frame["population_covered_pct"], strict=True))
    decimals = [v for v in expected.values() if v != int(v)]
    assert decimals, expected  # the bundled data has coverage rates such as 97.31 %
    assert frame["population_covered_pct"].dtype.kind == "f"
    for fid, value in expected.items():
        assert got[fid] == pytest.approx(value, abs=1e-9), fid


def test_gdal_opens_an_empty_tile(gdal, live_server):
    # a tile far out in the Pacific (no commune) and one over Rennes, as GDAL's MVT driver
    # reads them over HTTP: the empty one is a layer with 0 features, not an error
    tiles = f"/vsicurl/{live_server}/tiles/communes"
    empty = run("ogrinfo", "-ro", "-al", "-so", f"{tiles}/10/0/0.mvt")
    assert "Layer name: communes" in empty and "Feature Count: 0" in empty, empty
    full = run("ogrinfo", "-ro", "-al", "-so", f"{tiles}/10/507/354.mvt")
    count = int(re.search(r"Feature Count: (\d+)", full).group(1))
    assert count > 10, full


def test_ogr2ogr_reads_an_analysis_answer_as_a_layer(gdal, live_server, tmp_path):
    import json
    import urllib.request

    import pyogrio

    query = f"{live_server}/api/analysis/coverage?level=departement&kind=pat"
    with urllib.request.urlopen(query, timeout=60) as response:
        items = {r["code"]: r for r in json.load(response)["items"]}
    out = tmp_path / "coverage.gpkg"
    run("ogr2ogr", "-f", "GPKG", str(out), query + "&f=geojson")
    frame = pyogrio.read_dataframe(out)
    assert len(frame) == len(items) > 0
    assert set(frame.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
    for code, share in zip(frame["code"], frame["population_covered_pct"], strict=True):
        assert share == pytest.approx(items[code]["population_covered_pct"], abs=1e-9)


_VALUE = re.compile(r"^  (\w+) \((\w+(?:\(\w+\))?)\) = (.*)$")


def tile_features(out: str) -> list[dict[str, str]]:
    """The attributes of each feature in `ogrinfo -al` output (a field left out is absent)."""
    features: list[dict[str, str]] = []
    for line in out.splitlines():
        if line.startswith("OGRFeature("):
            features.append({})
        elif features and (match := _VALUE.match(line)) is not None:
            features[-1][match.group(1)] = match.group(3)
    return features


@pytest.mark.parametrize(
    ("cid", "tile"),
    [
        ("coverage-wide", "10/507/354"),  # Rennes and around
        ("coverage-wide-epci", "8/126/88"),
        ("coverage-wide-departements", "7/63/44"),  # Bretagne
        ("coverage-wide-regions", "5/15/11"),
    ],
)
def test_gdal_reads_the_wide_layers_tiles_like_their_ogc_layers(gdal, live_server, cid, tile):
    """Same attributes and values as the OGC layer; a kind without data is absent.

    MVT has no null: the OGC layer's null (no data, unknown) is an attribute left out.
    """
    import json
    import urllib.request

    from geocoop.features.registry import get_collection

    out = run("ogrinfo", "-ro", "-al", f"/vsicurl/{live_server}/tiles/{cid}/{tile}.mvt")
    features = tile_features(out)
    fields = layer_fields(out)[cid]
    with urllib.request.urlopen(
        f"{live_server}/api/features/collections/{cid}/items?limit=2000", timeout=60
    ) as response:
        ogc = {f["id"]: f["properties"] for f in json.load(response)["features"]}
    props = get_collection(cid).properties
    with urllib.request.urlopen(f"{live_server}/tiles/{cid}.json", timeout=60) as response:
        layer = json.load(response)["vector_layers"][0]
    assert list(layer["fields"]) == [p.name for p in props]  # every kind, data or not
    assert len(features) >= (10 if cid == "coverage-wide" else 1), out[-2000:]
    unknown = {p.name for p in props if all(o[p.name] is None for o in ogc.values())}
    assert unknown and not unknown & set(fields)  # the kinds without data: never 0 / false
    known = [p for p in props if p.name not in unknown]
    assert {p.name for p in known} <= set(fields)
    for p in known:
        assert fields[p.name] in OGR_TYPES[p.type], (p.name, fields[p.name])
    for feature in features:
        expected = ogc[feature["code"]]
        for p in known:
            value, got = expected[p.name], feature.get(p.name)
            if value is None:  # e.g. a territory without population: no share either
                assert got is None, (feature["code"], p.name)
            elif p.type == "boolean":
                assert got == str(int(value)), (feature["code"], p.name)
            elif p.type == "number":
                assert float(got) == pytest.approx(value, abs=0.005), (feature["code"], p.name)
            else:
                assert got == str(value), (feature["code"], p.name)


def test_ogr2ogr_white_zones_carry_the_lists_names_and_reasons(
    gdal, live_server, demo_engine, tmp_path
):
    """A planner's GeoPackage of white-zones-<kind> names each zone and says why it is white.

    Its fields equal the live list's (/api/analysis/white-zones, whole zones, rule « any »):
    the name, the reason, the nearest cooperation and its distance, typed from the schema
    (the distance an integer, in metres).
    """
    import json
    import urllib.request

    import pyogrio

    with demo_engine.connect() as connection:
        kind = connection.execute(
            text("SELECT kind_code FROM analysis_zone GROUP BY 1 ORDER BY count(*) DESC, 1")
        ).first()[0]
    layer = f"white-zones-{kind}"
    out = tmp_path / "zones.gpkg"
    run("ogr2ogr", "-f", "GPKG", str(out), f"OAPIF:{live_server}/api/features/", layer)
    address = f"{live_server}/api/analysis/white-zones?kind={kind}&limit=1000&geometry=false"
    with urllib.request.urlopen(address, timeout=60) as response:
        listed = {z["id"]: z for z in json.load(response)["items"]}
    assert 10 < len(listed) < 1000  # several pages of the collection, the whole list
    frame = pyogrio.read_dataframe(out, layer=layer, read_geometry=False)
    assert sorted(frame["id"]) == sorted(listed)
    assert frame["nearest_distance_m"].dtype.kind == "i"  # Integer64, not Real nor String
    assert frame["nearest_cooperation_id"].dtype.kind == "i"
    assert frame["service_distance_m"].dtype.kind == "i"
    for row in frame.to_dict("records"):
        zone = listed[row["id"]]
        assert row["name_fr"] == zone["name"] and row["name_en"] == zone["name_en"], row["id"]
        assert row["reason_fr"] == zone["reason"], row["id"]
        assert row["reason_en"] == zone["reason_en"], row["id"]
        assert row["nearest_cooperation_id"] == zone["nearest_cooperation_id"], row["id"]
        assert row["nearest_cooperation"] == zone["nearest_cooperation_name"], row["id"]
        assert abs(row["nearest_distance_m"] - zone["nearest_cooperation_distance_m"]) <= 0.55
        assert row["service_distance_m"] == zone["service_distance_m"], row["id"]
        assert row["main_commune"] == zone["main_commune_name"], row["id"]
        assert row["rule"] == zone["rule"] == "any"
