"""The kinds and the declared partnerships as OGC API collections.

The kinds (a table without geometry) and the declared partnerships (a line A → B) as
OGC API collections: typed schemas, French titles, null geometry where there is none.
"""

from __future__ import annotations

from sqlalchemy import text

from geocoop.models import DEFAULT_KINDS

ROOT = "/api/features/collections"


def test_kinds_is_a_typed_table(grid):
    doc = grid.get(f"{ROOT}/kinds").get_json()
    assert doc["title"] == "Types de coopération" and doc["itemType"] == "feature"
    assert "extent" not in doc  # no geometry, no extent to zoom to
    assert doc["dataStatus"]["ptce"]["status"] != "none"
    page = grid.get(f"{ROOT}/kinds/items").get_json()
    features = {f["id"]: f for f in page["features"]}
    assert set(features) == {k[0] for k in DEFAULT_KINDS}
    assert page["numberMatched"] == len(DEFAULT_KINDS)
    pat = features["pat"]
    assert pat["geometry"] is None
    assert pat["properties"]["label_fr"] == "Projet alimentaire territorial"
    assert pat["properties"]["service_distance_m"] == 30000
    # the grid holds 2 tiers-lieux, 1 PAT, 1 PTCE and no TZCLD: 0 means nothing loaded
    counts = {fid: f["properties"]["cooperations"] for fid, f in features.items()}
    assert counts["tiers_lieu"] == 2 and counts["pat"] == 1 and counts["tzcld"] == 0
    schema = grid.get(f"{ROOT}/kinds/schema").get_json()["properties"]
    assert schema["geometry"]["type"] == "null"
    props = schema["properties"]["properties"]
    assert props["cooperations"]["type"] == "integer" and props["is_support"]["type"] == "boolean"
    assert props["label_fr"]["title"] == "Type de coopération"
    # a filter on a queryable works like on any collection
    support = grid.get(f"{ROOT}/kinds/items?is_support=true").get_json()["features"]
    assert support and all(f["properties"]["is_support"] for f in support)


def test_kinds_export_as_a_geopackage_table(grid, tmp_path):
    import pyogrio

    out = tmp_path / "kinds.gpkg"
    out.write_bytes(grid.get(f"{ROOT}/kinds/items?f=gpkg").get_data())
    frame = pyogrio.read_dataframe(out, layer="kinds")
    assert len(frame) == len(DEFAULT_KINDS)
    assert frame["service_distance_m"].dtype.kind == "i"


def test_partnerships_are_lines_between_the_partners(app, grid):
    from geocoop.features.summary import refresh_summaries
    from geocoop.web.database import engine

    with app.app_context(), engine().begin() as connection:
        connection.execute(
            text(
                "INSERT INTO partnership (cooperation_a_id, cooperation_b_id, description, "
                "source) SELECT min(id), max(id), 'Marché commun', 'test' FROM cooperation"
            )
        )
        ids = connection.execute(text("SELECT min(id), max(id) FROM cooperation")).one()
        refresh_summaries(connection)
    page = grid.get(f"{ROOT}/partnerships/items").get_json()
    assert page["numberMatched"] == 1
    (feature,) = page["features"]
    assert isinstance(feature["id"], int)
    assert feature["geometry"]["type"] == "LineString"
    assert feature["geometry"]["coordinates"] == [[-1.75, 48.05], [-1.75, 48.25]]
    props = feature["properties"]
    assert (props["a_id"], props["b_id"]) == tuple(ids)
    assert (props["a_name"], props["b_name"]) == ("PTCE du Carré", "La Grange")
    assert props["b_kind_label"] == "Tiers-lieu" and props["description"] == "Marché commun"
    doc = grid.get(f"{ROOT}/partnerships").get_json()
    assert doc["title"] == "Partenariats déclarés"
    assert doc["extent"]["spatial"]["bbox"] == [[-1.75, 48.05, -1.75, 48.25]]
