"""Downloads: a page of features as CSV or GeoPackage.

Downloads: a page of features as CSV (geometry as WKT) or GeoPackage; any GeoJSON-like
features as GeoPackage.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile

from sqlalchemy import Connection

from geocoop.errors import GeocoopError
from geocoop.features.crs import Crs
from geocoop.features.params import ItemQuery
from geocoop.features.query import item_rows
from geocoop.features.spec import Collection
from geocoop.text import safe_cell


def export_rows(
    conn: Connection, collection: Collection, q: ItemQuery, *, explicit_limit: bool, maximum: int
) -> list[dict]:
    """The rows of a CSV/GeoPackage export.

    Without an explicit limit an export means "everything that matches", bounded by
    `maximum`: more than that is refused (413) rather than silently cut.
    """
    if not explicit_limit:
        q.limit = maximum
    rows = item_rows(conn, collection, q, wkt=q.format == "csv", extra=1)
    if len(rows) > q.limit:
        if not explicit_limit:
            raise GeocoopError(
                f"Plus de {q.limit} objets : restreignez l'export (bbox, filtre) ou "
                "paginez avec limit et offset.",
                status=413,
            )
        rows = rows[: q.limit]
    return rows


def _cell(value: object) -> object:
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    return safe_cell(value)


def to_csv(collection: Collection, rows: list[dict]) -> str:
    """CSV text: id, the properties, then `wkt`; no cell can start a spreadsheet formula."""
    names = [p.name for p in collection.properties]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", *names, "wkt"])
    for row in rows:
        writer.writerow([_cell(row["id"]), *(_cell(row[n]) for n in names), row["geometry"]])
    return out.getvalue()


_NULLABLE = {"integer": "Int64", "boolean": "boolean"}


def to_gpkg(collection: Collection, rows: list[dict], crs: Crs) -> bytes:
    """A GeoPackage (one layer named after the collection) with `rows`; geometry given as WKB."""
    import geopandas
    import shapely

    names = [p.name for p in collection.properties]
    # the feature id keeps its name (the GeoPackage's own integer key is `fid`)
    ids = [r["id"] for r in rows]
    data = {"id": ids if collection.id_type == "integer" else [str(i) for i in ids]}
    for prop in collection.properties:
        column = [r[prop.name] for r in rows]
        if prop.type == "array":
            column = [" ".join(v) if v else None for v in column]
        elif prop.type == "number":  # numeric from PostgreSQL: a Real column, not text
            column = [None if v is None else float(v) for v in column]
        elif prop.type == "date-time":
            column = [v.isoformat() if v else None for v in column]
        data[prop.name] = column
    geometry = shapely.from_wkb([bytes(r["geometry"]) if r["geometry"] else None for r in rows])
    epsg = "OGC:CRS84" if crs.srid == 4326 else f"EPSG:{crs.srid}"
    frame = geopandas.GeoDataFrame(data, geometry=geometry, crs=epsg)
    for prop in collection.properties:  # nullable dtypes: Integer/Boolean columns, not text
        if prop.type in _NULLABLE:
            frame[prop.name] = frame[prop.name].astype(_NULLABLE[prop.type])
    return write_gpkg(frame[["id", *names, "geometry"]], collection.id)


def features_to_gpkg(features: list[dict], layer: str) -> bytes:
    """A GeoPackage of GeoJSON-like features (EPSG:4326).

    Lists become space-separated text, nested values JSON text.
    """
    import json

    import geopandas
    import shapely.geometry

    columns: dict[str, list] = {}
    for index, feature in enumerate(features):
        for key, value in feature["properties"].items():
            if isinstance(value, list):
                value = " ".join(str(v) for v in value)
            elif isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False)
            columns.setdefault(key, [None] * len(features))[index] = value
    geometry = [
        shapely.geometry.shape(f["geometry"]) if f.get("geometry") else None for f in features
    ]
    frame = geopandas.GeoDataFrame(columns, geometry=geometry, crs="OGC:CRS84")
    return write_gpkg(frame, layer)


def write_gpkg(frame, layer: str) -> bytes:
    """The bytes of a one-layer GeoPackage written by GDAL (pyogrio) through a temporary file."""
    handle, path = tempfile.mkstemp(suffix=".gpkg", prefix="geocoop-")
    os.close(handle)
    try:
        os.unlink(path)  # the driver wants to create the file itself
        # GeoPackage 1.2: GDAL 3.6 (Debian 12, QGIS 3.22) reads 1.4 files with a warning
        frame.to_file(
            path, layer=layer, driver="GPKG", engine="pyogrio", dataset_options={"VERSION": "1.2"}
        )
        with open(path, "rb") as produced:
            return produced.read()
    finally:
        if os.path.exists(path):
            os.unlink(path)
