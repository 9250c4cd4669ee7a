"""Cooperation import on synthetic communes.

Cooperation import: formats, locating by precision, perimeters, identity, dry run,
atomicity, mapping files, partnerships and the CLI. Synthetic communes (communes.sql).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from geocoop.errors import IngestError
from geocoop.ingest import cooperations as coop_module
from geocoop.ingest.cooperations import import_cooperations
from geocoop.ingest.locate import check_coordinates, commune_search_key
from geocoop.ingest.partnerships import import_partnerships

DATA = Path(__file__).parent / "data" / "cooperations"
GOOD = DATA / "good"


def rows(conn, source: str) -> dict:
    result = conn.execute(
        text(
            "SELECT source_id, name, kind_code, commune_code, location_precision, category, "
            "socio_economic_model, stage, year_founded, financing_sources, website, attributes, "
            "perimeter_codes, ST_X(location) AS x, ST_Y(location) AS y, "
            "ST_Area(perimeter::geography) / 1e6 AS km2, "
            "ST_Covers(perimeter, location) AS inside FROM cooperation WHERE source = :s"
        ),
        {"s": source},
    )
    return {r.source_id: r for r in result}


def test_each_precision_level(communes):
    report = import_cooperations(communes, GOOD / "mixte.csv", source="m")
    assert report.accepted == 7 and not report.rejects
    assert report.counts["by_precision"] == {
        "coordinates": 1,
        "insee_code": 3,
        "postcode_name": 1,
        "commune_name": 1,
        "perimeter": 1,
        "geometry": 0,
    }
    got = rows(communes, "m")
    assert (got["1"].location_precision, got["1"].x, got["1"].y) == ("coordinates", -1.68, 48.11)
    assert got["1"].commune_code == "35238"  # decimal comma, commune code kept
    assert got["2"].commune_code == "35047" and got["2"].location_precision == "insee_code"
    assert got["3"].commune_code == "35288" and got["3"].location_precision == "postcode_name"
    assert got["4"].commune_code == "56260" and got["4"].location_precision == "commune_name"
    assert got["6"].commune_code == "75056"  # arrondissement code 75110 → Paris
    assert got["7"].commune_code == "35238"  # old code through commune_code_change
    # commune-placed points are each commune's label point (inside the commune)
    inside = communes.execute(
        text(
            "SELECT bool_and(ST_Covers(t.geom, c.location)) FROM cooperation c JOIN territory t "
            "ON t.level = 'commune' AND t.code = c.commune_code WHERE c.source = 'm'"
        )
    ).scalar_one()
    assert inside


def test_study_dimensions_and_attributes(communes):
    import_cooperations(communes, GOOD / "mixte.csv", source="m")
    first, second = rows(communes, "m")["1"], rows(communes, "m")["2"]
    assert (first.category, first.socio_economic_model, first.stage) == (
        "non_modelisee",
        "hybride",
        "emergence",
    )
    assert (second.category, second.stage, second.year_founded) == (
        "modelisee",
        "operationnelle",
        2015,
    )
    assert first.financing_sources == ["Région", "Europe"]
    assert first.website == "https://fabrique.example"
    assert first.attributes == {"remarque": "à suivre"}
    dumped = json.dumps([dict(r._mapping) for r in rows(communes, "m").values()], default=str)
    assert "jean@example.org" not in dumped  # personal contact column never stored


def test_perimeter_is_union_of_territories(communes):
    import_cooperations(communes, GOOD / "mixte.csv", source="m")
    pat = rows(communes, "m")["5"]
    assert pat.perimeter_codes == ["epci:243500139", "commune:35047"]
    assert pat.location_precision == "perimeter" and pat.inside
    expected = communes.execute(
        text("SELECT ST_Area(geom::geography) / 1e6 FROM territory WHERE code = '243500139'")
    ).scalar_one()
    assert pat.km2 == pytest.approx(expected, rel=1e-3)  # Bruz lies inside the EPCI


def test_reimport_is_a_no_op_and_changes_are_updates(communes, tmp_path):
    first = import_cooperations(communes, GOOD / "mixte.csv", source="m")
    again = import_cooperations(communes, GOOD / "mixte.csv", source="m")
    assert first.counts["inserted"] == 7
    assert (again.counts["inserted"], again.counts["updated"], again.counts["unchanged"]) == (
        0,
        0,
        7,
    )
    changed = tmp_path / "mixte.csv"
    changed.write_text(
        (GOOD / "mixte.csv")
        .read_text(encoding="utf-8")
        .replace("Atelier Vannetais", "Atelier de Vannes"),
        encoding="utf-8",
    )
    dry = import_cooperations(communes, changed, source="m", dry_run=True)
    assert (dry.counts["inserted"], dry.counts["updated"], dry.counts["unchanged"]) == (0, 1, 6)
    assert dry.counts["run_id"] is None
    assert rows(communes, "m")["4"].name == "Atelier Vannetais"  # dry run wrote nothing
    real = import_cooperations(communes, changed, source="m")
    assert real.counts["updated"] == 1
    assert rows(communes, "m")["4"].name == "Atelier de Vannes"
    assert communes.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == 7


def test_rows_without_id_get_a_stable_hash(communes, tmp_path):
    path = tmp_path / "sans_id.csv"
    path.write_text("nom,commune\nLa Fabrique,Rennes\nLe Hangar,Brest\n", encoding="utf-8")
    import_cooperations(communes, path, kind="tiers_lieu", source="s")
    path.write_text("Nom,Commune\nLA FABRIQUE,rennes\nLe Hangar,Brest\n", encoding="utf-8")
    again = import_cooperations(communes, path, kind="tiers_lieu", source="s")
    assert again.counts["inserted"] == 0  # same normalised name + commune: same identity
    ids = list(rows(communes, "s"))
    assert len(ids) == 2 and all(i.startswith("h:") for i in ids)


def test_import_is_all_or_nothing(communes, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(coop_module, "merge_staged", boom)
    with pytest.raises(RuntimeError):
        import_cooperations(communes, GOOD / "mixte.csv", source="m")
    assert communes.execute(text("SELECT count(*) FROM ingest_run")).scalar_one() == 0
    assert communes.execute(text("SELECT count(*) FROM cooperation")).scalar_one() == 0


def test_ingest_run_keeps_the_report(communes):
    report = import_cooperations(communes, DATA / "bad" / "ids_doubles.csv", kind="tiers_lieu")
    run = communes.execute(
        text("SELECT * FROM ingest_run WHERE id = :i"), {"i": report.counts["run_id"]}
    ).one()
    assert (run.status, run.accepted, run.rejected) == ("done", 2, 1)
    assert run.rejects[0]["line"] == 3 and len(run.checksum) == 64


def test_xlsx(communes, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Nom", "Code INSEE", "Latitude", "Longitude", "Type"])
    sheet.append([1, "La Fabrique", 35238, None, None, "Tiers-lieu"])
    sheet.append([2, "Le Phare", None, 47.66, -2.75, "PTCE"])
    sheet.append([None, None, None, None, None, None])
    sheet.append([3, "Réunion", 97411, None, None, "france services"])
    path = tmp_path / "liste.xlsx"
    book.save(path)
    report = import_cooperations(communes, path, source="x")
    assert report.accepted == 3 and report.counts["blank_rows_skipped"] == 1
    got = rows(communes, "x")
    assert got["1"].commune_code == "35238" and got["1"].kind_code == "tiers_lieu"
    assert got["2"].commune_code == "56260" and got["2"].location_precision == "coordinates"
    assert got["3"].commune_code == "97411" and got["3"].kind_code == "france_services"


def test_geojson_polygons_become_perimeters(communes, tmp_path):
    square = [[-1.74, 48.06], [-1.62, 48.06], [-1.62, 48.14], [-1.74, 48.14], [-1.74, 48.06]]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"nom": "PAT de Rennes", "id": "p1"},
                "geometry": {"type": "Polygon", "coordinates": [square]},
            },
            {
                "type": "Feature",
                "properties": {"nom": "Point", "id": "p2"},
                "geometry": {"type": "Point", "coordinates": [-2.75, 47.66]},
            },
            {
                "type": "Feature",
                "properties": {"nom": "Sans géométrie", "id": "p3", "commune": "Brest"},
                "geometry": None,
            },
        ],
    }
    path = tmp_path / "pat.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    report = import_cooperations(communes, path, kind="pat", source="g")
    assert report.counts["by_precision"]["geometry"] == 1
    got = rows(communes, "g")
    assert got["p1"].location_precision == "geometry" and got["p1"].inside
    assert got["p1"].commune_code == "35238" and got["p1"].km2 > 50
    assert got["p2"].location_precision == "coordinates" and got["p2"].commune_code == "56260"
    assert got["p3"].location_precision == "commune_name"


def test_geopackage_in_lambert93_is_reprojected(communes, tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point, box

    frame = gpd.GeoDataFrame(
        {"nom": ["Atelier", "Réseau"], "identifiant": ["a", "b"]},
        geometry=[Point(-1.68, 48.11), box(-1.74, 48.06, -1.62, 48.14)],
        crs=4326,
    ).to_crs(2154)
    path = tmp_path / "liste.gpkg"
    frame.to_file(path, driver="GPKG")
    import_cooperations(communes, path, kind="tzcld", source="gp")
    got = rows(communes, "gp")
    assert got["a"].x == pytest.approx(-1.68, abs=1e-6)
    assert got["a"].y == pytest.approx(48.11, abs=1e-6)
    assert got["b"].location_precision == "geometry" and got["b"].commune_code == "35238"


def test_mapping_file(communes, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Ref;Raison sociale;DEPCOM;Dispositif;Courriel\n"
        "A1;Coopérative X;35238;Coopérative;x@example.org\n"
        "A2;Coop Y;29019;Coopérative;\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  name: Raison sociale\n  commune_code: DEPCOM\n"
        "  kind: Dispositif\nkinds:\n  Coopérative: scic\n",
        encoding="utf-8",
    )
    report = import_cooperations(communes, path, mapping=mapping, source="mp")
    assert report.accepted == 2
    got = rows(communes, "mp")
    assert got["A1"].kind_code == "scic" and got["A1"].commune_code == "35238"
    assert got["A1"].attributes is None  # the e-mail column was dropped
    mapping.write_text("columns:\n  nom: Raison sociale\n", encoding="utf-8")
    with pytest.raises(IngestError, match="champs inconnus"):
        import_cooperations(communes, path, mapping=mapping, source="mp")


def test_kind_is_required_and_checked(communes, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("nom,commune\nLa Fabrique,Rennes\n", encoding="utf-8")
    with pytest.raises(IngestError, match="--kind"):
        import_cooperations(communes, path)
    with pytest.raises(IngestError, match="golf"):
        import_cooperations(communes, path, kind="golf")


def test_name_variants_are_tolerated(communes, tmp_path):
    path = tmp_path / "noms.csv"
    path.write_text(
        "id,nom,commune,code_postal\n1,a,SAINT-BRIEUC,\n2,b,St Brieuc,\n"
        "3,c,saint brieuc cedex 1,\n4,d,RENNES CEDEX 9,\n5,e,Paris 10e arrondissement,"
        "\n6,f,Saint-Denis,97400\n",
        encoding="utf-8",
    )
    report = import_cooperations(communes, path, kind="autre", source="n")
    assert report.accepted == 6, report.as_dict()
    codes = {k: r.commune_code for k, r in rows(communes, "n").items()}
    assert codes == {
        "1": "22278",
        "2": "22278",
        "3": "22278",
        "4": "35238",
        "5": "75056",
        "6": "97411",
    }


def test_coordinate_checks():
    assert check_coordinates(48.11, -1.68) is None
    assert check_coordinates(-20.9, 55.45) is None  # La Réunion
    assert "inversées" in check_coordinates(-1.68, 48.11)
    assert "Lambert-93" in check_coordinates(6789000, 351000)
    assert "hors de France" in check_coordinates(40.4, -3.7)  # Madrid
    assert "hors limites" in check_coordinates(148.0, 2.0)
    assert commune_search_key("Marseille 3e") == "marseille"
    assert commune_search_key("Lyon 5ème Arrondissement") == "lyon"


def test_partnerships(communes):
    import_cooperations(communes, GOOD / "mixte.csv", source="m")
    report = import_partnerships(communes, GOOD / "partenariats.csv", source="m")
    assert report.accepted == 2
    assert [r.line for r in report.rejects] == [4, 5]
    assert "elle-même" in report.rejects[0].reason and "inconnue" in report.rejects[1].reason
    again = import_partnerships(communes, GOOD / "partenariats.csv", source="m")
    assert again.counts["inserted"] == 0 and again.counts["unchanged"] == 2
    pairs = communes.execute(text("SELECT count(*) FROM partnership")).scalar_one()
    assert pairs == 2


def test_cli_imports_and_writes_rejects(pg_cluster, tmp_path):
    pg_cluster.create_database("geocoop_coop_cli")
    try:
        from geocoop.config import load_settings
        from geocoop.db import make_engine, upgrade

        engine = make_engine(pg_cluster.url("geocoop_coop_cli"), load_settings({}))
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(text((DATA / "communes.sql").read_text(encoding="utf-8")))
        engine.dispose()
        source = tmp_path / "formules.csv"
        source.write_bytes((DATA / "bad" / "formules.csv").read_bytes())
        env = {**os.environ, "GEOCOOP_DATABASE_URL": pg_cluster.url("geocoop_coop_cli")}
        cmd = [
            sys.executable,
            "-m",
            "geocoop",
            "ingest",
            "cooperations",
            str(source),
            "--kind",
            "tiers_lieu",
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        assert "1 acceptée(s), 3 rejetée(s)" in result.stdout
        rejects = tmp_path / "formules.rejets.csv"
        assert rejects.exists() and "'=HYPERLINK" in rejects.read_text(encoding="utf-8")
        again = subprocess.run(
            [*cmd, "--dry-run", "--rejects", str(tmp_path / "r.csv")],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert "[simulation]" in again.stdout and "1 inchangée(s)" in again.stdout
        bad = subprocess.run(
            [*cmd[:5], str(DATA / "bad" / "vide.csv"), "--kind", "autre"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert bad.returncode == 1 and bad.stderr.startswith("Erreur : vide.csv : fichier vide")
        assert "Traceback" not in bad.stderr
    finally:
        pg_cluster.drop_database("geocoop_coop_cli")


def test_zipped_shapefile(communes, tmp_path):
    import zipfile

    import geopandas as gpd
    from shapely.geometry import Point

    folder = tmp_path / "shp"
    folder.mkdir()
    gpd.GeoDataFrame(
        {"nom": ["Fablab"], "id": ["z1"]}, geometry=[Point(-4.5, 48.4)], crs=4326
    ).to_crs(2154).to_file(folder / "liste.shp")
    archive = tmp_path / "liste.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for part in folder.iterdir():
            handle.write(part, part.name)
    report = import_cooperations(communes, archive, kind="tiers_lieu", source="shp")
    assert report.accepted == 1
    assert rows(communes, "shp")["z1"].commune_code == "29019"


def test_partner_column_creates_links(communes):
    report = import_cooperations(communes, GOOD / "avec_partenaires.csv", kind="ptce", source="pc")
    assert report.counts["partnerships"] == {
        "declared": 5,
        "inserted": 2,
        "unchanged": 0,
        "unresolved": 1,
    }
    assert any("ligne 4" in w and "zzz" in w for w in report.warnings)
    again = import_cooperations(communes, GOOD / "avec_partenaires.csv", kind="ptce", source="pc")
    assert again.counts["partnerships"]["inserted"] == 0
    assert communes.execute(text("SELECT count(*) FROM partnership")).scalar_one() == 2


def test_point_far_from_declared_commune_is_reported(communes):
    report = import_cooperations(communes, GOOD / "point_loin.csv", kind="autre", source="pl")
    assert report.accepted == 2 and report.counts["far_from_declared_commune"] == 1
    assert any(w.startswith("ligne 3 : point à") and "35238" in w for w in report.warnings)


def test_vector_file_without_crs_is_refused(communes, tmp_path):
    import zipfile

    import geopandas as gpd
    from shapely.geometry import Point

    folder = tmp_path / "shp"
    folder.mkdir()
    gpd.GeoDataFrame({"nom": ["Sans CRS"]}, geometry=[Point(351000, 6789000)], crs=2154).to_file(
        folder / "liste.shp"
    )  # its .prj is left out of the archive below
    archive = tmp_path / "sans_crs.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for part in folder.iterdir():
            if part.suffix != ".prj":
                handle.write(part, part.name)
    with pytest.raises(IngestError, match="sans_crs.zip : aucun système de coordonnées"):
        import_cooperations(communes, archive, kind="autre")
