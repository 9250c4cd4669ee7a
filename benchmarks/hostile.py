"""The hostile corpus: files built on the fly (bombs in a bounded form), each with its outcome.

`CASES[name]` is a `Case`: a builder writing the file (and a mapping file, if any) into a
folder, and the expected outcome — refused with an HTTP status and a message fragment, or
imported with so many rows accepted/rejected. docs/hostile.md lists every case (a test
checks it). `scale` > 1 builds the heavy cases at full size (benchmarks/bench_fuzz.py).
"""

from __future__ import annotations

import codecs
import json
import sqlite3
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GOOD_CSV = "id;nom;code_insee\n1;La Fabrique;35238\n2;Pôle Sud;35047\n"


@dataclass(frozen=True)
class Case:
    """A hostile input and what geocoop must answer."""

    build: Callable[[Path, int], tuple[Path, Path | None]]  # (file, mapping file or None)
    status: int  # 400/413 refused; 201 imported
    fragment: str  # in the error message, or in a warning/reject reason ("" = none)
    accepted: int = 0
    rejected: int = 0


def _csv(name: str, text: str | bytes, mapping: str | None = None, suffix: str = ".yaml"):
    def build(folder: Path, _scale: int) -> tuple[Path, Path | None]:
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        mapping_path = None
        if mapping is not None:
            mapping_path = folder / f"{Path(name).stem}{suffix}"
            mapping_path.write_text(mapping, encoding="utf-8")
        return path, mapping_path

    return build


def _mapping(name: str, mapping: str, suffix: str = ".yaml"):
    return _csv(name, GOOD_CSV, mapping, suffix)


ALIAS_BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{c}: &{c} [{', '.join(['*' + p] * 9)}]"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "columns: {name: *i}",
    ]
)

# -- XLSX: a minimal workbook whose sheet XML is written by the case --------------------
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
        '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
        'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd'
        '.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl'
        '/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        "schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
_HEADER = '<row r="1">{}{}{}</row>'


def cell(ref: str, text: object) -> str:
    """An inline-string cell."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> str:
    """Row 1: id, nom, code_insee."""
    return _HEADER.format(cell("A1", "id"), cell("B1", "nom"), cell("C1", "code_insee"))


def data_row(number: int, name: str = "Lieu") -> str:
    """A valid row placed in Rennes."""
    return (
        f'<row r="{number}">{cell(f"A{number}", number)}{cell(f"B{number}", name)}'
        f"{cell(f'C{number}', '35238')}</row>"
    )


def write_xlsx(path: Path, chunks, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>'):
    """A workbook whose sheet XML is `prolog` + the chunks (streamed: bombs stay cheap)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in _PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(prolog.encode())
            for chunk in chunks:
                member.write(chunk.encode() if isinstance(chunk, str) else chunk)


def _sheet(body: str) -> list[str]:
    return [f"<worksheet {_NS}>", body, "</worksheet>"]


def _xlsx(name: str, body: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>'):
    def build(folder: Path, _scale: int) -> tuple[Path, None]:
        path = folder / name
        write_xlsx(path, _sheet(body), prolog)
        return path, None

    return build


def _xlsx_bomb(folder: Path, scale: int) -> tuple[Path, None]:
    """A sheet that inflates past the 100 MiB limit (scale 2: ~200 MB, the issue's shape)."""
    path = folder / "xlsx_bombe_zip.xlsx"
    row = f"<row>{cell('A1', 1)}{cell('B1', 'Lieu')}</row>".encode()
    block = row * (1024 * 1024 // len(row) + 1)  # ~1 MiB, compresses ~300×
    chunks = [f"<worksheet {_NS}><sheetData>{header_row()}", *[block] * (101 * scale)]
    write_xlsx(path, [*chunks, "</sheetData></worksheet>"])
    return path, None


def _xlsx_members(folder: Path, _scale: int) -> tuple[Path, None]:
    path = folder / "xlsx_trop_de_parties.xlsx"
    write_xlsx(path, _sheet(f"<sheetData>{header_row()}{data_row(2)}</sheetData>"))
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(1001):
            archive.writestr(f"xl/media/vide{number}.bin", b"")
    return path, None


def _xlsx_truncated(folder: Path, _scale: int) -> tuple[Path, None]:
    """Valid local headers, then the archive cut in the middle of the sheet."""
    path = folder / "xlsx_tronque.xlsx"
    rows = "".join(data_row(n, "x" * 40) for n in range(2, 2000))
    write_xlsx(path, _sheet(f"<sheetData>{header_row()}{rows}</sheetData>"))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path, None


def _xlsx_lying_size(folder: Path, _scale: int) -> tuple[Path, None]:
    """A member that declares 10 bytes uncompressed but inflates to much more."""
    path = folder / "xlsx_taille_mensongere.xlsx"
    rows = "".join(data_row(n) for n in range(2, 5000))
    write_xlsx(path, _sheet(f"<sheetData>{header_row()}{rows}</sheetData>"))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    real = info.file_size.to_bytes(8, "little")
    # zip64 extra fields carry the size: patch every copy (local header and directory).
    for size_bytes in (real, info.file_size.to_bytes(4, "little")):
        start = data.find(size_bytes)
        while start != -1:
            data[start : start + len(size_bytes)] = (10).to_bytes(len(size_bytes), "little")
            start = data.find(size_bytes, start + 1)
    path.write_bytes(bytes(data))
    return path, None


def _gpkg_two_layers(folder: Path, _scale: int) -> tuple[Path, None]:
    import geopandas
    from shapely.geometry import Point

    path = folder / "gpkg_deux_couches.gpkg"
    for layer in ("tiers_lieux", "ptce"):
        frame = geopandas.GeoDataFrame(
            {"id": ["1"], "nom": [layer]}, geometry=[Point(-1.68, 48.11)], crs=4326
        )
        frame.to_file(path, layer=layer, driver="GPKG")
    return path, None


def _zip_two_shapefiles(folder: Path, _scale: int) -> tuple[Path, None]:
    import geopandas
    from shapely.geometry import Point

    path = folder / "zip_deux_shapefiles.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for layer in ("a", "b"):
            frame = geopandas.GeoDataFrame(
                {"id": ["1"], "nom": [layer]}, geometry=[Point(-1.68, 48.11)], crs=4326
            )
            frame.to_file(folder / f"{layer}.shp")
            for ext in ("shp", "shx", "dbf", "prj"):
                archive.write(folder / f"{layer}.{ext}", f"{layer}.{ext}")
    return path, None


def _zip_shapefile_bomb(folder: Path, scale: int) -> tuple[Path, None]:
    path = folder / "zip_bombe_shapefile.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("communes.shp", "w", force_zip64=True) as member,
    ):
        block = b"\0" * (1 << 20)
        for _ in range(101 * scale):
            member.write(block)
    return path, None


def _corrupt_shapefile(folder: Path, _scale: int) -> tuple[Path, None]:
    path = folder / "zip_shapefile_corrompu.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("lieux.shp", b"\0" * 100)
        archive.writestr("lieux.shx", b"\0" * 100)
        archive.writestr("lieux.dbf", b"garbage")
    return path, None


def _geojson(name: str, feature_properties: dict) -> Callable:
    def build(folder: Path, _scale: int) -> tuple[Path, None]:
        features = [
            {
                "type": "Feature",
                "properties": {"id": "1", "nom": "Sain", **feature_properties},
                "geometry": {"type": "Point", "coordinates": [-1.68, 48.11]},
            },
            {
                "type": "Feature",
                "properties": {"id": "2", "nom": "Autre"},
                "geometry": {"type": "Point", "coordinates": [-1.69, 48.12]},
            },
        ]
        path = folder / name
        collection = {"type": "FeatureCollection", "features": features}
        path.write_text(json.dumps(collection), encoding="utf-8")
        return path, None

    return build


def _nul_after_8k() -> bytes:
    lines = [f"{n};Structure numéro {n};35238" for n in range(1, 400)]
    lines[300] = "301;Bad\x00name;35238"
    return ("id;nom;code_insee\n" + "\n".join(lines) + "\n").encode()


def _sqlite_not_gpkg(folder: Path, _scale: int) -> tuple[Path, None]:
    path = folder / "gpkg_sqlite_nu.gpkg"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
    return path, None


_ROWS_1 = f"<sheetData>{header_row()}{data_row(2)}</sheetData>"
CASES: dict[str, Case] = {
    # -- mapping files (YAML/JSON) ---------------------------------------------------------
    "mapping_bombe_alias.yaml": Case(
        _mapping("bombe_alias.csv", ALIAS_BOMB), 400, "ancres et alias YAML"
    ),
    "mapping_cle_de_fusion.yaml": Case(
        _mapping("fusion.csv", "base: &b {name: nom}\ncolumns:\n  <<: *b\n"), 400, "alias"
    ),
    "mapping_columns_liste.yaml": Case(
        _mapping("liste.csv", "columns: [nom, code_insee]\n"), 400, "columns doit être un objet"
    ),
    "mapping_colonne_entier.yaml": Case(
        _mapping("entier.csv", "columns: {name: 123}\n"), 400, "colonne « 123 »"
    ),
    "mapping_cle_entier.yaml": Case(
        _mapping("cle.csv", "columns: {1: nom}\n"), 400, "champs inconnus ['1']"
    ),
    "mapping_pas_un_objet.yaml": Case(
        _mapping("scalaire.csv", "- columns\n- kinds\n"), 400, "doit être un objet"
    ),
    "mapping_kinds_imbrique.yaml": Case(
        _mapping("kinds.csv", "kinds: {Coworking: [tiers_lieu]}\n"), 400, "kinds.Coworking"
    ),
    "mapping_ignore_scalaire.yaml": Case(
        _mapping("ignore.csv", "ignore: 5\n"), 400, "ignore doit être une liste"
    ),
    "mapping_yaml_casse.yaml": Case(
        _mapping("casse.csv", "columns: {name: nom\n"), 400, "illisible"
    ),
    "mapping_etiquette_python.yaml": Case(
        _mapping("tag.csv", "columns: !!python/object/apply:os.system ['true']\n"),
        400,
        "illisible",
    ),
    "mapping_trop_gros.yaml": Case(
        _mapping("gros.csv", "ignore:\n" + "  - colonne\n" * 8000), 413, "trop gros"
    ),
    "mapping_json_imbrique.json": Case(
        _mapping("profond.csv", "[" * 20000 + "]" * 20000, ".json"), 400, "trop imbriqué"
    ),
    "mapping_valeur_liste.yaml": Case(
        _mapping("valeurs.csv", "values: {stage: {Idée: [emergence]}}\n"), 400, "values.stage"
    ),
    "mapping_champ_inconnu.json": Case(
        _mapping("champ.csv", '{"columns": {"nom": "nom"}}', ".json"), 400, "champs inconnus"
    ),
    # -- XLSX --------------------------------------------------------------------------------
    "xlsx_bombe_zip.xlsx": Case(_xlsx_bomb, 413, "une fois décompressé"),
    "xlsx_ligne_lointaine.xlsx": Case(
        _xlsx(
            "xlsx_ligne_lointaine.xlsx",
            f'<sheetData>{header_row()}<row r="1048576">{cell("A1048576", 1)}</row></sheetData>',
        ),
        413,
        "lignes",
    ),
    "xlsx_colonne_lointaine.xlsx": Case(
        _xlsx("xlsx_colonne_lointaine.xlsx", f"<sheetData>{header_row()}"
              f'<row r="2">{cell("XFD2", 1)}</row></sheetData>'),  # fmt: skip
        413,
        "colonnes",
    ),
    "xlsx_trop_de_cellules.xlsx": Case(
        _xlsx("xlsx_trop_de_cellules.xlsx", f"<sheetData>{header_row()}"
              f'<row r="2500">{cell("ALL2500", 1)}</row></sheetData>'),  # fmt: skip
        413,
        "cellules",
    ),
    "xlsx_cellule_geante.xlsx": Case(
        _xlsx("xlsx_cellule_geante.xlsx", f"<sheetData>{header_row()}"
              f"<row r=\"2\">{cell('B2', 'x' * 40000)}</row></sheetData>"),  # fmt: skip
        413,
        "32767 caractères",
    ),
    "xlsx_dimension_mensongere.xlsx": Case(
        _xlsx(
            "xlsx_dimension_mensongere.xlsx",
            f'<dimension ref="A1:XFD1048576"/><sheetData>{header_row()}{data_row(2)}</sheetData>',
        ),
        201,
        "",
        accepted=1,
    ),
    "xlsx_xml_casse.xlsx": Case(
        _xlsx("xlsx_xml_casse.xlsx", f"<sheetData>{header_row()}<row></sheetData>"),
        400,
        "XML invalide",
    ),
    "xlsx_entite.xlsx": Case(
        _xlsx("xlsx_entite.xlsx", _ROWS_1, '<!DOCTYPE worksheet [<!ENTITY x "lol">]>'),
        400,
        "DOCTYPE",
    ),
    "xlsx_entite_externe.xlsx": Case(
        _xlsx(
            "xlsx_entite_externe.xlsx",
            _ROWS_1,
            '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        ),
        400,
        "DOCTYPE",
    ),
    "xlsx_nombre_illisible.xlsx": Case(
        _xlsx("xlsx_nombre_illisible.xlsx", f"<sheetData>{header_row()}"
              '<row r="2"><c r="A2" t="n"><v>zz</v></c></row></sheetData>'),  # fmt: skip
        400,
        "classeur XLSX illisible",
    ),
    "xlsx_chaine_partagee_absente.xlsx": Case(
        _xlsx("xlsx_chaine_partagee_absente.xlsx", f"<sheetData>{header_row()}"
              '<row r="2"><c r="B2" t="s"><v>99</v></c></row></sheetData>'),  # fmt: skip
        400,
        "classeur XLSX illisible",
    ),
    "xlsx_caractere_nul.xlsx": Case(
        _xlsx("xlsx_caractere_nul.xlsx", f"<sheetData>{header_row()}"
              f"<row r=\"2\">{cell('B2', 'a&#0;b')}</row></sheetData>"),  # fmt: skip
        400,
        "XML invalide",
    ),
    "xlsx_trop_de_parties.xlsx": Case(_xlsx_members, 413, "fichiers dans l'archive"),
    "xlsx_tronque.xlsx": Case(_xlsx_truncated, 400, "illisible"),
    "xlsx_taille_mensongere.xlsx": Case(_xlsx_lying_size, 400, "illisible"),
    "xlsx_pas_un_zip.xlsx": Case(
        _csv("xlsx_pas_un_zip.xlsx", b"PK\x03\x04" + b"\x00" * 200), 400, "illisible"
    ),
    # -- CSV ---------------------------------------------------------------------------------
    "csv_nul_apres_8_ko.csv": Case(
        _csv("csv_nul_apres_8_ko.csv", _nul_after_8k()), 400, "ligne 302 : caractère NUL"
    ),
    "csv_entete_nul_apres_8_ko.csv": Case(
        _csv("csv_entete_nul_apres_8_ko.csv", b"\n" * 9000 + b"id;n\x00om\n1;A\n"),
        400,
        "ligne 9001 : caractère NUL",
    ),
    "csv_utf16_bom.csv": Case(
        _csv("csv_utf16_bom.csv", codecs.BOM_UTF16_LE + GOOD_CSV.encode("utf-16-le")),
        201,
        "",
        accepted=2,
    ),
    "csv_utf16_be_bom.csv": Case(
        _csv("csv_utf16_be_bom.csv", codecs.BOM_UTF16_BE + GOOD_CSV.encode("utf-16-be")),
        201,
        "",
        accepted=2,
    ),
    "csv_utf16_tronque.csv": Case(
        _csv("csv_utf16_tronque.csv", codecs.BOM_UTF16_LE + GOOD_CSV.encode("utf-16-le")[:-1]),
        400,
        "UTF-16 illisible",
    ),
    "csv_entete_formule.csv": Case(
        _csv(
            "csv_entete_formule.csv",
            'id;nom;code_insee;"=HYPERLINK(""http://evil.example"")"\n1;A;35238;x\n',
        ),
        201,
        "formule de tableur",
        accepted=1,
    ),
    "csv_entetes_en_double.csv": Case(
        _csv("csv_entetes_en_double.csv", "id;nom;code_insee;nom\n1;A;35238;B\n"),
        201,
        "« nom » colonne 4 → nom_2",
        accepted=1,
    ),
    "csv_guillemet_non_ferme.csv": Case(
        _csv(
            "csv_guillemet_non_ferme.csv",
            'id;nom;code_insee\n1;"La Fabrique;35238\n2;Pôle Sud;35047\n3;Le Lieu;35238\n',
        ),
        201,
        "guillemet ouvert ligne 2, champ « nom », jamais fermé",
        accepted=2,
        rejected=1,
    ),
    "csv_guillemet_entete.csv": Case(
        _csv("csv_guillemet_entete.csv", 'id;"nom;code_insee\n1;A;35238\n2;B;35047\n'),
        400,
        "ligne 1, colonne 2 : guillemet ouvert jamais fermé",
    ),
    "csv_binaire_pdf.csv": Case(
        _csv("csv_binaire_pdf.csv", b"%PDF-1.4\n\x00\x01\x02" * 10), 400, "binaire"
    ),
    # -- vector files ------------------------------------------------------------------------
    # GDAL reads strings as C strings: a NUL ends the value or the key, nothing reaches SQL.
    "geojson_valeur_nul.geojson": Case(
        _geojson("geojson_valeur_nul.geojson", {"remarque": "a\u0000b"}), 201, "", accepted=2
    ),
    "geojson_cle_nul.geojson": Case(
        _geojson("geojson_cle_nul.geojson", {"re\u0000marque": "x"}), 201, "", accepted=2
    ),
    "gpkg_deux_couches.gpkg": Case(_gpkg_two_layers, 400, "2 couches"),
    "gpkg_sqlite_nu.gpkg": Case(_sqlite_not_gpkg, 400, "illisible"),
    "zip_deux_shapefiles.zip": Case(_zip_two_shapefiles, 400, "2 couches"),
    "zip_bombe_shapefile.zip": Case(_zip_shapefile_bomb, 413, "une fois décompressé"),
    "zip_shapefile_corrompu.zip": Case(_corrupt_shapefile, 400, "illisible"),
}
