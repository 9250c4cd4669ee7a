"""Perimeters, the study's fields, common headers and data-quality flags.

Perimeters given as lists of codes, partial perimeters, the study's fields, the headers
people use, and the data-quality flags (far points, probable duplicates).
"""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from geocoop.config import PROJECT_ROOT
from geocoop.errors import IngestError
from geocoop.ingest.cooperations import import_cooperations
from geocoop.ingest.cooperations_mapping import check_mapping
from geocoop.ingest.cooperations_rows import split_list

DATA = PROJECT_ROOT / "tests" / "data" / "cooperations"
HERE = DATA / "perimeters"


def stored(conn, source: str) -> dict:
    result = conn.execute(
        text(
            "SELECT source_id, name, stage, category, derived_fields, perimeter_codes, "
            "quality, location_precision, commune_code, location IS NOT NULL AS placed "
            "FROM cooperation WHERE source = :s"
        ),
        {"s": source},
    )
    return {r.name: r for r in result}


def test_a_code_column_holding_a_list_is_a_perimeter(communes):
    report = import_cooperations(communes, HERE / "pat_liste.csv", kind="pat", source="liste")
    assert report.accepted + len(report.rejects) == report.counts["rows_read"] == 4
    assert not report.rejects
    rows = stored(communes, "liste")
    rennes = rows["PAT de Rennes"]
    assert rennes.perimeter_codes == ["commune:35238", "commune:35047"]
    assert rennes.location_precision == "perimeter" and rennes.placed
    assert rennes.stage == "emergence"  # header `niveau`, value 1
    # an old code goes through the INSEE movements; an unknown one is listed, not fatal
    partial = rows["PAT partiel"]
    assert partial.perimeter_codes == ["commune:35238"]
    assert partial.quality["perimeter_unmatched"] == ["périmètre : commune 44109 inconnue"]
    assert partial.stage == "operationnelle"
    assert any("ligne 3 : périmètre partiel" in w for w in report.warnings)
    # empty or wholly unknown perimeters: kept, unplaced, flagged
    assert not rows["PAT vide"].placed
    assert rows["PAT vide"].quality == {"unlocated": "périmètre vide"}
    assert rows["PAT inconnu"].quality["unlocated"] == "périmètre sans territoire reconnu"
    assert report.counts["unlocated"] == 2
    assert report.counts["partial_perimeters"] == 2


def test_category_is_derived_from_the_kind_and_says_so(communes):
    import_cooperations(communes, HERE / "pat_liste.csv", kind="pat", source="liste")
    import_cooperations(communes, HERE / "lieux.csv", kind="tiers_lieu", source="lieux")
    pat = stored(communes, "liste")["PAT de Rennes"]
    assert (pat.category, pat.derived_fields) == ("modelisee", ["category"])
    lieu = stored(communes, "lieux")["Happy Hour"]
    assert (lieu.category, lieu.derived_fields) == (None, None)  # not derivable


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_list_column_in_csv_and_xlsx(communes, tmp_path, fmt):
    path = HERE / "pat_liste.csv"
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        for line in path.read_text(encoding="utf-8").splitlines():
            sheet.append(line.split(";"))
        path = tmp_path / "pat_liste.xlsx"
        book.save(path)
    report = import_cooperations(communes, path, kind="pat", source=f"l-{fmt}")
    rows = stored(communes, f"l-{fmt}")
    assert report.counts["by_precision"]["perimeter"] == 2
    assert rows["PAT partiel"].perimeter_codes == ["commune:35238"]


def test_a_polygon_layer_in_lambert_93_is_a_perimeter(communes):
    report = import_cooperations(
        communes, HERE / "perimetres_l93.geojson", kind="pat", source="l93"
    )
    assert report.accepted == 1, report.as_dict()
    row = communes.execute(
        text(
            "SELECT name, stage, location_precision, "
            "ST_Distance(location::geography, ST_MakePoint(-1.7, 48.1)::geography) AS d "
            "FROM cooperation WHERE source = 'l93'"
        )
    ).one()
    assert row.name == "Territoire L93"  # « Nom de la structure »
    assert row.stage == "emergence"  # « Labellisation Niveau » : « Niveau 1 »
    assert row.location_precision == "geometry"
    assert row.d < 10_000  # metres: reprojected from EPSG:2154


def test_headers_people_use_and_the_column_report(communes):
    report = import_cooperations(communes, HERE / "lieux.csv", kind="tiers_lieu", source="l")
    columns = {c["column"]: c for c in report.counts["columns"]}
    assert columns["libelle_structure"]["field"] == "name"
    assert columns["labellisation"]["field"] == "stage"
    assert columns["code insee"]["field"] == "commune_code"
    assert json.dumps(report.as_dict())  # the JSON report carries it


def test_an_unrecognised_name_column_gets_a_proposal(communes, tmp_path):
    path = tmp_path / "sans_nom.csv"
    path.write_text("ident,appellation_du_lieu,code insee\n1,Lieu,35238\n", encoding="utf-8")
    with pytest.raises(IngestError, match="aucune colonne de nom") as info:
        import_cooperations(communes, path, kind="tiers_lieu", source="x")
    assert "sans_nom.csv" in info.value.message
    path.write_text("ident,nom_du_tiers_lieu,code insee\n1,Lieu,35238\n", encoding="utf-8")
    report = import_cooperations(communes, path, kind="tiers_lieu", source="x")
    assert report.accepted == 1  # `nom_*` prefix
    path.write_text("ident,intitule_du_lieu,code insee\n1,Lieu,35238\n", encoding="utf-8")
    with pytest.raises(IngestError, match="colonne probable : « intitule_du_lieu »"):
        import_cooperations(communes, path, kind="tiers_lieu", source="y")


def test_far_point_and_probable_duplicates_are_flagged(communes):
    report = import_cooperations(communes, HERE / "lieux.csv", kind="tiers_lieu", source="q")
    assert report.accepted == 4 and not report.rejects
    rows = stored(communes, "q")
    far = rows["Café loin"].quality["far_from_declared_commune"]
    assert far["declared_commune"] == "35238" and far["kept"] == "coordinates"
    assert far["distance_m"] > 200_000
    # counted where the point is, so the panel and the coverage agree
    assert rows["Café loin"].commune_code == far["counted_in"] == "29019"
    duplicate = rows["Happy Hours"].quality["probable_duplicate_of"]
    assert duplicate["line"] == 2 and duplicate["distance_m"] < 100
    assert "probable_duplicate_of" not in (rows["Autre café"].quality or {})
    assert report.counts["probable_duplicates"] == 1
    assert rows["Happy Hours"].stage is None  # « en attente »: unknown, kept as written
    assert report.counts["far_from_declared_commune"] == 1


def test_list_splitting_keeps_bracketed_commas():
    assert split_list("PNA, Privés (mécénat, fondations); Région | LEADER") == [
        "PNA",
        "Privés (mécénat, fondations)",
        "Région",
        "LEADER",
    ]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"columns": ["nom"]}, "columns doit être un objet"),
        ({"columns": {"name": 3.5j}}, "columns.name doit être un texte"),
        ({"columns": {"name": ["a", "b"]}}, "columns.name doit être un texte"),
        ({"values": {"stage": {"x": "bientot"}}}, "values.stage.x"),
        ({"join": {"path": "../etc/passwd", "on": "id"}}, None),
    ],
)
def test_mapping_shape_is_checked(mapping, message):
    if message is None:
        assert check_mapping(mapping, "m.yaml")["join"]["path"] == "../etc/passwd"
        return
    with pytest.raises(IngestError, match=message):
        check_mapping(mapping, "m.yaml")


def test_join_is_refused_outside_the_folder_and_without_permission(communes, tmp_path):
    main = tmp_path / "main.csv"
    main.write_text("id,nom,code insee\n1,A,35238\n", encoding="utf-8")
    escape = {"join": {"path": "../secret.csv", "on": "id"}}
    with pytest.raises(IngestError, match="même dossier"):
        import_cooperations(communes, main, kind="pat", mapping=escape, allow_join=True)
    with pytest.raises(IngestError, match="ligne de commande"):
        import_cooperations(
            communes, main, kind="pat", mapping={"join": {"path": "b.csv", "on": "id"}}
        )


def test_bundled_pat_slice_with_its_mapping(communes):
    """The shipped mapping reads the bundled France PAT slice: stages, financing, partners."""
    folder = PROJECT_ROOT / "data" / "cooperations" / "pat-france-2025"
    report = import_cooperations(
        communes,
        folder / "pats-axe-gouvernance-20250710-win1252.csv",
        kind="pat",
        source="pat",
        mapping=PROJECT_ROOT / "data" / "mappings" / "pat-france-2025.yaml",
        allow_join=True,
        dry_run=True,
    )
    assert report.accepted + len(report.rejects) == report.counts["rows_read"] == 44
    columns = {c["column"]: c for c in report.counts["columns"]}
    assert columns["les_dispositifs_financiers"]["field"] == "financing_sources"
    assert columns["gouvernance"]["read_as"] == "attributes"


def test_the_api_says_what_was_derived_and_flagged(app, client):
    with app.extensions["geocoop.engine"].begin() as conn:
        conn.execute(text((DATA / "communes.sql").read_text(encoding="utf-8")))
        import_cooperations(conn, HERE / "lieux.csv", kind="tiers_lieu", source="q")
        import_cooperations(conn, HERE / "pat_liste.csv", kind="pat", source="liste")
    body = client.get("/api/features/collections/cooperations/items?limit=50&f=json").get_json()
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    far = by_name["Café loin"]["properties"]
    assert far["quality_flags"] == "far_from_declared_commune"
    detail = json.loads(far["quality_detail"])["far_from_declared_commune"]
    assert detail["kept"] == "coordinates" and detail["counted_in"] == far["commune_code"]
    assert by_name["Happy Hours"]["properties"]["quality_flags"] == "probable_duplicate_of"
    pat = by_name["PAT de Rennes"]["properties"]
    assert pat["category"] == "modelisee" and pat["category_derived"] is True
    unplaced = by_name["PAT vide"]
    assert unplaced["geometry"] is None and unplaced["properties"]["quality_flags"] == "unlocated"


def test_a_probable_duplicate_is_not_counted_twice(communes):
    from geocoop.analysis.api import coverage, refresh_all

    import_cooperations(communes, HERE / "lieux.csv", kind="tiers_lieu", source="q")
    refresh_all(communes)
    rennes = coverage(
        communes, level="commune", kinds=["tiers_lieu"], parent_code="35238", parent_level="commune"
    )
    # 3 rows declare Rennes at the same place: « Happy Hour », « Happy Hours » (probable
    # duplicate) and « Autre café »; « Café loin » counts in Brest, where its point is
    assert rennes[0]["cooperations"] == 2
    brest = coverage(
        communes, level="commune", kinds=["tiers_lieu"], parent_code="29019", parent_level="commune"
    )
    assert brest[0]["cooperations"] == 1


def test_the_map_draws_the_bundled_pat_perimeters(demo_app):
    client = demo_app.test_client()
    body = client.get("/api/maps/perimeters?kinds=pat").get_json()
    assert len(body["features"]) == 44  # every bundled PAT has a perimeter in the slice
    assert {f["geometry"]["type"] for f in body["features"]} <= {"Polygon", "MultiPolygon"}
    assert all(f["properties"]["kind_code"] == "pat" for f in body["features"])
    emerging = client.get("/api/maps/perimeters?kinds=pat&stage=emergence").get_json()
    assert 0 < len(emerging["features"]) < 44
    assert client.get("/api/maps/perimeters?kinds=tiers_lieu").get_json()["features"] == []
    page = client.get("/").get_data(as_text=True)
    assert "/api/maps/perimeters" in page


def test_perimeter_keys_cover_their_communes_without_geometry(communes, tmp_path):
    """Stored perimeter keys cover exactly their communes.

    Stored keys are `level:code`: a commune list, an EPCI and a département each cover
    exactly their communes under the perimeter rule.
    """
    from geocoop.analysis.api import refresh_all

    path = tmp_path / "pat.csv"
    path.write_text(
        "id,nom,perimetre\n1,PAT communes,35288;22278\n2,PAT EPCI,243500139\n"
        "3,PAT département,dep:35\n",
        encoding="utf-8",
    )
    import_cooperations(communes, path, kind="pat", source="keys")
    refresh_all(communes)
    covered = dict(
        communes.execute(
            text(
                "SELECT commune_code, perimeter_via FROM analysis_commune_kind "
                "WHERE kind_code = 'pat' AND covered_perimeter"
            )
        ).all()
    )
    assert covered == {
        "35288": "commune_code",  # named, also in the département: the commune wins
        "22278": "commune_code",
        "35238": "epci_code",
        "35047": "epci_code",
    }
