"""Open layers with QGIS's own providers, headless; print what QGIS read as JSON.

Run by Debian's /usr/bin/python3 (python3-qgis, QGIS 3.22), not the project's virtualenv,
which cannot import the qgis bindings: `python3 qgis_probe.py SPEC_JSON`. SPEC_JSON is
{"oapif": [{"url", "typename", "values": [field names], "ids": [feature ids]}],
 "tiles": [{"template", "zmin", "zmax", "layer", "boxes": [[xmin, ymin, xmax, ymax]]}]}
(boxes in EPSG:3857, each drawn into a 256×256 image).
Imports nothing from geocoop: it only talks to the server over HTTP, like a planner's QGIS.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (  # noqa: E402 - the platform must be set before Qt loads
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsFeatureRequest,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsRectangle,
    QgsVectorLayer,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize, QVariant  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402


def plain(value):
    """A QVariant-ish value as JSON (NULL as None)."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def open_oapif(spec: dict) -> dict:
    started = time.perf_counter()
    out = read_oapif(spec)
    out["seconds"] = round(time.perf_counter() - started, 3)  # open and read every feature
    return out


def read_oapif(spec: dict) -> dict:
    uri = (
        f"pagingEnabled='true' restrictToRequestBBOX='0' typename='{spec['typename']}' "
        f"url='{spec['url']}' version='OGC_API_FEATURES'"
    )
    layer = QgsVectorLayer(uri, spec["typename"], "OAPIF")
    out = {"valid": layer.isValid(), "typename": spec["typename"]}
    if not layer.isValid():
        out["error"] = layer.error().summary()
        return out
    # the Qt type QGIS keeps for each field (what expressions, styles and exports see)
    out["fields"] = {f.name(): QVariant.typeToName(f.type()) for f in layer.fields()}
    out["feature_count"] = layer.featureCount()
    out["geometry"] = layer.geometryType()
    out["crs"] = layer.crs().authid()
    values = {}
    wanted = set(spec.get("ids") or [])
    read = 0
    for feature in layer.getFeatures(QgsFeatureRequest()):
        read += 1
        fid = plain(feature.attribute("id")) if "id" in out["fields"] else None
        if fid is not None and str(fid) in wanted:
            values[str(fid)] = {name: plain(feature.attribute(name)) for name in spec["values"]}
    out["features_read"] = read
    out["values"] = values
    return out


def render(layer, bbox_3857: list[float]) -> dict:
    """Draw `layer` over the box (EPSG:3857) into a 256×256 image: painted pixels, errors."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    settings.setExtent(QgsRectangle(*bbox_3857))
    settings.setOutputSize(QSize(256, 256))
    settings.setBackgroundColor(QColor(255, 255, 255, 0))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    painted = sum(
        1 for x in range(0, 256, 4) for y in range(0, 256, 4) if image.pixelColor(x, y).alpha()
    )
    return {"painted": painted, "errors": [e.message for e in job.errors()]}


def open_tiles(spec: dict) -> dict:
    uri = f"type=xyz&url={spec['template']}&zmin={spec['zmin']}&zmax={spec['zmax']}"
    layer = QgsVectorTileLayer(uri, spec["layer"])
    out = {"valid": layer.isValid(), "source": layer.sourceType()}
    if layer.isValid():
        out["renders"] = [render(layer, box) for box in spec["boxes"]]
    return out


def main() -> int:
    spec = json.loads(sys.argv[1])
    app = QgsApplication([], False)
    app.initQgis()
    try:
        result = {
            "qgis": Qgis.QGIS_VERSION,
            "oapif": [open_oapif(s) for s in spec.get("oapif", [])],
            "tiles": [open_tiles(s) for s in spec.get("tiles", [])],
        }
    finally:
        app.exitQgis()
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
