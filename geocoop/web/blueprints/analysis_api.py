"""Analysis results over HTTP (/api/analysis/…): coverage, white zones, synergies, summaries.

Thin: each view declares its parameters (which also feed the OpenAPI document), reads them
strictly (unknown → 400), calls one function of geocoop.analysis.api and serialises the
result as JSON, CSV (formula-safe cells) or GeoJSON with geometries
(geocoop.features.analysis_geojson: outlines of territories, lines between pairs).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext

from flask import Blueprint, Flask, Response, request

from geocoop.analysis import api
from geocoop.errors import BadRequest
from geocoop.features.analysis_geojson import pair_features, point_features, territory_features
from geocoop.features.analysis_params import (
    FILTERS,
    KIND_CODES,
    LEVELS,
    P_DISTANCE,
    P_KIND,
    P_KINDS,
    P_LEVEL,
    P_LIMIT,
    P_PARENT,
    P_PARENT_LEVEL,
    P_RULE,
    TERRITORY_CODE,
    Param,
    formats,
    read_params,
    to_csv,
)
from geocoop.features.cache import VersionedCache
from geocoop.features.export import features_to_gpkg
from geocoop.web import openapi
from geocoop.web.database import connection
from geocoop.web.http import cached_per_version, finish, json_response, reject_nul
from geocoop.web.limits import heavy

bp = Blueprint("analysis_api", __name__, url_prefix="/api/analysis")
# every answer of this API, kept per data version and URL (geocoop.web.http)
CACHE = "geocoop.analysis.cache"
bp.after_request(finish)
bp.before_request(reject_nul)

GPKG_TYPE = "application/geopackage+sqlite3"
GEOJSON_TYPE = "application/geo+json"
CHILD_LEVEL = {
    "france": "region",
    "region": "departement",
    "departement": "epci",
    "epci": "commune",
}


def read(params: tuple[Param, ...]) -> dict:
    """This request's declared parameters, typed (400 on unknown or invalid ones)."""
    return read_params(params, request.args.to_dict(flat=False))


def respond(data: dict | list, fmt: str, rows: list[dict] | None = None, name: str = "analyse"):
    """JSON, or CSV of `rows` (default: `data` when it is a list)."""
    if fmt == "csv":
        table = rows if rows is not None else data
        response = Response(
            to_csv(table if isinstance(table, list) else [table]), mimetype="text/csv"
        )
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if isinstance(data, list):
        data = {"count": len(data), "items": data}
    return json_response(data)


def geojson(collection: dict) -> Response:
    """A FeatureCollection (`f=geojson`: rows with their geometry, for ogr2ogr and QGIS)."""
    return json_response(collection, GEOJSON_TYPE)


def _filters(args: dict) -> dict | None:
    found = {k: args[k] for k in FILTERS if args.get(k)}
    return found or None


COVERAGE_PARAMS = (
    P_LEVEL,
    P_PARENT,
    P_PARENT_LEVEL,
    P_KINDS,
    P_RULE,
    P_DISTANCE,
    Param(
        "category",
        "list",
        "Catégories retenues.",
        choices=("modelisee", "non_modelisee", "systemique"),
    ),
    Param(
        "socio_economic_model",
        "list",
        "Modèles socio-économiques retenus.",
        choices=("marchande", "non_marchande", "hybride"),
    ),
    Param("stage", "list", "Stades retenus.", choices=("emergence", "operationnelle")),
    formats("json", "csv", "geojson"),
)

# (OpenAPI path, summary, query parameters, path parameters) of every view, in order
ROUTES: list[tuple[str, str, tuple[Param, ...], tuple[tuple[str, dict], ...]]] = []


def route(path: str, summary: str, params: tuple[Param, ...], *path_params: tuple[str, dict]):
    """Register a GET view and declare it for the OpenAPI document."""
    flask_path = path
    for name, schema in path_params:
        converter = "int:" if schema.get("type") == "integer" else ""
        flask_path = flask_path.replace("{" + name + "}", f"<{converter}{name}>")
    ROUTES.append(("/api/analysis" + path, summary, params, path_params))

    def register(view: Callable) -> Callable:
        return bp.get(flask_path)(cached_per_version(CACHE)(view))

    return register


_LEVEL_PATH = ("level", {"type": "string", "enum": [*LEVELS, "france"]})
# a territory's official code, or FR for the level "france"
_CODE_PATH = ("code", {"type": "string", "pattern": TERRITORY_CODE.replace("^(", "^(FR|")})


def _level(level: str) -> str:
    if level not in (*LEVELS, "france"):
        raise BadRequest(f"Niveau inconnu : {level[:20]!r}.")
    return level


@route("/coverage", "Couverture des territoires d'un niveau", COVERAGE_PARAMS)
def coverage():
    """Coverage of every territory of a level (inside a parent), JSON or CSV."""
    a = read(COVERAGE_PARAMS)
    live = a["distance_m"] is not None or _filters(a) is not None or a["f"] != "json"
    with heavy() if live else nullcontext():
        conn = connection()
        rows = api.coverage(
            conn,
            level=a["level"],
            parent_code=a["parent"],
            parent_level=a["parent_level"],
            kinds=a["kind"],
            rule=a["rule"],
            distance_m=a["distance_m"],
            filters=_filters(a),
        )
        if a["f"] == "csv":  # each row carries its data_note
            return respond(rows, a["f"], name=f"couverture-{a['level']}")
        status = api.coverage_status(conn, a["kind"], _filters(a))
        if a["f"] == "geojson":
            return geojson(territory_features(conn, rows, **_status_members(status)))
    data = {"count": len(rows), "items": rows, **_status_members(status)}
    return respond(data, a["f"])


def _status_members(selection: dict) -> dict:
    """The data status (per kind) and how the selection was counted, for JSON answers."""
    rest = {k: v for k, v in selection.items() if k != "data_status"}
    return {"data_status": selection["data_status"], "selection": rest}


SUMMARY_PARAMS = (P_KINDS, P_RULE, formats("json"))


@route(
    "/territories/{level}/{code}",
    "Synthèse d'un territoire",
    SUMMARY_PARAMS,
    _LEVEL_PATH,
    _CODE_PATH,
)
def territory_summary(level: str, code: str):
    """A territory's coverage per kind and the support needs of its cooperations."""
    a = read(SUMMARY_PARAMS)
    conn = connection()
    summary = api.coverage_summary(conn, code, _level(level), kinds=a["kind"], rule=a["rule"])
    if level != "france":
        summary["support"] = api.support_needs_by_territory(conn, level, code)
    return respond(summary, a["f"])


CHILDREN_PARAMS = (
    Param(
        "children_level",
        "string",
        "Niveau des sous-territoires (par défaut le suivant).",
        enum=LEVELS,
    ),
    P_KINDS,
    P_RULE,
    formats("json", "csv", "geojson"),
)


@route(
    "/territories/{level}/{code}/coverage",
    "Couverture d'un territoire et de ses sous-territoires",
    CHILDREN_PARAMS,
    _LEVEL_PATH,
    _CODE_PATH,
)
def territory_coverage(level: str, code: str):
    """The territory's coverage (all kinds asked together) and that of its children."""
    a = read(CHILDREN_PARAMS)
    level = _level(level)
    if level == "commune":
        raise BadRequest("Une commune n'a pas de sous-territoires.")
    child = a["children_level"] or CHILD_LEVEL[level]
    conn = connection()
    summary = api.coverage_summary(conn, code, level, kinds=a["kind"], rule=a["rule"])
    children = api.coverage(
        conn,
        level=child,
        parent_code=None if level == "france" else code,
        parent_level=None if level == "france" else level,
        kinds=a["kind"],
        rule=a["rule"],
    )
    if a["f"] == "geojson":  # the children as features, the territory as a member
        with heavy():
            return geojson(territory_features(conn, children, territory=summary))
    data = {"territory": summary, "children_level": child, "children": children}
    return respond(data, a["f"], rows=children, name=f"couverture-{code}")


EXPLAIN_PARAMS = (P_KIND, formats("json"))


@route(
    "/communes/{code}/explain",
    "Pourquoi une commune est (ou non) couverte",
    EXPLAIN_PARAMS,
    _CODE_PATH,
)
def explain(code: str):
    """Which cooperation, rule and distance make a commune covered by a kind."""
    a = read(EXPLAIN_PARAMS)
    return respond(api.explain_commune(connection(), code, a["kind"]), a["f"])


ZONES_PARAMS = (
    P_KIND,
    P_RULE,
    P_LIMIT,
    P_PARENT,
    P_PARENT_LEVEL,
    Param("geometry", "boolean", "Inclure la géométrie (JSON).", default=False),
    Param(
        "split",
        "string",
        "Découpage des zones : none (zones entières) ou departement (une ligne par zone et "
        "département, avec l'identifiant de la zone entière).",
        enum=("none", "departement"),
        default="none",
    ),
    formats("json", "csv", "geojson", "gpkg"),
)


@route("/white-zones", "Zones blanches d'un type, par population", ZONES_PARAMS)
def white_zones():
    """White zones of a kind, largest population first (JSON, CSV, GeoJSON or GeoPackage)."""
    a = read(ZONES_PARAMS)
    spatial = a["f"] in ("geojson", "gpkg")
    with heavy() if spatial else nullcontext():
        return _white_zones(a, spatial)


def _white_zones(a: dict, spatial: bool):
    conn = connection()
    if a["f"] in ("csv", "gpkg"):
        status = api.require_data(conn, a["kind"], "aucune zone blanche n'est calculée")
    else:
        status = api.data_status(conn).get(a["kind"])
    zones = api.white_zones(
        conn,
        kind=a["kind"],
        rule=a["rule"],
        limit=a["limit"],
        parent_code=a["parent"],
        parent_level=a["parent_level"],
        with_geometry=spatial or a["geometry"],
        split=a["split"] == "departement",
    )
    if a["f"] == "json":
        return respond({"count": len(zones), "items": zones, "data_status": status}, "json")
    if not spatial:
        return respond(zones, a["f"], name=f"zones-blanches-{a['kind']}")
    features = [
        {
            "type": "Feature",
            "id": f"{z['kind']}-{z['id']}",
            "geometry": z.get("geometry"),
            "properties": {k: v for k, v in z.items() if k != "geometry"},
        }
        for z in zones
    ]
    if a["f"] == "geojson":
        return json_response(
            {"type": "FeatureCollection", "features": features, "data_status": status},
            "application/geo+json",
        )
    name = f"zones-blanches-{a['kind']}-{a['rule']}"
    if a["split"] == "departement":
        name += "-par-departement"
    response = Response(features_to_gpkg(features, name), mimetype=GPKG_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.gpkg"'
    return response


EPCI_PARAMS = (P_KIND, P_PARENT, formats("json", "csv", "geojson"))


@route("/epci-without", "EPCI sans aucune coopération d'un type", EPCI_PARAMS)
def epci_without():
    """EPCI with no cooperation of the kind, largest population first."""
    a = read(EPCI_PARAMS)
    conn = connection()
    if a["f"] == "csv":
        api.require_data(conn, a["kind"], "on ne peut pas dire quels EPCI en manquent")
    rows = api.epci_without(conn, a["kind"], parent_code=a["parent"])
    if a["f"] == "csv":
        return respond(rows, a["f"], name=f"epci-sans-{a['kind']}")
    status = api.data_status(conn).get(a["kind"])
    if a["f"] == "geojson":
        return geojson(territory_features(conn, rows, level="epci", data_status=status))
    return respond({"count": len(rows), "items": rows, "data_status": status}, "json")


FUNDER_PARAMS = (
    Param(
        "level",
        "string",
        "Niveau des territoires.",
        enum=("epci", "departement"),
        default="departement",
    ),
    P_PARENT,
    Param("parent_level", "string", "Niveau du parent.", enum=("departement", "region")),
    Param("kind", "string", "Type de coopération (tous par défaut).", enum=KIND_CODES),
    Param(
        "sort",
        "string",
        "Classement : population en zone blanche, coopérations en émergence sans appui, "
        "en émergence, besoins de financement complet.",
        enum=("white_population", "emergence_without_support", "emergence", "financing_full"),
        default="white_population",
    ),
    Param("limit", "integer", "Nombre maximal de territoires.", minimum=1, maximum=2000),
    formats("json", "csv"),
)


@route("/funder-ranking", "Où accompagner, quoi financer ? Territoires classés", FUNDER_PARAMS)
def funder_ranking():
    """EPCI or départements ranked by need (white zones, emergence, financing), JSON or CSV.

    Every figure's source, vintage and rule in the JSON, in columns in the CSV.
    """
    a = read(FUNDER_PARAMS)
    answer = api.funder_ranking(
        connection(),
        level=a["level"],
        parent_code=a["parent"],
        parent_level=a["parent_level"],
        kind=a["kind"],
        sort=a["sort"],
        limit=a["limit"],
    )
    if a["f"] == "csv":
        src = answer["sources"]
        notes = {
            "population_source": f"{src['population']['source']} {src['population']['vintage']}",
            "cooperations_source": src["cooperations"]["source"],
            "white_population_rule": src["white_population"]["rule"],
            "support_rule": src["emergence_without_support"]["rule"],
            "financing_rule": src["financing"]["rule"],
            # the same rules in English, as the white-zone export's reason / reason_en:
            # the CSV linked from an English page must read in English
            "population_source_en": (
                f"{src['population']['source_en']} {src['population']['vintage']}"
            ),
            "white_population_rule_en": src["white_population"]["rule_en"],
            "support_rule_en": src["emergence_without_support"]["rule_en"],
            "financing_rule_en": src["financing"]["rule_en"],
        }
        rows = [{**r, **notes} for r in answer["rows"]]
        return respond(rows, "csv", name=f"ou-accompagner-{a['level']}")
    return respond(answer, "json")


PLANNER_PARAMS = (
    Param("posts", "integer", "Nombre de postes à placer.", default=500, minimum=1, maximum=2000),
    Param(
        "radius_m",
        "number",
        "Rayon d'action d'un poste (m).",
        default=20_000,
        minimum=1_000,
        maximum=100_000,
    ),
    Param("region", "string", "Limiter à une région (code INSEE).", pattern="^[0-9]{2}$"),
    Param(
        "departement",
        "string",
        "Limiter à un département (code INSEE).",
        pattern="^([0-9]{2}|2A|2B|97[1-8])$",
    ),
    Param("quota_per_region", "integer", "Postes au plus par région.", minimum=1, maximum=2000),
    Param(
        "weight",
        "number",
        "Habitants en zone blanche valant une coopération en émergence (choix de geocoop, "
        "l'étude ne donne aucun chiffre).",
        default=5_000,
        minimum=0,
        maximum=1_000_000,
    ),
    formats("json", "csv", "geojson"),
)


@route("/developer-posts", "Où placer les postes de développeurs de coopération", PLANNER_PARAMS)
def developer_posts():
    """The study's developer posts planned greedily: each post with its marginal gain."""
    a = read(PLANNER_PARAMS)
    if a["region"] and a["departement"]:
        raise BadRequest("Une région ou un département, pas les deux.")
    parent = ("region", a["region"]) if a["region"] else ("departement", a["departement"])
    answer = api.developer_posts(
        connection(),
        posts=a["posts"],
        radius_m=a["radius_m"],
        parent_code=parent[1],
        parent_level=parent[0] if parent[1] else None,
        quota_per_region=a["quota_per_region"],
        weight=a["weight"],
    )
    rules = answer["rules"]
    notes = {
        "objective_rule": rules["objective"],
        "reach_rule": rules["reach"],
        "weight_rule": rules["weight"],
        # in English too (as the white-zone export's reason_en): the English page links here
        "objective_rule_en": rules["objective_en"],
        "reach_rule_en": rules["reach_en"],
        "weight_rule_en": rules["weight_en"],
    }
    if a["f"] == "csv":
        rows = [{**r, **notes} for r in answer["posts"]]
        return respond(rows, "csv", name="postes-developpeurs")
    if a["f"] == "geojson":
        members = {k: v for k, v in answer.items() if k != "posts"}
        return geojson(point_features(answer["posts"], **members))
    return respond(answer, "json")


SYNERGY_PARAMS = (
    Param(
        "max_distance_m",
        "number",
        "Distance maximale entre deux coopérations (m).",
        minimum=0,
        maximum=200_000,
    ),
    P_PARENT,
    P_PARENT_LEVEL,
    P_KINDS,
    Param("limit", "integer", "Nombre maximal de paires.", default=100, minimum=1, maximum=5000),
    formats("json", "csv", "geojson"),
)


@route("/synergy-candidates", "Synergies possibles non déclarées", SYNERGY_PARAMS)
def synergy_candidates():
    """Pairs of close, complementary cooperations without a declared partnership."""
    a = read(SYNERGY_PARAMS)
    rows = api.synergy_candidates(
        connection(),
        max_distance_m=a["max_distance_m"],
        parent_code=a["parent"],
        parent_level=a["parent_level"],
        kinds=a["kind"],
        limit=a["limit"],
    )
    if a["f"] == "geojson":  # a line from A to B
        return geojson(pair_features(connection(), rows))
    return respond(rows, a["f"], name="synergies")


LEVEL_PARAMS = (P_LEVEL, P_PARENT, P_PARENT_LEVEL, formats("json", "csv", "geojson"))


@route("/missing-complements", "Territoires ayant un type mais pas son complément", LEVEL_PARAMS)
def missing_complements():
    """Territories that have kind A but lack a complementary kind B."""
    a = read(LEVEL_PARAMS)
    rows = api.missing_complements(connection(), a["level"], a["parent"], a["parent_level"])
    if a["f"] == "geojson":
        with heavy():
            return geojson(territory_features(connection(), rows))
    return respond(rows, a["f"], name="complements-manquants")


@route("/synergy-index", "Indice de synergie par territoire", LEVEL_PARAMS)
def synergy_index():
    """Declared links / potential links, per territory."""
    a = read(LEVEL_PARAMS)
    rows = api.synergy_index(connection(), a["level"], a["parent"], a["parent_level"])
    if a["f"] == "geojson":
        with heavy():
            return geojson(territory_features(connection(), rows))
    return respond(rows, a["f"], name="indice-synergie")


SUPPORT_PARAMS = (formats("json"),)


@route(
    "/cooperations/{cooperation_id}/support-needs",
    "Besoins d'accompagnement et de financement d'une coopération",
    SUPPORT_PARAMS,
    ("cooperation_id", {"type": "integer", "minimum": 1, "maximum": 2_147_483_647}),
)
def support_needs(cooperation_id: int):
    """Accompaniment and financing needs of one cooperation (the study's tables)."""
    a = read(SUPPORT_PARAMS)
    if cooperation_id > 2_147_483_647:
        raise BadRequest("Identifiant de coopération invalide.")
    return respond(api.support_needs(connection(), cooperation_id), a["f"])


def openapi_paths() -> dict:
    """OpenAPI paths of this area (relative to the site root)."""
    problem = {"$ref": "#/components/responses/Problem"}
    paths = {}
    for path, summary, params, path_params in ROUTES:
        formats = next((p.enum for p in params if p.name == "f"), ("json",))
        content = {"application/json": {"schema": {"type": "object"}}}
        if "csv" in formats:
            content["text/csv"] = {"schema": {"type": "string"}}
        if "geojson" in formats:
            content["application/geo+json"] = {"schema": {"type": "object"}}
        parameters = [
            {"name": n, "in": "path", "required": True, "schema": s} for n, s in path_params
        ]
        parameters += [
            {
                "name": p.name,
                "in": "query",
                "required": p.required,
                "style": "form",
                "explode": False,
                "description": p.description,
                "schema": p.schema(),
            }
            for p in params
        ]
        op_id = "analysis_" + path.rsplit("/api/analysis/", 1)[1].replace("/", "_").replace(
            "{", ""
        ).replace("}", "").replace("-", "_")
        paths[path] = {
            "get": {
                "operationId": op_id,
                "summary": summary,
                "tags": ["Analyses"],
                "parameters": parameters,
                "responses": {
                    "200": {"description": "Succès.", "content": content},
                    "400": problem,
                    "404": problem,
                    "409": problem,  # no data loaded for that kind (NoData): never an empty list
                    "429": problem,  # every heavy slot taken (Retry-After)
                    "503": problem,
                },
            }
        }
    return paths


def register(app: Flask) -> None:
    """Wire the analysis endpoints."""
    app.extensions.setdefault(CACHE, VersionedCache(max_entries=512, max_bytes=64 * 1024 * 1024))
    app.register_blueprint(bp)
    openapi.add_paths(app, "analysis_api", openapi_paths)
