"""One blueprint per URL area; each area module exposes `register(app)`."""

from geocoop.web.blueprints import (
    admin,  # token-protected admin pages
    analysis_api,  # /api/analysis/…
    changelog,  # /changements: the public changelog (HTML, Atom, JSON)
    contrib,  # /proposer (public form), /api/contrib/… (members' tokens)
    ingest_api,  # POST /api/ingest/… (token)
    maps,  # HTML map pages
    moderation,  # /moderation: members sign in with their token, validate, reject, revert
    ogcapi,  # OGC API – Features
    ogcapi_write,  # OGC API – Features – Part 4 on cooperations (members' tokens)
    tiles,  # vector tiles
)

AREAS = (
    ingest_api,
    ogcapi,
    ogcapi_write,
    tiles,
    analysis_api,
    maps,
    admin,
    contrib,
    moderation,
    changelog,
)
