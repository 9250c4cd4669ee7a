"""What GIS clients rely on, on the bundled real data.

Typed JSON schemas (`describedby`), numbers written with their decimals, one layer per kind, stored
counts and extents, white zones as dissolved outlines.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from sqlalchemy import event, select, text

from geocoop.features.query import base_of
from geocoop.features.registry import all_collections, get_collection

ROOT = "/api/features/collections"
PACKAGE = Path(__file__).resolve().parent.parent / "geocoop" / "features"
JSON_TYPE = {"string": str, "integer": int, "boolean": bool, "array": list}


@pytest.fixture(scope="module")
def real(demo_app):
    return demo_app.test_client()


def test_every_collection_links_its_typed_schema(real):
    doc = real.get(ROOT).get_json()
    assert {c["id"] for c in doc["collections"]} == {c.id for c in all_collections()}
    for listed in doc["collections"]:
        collection = get_collection(listed["id"])
        described = [lk for lk in listed["links"] if lk["rel"].lower() == "describedby"]
        # "describedBy" too: GDAL 3.6 compares the relation case-sensitively
        assert {lk["rel"] for lk in described} == {"describedby", "describedBy"}
        assert {lk["type"] for lk in described} == {"application/schema+json"}
        response = real.get(described[0]["href"].split("://", 1)[1].split("/", 1)[1])
        assert response.status_code == 200
        assert response.mimetype == "application/schema+json"
        schema = response.get_json()["properties"]["properties"]["properties"]
        assert list(schema) == [p.name for p in collection.properties]
        for prop in collection.properties:
            assert schema[prop.name]["title"] == prop.title
            assert schema[prop.name]["type"] == prop.schema()["type"]
        queryables = real.get(f"{ROOT}/{collection.id}/queryables").get_json()["properties"]
        for prop in collection.queryables:
            assert queryables[prop.name]["type"] == schema[prop.name]["type"]


def test_schema_types_are_exact(real):
    coverage = real.get(f"{ROOT}/coverage-pat/schema").get_json()
    props = coverage["properties"]["properties"]["properties"]
    assert props["nearest_edge_m"]["type"] == "integer"  # to the metre
    assert props["nearest_cooperation_id"]["type"] == "integer"
    assert props["covered"]["type"] == "boolean"
    assert props["kind_label"]["title"] == "Type de coopération"
    rollup = real.get(f"{ROOT}/coverage-regions/schema").get_json()
    pct = rollup["properties"]["properties"]["properties"]["population_covered_pct"]
    assert (pct["type"], pct["x-decimals"]) == ("number", 2)
    assert "0,00 à 100,00" in pct["description"]
    coops = real.get(f"{ROOT}/cooperations/schema").get_json()["properties"]
    assert coops["properties"]["properties"]["year_founded"]["type"] == "integer"
    assert coops["properties"]["properties"]["updated_at"]["format"] == "date-time"
    assert coops["id"]["type"] == "integer"


@pytest.mark.parametrize("cid", ["coverage-regions", "communes", "synergy-candidates"])
def test_numbers_keep_their_decimals_and_integers_are_whole(real, cid):
    collection = get_collection(cid)
    body = real.get(f"{ROOT}/{cid}/items?limit=200").get_data(as_text=True)
    # floats kept as their text: a number written without a decimal point would be an int
    doc = json.loads(body, parse_float=str)
    assert doc["features"]
    for feature in doc["features"]:
        for prop in collection.properties:
            value = feature["properties"][prop.name]
            if value is None:
                continue
            if prop.type == "number":
                assert isinstance(value, str), (prop.name, value)
                assert len(value.partition(".")[2]) == prop.precision, (prop.name, value)
            elif prop.type in JSON_TYPE:
                assert isinstance(value, JSON_TYPE[prop.type]), (prop.name, value)


@pytest.fixture(scope="module")
def kind_without_data(demo_engine) -> str:
    """A cooperation kind the bundled data has no cooperation of."""
    with demo_engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT code FROM kind WHERE NOT EXISTS "
                "(SELECT 1 FROM cooperation c WHERE c.kind_code = kind.code) ORDER BY code LIMIT 1"
            )
        ).scalar_one()


def test_zero_rate_is_written_as_a_decimal(real, demo_engine):
    # a kind without data has no row at all (no data is not absence): take a kind with data
    # that reaches nobody in a region (bundled data: the tiers-lieux of La Réunion)
    base = base_of(get_collection("coverage-regions"))
    with demo_engine.connect() as connection:
        kind, code = connection.execute(
            select(base.c.kind_code, base.c.code)
            .where(base.c.population_covered_pct == 0)
            .order_by(base.c.id)
            .limit(1)
        ).one()
    url = f"{ROOT}/coverage-regions/items?kind_code={kind}&code={code}"
    body = real.get(url).get_data(as_text=True)
    assert '"population_covered_pct" : 0.00' in body


def test_one_layer_per_kind_without_any_filter(real):
    per_kind = real.get(f"{ROOT}/coverage-tiers_lieu/items?limit=2000").get_json()
    filtered = real.get(f"{ROOT}/coverage/items?kind_code=tiers_lieu&limit=2000").get_json()
    assert per_kind["numberMatched"] == filtered["numberMatched"] == 1226
    assert {f["id"] for f in per_kind["features"]} == {
        f["id"].removeprefix("tiers_lieu-") for f in filtered["features"]
    }
    first = per_kind["features"][0]["properties"]
    assert (first["kind_code"], first["kind_label"]) == ("tiers_lieu", "Tiers-lieu")
    tilejson = real.get("/tiles/coverage-tiers_lieu.json").get_json()
    assert "kind=" not in tilejson["tiles"][0]
    assert "kind_label" in tilejson["vector_layers"][0]["fields"]


def test_one_kind_layers_say_when_their_kind_has_no_data(real, kind_without_data):
    for cid in (f"coverage-{kind_without_data}", f"white-zones-{kind_without_data}"):
        doc = real.get(f"{ROOT}/{cid}").get_json()
        assert doc["dataStatus"]["status"] == "none", cid  # no data is not absence
        assert real.get(f"{ROOT}/{cid}/items").get_json()["numberMatched"] == 0
    assert real.get(f"{ROOT}/coverage-tiers_lieu").get_json()["dataStatus"]["status"] != "none"
    tilejson = real.get(f"/tiles/coverage-{kind_without_data}.json").get_json()
    assert tilejson["dataStatus"]["status"] == "none"
    assert "aucune donnée chargée" in tilejson["description"]
    every = real.get(f"{ROOT}/coverage").get_json()["dataStatus"]
    assert every[kind_without_data]["status"] == "none"


def statements_of(app) -> list[str]:
    """Every statement `app`'s engine runs from now on (a list that keeps growing)."""
    seen: list[str] = []
    event.listen(
        app.extensions["geocoop.engine"],
        "before_cursor_execute",
        lambda _c, _cu, statement, *_a: seen.append(statement.lower()),
    )
    return seen


def test_number_matched_is_stored_for_whole_collections(cold_demo_app, demo_engine):
    from geocoop.features.summary import refresh_summaries, summaries_current

    # tests earlier in the session write to the bundled database: a dry-run upload rolls
    # back, and clean-ups use plain SQL; both bump the (non-transactional) data version
    # without the summaries a committed write restamps, so start from current summaries
    with demo_engine.begin() as connection:
        if not summaries_current(connection):
            refresh_summaries(connection)
    statements = statements_of(cold_demo_app)  # the engine the requests use
    whole = cold_demo_app.test_client().get(f"{ROOT}/coverage/items?limit=10").get_json()
    with demo_engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM analysis_commune_kind")).scalar_one()
    # one row per commune and kind with data (bundled data: 1226 communes, several kinds)
    assert whole["numberMatched"] == count and count > 1226
    assert any("analysis_commune_kind" in s for s in statements)  # the page was read here
    assert not [s for s in statements if "count(*)" in s]


def test_a_filtered_count_runs_once_for_all_pages(cold_demo_app, demo_engine):
    # a cold app: the session's demo_app may already hold this filter's count
    statements = statements_of(cold_demo_app)
    client = cold_demo_app.test_client()
    pages = [
        client.get(f"{ROOT}/communes/items?departement_code=35&limit=10&offset={o}").get_json()
        for o in (0, 10, 20)
    ]
    with demo_engine.connect() as connection:
        sql = "SELECT count(*) FROM territory WHERE level = 'commune' AND departement_code = '35'"
        expected = connection.execute(text(sql)).scalar_one()
    assert [p["numberMatched"] for p in pages] == [expected] * 3 and expected > 300
    assert len([s for s in statements if "count(*)" in s]) == 1


def test_filtered_count_too_slow_is_omitted(demo_engine):
    from geocoop.features.counts import bounded_count

    with demo_engine.connect() as connection:
        base = base_of(get_collection("coverage"))
        # pg_sleep in a filter stands for a count slower than the bound
        slow = [text("pg_sleep(0.01) IS NOT NULL")]
        assert bounded_count(connection, base, slow, timeout_ms=50) is None
        # the transaction stays usable and the service's statement timeout is back
        assert connection.execute(text("SHOW statement_timeout")).scalar_one() != "50ms"
        stored = connection.execute(text("SELECT count(*) FROM analysis_commune_kind")).scalar()
        assert bounded_count(connection, base, [], timeout_ms=5000) == stored


def test_white_zones_are_dissolved_outlines_and_none_without_data(
    real, demo_engine, kind_without_data
):
    none = real.get(f"{ROOT}/white-zones-{kind_without_data}/items").get_json()
    assert none["features"] == [] and none["numberMatched"] == 0  # no cooperation: no zones
    zones = real.get(f"{ROOT}/white-zones-tiers_lieu/items?limit=2000").get_json()
    with demo_engine.connect() as connection:
        expected = connection.execute(
            text(
                "SELECT count(DISTINCT zone_id) FROM analysis_commune_kind "
                "WHERE kind_code = 'tiers_lieu' AND zone_id IS NOT NULL"
            )
        ).scalar_one()
        # one outline per zone, exactly the union of its simplified member communes
        areas = connection.execute(
            text(
                "SELECT z.zone_id, ST_Area(z.geom::geography), "
                "  (SELECT sum(ST_Area(COALESCE(t.geom_simplified, t.geom)::geography)) "
                "   FROM analysis_commune_kind a JOIN territory t "
                "     ON t.level = 'commune' AND t.code = a.commune_code "
                "   WHERE a.kind_code = z.kind_code AND a.zone_id IS NOT NULL "
                "     AND a.commune_code >= z.zone_id AND a.zone_id = (SELECT zone_id FROM "
                "       analysis_commune_kind WHERE kind_code = z.kind_code "
                "       AND commune_code = z.zone_id)) "
                "FROM analysis_zone z WHERE z.kind_code = 'tiers_lieu'"
            )
        ).all()
    assert zones["numberMatched"] == len(zones["features"]) == expected == len(areas)
    for zone_id, outline_m2, members_m2 in areas:
        assert outline_m2 == pytest.approx(members_m2, rel=1e-6), zone_id
    biggest = max(zones["features"], key=lambda f: f["properties"]["communes_count"])
    assert biggest["properties"]["communes_count"] > 100
    # dissolved: the biggest zone is a handful of polygons, not one per member commune
    assert len(biggest["geometry"]["coordinates"]) < biggest["properties"]["communes_count"] / 10
    assert biggest["properties"]["kind_label"] == "Tiers-lieu"


def test_extents_put_metropolitan_france_first(real):
    communes = real.get(f"{ROOT}/communes").get_json()["extent"]["spatial"]["bbox"]
    west, south, east, north = communes[0]
    assert -5.2 < west < east < -0.9 and 47.2 < south < north < 48.9  # Bretagne
    assert communes[1][0] > 55 and communes[1][1] < -20  # La Réunion, separately
    tilejson = real.get("/tiles/communes.json").get_json()
    lon, lat, _zoom = tilejson["center"]
    assert -5 < lon < -1 and 47 < lat < 49  # not in the Indian Ocean nor the Atlantic
    assert tilejson["bounds"] == communes[0]


def test_cold_start_reads_stored_extents_only(cold_demo_app):
    """A fresh app answers /collections without computing any extent or count."""
    statements = statements_of(cold_demo_app)
    response = cold_demo_app.test_client().get(ROOT)
    assert response.status_code == 200
    # the kinds' data status (cooperations per kind and source, « aucune donnée chargée »)
    # is read once for all the per-kind collections; no collection is counted, no extent
    # computed
    status = [s for s in statements if "per_source" in s]
    assert len(status) == 1
    assert not [s for s in statements if ("st_extent" in s or "count(" in s) and s not in status]


def test_registration_has_one_owner_and_no_cycle():
    imports = {}
    for name in ("collections", "analysis_collections", "registry", "spec"):
        tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
        imports[name] = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
    assert "geocoop.features.analysis_collections" not in imports["collections"]
    assert "geocoop.features.collections" not in imports["analysis_collections"]
    assert {
        "geocoop.features.collections",
        "geocoop.features.analysis_collections",
    } <= imports["registry"]
    assert not {m for m in imports["spec"] if m.startswith("geocoop.features")}
    stmt = select(base_of(get_collection("coverage-pat")).c.id)
    assert "kind_code" in str(stmt.compile())


def test_geopackage_export_is_typed_and_readable_by_gdal_3_6(real, tmp_path):
    import sqlite3

    import pyogrio

    out = tmp_path / "coops.gpkg"
    out.write_bytes(real.get(f"{ROOT}/cooperations/items?f=gpkg").get_data())
    with sqlite3.connect(out) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 10200  # GeoPackage 1.2
    info = pyogrio.read_info(out, layer="cooperations")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["id"] == "int64" and types["year_founded"] == "int64"
    regions = tmp_path / "regions.gpkg"
    regions.write_bytes(real.get(f"{ROOT}/coverage-regions/items?f=gpkg").get_data())
    frame = pyogrio.read_dataframe(regions)
    assert frame["population_covered_pct"].dtype.kind == "f"
    assert set(frame["id"]) >= {"tiers_lieu-53", "pat-04"}
