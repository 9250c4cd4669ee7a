"""White zones people can act on.

A name, a reason (nearest cooperation, distance, service distance, rule) in the list, the API and
every export, and the split by département.
"""

from __future__ import annotations

import csv
import io

import pyogrio
from sqlalchemy import text

from tests.support import white_zones as wz

API = "/api/analysis"


def test_zone_has_a_name_and_a_reason(analysed):
    # perimeter rule: the whole grid is one zone of the tiers-lieux (no perimeter at all)
    body = analysed.get(f"{API}/white-zones?kind=tiers_lieu&rule=perimeter").get_json()
    zone = body["items"][0]
    # Commune 9 (9,000 inhabitants) is the most populated of the zone
    assert zone["name"] == "Zone autour de Commune 9 (35)"
    assert zone["name_en"] == "Area around Commune 9 (35)"
    assert zone["departements"] == ["35"] and zone["departement_names"] == ["Ille-et-Vilaine test"]
    # two tiers-lieux lie inside the zone: distance 0, the smaller id wins the tie
    assert zone["nearest_cooperation_distance_m"] == 0
    assert zone["nearest_cooperation_id"] == 3
    assert zone["reason"].startswith("Aucun périmètre « Tiers-lieu » n'inclut ces communes")
    assert "(id 3)" in zone["reason"] and zone["reason_en"].startswith("No third place perimeter")
    assert zone["zone_id"] == zone["id"] == "35001" and zone["part_of"] is None


def test_distance_reason_gives_metres_and_threshold(analysed):
    """Under the distance rule (tiers-lieux, 15 km) the southern row is out of reach.

    Both tiers-lieux stand 0.15° of latitude (16.7 km) north of it, one above 35001's top edge,
    the other above 35003's; the tie goes to the smaller id.
    """
    zones = analysed.get(f"{API}/white-zones?kind=tiers_lieu&rule=distance").get_json()["items"]
    zone = zones[0]
    assert zone["id"] == "35001" and zone["service_distance_m"] == 15000
    assert 16_600 < zone["nearest_cooperation_distance_m"] < 16_750
    assert zone["nearest_cooperation_id"] == 3
    assert zone["reason"].startswith("Aucune coopération « Tiers-lieu » à moins de 15 km : ")
    assert zone["reason"].endswith(" (id 3), est à 16\u202f678 m.")
    assert zone["reason_en"].startswith("No third place within 15 km: the nearest, ")
    assert zone["reason_en"].endswith("(id 3) is 16,678 m away.")


def test_exports_carry_name_and_reason(analysed, tmp_path):
    query = f"{API}/white-zones?kind=tiers_lieu&rule=perimeter"
    rows = list(csv.DictReader(io.StringIO(analysed.get(f"{query}&f=csv").get_data(as_text=True))))
    assert rows[0]["name"] == "Zone autour de Commune 9 (35)"
    assert rows[0]["nearest_cooperation_id"] == "3" and rows[0]["reason"].startswith("Aucun")
    geo = analysed.get(f"{query}&f=geojson").get_json()["features"][0]["properties"]
    assert geo["name"] == rows[0]["name"] and geo["service_distance_m"] > 0
    path = tmp_path / "zones.gpkg"
    path.write_bytes(analysed.get(f"{query}&f=gpkg&split=departement").get_data())
    frame = pyogrio.read_dataframe(path)
    assert frame["name"].iloc[0] == rows[0]["name"]
    assert frame["reason"].iloc[0] == rows[0]["reason"]
    assert frame["zone_id"].iloc[0] == "35001" and frame["departement"].iloc[0] == "35"


def test_split_by_departement_on_real_data(demo_app):
    """Bundled Bretagne.

    A zone crossing départements comes back as one row per département, with the parent zone's
    id and its whole figures; the parts add up.
    """
    client = demo_app.test_client()
    kinds = client.get("/api/maps/cooperations").get_json()["features"]
    kind = kinds[0]["properties"]["kind_code"]
    whole = client.get(f"{API}/white-zones?kind={kind}&limit=1000").get_json()["items"]
    parts = client.get(f"{API}/white-zones?kind={kind}&limit=1000&split=departement")
    parts = parts.get_json()["items"]
    spanning = [z for z in whole if len(z["departements"]) > 1]
    assert spanning, "the bundled data must hold a white zone over several départements"
    zone = spanning[0]
    assert zone["name"].endswith(f" : {len(zone['departements'])} départements")
    mine = [p for p in parts if p["zone_id"] == zone["id"]]
    assert sorted(p["departement"] for p in mine) == zone["departements"]
    assert sum(p["population"] for p in mine) == zone["population"]
    assert sum(p["communes_count"] for p in mine) == zone["communes_count"]
    for p in mine:
        assert p["id"] == f"{zone['id']}-{p['departement']}"
        assert p["departements"] == [p["departement"]]
        assert p["zone_population"] == zone["population"]
        assert p["part_of"].startswith(f"Partie de la zone {zone['id']} :")
        assert p["nearest_cooperation_distance_m"] >= zone["nearest_cooperation_distance_m"]
    assert [p["population"] for p in parts] == sorted(
        (p["population"] for p in parts), reverse=True
    )
    # clipped to one département: only its parts, the whole zone's figures still given
    dep = zone["departements"][0]
    inside = client.get(f"/api/maps/white-zones?kind={kind}&departement={dep}&split=departement")
    for f in inside.get_json()["features"]:
        assert f["properties"]["departements"] == [dep]


def test_panel_and_fiche_name_their_zones(analysed):
    query = "level=departement&kinds=tiers_lieu&rule=perimeter"
    panel = analysed.get(f"/api/maps/territory/35?{query}").get_json()
    assert panel["white_zones"][0]["name"] == "Zone autour de Commune 9 (35)"
    fiche = analysed.get(f"/territoires/35?{query}").get_data(as_text=True)
    assert "Zone autour de Commune 9 (35)" in fiche
    english = analysed.get(f"/territoires/35?{query}&lang=en").get_data(as_text=True)
    assert "Area around Commune 9 (35)" in english and "No third place perimeter" in english


OGC = "/api/features/collections"


def test_ogc_collection_names_its_zones_as_the_list(analysed, tmp_path):
    """White-zones-tiers_lieu (what QGIS reads) carries the list's name and reason.

    On the grid, rule « any » (no perimeter): the southern row, 16.7 km from both
    tiers-lieux (15 km of service), id 3 for the tie.
    """
    listed = analysed.get(f"{API}/white-zones?kind=tiers_lieu&geometry=false").get_json()
    listed = {z["id"]: z for z in listed["items"]}
    items = analysed.get(f"{OGC}/white-zones-tiers_lieu/items").get_json()["features"]
    assert sorted(f["id"] for f in items) == sorted(listed) and listed
    for feature in items:
        got, zone = feature["properties"], listed[feature["id"]]
        assert got["name_fr"] == zone["name"] and got["name_en"] == zone["name_en"]
        assert got["reason_fr"] == zone["reason"] and got["reason_en"] == zone["reason_en"]
        assert got["nearest_cooperation_id"] == zone["nearest_cooperation_id"]
        assert got["nearest_cooperation"] == zone["nearest_cooperation_name"]
        assert got["nearest_distance_m"] == round(zone["nearest_cooperation_distance_m"])
        assert got["main_commune_code"] == zone["main_commune"]
        assert got["rule"] == "any" and got["service_distance_m"] == 15000
    south = next(f["properties"] for f in items if f["id"] == "35001")
    assert 16_600 < south["nearest_distance_m"] < 16_750
    assert isinstance(south["nearest_distance_m"], int)
    assert south["nearest_cooperation_id"] == 3
    metres = f"{south['nearest_distance_m']:,}".replace(",", "\u202f")
    assert south["reason_fr"].endswith(f" (id 3), est à {metres} m.")
    assert south["departement"] == "35" and south["departements_count"] == 1
    # the collection's own GeoPackage and CSV exports carry them, typed
    path = tmp_path / "white-zones.gpkg"
    path.write_bytes(analysed.get(f"{OGC}/white-zones-tiers_lieu/items?f=gpkg").get_data())
    frame = pyogrio.read_dataframe(path, read_geometry=False)
    row = frame[frame["id"] == "35001"].iloc[0]
    assert row["name_fr"] == south["name_fr"] and row["reason_fr"] == south["reason_fr"]
    assert frame["nearest_distance_m"].dtype.kind == "i"
    assert row["nearest_distance_m"] == south["nearest_distance_m"]
    table = analysed.get(f"{OGC}/white-zones-tiers_lieu/items?f=csv").get_data(as_text=True)
    cells = {r["id"]: r for r in csv.DictReader(io.StringIO(table))}["35001"]
    assert cells["reason_en"] == south["reason_en"]
    assert cells["nearest_distance_m"] == str(south["nearest_distance_m"])
    schema = analysed.get(f"{OGC}/white-zones-tiers_lieu/schema").get_json()
    schema = schema["properties"]["properties"]["properties"]
    assert schema["nearest_distance_m"]["type"] == "integer"
    assert schema["nearest_distance_m"]["x-ogc-unit"] == "m"
    assert schema["name_fr"] == {
        "title": "Nom de la zone",
        "type": "string",
        "description": schema["name_fr"]["description"],
    }


def test_a_renamed_cooperation_renames_the_stored_reasons(analysed, app):
    """An edit that changes no coverage (a new name) still reaches the stored reasons."""
    from geocoop.orchestration import refresh_analysis_for_cooperation
    from geocoop.web.database import engine

    with app.app_context(), engine().begin() as conn:
        conn.execute(text("UPDATE cooperation SET name = 'Tiers-lieu renommé' WHERE id = 3"))
        report = refresh_analysis_for_cooperation(conn, 3)
        assert report["communes"] > 0
        stored = wz.collection_reasons(conn, "tiers_lieu")
        wz.assert_same_reasons(wz.served_reasons(conn, "tiers_lieu"), stored, "renamed")
    items = analysed.get(f"{OGC}/white-zones-tiers_lieu/items").get_json()["features"]
    south = next(f["properties"] for f in items if f["id"] == "35001")
    assert south["nearest_cooperation"] == "Tiers-lieu renommé"
    assert "« Tiers-lieu renommé » (id 3)" in south["reason_fr"]


def test_migration_0019_marks_zones_stored_without_names(pg_cluster):
    """Zones stored before 0019 have no name: their kind says « en cours de recalcul ».

    Until `geocoop analyze` (or `geocoop demo`) names them; and the migration goes down
    again.
    """
    from alembic import command

    from geocoop.config import load_settings
    from geocoop.db import alembic_config, make_engine, upgrade
    from geocoop.sql import statement

    pg_cluster.create_database("geocoop_m0019")
    engine = make_engine(pg_cluster.url("geocoop_m0019"), load_settings({"pool_size": 1}))
    try:
        upgrade(engine, "0018")
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE analysis_pending, analysis_zone"))
            conn.execute(
                text(
                    "INSERT INTO analysis_zone (kind_code, zone_id, members_hash, "
                    "communes_count, population, area_km2, departements) "
                    "VALUES ('pat', '35001', 'h', 1, 10, 1.5, '{35}')"
                )
            )
        upgrade(engine, "0019")
        with engine.connect() as conn:
            pending = conn.execute(text("SELECT kind_code FROM analysis_pending")).scalars()
            assert list(pending) == ["pat"]
            zone = conn.execute(text("SELECT * FROM analysis_zone")).mappings().one()
            assert zone["name_fr"] is None and zone["nearest_distance_m"] is None
            assert zone["rule"] == "any"
            # `geocoop demo` on this database refreshes instead of saying « déjà à jour »
            assert conn.execute(statement("analysis/analysis_stale")).scalar()
        command.downgrade(alembic_config(engine), "0018")
        with engine.connect() as conn:
            columns = conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name = 'analysis_zone' AND table_schema = current_schema()"
                )
            ).scalars()
            assert "name_fr" not in set(columns)
    finally:
        engine.dispose()


def _row(main_region: str | None, nearest_region: str | None, nearest_m: float) -> dict:
    return {
        "nearest_name": "Le Lieu",
        "nearest_id": 7,
        "nearest_m": nearest_m,
        "service_distance_m": 15000.0,
        "main_region": main_region,
        "main_region_name": "La Réunion",
        "nearest_region": nearest_region,
        "nearest_region_name": "Bretagne",
    }


def test_far_rule_needs_another_region_beyond_1000_km():
    """The far reason only when the nearest is in another région and over FAR_M away."""
    from geocoop.analysis.zone_names import FAR_M, zone_reason

    usual = "la plus proche, « Le Lieu » (id 7), est à"
    for row in (
        _row("04", "53", FAR_M - 1),  # a neighbouring région's cooperation is worth naming
        _row("04", "04", FAR_M + 1),  # same région
        _row("04", None, FAR_M + 1),  # the cooperation's région is unknown: never guessed
    ):
        assert usual in zone_reason(row, "Tiers-lieu", "any", "fr")
    far = _row("04", "53", 9_489_000)
    assert zone_reason(far, "Tiers-lieu", "distance", "fr") == (
        "Aucune coopération « Tiers-lieu » à moins de 15 km, ni aucune dans la région "
        "(La Réunion) : la plus proche, « Le Lieu » (id 7), est dans une autre région "
        "(Bretagne), à 9\u202f489 km."
    )
    assert zone_reason(far, "Third place", "perimeter", "en") == (
        "No third place perimeter includes these communes, nor is there any in the région "
        "(La Réunion): the nearest, “Le Lieu” (id 7), is in another région (Bretagne), "
        "9,489 km away."
    )


def test_reunion_zone_says_none_in_its_region_stored_as_live(demo_app, demo_engine):
    """Bundled data: La Réunion has no tiers-lieu; its zone's reason says so, not « 9,489,… m ».

    The stored reason (what QGIS reads) is the live list's.
    """
    with demo_app.app_context(), demo_engine.connect() as conn:
        served = wz.served_reasons(conn, "tiers_lieu")
        wz.assert_same_reasons(served, wz.collection_reasons(conn, "tiers_lieu"), "bundled")
    reunion = [z for z in served.values() if z["main_commune_code"].startswith("974")]
    assert reunion, "the bundled data holds La Réunion's white zones"
    for zone in reunion:
        assert ", ni aucune dans la région (La Réunion) : " in zone["reason_fr"]
        assert "est dans une autre région (Bretagne), à 9\u202f4" in zone["reason_fr"]
        assert ", nor is there any in the région (La Réunion): " in zone["reason_en"]
        assert zone["reason_en"].endswith(" km away.") and " m away" not in zone["reason_en"]
    mainland = [z for z in served.values() if z["main_commune_code"].startswith(("22", "35"))]
    assert mainland and all(z["reason_fr"].endswith(" m.") for z in mainland)


def test_stored_sentences_follow_a_changed_rule(analysed, app):
    """Sentences stored under an older rule are written again at the next naming, once."""
    from geocoop.analysis import zones
    from geocoop.web.database import engine

    with app.app_context(), engine().connect() as conn:  # rolled back at close
        count = conn.execute(
            text("UPDATE analysis_zone SET reason_en = 'old rule' WHERE kind_code = 'tiers_lieu'")
        ).rowcount
        assert count > 0
        assert zones.store_names(conn, ["tiers_lieu"]) == count
        stored = wz.collection_reasons(conn, "tiers_lieu")
        wz.assert_same_reasons(wz.served_reasons(conn, "tiers_lieu"), stored, "rewritten")
        assert zones.store_names(conn, ["tiers_lieu"]) == 0  # nothing differs any more
