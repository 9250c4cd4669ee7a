"""One blueprint per URL area. Each optional area module exposes `register(app)`."""

AREAS = (
    "geocoop.web.blueprints.ingest_api",  # POST /api/ingest/… (token)
    "geocoop.web.blueprints.ogcapi",  # OGC API – Features
    "geocoop.web.blueprints.tiles",  # vector tiles
    "geocoop.web.blueprints.analysis_api",  # /api/analysis/…
    "geocoop.web.blueprints.maps",  # HTML map pages
    "geocoop.web.blueprints.admin",  # token-protected admin pages
)
