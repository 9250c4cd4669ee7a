"""Downloads of a page of features: CSV (geometry as WKT) and GeoPackage."""

from __future__ import annotations

import csv
import io
import os
import tempfile

from geocoop.features.collections import Collection
from geocoop.features.crs import Crs
from geocoop.ingest.report import safe_cell


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


def to_gpkg(collection: Collection, rows: list[dict], crs: Crs) -> bytes:
    """A GeoPackage (one layer named after the collection) with `rows`; geometry given as WKB."""
    import geopandas
    import shapely

    names = [p.name for p in collection.properties]
    data = {"fid_source": [str(r["id"]) for r in rows]}
    for prop in collection.properties:
        column = [r[prop.name] for r in rows]
        if prop.type == "array":
            column = [" ".join(v) if v else None for v in column]
        elif prop.type == "date-time":
            column = [v.isoformat() if v else None for v in column]
        data[prop.name] = column
    geometry = shapely.from_wkb([bytes(r["geometry"]) if r["geometry"] else None for r in rows])
    epsg = "OGC:CRS84" if crs.srid == 4326 else f"EPSG:{crs.srid}"
    frame = geopandas.GeoDataFrame(data, geometry=geometry, crs=epsg)
    frame = frame[["fid_source", *names, "geometry"]]
    handle, path = tempfile.mkstemp(suffix=".gpkg", prefix="geocoop-")
    os.close(handle)
    try:
        os.unlink(path)  # the driver wants to create the file itself
        frame.to_file(path, layer=collection.id, driver="GPKG", engine="pyogrio")
        with open(path, "rb") as produced:
            return produced.read()
    finally:
        if os.path.exists(path):
            os.unlink(path)
