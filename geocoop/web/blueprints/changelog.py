"""The public changelog (/changements).

The latest changes of cooperations per territory and kind, as a page (HTML), an Atom feed (a feed
reader follows a territory) and JSON. A thin view over geocoop.maps.changelog.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Flask, Response, render_template, request

from geocoop.errors import BadRequest
from geocoop.maps.changelog import changelog
from geocoop.maps.kinds import map_kinds
from geocoop.web import i18n
from geocoop.web.database import connection
from geocoop.web.http import json_response, reject_nul, url, wanted_format

bp = Blueprint("changelog", __name__)
bp.before_request(reject_nul)
ATOM = "application/atom+xml"
PARAMETERS = {"f", "kind", "territoire", "limit", "before", "lang"}


def register(app: Flask) -> None:
    """Wire the changelog into `app`."""
    i18n.init_app(app)
    app.register_blueprint(bp)


def _int(name: str, default: int | None) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or len(value) > 9:
        raise BadRequest(f"Paramètre {name} : un entier positif attendu.")
    return int(value)


@bp.get("/changements")
def changes():
    """The latest changes (`kind`, `territoire`, `limit`, `before`), HTML, Atom or JSON."""
    unknown = sorted(set(request.args) - PARAMETERS)
    if unknown:
        raise BadRequest(f"Paramètre inconnu : {unknown[0][:60]!r}.")
    fmt = wanted_format(("html", "atom", "json"))
    kind = request.args.get("kind") or None
    territory = request.args.get("territoire") or None
    items = changelog(
        connection(),
        kind=kind,
        territory=territory,
        limit=_int("limit", 50),
        before_id=_int("before", None),
    )
    args = {k: v for k, v in request.args.items() if k in ("kind", "territoire") and v}
    links = {f: url("changelog.changes", f=f, **args) for f in ("html", "atom", "json")}
    if fmt == "json":
        return json_response({"count": len(items), "items": items, "links": links})
    context = {"items": items, "kind": kind, "territory": territory, "links": links}
    if fmt == "atom":
        updated = items[0]["at"] if items else datetime.now(UTC).isoformat()
        body = render_template("contrib/changes.atom.xml", updated=updated, **context)
        return Response(body, mimetype=ATOM)
    return render_template("contrib/changes.html", kinds=map_kinds(connection()), **context)
