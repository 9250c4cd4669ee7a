"""Run inside uMap's own virtualenv (`umap shell < umap_map.py`, see benchmarks/umap.py).

One public map whose layers are geocoop remote-data URLs, a blank base layer; prints the
map's path. Never imported by geocoop.
"""

import json
import os
import uuid

from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from umap.models import DataLayer, Map, TileLayer

# a transparent one-pixel PNG: no tile server, no network
BLANK = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAA"
    "AYAAjCB0C8AAAAASUVORK5CYII="
)
geocoop = os.environ["GEOCOOP_URL"]
TileLayer.objects.all().delete()
TileLayer.objects.create(name="Aucun fond", url_template=BLANK, attribution="geocoop", rank=1)
centre = Point(2.5, 46.6)
made = Map.objects.create(
    name="geocoop",
    slug="geocoop",
    center=centre,
    zoom=6,
    share_status=Map.PUBLIC,
    edit_status=Map.OWNER,
    settings={
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [2.5, 46.6]},
        "properties": {"name": "geocoop", "zoom": 6},
    },
)
for rank, layer in enumerate(json.loads(os.environ["UMAP_LAYERS"])):
    # what docs/api.md tells a map maker to set: remote data, GeoJSON, dynamic, no proxy,
    # « À partir du zoom », the `{colour}` of each feature
    options = {
        "name": layer["name"],
        "displayOnLoad": True,
        "remoteData": {"url": geocoop + layer["url"], "format": "geojson", "dynamic": True},
        "fromZoom": layer.get("min_zoom", 0),
        "color": "{colour}",
    }
    if layer.get("type"):
        options["type"] = layer["type"]
    body = json.dumps({"type": "FeatureCollection", "features": [], "_umap_options": options})
    datalayer = DataLayer(
        uuid=uuid.uuid4(), map=made, name=layer["name"], rank=rank, settings=options
    )
    datalayer.geojson.save("layer.geojson", ContentFile(body.encode()), save=False)
    datalayer.save()
print(made.get_absolute_url())
