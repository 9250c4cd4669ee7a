"""HTML map pages: the France map, the territory fiche, and the small JSON the map draws.

Views are thin: parse, call geocoop.maps (framework-free), serialise.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections.abc import Callable

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)

from geocoop.errors import BadRequest
from geocoop.features.cache import VersionedCache
from geocoop.features.version import data_version, published_version, settled
from geocoop.maps import folium_maps
from geocoop.maps.figures import coverage_figures
from geocoop.maps.filters import parse_filters
from geocoop.maps.kinds import default_kinds, map_kinds
from geocoop.maps.markers import map_cooperations
from geocoop.maps.panel import territory_panel
from geocoop.maps.search import search_territories, territory_at
from geocoop.web import i18n
from geocoop.web.database import cache as routed_cache
from geocoop.web.database import connection
from geocoop.web.http import UNSETTLED_CACHE_CONTROL

bp = Blueprint("maps", __name__)

TILE_COLLECTIONS = {"region": "regions", "departement": "departements", "epci": "epci",
                    "commune": "communes"}  # fmt: skip


CACHE_CONTROL = "public, max-age=60, must-revalidate"


def register(app: Flask) -> None:
    """Wire the map pages, their JSON cache and the i18n helpers into `app`."""
    i18n.init_app(app)
    app.extensions["geocoop.maps.cache"] = VersionedCache(max_entries=512)
    app.register_blueprint(bp)


def _cached_json(build: Callable[[], object], mimetype: str = "application/json") -> Response:
    """The JSON of `build()` for this URL, cached until the data version changes.

    The JSON of `build()` for this URL, cached in-process and by the browser until the
    data version changes (ETag = version + URL; a revalidation costs one sequence read).
    """
    conn = connection()
    version = data_version(conn)
    key = (request.path, tuple(sorted(request.args.items(multi=True))))
    etag = f"{version}-{hashlib.sha256(repr(key).encode()).hexdigest()[:20]}"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        cache: VersionedCache = routed_cache("geocoop.maps.cache")
        body = cache.get(version, key)
        if body is None:
            body = json.dumps(build(), ensure_ascii=False, default=str).encode("utf-8")
            cache.put(version, key, body, len(body))
        response = Response(body, mimetype=mimetype)
    if settled(version):
        response.set_etag(etag)
        response.headers["Cache-Control"] = CACHE_CONTROL
    else:  # a writer is committing: this may be the older data (features/version.py)
        response.headers["Cache-Control"] = UNSETTLED_CACHE_CONTROL
    return response


@bp.after_request
def _compress(response: Response) -> Response:
    # the map's JSON is most of the page's weight (cooperation points): gzip it
    if (
        request.path.startswith("/api/maps/")
        and response.status_code == 200
        and not response.direct_passthrough
        and "gzip" in request.headers.get("Accept-Encoding", "")
        and "Content-Encoding" not in response.headers
    ):
        body = response.get_data()
        if len(body) > 1024:
            response.set_data(gzip.compress(body, compresslevel=5))
            response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def _args() -> dict[str, list[str]]:
    return request.args.to_dict(flat=False)


def _endpoint(name: str, **values) -> str | None:
    # Areas written by other modules may be absent: the page then does without them.
    if name not in current_app.view_functions:
        return None
    return url_for(name, **values)


def _item_url(collection: str) -> str | None:
    return _endpoint("ogcapi.feature", collection_id=collection, feature_id="ID")


def _page_config(lang: str) -> dict:
    settings = current_app.config["GEOCOOP"]
    tiles = None
    if "tiles" in current_app.blueprints:
        # the published version in the URLs: a CDN may keep these tiles `immutable`
        v = published_version(connection())
        tiles = {level: f"/tiles/{name}/{{z}}/{{x}}/{{y}}.mvt?v={v}"
                 for level, name in TILE_COLLECTIONS.items()}  # fmt: skip
    kinds = map_kinds(connection())
    return {
        "lang": lang,
        "messages": i18n.messages(lang),
        "kinds": kinds,
        "defaultKinds": default_kinds(kinds),
        "baseTiles": settings.base_tiles_url or None,
        "baseAttribution": settings.base_tiles_attribution or None,
        "tiles": tiles,
        "endpoints": {
            "cooperations": url_for("maps.cooperations"),
            "perimeters": url_for("maps.perimeters"),
            "labels": url_for("maps.labels"),
            "coverage": url_for("maps.coverage"),
            "search": url_for("maps.search"),
            "at": url_for("maps.at"),
            "territory": url_for("maps.territory_json", code="CODE"),
            "communes": url_for("maps.territory_communes", code="CODE"),
            "whiteZones": url_for("maps.white_zones"),
            "areas": url_for("maps.areas"),
            "fiche": url_for("maps.fiche", code="CODE"),
            "developerPosts": _endpoint("analysis_api.developer_posts"),
            "cooperationItem": _item_url("cooperations"),
            "exports": {
                "csv": _endpoint("analysis_api.white_zones"),
                "geojson": _endpoint("analysis_api.white_zones"),
                "gpkg": _endpoint("analysis_api.white_zones"),
            },
        },
    }


@bp.get("/")
def index():
    """The France map."""
    lang = i18n.current_language()
    # "<" escaped so no value can close the JSON data block it is embedded in
    config = json.dumps(_page_config(lang), ensure_ascii=False, default=str).replace("<", "\\u003c")
    return render_template("maps/index.html", config=config)


@bp.get("/api/maps/search")
def search():
    """Territories by name or code: `?q=rennes&limit=10`."""
    try:
        limit = int(request.args.get("limit", 10))
    except ValueError:
        raise BadRequest("Le paramètre limit doit être un entier.") from None
    return jsonify(search_territories(connection(), request.args.get("q", ""), limit))


@bp.get("/api/maps/at")
def at():
    """The territory of `?level=` under `?lon=&lat=` (a click on the map), or null."""
    try:
        lon, lat = float(request.args["lon"]), float(request.args["lat"])
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ValueError
    except (KeyError, ValueError):
        raise BadRequest("Paramètres lon et lat (nombres) requis.") from None
    level = request.args.get("level", "commune")
    return jsonify(territory_at(connection(), lon, lat, level))


@bp.get("/api/maps/labels")
def labels():
    """Place names of `?level=` in `?bbox=w,s,e,n` (most populated first, `?limit=`)."""
    from geocoop.maps.labels import place_labels

    try:
        bbox = tuple(float(v) for v in request.args.get("bbox", "").split(","))
        limit = int(request.args.get("limit", 150))
        min_population = int(request.args.get("min_population", 0))
    except ValueError:
        raise BadRequest("Paramètres bbox (4 nombres), limit et min_population attendus.") from None
    level = request.args.get("level", "region")
    return _cached_json(
        lambda: place_labels(connection(), level, bbox, limit=limit, min_population=min_population)
    )


@bp.get("/api/maps/cooperations")
def cooperations():
    """Located cooperations matching the map filters, as compact GeoJSON."""
    filters = parse_filters(_args())
    return _cached_json(lambda: map_cooperations(connection(), filters), "application/geo+json")


@bp.get("/api/maps/perimeters")
def perimeters():
    """Perimeters of the cooperations matching the map filters (simplified outlines)."""
    from geocoop.maps.markers import map_perimeters

    filters = parse_filters(_args())
    return _cached_json(lambda: map_perimeters(connection(), filters), "application/geo+json")


@bp.get("/api/maps/coverage")
def coverage():
    """Coverage per territory of `?level=` under the map filters, with totals."""
    level = request.args.get("level", "departement")
    filters = parse_filters(_args())
    area = _area()
    return _cached_json(lambda: coverage_figures(connection(), level, filters, area=area))


def _area() -> tuple[str, str] | None:
    """The région (`?region=`) or département (`?departement=`) chosen on the map."""
    for level in ("departement", "region"):
        code = request.args.get(level)
        if code:
            if len(code) > 3 or not code.isalnum():
                raise BadRequest(f"Code de {level} invalide.")
            return level, code.upper()
    return None


@bp.get("/api/maps/areas")
def areas():
    """Régions and départements for the map's selector, with their boxes."""
    from geocoop.maps.areas import area_choices

    return _cached_json(lambda: area_choices(connection()))


@bp.get("/api/maps/white-zones")
def white_zones():
    """White zones of `?kind=` ranked by population, as GeoJSON (geometry simplified).

    `?region=` / `?departement=` clip them, `?split=departement` cuts them by département.
    """
    from geocoop.maps.zones import white_zone_collection

    filters = parse_filters(_args())
    kind = request.args.get("kind") or (filters.kinds[0] if filters.kinds else "ptce")
    try:
        limit = int(request.args.get("limit", 50))
    except ValueError:
        raise BadRequest("Le paramètre limit doit être un entier.") from None
    split = request.args.get("split", "none")
    if split not in ("none", "departement"):
        raise BadRequest("Le paramètre split vaut none ou departement.")
    area = _area()
    return _cached_json(
        lambda: white_zone_collection(
            connection(), kind, filters.rule, limit, area=area, split=split == "departement"
        ),
        "application/geo+json",
    )


@bp.get("/ou-accompagner")
def funders():
    """« Où accompagner, quoi financer ? ».

    Territories ranked by need (a GET form: level, `area=region:53|departement:22`, kind, sort),
    with every figure's source and rule.
    """
    from geocoop.analysis.api import funder_ranking
    from geocoop.maps.areas import area_choices
    from geocoop.maps.kinds import cooperation_kinds

    conn = connection()
    level = request.args.get("level") or "departement"
    area = request.args.get("area") or ""
    parent_level, _, parent_code = area.partition(":")
    kind = request.args.get("kind") or None
    sort = request.args.get("sort") or "white_population"
    ranking = funder_ranking(
        conn,
        level=level,
        parent_code=parent_code or None,
        parent_level=parent_level or None,
        kind=kind,
        sort=sort,
    )
    exports = {
        "level": level,
        "sort": sort,
        **({"kind": kind} if kind else {}),
        **({"parent": parent_code, "parent_level": parent_level} if parent_code else {}),
    }
    plan, plan_form, plan_args = _plan(conn, parent_level, parent_code)
    return render_template(
        "maps/funders.html",
        ranking=ranking,
        plan=plan,
        plan_form=plan_form,
        plan_csv=plan and url_for("analysis_api.developer_posts", f="csv", **plan_args),
        plan_geojson=plan and url_for("analysis_api.developer_posts", f="geojson", **plan_args),
        plan_map=plan and _map_plan_url(plan_form, parent_level, parent_code),
        kinds=cooperation_kinds(map_kinds(conn)),
        areas=area_choices(conn),
        chosen={"level": level, "area": area, "kind": kind or "", "sort": sort},
        csv_url=url_for("analysis_api.funder_ranking", f="csv", **exports),
        json_url=url_for("analysis_api.funder_ranking", **exports),
    )


def _plan(conn, parent_level: str, parent_code: str) -> tuple[dict | None, dict, dict]:
    """The developer-posts plan when the form asked for one (it costs seconds on France).

    Returns the plan (or None), the form's values and the API arguments of exactly that plan
    (its exports, and the main map's `posts=` link).
    """
    from geocoop.analysis.api import developer_posts
    from geocoop.analysis.planner import DEFAULT_POSTS, DEFAULT_RADIUS_M, DEFAULT_WEIGHT

    defaults = {"posts": DEFAULT_POSTS, "radius_km": DEFAULT_RADIUS_M // 1000, "quota": ""}
    if not request.args.get("posts"):
        return None, {**defaults, "weight": DEFAULT_WEIGHT}, {}
    try:
        posts = int(request.args["posts"])
        radius_km = float(request.args.get("radius_km") or DEFAULT_RADIUS_M / 1000)
        weight = float(request.args.get("weight") or DEFAULT_WEIGHT)
        quota = int(request.args["quota"]) if request.args.get("quota") else None
    except ValueError:
        raise BadRequest("Nombre de postes, rayon, poids et quota : des nombres.") from None
    plan = developer_posts(
        conn,
        posts=posts,
        radius_m=radius_km * 1000,
        parent_code=parent_code or None,
        parent_level=parent_level or None,
        quota_per_region=quota,
        weight=weight,
    )
    args: dict = {"posts": posts, "radius_m": plan["radius_m"], "weight": plan["weight"]}
    if quota is not None:
        args["quota_per_region"] = quota
    if parent_code and parent_level in ("region", "departement"):
        args[parent_level] = parent_code
    form = {"posts": posts, "radius_km": _plain(radius_km), "weight": _plain(weight)}
    return plan, {**form, "quota": "" if quota is None else quota}, args


def _plain(value: float) -> int | float:
    """« 20 », not « 20.0 », in a form field."""
    return int(value) if float(value).is_integer() else value


def _map_plan_url(plan_form: dict, parent_level: str, parent_code: str) -> str:
    """The main map showing the same plan (its posts layer reads these parameters)."""
    keys = ("posts", "radius_km", "weight", "quota")
    args = {k: plan_form[k] for k in keys if plan_form[k] != ""}
    if parent_code and parent_level in ("region", "departement"):
        args[parent_level] = parent_code
    if i18n.current_language() == "en":
        args["lang"] = "en"
    return url_for("maps.index", **args)


def _panel(code: str):
    filters = parse_filters(_args())
    return territory_panel(
        connection(),
        code,
        request.args.get("level") or None,
        kinds=list(filters.kinds) or None,
        rule=filters.rule,
        distance_m=filters.distance_m,
        filters=filters.analysis_filters(),
    )


@bp.get("/api/maps/territory/<code>/communes")
def territory_communes(code: str):
    """Per kind, the territory's communes covered and not covered (`?format=csv`: a file)."""
    from geocoop.maps.communes import communes_csv
    from geocoop.maps.communes import territory_communes as communes_of

    filters = parse_filters(_args())
    answer = communes_of(
        connection(),
        code,
        request.args.get("level") or None,
        kinds=list(filters.kinds) or None,
        rule=filters.rule,
        distance_m=filters.distance_m,
        filters=filters.analysis_filters(),
    )
    if request.args.get("format") == "csv":
        lang = i18n.current_language()
        tr = answer["territory"]
        response = Response(communes_csv(answer, lang), mimetype="text/csv")
        name = f"geocoop-communes-{tr['level']}-{tr['code']}.csv"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return current_app.response_class(
        json.dumps(answer, ensure_ascii=False, default=str), mimetype="application/json"
    )


@bp.get("/api/maps/territory/<code>")
def territory_json(code: str):
    """The territory panel's figures (JSON)."""
    return current_app.response_class(
        json.dumps(_panel(code), ensure_ascii=False, default=str), mimetype="application/json"
    )


@bp.get("/territoires/<code>")
def fiche(code: str):
    """The printable territory fiche."""
    from geocoop.maps.communes import shortened
    from geocoop.maps.communes import territory_communes as communes_of

    panel = _panel(code)
    territory = panel["territory"]
    communes = None
    if territory["level"] != "commune" and panel.get("analysis"):
        filters = parse_filters(_args())
        communes = shortened(
            communes_of(
                connection(),
                territory["code"],
                territory["level"],
                kinds=list(filters.kinds) or None,
                rule=filters.rule,
                distance_m=filters.distance_m,
                filters=filters.analysis_filters(),
            )
        )
    query = request.query_string.decode()
    suffix = f"?{query}" if query else ""
    return render_template(
        "maps/fiche.html",
        panel=panel,
        territory=territory,
        communes=communes,
        # the page's own ?level= (the panel's fiche link carries it) must not clash
        communes_csv=url_for(
            "maps.territory_communes",
            code=territory["code"],
            **{**request.args, "level": territory["level"], "format": "csv"},
        ),
        map_url=url_for("maps.fiche_map", code=code) + suffix,
        posts_map=_posts_map_url(territory),
        download_url=url_for("maps.fiche_map_download", code=code) + suffix,
    )


def _posts_map_url(territory: dict) -> str | None:
    """The main map with the developer-posts plan of the territory's région or département."""
    from geocoop.analysis.planner import DEFAULT_POSTS, DEFAULT_RADIUS_M

    level = territory["level"]
    scope = (level, territory["code"]) if level in ("region", "departement") else None
    if scope is None and territory.get("departement_code"):
        scope = ("departement", territory["departement_code"])  # an EPCI's or commune's own
    if scope is None:
        return None
    return url_for(
        "maps.index",
        posts=DEFAULT_POSTS,
        radius_km=DEFAULT_RADIUS_M // 1000,
        **{scope[0]: scope[1]},
    )


def _folium_map(code: str):
    panel = _panel(code)
    lang = i18n.current_language()
    fmap = folium_maps.territory_map(panel["territory"], panel["cooperations_near"], lang)
    return panel, fmap


@bp.get("/territoires/<code>/carte")
def fiche_map(code: str):
    """The fiche's folium map, under a CSP allowing its inline scripts by hash only.

    The fiche's folium map (shown in a frame), under a CSP allowing its inline scripts
    by hash only.
    """
    _panel_data, fmap = _folium_map(code)
    html, hashes = folium_maps.render_served(fmap, url_for("static", filename=""))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = "; ".join(
        [
            "default-src 'self'",
            "img-src 'self' data:",
            "style-src 'self' 'unsafe-inline'",
            "script-src 'self' " + " ".join(hashes),
            "connect-src 'none'",
            "frame-ancestors 'self'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/territoires/<code>/carte.html")
def fiche_map_download(code: str):
    """A standalone HTML map of the territory that opens offline (assets inlined)."""
    panel, fmap = _folium_map(code)
    territory = panel["territory"]
    html = folium_maps.render_offline(fmap, f"{territory['name']} ({territory['code']})")
    response = Response(html, mimetype="text/html")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="geocoop-{territory["level"]}-{territory["code"]}.html"'
    )
    # opened from our origin it is still a page: keep it script-free there
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
