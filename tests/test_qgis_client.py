"""QGIS itself (Debian's python3-qgis, QGIS 3.22) opens the live server's layers, headless.

One run of benchmarks/qgis_probe.py by /usr/bin/python3 (the virtualenv cannot import the
qgis bindings) opens OGC API – Features collections with QGIS's own "OAPIF" provider and
draws the vector tiles with QgsVectorTileLayer, offscreen (QT_QPA_PLATFORM=offscreen). The
test compares what QGIS read with the database: field types as the JSON schema says
(97.31 % stays a Double, ids are integers), every feature, one kind per layer.
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
LAYERS = ("coverage-regions", "cooperations", "coverage-pat", "kinds", "coverage-wide")
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
    spec = {
        "oapif": [
            {
                "url": f"{live_server}/api/features/",
                "typename": name,
                "values": ["population_covered_pct"] if name == "coverage-regions" else [],
                "ids": list(decimals) if name == "coverage-regions" else [],
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
