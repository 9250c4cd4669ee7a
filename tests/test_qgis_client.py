"""QGIS itself (Debian's python3-qgis, QGIS 3.22) opens the live server's layers, headless.

One run of benchmarks/qgis_probe.py by /usr/bin/python3 (the virtualenv cannot import the
qgis bindings) opens OGC API – Features collections with QGIS's own "OAPIF" provider and
draws the vector tiles with QgsVectorTileLayer, offscreen (QT_QPA_PLATFORM=offscreen). The
test compares what QGIS read with the database: field types as the JSON schema says
(97.31 % stays a Double, ids are integers), every feature, one kind per layer, and the
white zones' names, reasons and distances as the live list gives them.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from geocoop.features.query import base_of
from geocoop.features.registry import get_collection
from tests.conftest import missing

pytestmark = pytest.mark.gis_client

DEBIAN_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).resolve().parent.parent / "benchmarks" / "qgis_probe.py"
# QGIS field type names of each JSON-schema property type
QGIS_TYPES = {
    "string": {"QString"},
    "integer": {"int", "qlonglong"},
    "number": {"double"},
    "boolean": {"bool"},
    "date-time": {"QDateTime"},
    "array": {"QStringList"},
}
ZONES = "white-zones-tiers_lieu"
LAYERS = ("coverage-regions", "cooperations", "coverage-pat", "kinds", "coverage-wide", ZONES)
ZONE_FIELDS = ["name_fr", "reason_fr", "nearest_distance_m"]
# EPSG:3857 boxes: Rennes (communes drawn) and the middle of the Pacific (empty tiles)
RENNES_3857 = [-200_000.0, 6_130_000.0, -160_000.0, 6_160_000.0]
PACIFIC_3857 = [-15_000_000.0, 0.0, -14_900_000.0, 100_000.0]


@pytest.fixture(scope="module")
def qgis_python() -> str:
    found = subprocess.run(
        [DEBIAN_PYTHON, "-c", "import qgis.core"], capture_output=True, check=False
    )
    if found.returncode != 0:
        missing("PyQGIS not installed (apt-get install python3-qgis qgis-providers)")
    return DEBIAN_PYTHON


@pytest.fixture(scope="module")
def probed(qgis_python, live_server, demo_engine) -> dict:
    """What QGIS read, and the expected decimals of coverage-regions."""
    base = base_of(get_collection("coverage-regions"))
    with demo_engine.connect() as conn:
        decimals = {
            r.id: float(r.population_covered_pct)
            for r in conn.execute(select(base.c.id, base.c.population_covered_pct))
            if r.population_covered_pct is not None and r.population_covered_pct % 1
        }
    assert decimals  # the bundled data has rates such as 97.31 %
    address = f"{live_server}/api/analysis/white-zones?kind=tiers_lieu&limit=1000&geometry=false"
    with urllib.request.urlopen(address, timeout=60) as response:
        zones = {z["id"]: z for z in json.load(response)["items"]}
    assert zones  # the bundled data has white zones of tiers-lieux
    read = {
        "coverage-regions": (["population_covered_pct"], list(decimals)),
        ZONES: (ZONE_FIELDS, list(zones)),
    }
    spec = {
        "oapif": [
            {
                "url": f"{live_server}/api/features/",
                "typename": name,
                "values": read.get(name, ([], []))[0],
                "ids": read.get(name, ([], []))[1],
            }
            for name in LAYERS
        ],
        "tiles": [
            {
                "template": f"{live_server}/tiles/communes/{{z}}/{{x}}/{{y}}.mvt",
                "zmin": 7,
                "zmax": 14,
                "layer": "communes",
                "boxes": [RENNES_3857, PACIFIC_3857],
            }
        ],
    }
    done = subprocess.run(
        [qgis_python, str(PROBE), json.dumps(spec)],
        capture_output=True,
        text=True,
        timeout=180,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": "/tmp"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["decimals"] = decimals
    result["zones"] = zones
    result["oapif"] = {layer["typename"]: layer for layer in result["oapif"]}
    return result


def stored_count(engine, collection_id: str) -> int:
    with engine.connect() as conn:
        base = base_of(get_collection(collection_id))
        return conn.execute(select(func.count()).select_from(base)).scalar_one()


def first_page_values(server: str, name: str) -> set[str]:
    """Properties holding a value in the first 10 features, the page QGIS 3.22 opens with."""
    address = f"{server}/api/features/collections/{name}/items?limit=10"
    with urllib.request.urlopen(address, timeout=30) as response:
        features = json.load(response)["features"]
    return {k for f in features for k, v in f["properties"].items() if v is not None}


@pytest.mark.parametrize("name", LAYERS)
def test_qgis_types_every_field_as_the_schema(probed, live_server, demo_engine, name):
    layer = probed["oapif"][name]
    assert layer["valid"], layer
    collection = get_collection(name)
    if collection.id_type == "string":  # an integer id becomes QGIS's own feature id
        assert layer["fields"]["id"] == "QString"
    # QGIS 3.22 types its fields from the first page (OGR's GeoJSON reader), not from the
    # JSON schema: a property null in all of the first 10 features arrives as text
    # (documented in docs/api.md); every other one has the schema's type
    valued = first_page_values(live_server, name)
    for prop in collection.properties:
        wanted = QGIS_TYPES[prop.type] if prop.name in valued else {"QString"}
        assert layer["fields"].get(prop.name) in wanted, (prop.name, prop.type, layer["fields"])
    # every feature, read through the pages, as many as QGIS announced
    expected = stored_count(demo_engine, name)
    assert layer["feature_count"] == expected
    assert layer["features_read"] == expected


def test_a_decimal_survives_in_qgis(probed):
    got = probed["oapif"]["coverage-regions"]["values"]
    for fid, value in probed["decimals"].items():
        assert got[fid]["population_covered_pct"] == pytest.approx(value, abs=1e-9), fid


def test_qgis_reads_white_zone_names_and_distances(probed):
    """QGIS gets each zone's name and reason as text and its distance as an integer.

    Values equal to the live list's (/api/analysis/white-zones): what a planner styles and
    labels with, instead of « zone 17 ».
    """
    layer = probed["oapif"][ZONES]
    assert layer["fields"]["name_fr"] == "QString"
    assert layer["fields"]["reason_fr"] == "QString"
    assert layer["fields"]["nearest_distance_m"] in QGIS_TYPES["integer"]
    assert sorted(layer["values"]) == sorted(probed["zones"])  # every zone read
    for fid, got in layer["values"].items():
        zone = probed["zones"][fid]
        assert got["name_fr"] == zone["name"] and got["reason_fr"] == zone["reason"], fid
        assert isinstance(got["nearest_distance_m"], int), fid
        assert abs(got["nearest_distance_m"] - zone["nearest_cooperation_distance_m"]) <= 0.55


def test_one_kind_per_layer_without_a_filter(probed, demo_engine):
    # a QGIS 3.22 user picks coverage-pat from the list: only PAT rows come down
    layer = probed["oapif"]["coverage-pat"]
    with demo_engine.connect() as conn:
        base = base_of(get_collection("coverage"))
        pat = conn.execute(
            select(func.count()).select_from(base).where(base.c.kind_code == "pat")
        ).scalar_one()
    assert pat > 0 and layer["features_read"] == pat


def test_qgis_draws_the_vector_tiles(probed):
    tiles = probed["tiles"][0]
    assert tiles["valid"] and tiles["source"] == "xyz", tiles
    rennes, pacific = tiles["renders"]
    assert rennes["errors"] == [] and rennes["painted"] > 100, rennes
    # empty tiles (a layer without features) are drawn as nothing, without an error
    assert pacific["errors"] == [] and pacific["painted"] == 0, pacific
